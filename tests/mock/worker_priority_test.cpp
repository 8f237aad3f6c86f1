// worker_priority_test.cpp: the request workers run `worker_nice` steps below the thread
// that started them, so a client on the same cores gets its CPU first
// (HttpServerOptions::worker_nice). Each test reads the nice value the kernel keeps for
// the one thread in question (getpriority with a thread id, /proc/PID/task/TID/stat); the
// test thread's own priority is never changed, since an unprivileged process could not
// raise it again.
#include <gtest/gtest.h>
#include <sys/resource.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <filesystem>
#include <fstream>
#include <future>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "mock/elastic_thread_pool.h"
#include "mock/http_server.h"
#include "tests/support/command_line.h"
#include "tests/support/served_process.h"
#include "tests/support/socket_client.h"

namespace ebsmock::testing {
namespace {

int this_thread_nice() {
  errno = 0;
  const int nice = ::getpriority(PRIO_PROCESS, static_cast<id_t>(::gettid()));
  EXPECT_EQ(errno, 0);
  return nice;
}

// The nice value of the pool's worker that runs a task.
int nice_of_a_worker(mock::ElasticThreadPool& pool) {
  std::promise<int> seen;
  pool.enqueue([&seen] { seen.set_value(this_thread_nice()); });
  return seen.get_future().get();
}

TEST(WorkerPriority, APoolsWorkersRunTheGivenStepsBelowTheirStarter) {
  const int base = this_thread_nice();
  if (base > 19 - 3) GTEST_SKIP() << "this process already runs at nice " << base;
  mock::ElasticThreadPool pool(1, 4, 3);
  EXPECT_EQ(nice_of_a_worker(pool), base + 3);
  // A worker the pool grows later starts from the enqueuing thread's priority too: hold the
  // first worker so the second task needs a new one.
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  pool.enqueue([released] { released.wait(); });
  EXPECT_EQ(nice_of_a_worker(pool), base + 3);
  release.set_value();
  EXPECT_EQ(this_thread_nice(), base) << "the test thread was lowered too";
}

TEST(WorkerPriority, ZeroStepsLeaveTheWorkersAsTheirStarter) {
  const int base = this_thread_nice();
  mock::ElasticThreadPool pool(1, 4, 0);
  EXPECT_EQ(nice_of_a_worker(pool), base);
}

// A handler that remembers the priority of the worker it ran on.
class PriorityProbe final : public mock::RequestHandler {
 public:
  mock::ConnectionAction handle(const mock::RawRequest&, std::stop_token) override {
    seen = this_thread_nice();
    return mock::Respond{mock::Answer{200, "{}"}};
  }
  mock::Answer on_http_failure(mock::HttpFailure, int status, std::string_view, const mock::RawRequest&) override {
    return mock::Answer{status, "{}"};
  }
  std::atomic<int> seen{-100};
};

TEST(WorkerPriority, HttpServersHandlersRunTenStepsBelowByDefault) {
  const int base = this_thread_nice();
  if (base > 19 - 10) GTEST_SKIP() << "this process already runs at nice " << base;
  PriorityProbe probe;
  mock::HttpServer server(probe);
  const int port = server.bind("127.0.0.1", 0);
  ASSERT_GT(port, 0);
  std::thread serving([&] { server.run(); });
  Socket client = Socket::connect(port);
  ASSERT_TRUE(client.send_all("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"));
  EXPECT_NE(client.read_response(), "");
  server.stop();
  serving.join();
  EXPECT_EQ(probe.seen.load(), base + 10);
  EXPECT_EQ(mock::HttpServerOptions{}.worker_nice, 10);
}

// Field 19 of /proc/PID/task/TID/stat, counted after the parenthesised command name.
std::vector<std::pair<int, int>> thread_nice_values(pid_t pid) {
  std::vector<std::pair<int, int>> threads;
  for (const auto& task : std::filesystem::directory_iterator("/proc/" + std::to_string(pid) + "/task")) {
    std::ifstream in(task.path() / "stat");
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    const auto after_name = text.rfind(") ");
    if (after_name == std::string::npos) continue;
    std::istringstream fields(text.substr(after_name + 2));
    std::string field;
    for (int i = 3; i <= 19 && fields >> field; ++i) {
    }
    threads.emplace_back(std::stoi(task.path().filename().string()), std::stoi(field));
  }
  return threads;
}

TEST(WorkerPriority, ServeTakesWorkerNiceAndLeavesItsMainThreadAlone) {
  const int base = this_thread_nice();
  if (base > 19 - 3) GTEST_SKIP() << "this process already runs at nice " << base;
  ServedProcess served({"serve", "--port", "0", "--worker-nice", "3"});
  ASSERT_GT(served.port(), 0) << served.first_line();
  Socket client = Socket::connect(served.port());
  ASSERT_TRUE(client.send_all("GET /__admin/health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"));
  ASSERT_NE(client.read_response(), "");
  int lowered = 0;
  for (const auto& [tid, nice] : thread_nice_values(served.pid())) {
    if (tid == served.pid()) {
      EXPECT_EQ(nice, base) << "the main thread";
    }
    if (nice == base + 3) ++lowered;
    EXPECT_TRUE(nice == base || nice == base + 3) << "thread " << tid << " at nice " << nice;
  }
  EXPECT_GE(lowered, 1) << "no worker runs at nice " << base + 3;
}

TEST(WorkerPriority, ServeRefusesANiceOutsideZeroToNineteen) {
  for (const char* bad : {"20", "-1", "ten"}) {
    // `timeout`: a serve that took the value would listen until killed.
    const auto run = test::run_command("timeout 30 '" + std::string(EBSMOCK_BINARY) +
                                       "' serve --port 0 --worker-nice " + bad);
    EXPECT_NE(run.exit_code, 0) << bad;
    EXPECT_NE(run.output.find("--worker-nice"), std::string::npos) << run.output;
  }
}

}  // namespace
}  // namespace ebsmock::testing
