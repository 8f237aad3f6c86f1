// clock.h: injected sources of time for the mock.
//  - Clock::now() is WORLD time: it drives transient statuses, CreateTime,
//    LastRecoverPoint, token expiry. RealClock follows the system clock; VirtualClock
//    only moves when told to (admin API / tests), so runs are reproducible.
//  - Clock::wait_for() is how the server sleeps (injected delays): VirtualClock-based
//    tests never sleep on wall-clock luck.
// All implementations are thread-safe.
#pragma once

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <stop_token>

#include "contracts/time.h"

namespace ebsmock::mock {

class Clock {
 public:
  virtual ~Clock() = default;
  virtual contracts::Instant now() const = 0;
  // False for clocks that cannot be advanced by hand.
  virtual bool is_virtual() const = 0;
  // Moves a virtual clock forward; returns false on a real clock.
  virtual bool advance(contracts::Duration by) = 0;
};

class RealClock final : public Clock {
 public:
  contracts::Instant now() const override;
  bool is_virtual() const override { return false; }
  bool advance(contracts::Duration) override { return false; }
};

class VirtualClock final : public Clock {
 public:
  explicit VirtualClock(contracts::Instant start) : now_(start) {}
  contracts::Instant now() const override;
  bool is_virtual() const override { return true; }
  bool advance(contracts::Duration by) override;
  void set(contracts::Instant t);

 private:
  mutable std::mutex mu_;
  contracts::Instant now_;
};

// Wall time used only for the signature timestamp window: a client's Timestamp is
// compared with real time even when the world runs on a virtual clock.
std::unique_ptr<Clock> make_real_clock();

}  // namespace ebsmock::mock
