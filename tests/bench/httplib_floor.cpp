// httplib_floor.cpp: the bench's "HTTP layer only" baseline: ebsmock's own HttpServer
// (cpp-httplib 0.11.4 with its elastic worker pool, TCP_NODELAY, 1,000 requests per
// keep-alive connection, a SOMAXCONN backlog) carrying a trivial RequestHandler that
// answers a fixed body, optionally after waiting on the same RealClock an injected delay
// waits on. What ebsmock cannot beat without replacing its HTTP layer: the gap between
// this row and nginx is cpp-httplib's, the gap between this row and ebsmock is ebsmock's
// own work. Being the real HttpServer, it cannot drift from ebsmock's server settings.
//   bench_httplib_floor --port N --body FILE [--delay-ms MS]
//                       [--min-threads N] [--stack-kb N] [--timer-slack-us N]
//                       [--busy-us N] [--locked-us N]
// The rest are the floor-settings experiments (tests/bench/floor_settings.sh):
// pre-spawned workers, worker stack size, and a fixed timer slack for the delay's sleep
// instead of RealClock's own (50 = Linux's default, what ebsmock had before); and, for
// its tail mode, CPU work per request (--busy-us), and work done while holding one lock
// every worker shares (--locked-us; the SpinningMutex ebsmock's world is behind), so the
// floor can be given ebsmock's extra cost with and without ebsmock's serialisation.
// Runs until killed. Thread-safety: handlers share read-only state and, with --locked-us,
// one lock.
#include <pthread.h>
#include <time.h>

#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <mutex>
#include <sstream>
#include <string>
#include <string_view>

#include "mock/clock.h"
#include "mock/http_server.h"
#include "mock/spinning_mutex.h"

namespace {

// Burns CPU for a given time without a system call (a system call would be a point where
// the kernel may switch threads that plain work does not offer): a loop of dependent
// multiplications, its rate per microsecond measured once at start on the thread's CPU
// clock (20 ms; not when no work was asked, so the plain floor starts as before).
class Burner {
 public:
  explicit Burner(bool needed) {
    if (!needed) return;
    constexpr long kCalibrationNs = 20'000'000;
    const long from = thread_cpu_ns();
    std::uint64_t rounds = 0;
    while (thread_cpu_ns() - from < kCalibrationNs) {
      spin(10'000);
      rounds += 10'000;
    }
    per_us_ = rounds * 1000 / kCalibrationNs;
  }
  void burn_us(long us) const {
    if (us > 0) spin(static_cast<std::uint64_t>(us) * per_us_);
  }

 private:
  static long thread_cpu_ns() {
    timespec t{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return t.tv_sec * 1'000'000'000L + t.tv_nsec;
  }
  static void spin(std::uint64_t rounds) {
    std::uint64_t x = rounds;
    for (std::uint64_t i = 0; i < rounds; ++i) {
      x = x * 6364136223846793005ULL + 1442695040888963407ULL;
      asm volatile("" : "+r"(x));  // kept: the compiler may not fold the loop away
    }
  }
  std::uint64_t per_us_ = 0;
};

class FixedAnswer final : public ebsmock::mock::RequestHandler {
 public:
  FixedAnswer(std::string body, int delay_ms, long slack_us, long busy_us, long locked_us)
      : body_(std::move(body)), delay_(delay_ms),
        clock_(slack_us >= 0 ? ebsmock::mock::RealClock(std::chrono::microseconds(slack_us))
                             : ebsmock::mock::RealClock()),
        busy_us_(busy_us), locked_us_(locked_us) {}

  ebsmock::mock::ConnectionAction handle(const ebsmock::mock::RawRequest&, std::stop_token stop) override {
    if (delay_.count() > 0) clock_.sleep_for(delay_, stop);
    burner_.burn_us(busy_us_);
    if (locked_us_ > 0) {
      std::lock_guard lock(shared_);
      burner_.burn_us(locked_us_);
    }
    return ebsmock::mock::Respond{ebsmock::mock::Answer{200, body_}};
  }
  ebsmock::mock::Answer on_http_failure(ebsmock::mock::HttpFailure, int status, std::string_view,
                                        const ebsmock::mock::RawRequest&) override {
    return ebsmock::mock::Answer{status, "{}"};
  }

 private:
  const std::string body_;
  const ebsmock::contracts::Duration delay_;
  ebsmock::mock::RealClock clock_;
  const long busy_us_, locked_us_;
  const Burner burner_{busy_us_ > 0 || locked_us_ > 0};
  ebsmock::mock::SpinningMutex shared_;
};

}  // namespace

int main(int argc, char** argv) {
  int port = 0;
  int delay_ms = 0;
  long min_threads = -1, stack_kb = 0, slack_us = -1, busy_us = 0, locked_us = 0;
  std::string body_file;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string_view flag = argv[i];
    if (flag == "--port") port = std::atoi(argv[i + 1]);
    else if (flag == "--delay-ms") delay_ms = std::atoi(argv[i + 1]);
    else if (flag == "--body") body_file = argv[i + 1];
    else if (flag == "--min-threads") min_threads = std::atol(argv[i + 1]);
    else if (flag == "--stack-kb") stack_kb = std::atol(argv[i + 1]);
    else if (flag == "--timer-slack-us") slack_us = std::atol(argv[i + 1]);
    else if (flag == "--busy-us") busy_us = std::atol(argv[i + 1]);
    else if (flag == "--locked-us") locked_us = std::atol(argv[i + 1]);
    else {
      std::cerr << "bench_httplib_floor: unknown flag " << flag << "\n";
      return 2;
    }
  }
  std::ifstream in(body_file);
  if (port <= 0 || !in) {
    std::cerr << "usage: bench_httplib_floor --port N --body FILE [--delay-ms MS] [--min-threads N] [--stack-kb N] "
                 "[--timer-slack-us N] [--busy-us N] [--locked-us N]\n";
    return 2;
  }
  std::stringstream buf;
  buf << in.rdbuf();
  FixedAnswer handler(buf.str(), delay_ms, slack_us, busy_us, locked_us);
  if (stack_kb > 0) {
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setstacksize(&attr, static_cast<std::size_t>(stack_kb) * 1024);
    pthread_setattr_default_np(&attr);
  }
  ebsmock::mock::HttpServerOptions options;
  if (min_threads >= 0) options.min_threads = static_cast<std::size_t>(min_threads);
  ebsmock::mock::HttpServer server(handler, options);
  if (server.bind("127.0.0.1", port) < 0) {
    std::cerr << "bench_httplib_floor: cannot listen on 127.0.0.1:" << port << "\n";
    return 2;
  }
  return server.run() ? 0 : 2;
}
