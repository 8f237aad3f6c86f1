// httplib_floor.cpp: the bench's "HTTP layer only" baseline: ebsmock's own HttpServer
// (cpp-httplib 0.11.4 with its elastic worker pool, TCP_NODELAY, 1,000 requests per
// keep-alive connection, a SOMAXCONN backlog) carrying a trivial RequestHandler that
// answers a fixed body, optionally after waiting on the same RealClock an injected delay
// waits on. What ebsmock cannot beat without replacing its HTTP layer: the gap between
// this row and nginx is cpp-httplib's, the gap between this row and ebsmock is ebsmock's
// own work. Being the real HttpServer, it cannot drift from ebsmock's server settings.
//   bench_httplib_floor --port N --body FILE [--delay-ms MS]
//                       [--min-threads N] [--stack-kb N] [--timer-slack-us N]
//                       [--busy-us N] [--locked-us N] [--lock-stripes N] [--shared-percent P]
//                       [--rw-spin 0|1] [--worker-nice N]
// --worker-nice N sets HttpServerOptions::worker_nice (the default is ebsmock's own), so
// the throughput section can show both servers with their workers at the same priority as
// the client. The rest are the floor-settings experiments (tests/bench/floor_settings.sh):
// pre-spawned workers, worker stack size, and a fixed timer slack for the delay's sleep
// instead of RealClock's own (50 = Linux's default, what ebsmock had before); and, for
// its tail mode, CPU work per request (--busy-us), and work done while holding one lock
// every worker shares (--locked-us; the SpinningMutex ebsmock's world is behind), so the
// floor can be given ebsmock's extra cost with and without ebsmock's serialisation.
// --lock-stripes N spreads the locked work over N locks, a request taking one at random
// (what locks per resource would give: a descheduled holder stops only its stripe);
// --shared-percent P takes one reader-writer lock shared for P% of the requests and
// exclusive for the rest (what serving reads under a shared lock would give): glibc's
// writer-preferring rwlock, or with --rw-spin 1 one that spins first like SpinningMutex.
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
#include <vector>

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

// A reader-writer lock that spins before it sleeps, like SpinningMutex: for --shared-percent
// with --rw-spin, so the shared-reads experiment is not also a spinning-against-sleeping
// one. Writers are preferred: a waiting writer stops new readers. Sleepers are all woken
// (a few on two cores). The experiment's only; correct but not tuned.
class SpinningSharedMutex {
 public:
  void lock_shared() {
    acquire([this](std::uint32_t s) {
      if (s & (kWriter | kWriterWaiting)) return Step::Wait;
      return state_.compare_exchange_weak(s, s + 1, std::memory_order_acquire) ? Step::Taken : Step::Retry;
    });
  }
  void unlock_shared() {
    const std::uint32_t s = state_.fetch_sub(1, std::memory_order_release) - 1;
    if ((s & kReaders) == 0 && (s & kSleepers)) wake();
  }
  void lock() {
    acquire([this](std::uint32_t s) {
      if (!(s & (kWriter | kReaders))) {
        return state_.compare_exchange_weak(s, (s & kSleepers) | kWriter, std::memory_order_acquire) ? Step::Taken
                                                                                                      : Step::Retry;
      }
      if (s & kWriterWaiting) return Step::Wait;
      state_.compare_exchange_weak(s, s | kWriterWaiting, std::memory_order_relaxed);
      return Step::Retry;
    });
  }
  void unlock() {
    const std::uint32_t s = state_.fetch_and(~kWriter, std::memory_order_release);
    if (s & kSleepers) wake();
  }

 private:
  static constexpr std::uint32_t kWriter = 1u << 31, kWriterWaiting = 1u << 30, kSleepers = 1u << 29,
                                 kReaders = kSleepers - 1;
  static constexpr int kSpins = 1000;
  enum class Step { Taken, Retry, Wait };
  // Reads the state and gives it to `step` until it took the lock: at once again after
  // Retry (the state moved), after a pause or a sleep on Wait (spins first, then sleeps).
  template <class StepFn>
  void acquire(StepFn step) {
    for (int i = 0;; ++i) {
      const std::uint32_t s = state_.load(std::memory_order_relaxed);
      const Step next = step(s);
      if (next == Step::Taken) return;
      if (next == Step::Retry) continue;
      if (i < kSpins) {
        __builtin_ia32_pause();
      } else {
        sleep_while(s);
      }
    }
  }
  void sleep_while(std::uint32_t s) {
    if (!(s & kSleepers) && !state_.compare_exchange_strong(s, s | kSleepers, std::memory_order_relaxed)) return;
    ebsmock::mock::futex_wait(state_, s | kSleepers);
  }
  void wake() {
    state_.fetch_and(~kSleepers, std::memory_order_relaxed);
    ebsmock::mock::futex_wake(state_);
  }
  std::atomic<std::uint32_t> state_{0};
};

