// server_runner_test.cpp: `ebsmock serve`'s lifecycle in-process (mock/server_runner.h):
// it announces "listening on" first, serves, stops when asked (also when asked before it
// got going), and reports a port it cannot take with exit status 2 and a message.
#include <gtest/gtest.h>

#include <condition_variable>
#include <mutex>
#include <sstream>
#include <thread>

#include "mock/server_runner.h"
#include "mock/version.h"
#include "tests/support/mock_server_fixture.h"

namespace ebsmock::testing {
namespace {

// An ostream whose text another thread can wait for, line by line.
class WatchedStream : public std::streambuf {
 public:
  std::ostream stream{this};

  // Blocks until the text holds `needle` (true), or `guard` passes (false).
  bool wait_for(const std::string& needle, std::chrono::seconds guard = std::chrono::seconds(30)) {
    std::unique_lock lock(mu_);
    return cv_.wait_for(lock, guard, [&] { return text_.find(needle) != std::string::npos; });
  }
  std::string text() {
    std::lock_guard lock(mu_);
    return text_;
  }

 private:
  int_type overflow(int_type c) override {
    if (c != traits_type::eof()) {
      std::lock_guard lock(mu_);
      text_ += static_cast<char>(c);
    }
    cv_.notify_all();
    return c;
  }
  std::mutex mu_;
  std::condition_variable cv_;
  std::string text_;
};

mock::ServeConfig config(int port = 0) {
  mock::ServeConfig c{scenarios::load_scenario_string(world_toml(false), "serve.toml"), {}};
  c.server.port = port;
  return c;
}

TEST(ServerRunner, AnnouncesServesAndStopsWhenAsked) {
  WatchedStream out, err;
  std::stop_source stop;
  int status = -1;
  std::thread runner([&] { status = mock::run_until_stopped(config(), stop.get_token(), out.stream, err.stream); });
  ASSERT_TRUE(out.wait_for("\n")) << "no first line";
  const std::string line = out.text();
  ASSERT_TRUE(line.starts_with("listening on http://127.0.0.1:")) << line;
  const int port = std::atoi(line.c_str() + line.rfind(':') + 1);
  auto health = parse_raw_response(raw_exchange(port, "GET /__admin/health HTTP/1.1\r\nHost: x\r\n\r\n"));
  EXPECT_EQ(health.status, 200) << health;
  EXPECT_EQ(health.json["scenario"], "test");
  EXPECT_EQ(health.json["version"], std::string(version()));
  stop.request_stop();
  runner.join();
  EXPECT_EQ(status, 0);
  EXPECT_NE(err.text().find("ebsmock " + std::string(version()) + ": scenario 'test', seed 7"), std::string::npos)
      << err.text();
  EXPECT_NE(err.text().find("ebsmock: stopped"), std::string::npos) << err.text();
}

TEST(ServerRunner, AStopRequestedBeforeItStartsIsNotLost) {
  WatchedStream out, err;
  std::stop_source stop;
  stop.request_stop();
  EXPECT_EQ(mock::run_until_stopped(config(), stop.get_token(), out.stream, err.stream), 0);
  EXPECT_TRUE(out.text().starts_with("listening on")) << out.text();
}

TEST(ServerRunner, APortInUseIsExitStatusTwoWithAMessage) {
  MockServer taken(world_toml(false));
  WatchedStream out, err;
  std::stop_source stop;
  EXPECT_EQ(mock::run_until_stopped(config(taken.port()), stop.get_token(), out.stream, err.stream), 2);
  EXPECT_EQ(out.text(), "");
  EXPECT_NE(err.text().find("cannot listen on 127.0.0.1:" + std::to_string(taken.port())), std::string::npos)
      << err.text();
}

TEST(ServerRunner, APlantedBugIsAnnouncedLoudly) {
  WatchedStream out, err;
  std::stop_source stop;
  stop.request_stop();
  auto c = config();
  c.server.service.mutant = mock::ServerMutant::WrongErrorCode;
  EXPECT_EQ(mock::run_until_stopped(std::move(c), stop.get_token(), out.stream, err.stream), 0);
  EXPECT_NE(err.text().find("PLANTED BUG wrong-error-code"), std::string::npos) << err.text();
}

}  // namespace
}  // namespace ebsmock::testing
