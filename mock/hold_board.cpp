// hold_board.cpp: see hold_board.h.
#include "mock/hold_board.h"

#include <algorithm>

namespace ebsmock::mock {

bool releases(const scenarios::HoldSpec& hold, std::string_view call_id, std::string_view client_token) {
  if (!hold.call_id.empty()) return hold.call_id == call_id;
  return !hold.client_token.empty() && hold.client_token == client_token;
}

HoldOutcome HoldBoard::hold(const scenarios::HoldSpec& spec, const Journal& journal, Clock& wait_clock,
                            std::stop_token stop) {
  Waiter w{&spec, {}, std::nullopt, false};
  {
    std::lock_guard lock(mu_);
    waiters_.push_back(&w);
    waiting_ = waiters_.size();
  }
  // Registered first, then the journal searched: a releaser journaled in between is
  // either found here or wakes the waiter, never missed.
  if (auto seq = journal.find_request([&](std::string_view call_id, std::string_view client_token) {
        return releases(spec, call_id, client_token);
      })) {
    std::lock_guard lock(mu_);
    waiters_.remove(&w);
    waiting_ = waiters_.size();
    return HoldOutcome{HoldOutcome::End::Released, *seq, 0};
  }
  const contracts::Instant start = wait_clock.now();
  {
    std::stop_callback on_stop(stop, [&w] { w.wake.request_stop(); });
    wait_clock.sleep_for(spec.budget, w.wake.get_token());
  }
  HoldOutcome out;
  out.held_ms = std::max<long long>(0, (wait_clock.now() - start).count());
  std::lock_guard lock(mu_);
  waiters_.remove(&w);
  waiting_ = waiters_.size();
  if (w.released_by) {
    out.end = HoldOutcome::End::Released;
    out.released_by = *w.released_by;
  } else if (w.reset) {
    out.end = HoldOutcome::End::Reset;
  } else if (stop.stop_requested()) {
    out.end = HoldOutcome::End::Shutdown;
  } else {
    out.end = HoldOutcome::End::Budget;
  }
  return out;
}

void HoldBoard::journaled(std::uint64_t seq, std::string_view call_id, std::string_view client_token) {
  if (waiting_ == 0) return;
  std::lock_guard lock(mu_);
  for (Waiter* w : waiters_) {
    if (w->released_by || w->reset || !releases(*w->spec, call_id, client_token)) continue;
    w->released_by = seq;
    w->wake.request_stop();
  }
}

void HoldBoard::reset() {
  std::lock_guard lock(mu_);
  for (Waiter* w : waiters_) {
    if (w->released_by) continue;
    w->reset = true;
    w->wake.request_stop();
  }
}

}  // namespace ebsmock::mock
