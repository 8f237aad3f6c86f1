// clock.h: the time seam of the mock. A Clock both reads time and waits, and every wait
// can be cut short by a std::stop_token, so nothing in the mock sleeps on the system
// clock behind a test's back:
//  - the WORLD clock drives transient statuses, CreateTime, LastRecoverPoint and token
//    expiry: RealClock, or a ManualClock that the admin API advances ([clock] virtual);
//  - the WAIT clock is what injected delays, hang caps and shutdown wait on: RealClock in
//    `serve` (a real SDK times out on wall time), a ManualClock in tests, which releases
//    sleepers only when the test advances it or calls release_all();
//  - the WALL clock checks signature timestamps (a client signs with its own real time).
// A delay never moves world time, even on a virtual world clock: it models latency on the
// wire, and a world whose statuses moved with the number of delays that fired would no
// longer be reproducible from scenario + seed + requests.
// All implementations are thread-safe.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <stop_token>

#include "contracts/time.h"

namespace ebsmock::mock {

class Clock {
 public:
  virtual ~Clock() = default;
  virtual contracts::Instant now() const = 0;
  // Waits until `d` has passed on this clock. Returns false, early, when `stop` is
  // requested (before or during the wait); true when the time passed.
  virtual bool sleep_for(contracts::Duration d, std::stop_token stop) = 0;
};

// The timer slack a real sleep of `d` asks the kernel for (PR_SET_TIMERSLACK): up to
// 0.25% of the sleep, between Linux's default 50 us and 500 us. Letting the kernel end
// nearby sleeps with one timer interrupt is what lowers the CPU of a thousand concurrent
// injected delays (RESULTS.md, "Delay: lowering the floor"); a 200 ms delay may end up
// to 0.5 ms late, a 20 ms one no later than with the default.
std::chrono::nanoseconds delay_timer_slack(contracts::Duration d);

class RealClock final : public Clock {
 public:
  RealClock() = default;
  // Every sleep with this slack instead of delay_timer_slack's (the bench's floor
  // settings experiments: 50 us is Linux's default, what every sleep had before).
  explicit RealClock(std::chrono::nanoseconds fixed_slack) : fixed_slack_(fixed_slack) {}

  contracts::Instant now() const override;
  bool sleep_for(contracts::Duration d, std::stop_token stop) override;

 private:
  std::optional<std::chrono::nanoseconds> fixed_slack_;
};

// Time moves only when told to. Sleepers wake when advance()/set() carries the clock past
// their deadline, when release_all() is called, or when their stop token fires.
class ManualClock final : public Clock {
 public:
  explicit ManualClock(contracts::Instant start = contracts::Instant{}) : now_(start) {}

  contracts::Instant now() const override;
  bool sleep_for(contracts::Duration d, std::stop_token stop) override;

  // Moves the clock forward (a negative `by` is refused: false).
  bool advance(contracts::Duration by);
  void set(contracts::Instant t);
  // Wakes every current sleeper as if its time had passed, without moving the clock.
  void release_all();

  // Threads currently inside sleep_for.
  std::size_t sleepers() const;
  // Blocks until at least `n` threads sleep on this clock: how a test knows the code
  // under test reached its wait, without guessing a duration. `guard` is real time and
  // only keeps a broken test from hanging forever (false when it expires first).
  bool wait_for_sleepers(std::size_t n,
                         std::chrono::milliseconds guard = std::chrono::seconds(60)) const;
  // Blocks until nobody sleeps on this clock (e.g. a hold ended because its peer left).
  bool wait_for_no_sleepers(std::chrono::milliseconds guard = std::chrono::seconds(60)) const;

 private:
  mutable std::mutex mu_;
  mutable std::condition_variable_any changed_;
  contracts::Instant now_;
  std::size_t sleepers_ = 0;
  std::uint64_t releases_ = 0;  // bumped by release_all(); a sleeper compares its snapshot
};

std::shared_ptr<Clock> make_real_clock();

}  // namespace ebsmock::mock