// glibc's reader-writer lock, writer-preferring (a world lock must not starve its writers
// behind a stream of readers), with the shared-mutex interface SpinningSharedMutex has, so
// one code path takes either.
class WriterPreferringRwLock {
 public:
  WriterPreferringRwLock() {
    pthread_rwlockattr_t attr;
    pthread_rwlockattr_init(&attr);
    pthread_rwlockattr_setkind_np(&attr, PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP);
    pthread_rwlock_init(&rw_, &attr);
    pthread_rwlockattr_destroy(&attr);
  }
  WriterPreferringRwLock(const WriterPreferringRwLock&) = delete;
  WriterPreferringRwLock& operator=(const WriterPreferringRwLock&) = delete;
  ~WriterPreferringRwLock() { pthread_rwlock_destroy(&rw_); }
  void lock_shared() { pthread_rwlock_rdlock(&rw_); }
  void unlock_shared() { pthread_rwlock_unlock(&rw_); }
  void lock() { pthread_rwlock_wrlock(&rw_); }
  void unlock() { pthread_rwlock_unlock(&rw_); }

 private:
  pthread_rwlock_t rw_;
};

class FixedAnswer final : public ebsmock::mock::RequestHandler {
 public:
  FixedAnswer(std::string body, int delay_ms, long slack_us, long busy_us, long locked_us, long stripes,
              long shared_percent, bool rw_spin)
      : body_(std::move(body)), delay_(delay_ms),
        clock_(slack_us >= 0 ? ebsmock::mock::RealClock(std::chrono::microseconds(slack_us))
                             : ebsmock::mock::RealClock()),
        busy_us_(busy_us), locked_us_(locked_us), shared_percent_(shared_percent), rw_spin_(rw_spin),
        stripes_(static_cast<std::size_t>(stripes > 0 ? stripes : 1)) {}

  ebsmock::mock::ConnectionAction handle(const ebsmock::mock::RawRequest&, std::stop_token stop) override {
    if (delay_.count() > 0) clock_.sleep_for(delay_, stop);
    burner_.burn_us(busy_us_);
    if (locked_us_ > 0 && shared_percent_ >= 0) {
      if (rw_spin_) {
        burn_under(spinning_rw_);
      } else {
        burn_under(glibc_rw_);
      }
    } else if (locked_us_ > 0) {
      std::lock_guard lock(stripes_[stripes_.size() == 1 ? 0 : next_random() % stripes_.size()]);
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
  // The locked work under a reader-writer lock, taken shared for shared_percent_% of the
  // requests and exclusive for the rest.
  template <class SharedLock>
  void burn_under(SharedLock& rw) {
    if (static_cast<long>(next_random() % 100) < shared_percent_) {
      rw.lock_shared();
      burner_.burn_us(locked_us_);
      rw.unlock_shared();
    } else {
      std::lock_guard lock(rw);
      burner_.burn_us(locked_us_);
    }
  }

  // Per thread, not contracts::SeededRandom: that one is behind a lock, and a lock shared
  // by every request would be part of what the lock experiments measure.
  static std::uint64_t next_random() {
    thread_local std::uint64_t x = reinterpret_cast<std::uintptr_t>(&x) | 1;  // xorshift64, per thread
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return x;
  }

  const long busy_us_, locked_us_, shared_percent_;
  const bool rw_spin_;
  SpinningSharedMutex spinning_rw_;
  const Burner burner_{busy_us_ > 0 || locked_us_ > 0};
  std::vector<ebsmock::mock::SpinningMutex> stripes_;
  WriterPreferringRwLock glibc_rw_;
};

}  // namespace

int main(int argc, char** argv) {
  int port = 0;
  int delay_ms = 0;
  long min_threads = -1, stack_kb = 0, slack_us = -1, busy_us = 0, locked_us = 0, stripes = 1, shared_percent = -1, rw_spin = 0;
  long worker_nice = -1;
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
    else if (flag == "--lock-stripes") stripes = std::atol(argv[i + 1]);
    else if (flag == "--shared-percent") shared_percent = std::atol(argv[i + 1]);
    else if (flag == "--rw-spin") rw_spin = std::atol(argv[i + 1]);
    else if (flag == "--worker-nice") worker_nice = std::atol(argv[i + 1]);
    else {
      std::cerr << "bench_httplib_floor: unknown flag " << flag << "\n";
      return 2;
    }
  }
  std::ifstream in(body_file);
  if (port <= 0 || !in) {
    std::cerr << "usage: bench_httplib_floor --port N --body FILE [--delay-ms MS] [--min-threads N] [--stack-kb N] "
                 "[--timer-slack-us N] [--busy-us N] [--locked-us N] [--lock-stripes N] [--shared-percent P] [--rw-spin 0|1] [--worker-nice N]\n";
    return 2;
  }
  std::stringstream buf;
  buf << in.rdbuf();
  FixedAnswer handler(buf.str(), delay_ms, slack_us, busy_us, locked_us, stripes, shared_percent, rw_spin != 0);
  if (stack_kb > 0) {
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setstacksize(&attr, static_cast<std::size_t>(stack_kb) * 1024);
    pthread_setattr_default_np(&attr);
  }
  ebsmock::mock::HttpServerOptions options;
  if (min_threads >= 0) options.min_threads = static_cast<std::size_t>(min_threads);
  if (worker_nice >= 0) options.worker_nice = static_cast<int>(worker_nice);
  ebsmock::mock::HttpServer server(handler, options);
  if (server.bind("127.0.0.1", port) < 0) {
    std::cerr << "bench_httplib_floor: cannot listen on 127.0.0.1:" << port << "\n";
    return 2;
  }
  return server.run() ? 0 : 2;
}
