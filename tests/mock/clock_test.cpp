// clock_test.cpp: the time seam. A ManualClock's sleepers wake exactly when the test says
// (advance past their deadline, release_all, or their stop token), never on their own;
// RealClock's waits end early on a stop request, last at least their duration, and ask
// the kernel for their timer slack. No test here waits on wall time to pass, except the
// RealClock sleeps that measure their own length (1, 20 and 5 ms) and one 1 ms sleep
// whose slack is read back.
#include <gtest/gtest.h>
#include <sys/prctl.h>

#include <atomic>
#include <thread>

#include "mock/clock.h"

namespace ebsmock::mock {
namespace {

using namespace std::chrono_literals;
const contracts::Instant kStart = contracts::Instant{} + 1000h;

// Runs clock.sleep_for(d, stop) on a thread; `woke` and `result` tell what happened.
struct Sleeper {
  std::atomic<bool> done{false};
  std::atomic<bool> result{false};
  std::thread thread;
  Sleeper(Clock& clock, contracts::Duration d, std::stop_token stop = {}) {
    thread = std::thread([&, d, stop] {
      result = clock.sleep_for(d, stop);
      done = true;
    });
  }
  ~Sleeper() {
    if (thread.joinable()) thread.join();
  }
};

TEST(ManualClock, ReadsOnlyWhatItIsTold) {
  ManualClock c(kStart);
  EXPECT_EQ(c.now(), kStart);
  EXPECT_TRUE(c.advance(1500ms));
  EXPECT_EQ(c.now(), kStart + 1500ms);
  EXPECT_FALSE(c.advance(-1ms));
  EXPECT_EQ(c.now(), kStart + 1500ms);
  c.set(kStart);
  EXPECT_EQ(c.now(), kStart);
}

TEST(ManualClock, ASleeperWakesWhenTheClockPassesItsDeadlineAndNotBefore) {
  ManualClock c(kStart);
  Sleeper s(c, 400ms);
  ASSERT_TRUE(c.wait_for_sleepers(1));
  c.advance(399ms);
  // Still asleep: the sleeper is counted until it returns.
  EXPECT_EQ(c.sleepers(), 1u);
  EXPECT_FALSE(s.done);
  c.advance(1ms);
  s.thread.join();
  EXPECT_TRUE(s.result);
  EXPECT_EQ(c.sleepers(), 0u);
}

TEST(ManualClock, ReleaseAllWakesEverySleeperWithoutMovingTime) {
  ManualClock c(kStart);
  Sleeper a(c, 1h), b(c, 24h);
  ASSERT_TRUE(c.wait_for_sleepers(2));
  c.release_all();
  a.thread.join();
  b.thread.join();
  EXPECT_TRUE(a.result);
  EXPECT_TRUE(b.result);
  EXPECT_EQ(c.now(), kStart);
  // A later sleeper is not released by an earlier release_all.
  Sleeper later(c, 1s);
  ASSERT_TRUE(c.wait_for_sleepers(1));
  EXPECT_FALSE(later.done);
  c.advance(1s);
}

TEST(ManualClock, AStopRequestEndsTheSleepWithFalse) {
  ManualClock c(kStart);
  std::stop_source stop;
  Sleeper s(c, 1h, stop.get_token());
  ASSERT_TRUE(c.wait_for_sleepers(1));
  stop.request_stop();
  s.thread.join();
  EXPECT_FALSE(s.result);
  ASSERT_TRUE(c.wait_for_no_sleepers());
  // Already stopped: no wait at all.
  EXPECT_FALSE(c.sleep_for(1h, stop.get_token()));
  // Nothing to wait for: returns at once.
  EXPECT_TRUE(c.sleep_for(0ms, {}));
}

TEST(RealClock, AStopRequestEndsTheSleepWithFalse) {
  RealClock c;
  std::stop_source stop;
  std::atomic<bool> result{true};
  std::atomic<bool> started{false};
  std::thread t([&] {
    started = true;
    result = c.sleep_for(1h, stop.get_token());
  });
  while (!started) std::this_thread::yield();
  stop.request_stop();  // before or during the wait: either way it ends with false
  t.join();
  EXPECT_FALSE(result);
  EXPECT_TRUE(c.sleep_for(0ms, {}));
}

TEST(RealClock, ASleepLastsAtLeastItsDurationAndReturnsTrue) {
  RealClock c;
  std::stop_source stop;  // a token that can be stopped: a stop callback is registered
  for (auto d : {1ms, 20ms}) {
    const auto from = std::chrono::steady_clock::now();
    EXPECT_TRUE(c.sleep_for(d, stop.get_token()));
    EXPECT_GE(std::chrono::steady_clock::now() - from, d);
  }
  const auto from = std::chrono::steady_clock::now();
  EXPECT_TRUE(c.sleep_for(5ms, {}));  // a token that cannot be stopped
  EXPECT_GE(std::chrono::steady_clock::now() - from, 5ms);
}

TEST(RealClock, ASleepsTimerSlackIsAQuarterPercentOfItBetween50And500Microseconds) {
  using std::chrono::microseconds;
  EXPECT_EQ(delay_timer_slack(200ms), microseconds(500));
  EXPECT_EQ(delay_timer_slack(100ms), microseconds(250));
  EXPECT_EQ(delay_timer_slack(20ms), microseconds(50));  // Linux's default: short delays stay as exact as before
  EXPECT_EQ(delay_timer_slack(1ms), microseconds(50));
  EXPECT_EQ(delay_timer_slack(1h), microseconds(500));
}

TEST(RealClock, ASleepAsksTheKernelForItsTimerSlack) {
  // PR_SET_TIMERSLACK is per thread: read it back on the sleeping thread.
  long seen = -1;
  std::thread t([&] {
    RealClock c(std::chrono::microseconds(300));
    c.sleep_for(1ms, {});
    seen = ::prctl(PR_GET_TIMERSLACK, 0, 0, 0, 0);
  });
  t.join();
  EXPECT_EQ(seen, 300'000);
}

}  // namespace
}  // namespace ebsmock::mock
