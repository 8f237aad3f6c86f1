// clock.cpp: the real and the manual clock. See clock.h.
#include "mock/clock.h"

#include <sys/prctl.h>
#include <time.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <stop_token>

#include "mock/futex.h"

namespace ebsmock::mock {

contracts::Instant RealClock::now() const {
  return std::chrono::time_point_cast<std::chrono::milliseconds>(std::chrono::system_clock::now());
}

std::chrono::nanoseconds delay_timer_slack(contracts::Duration d) {
  using std::chrono::nanoseconds;
  constexpr nanoseconds kLinuxDefault = std::chrono::microseconds(50);
  constexpr nanoseconds kMost = std::chrono::microseconds(500);
  return std::clamp(std::chrono::duration_cast<nanoseconds>(d) / 400, kLinuxDefault, kMost);
}

namespace {

// PR_SET_TIMERSLACK is per thread; remember what this thread last asked for, so a worker
// that sleeps the same delay again makes no system call.
void use_timer_slack(std::chrono::nanoseconds slack) {
  thread_local std::int64_t current = 0;
  if (slack.count() == current) return;
  if (::prctl(PR_SET_TIMERSLACK, static_cast<unsigned long>(slack.count()), 0, 0, 0) == 0) current = slack.count();
}

}  // namespace

bool RealClock::sleep_for(contracts::Duration d, std::stop_token stop) {
  if (stop.stop_requested()) return false;
  if (d.count() <= 0) return true;
  use_timer_slack(fixed_slack_ ? *fixed_slack_ : delay_timer_slack(d));
  // A futex wait on a word only the stop callback writes: the wait ends by its deadline
  // or by the stop request. A condition variable cost a futex_wake system call per sleep
  // as well (futex.h), ~7% of ebsmock's CPU under the delay load.
  timespec deadline{};
  ::clock_gettime(CLOCK_MONOTONIC, &deadline);
  const auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(d).count() + deadline.tv_nsec;
  deadline.tv_sec += static_cast<time_t>(ns / 1'000'000'000);
  deadline.tv_nsec = static_cast<long>(ns % 1'000'000'000);
  std::atomic<std::uint32_t> stopped{0};
  // Its destructor waits for a callback already running, so `stopped` outlives every use.
  std::stop_callback wake(stop, [&stopped] {
    stopped.store(1, std::memory_order_release);
    futex_wake(stopped);
  });
  while (stopped.load(std::memory_order_acquire) == 0) {
    if (!futex_wait(stopped, 0, &deadline)) break;  // the deadline passed
  }
  return !stop.stop_requested();  // false whether stopped during the wait or at its end
}

contracts::Instant ManualClock::now() const {
  std::lock_guard lock(mu_);
  return now_;
}

bool ManualClock::sleep_for(contracts::Duration d, std::stop_token stop) {
  std::unique_lock lock(mu_);
  if (stop.stop_requested()) return false;
  if (d.count() <= 0) return true;
  const contracts::Instant deadline = now_ + d;
  const std::uint64_t releases = releases_;
  ++sleepers_;
  changed_.notify_all();  // wait_for_sleepers() watches the count
  const bool woke = changed_.wait(lock, stop, [&] { return now_ >= deadline || releases_ != releases; });
  --sleepers_;
  changed_.notify_all();
  return woke;
}

bool ManualClock::advance(contracts::Duration by) {
  if (by.count() < 0) return false;
  {
    std::lock_guard lock(mu_);
    now_ += by;
  }
  changed_.notify_all();
  return true;
}

void ManualClock::set(contracts::Instant t) {
  {
    std::lock_guard lock(mu_);
    now_ = t;
  }
  changed_.notify_all();
}

void ManualClock::release_all() {
  {
    std::lock_guard lock(mu_);
    ++releases_;
  }
  changed_.notify_all();
}

std::size_t ManualClock::sleepers() const {
  std::lock_guard lock(mu_);
  return sleepers_;
}

bool ManualClock::wait_for_sleepers(std::size_t n, std::chrono::milliseconds guard) const {
  std::unique_lock lock(mu_);
  return changed_.wait_for(lock, guard, [&] { return sleepers_ >= n; });
}

bool ManualClock::wait_for_no_sleepers(std::chrono::milliseconds guard) const {
  std::unique_lock lock(mu_);
  return changed_.wait_for(lock, guard, [&] { return sleepers_ == 0; });
}

std::shared_ptr<Clock> make_real_clock() { return std::make_shared<RealClock>(); }

}  // namespace ebsmock::mock
