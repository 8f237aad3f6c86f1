// clock.cpp: real and virtual clocks.
#include "mock/clock.h"

namespace ebsmock::mock {

contracts::Instant RealClock::now() const {
  return std::chrono::time_point_cast<std::chrono::milliseconds>(std::chrono::system_clock::now());
}

contracts::Instant VirtualClock::now() const {
  std::lock_guard lock(mu_);
  return now_;
}

bool VirtualClock::advance(contracts::Duration by) {
  if (by.count() < 0) return false;
  std::lock_guard lock(mu_);
  now_ += by;
  return true;
}

void VirtualClock::set(contracts::Instant t) {
  std::lock_guard lock(mu_);
  now_ = t;
}

std::unique_ptr<Clock> make_real_clock() { return std::make_unique<RealClock>(); }

}  // namespace ebsmock::mock
