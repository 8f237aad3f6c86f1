// hold_board.h: carries out the `hold_until` fault (scenarios::HoldSpec): a request is
// parked until another request, named by its x-ebsmock-call-id or its ClientToken, has
// been journaled, or until the hold's budget passes on the wait clock. Release is on
// "journaled" (answered), not on "arrived": released on arrival, the two requests would
// race again, and the schedule a hold writes down would not replay.
// The Service tells the board of every request it journals (journaled()); a hold whose
// releaser was journaled before the hold began finds it in the journal and does not wait.
// A reset wakes every hold (its request must not act on the new world), as does the
// server's stop token.
// Thread-safe: holds wait outside the board's mutex, on the wait clock.
#pragma once

#include <atomic>
#include <cstdint>
#include <list>
#include <mutex>
#include <optional>
#include <stop_token>
#include <string>
#include <string_view>

#include "contracts/journal_terms.h"
#include "mock/clock.h"
#include "mock/journal.h"
#include "scenarios/loader/fault_spec.h"

namespace ebsmock::mock {

// How a hold ended, as the held request's journal entry shows it.
struct HoldOutcome {
  using End = contracts::HoldEnd;
  End end = End::Budget;
  std::uint64_t released_by = 0;  // End::Released: the releasing entry's seq
  long long held_ms = 0;          // on the wait clock
};

class HoldBoard {
 public:
  // Parks the calling thread until `hold` is released (see the header comment).
  HoldOutcome hold(const scenarios::HoldSpec& hold, const Journal& journal, Clock& wait_clock,
                   std::stop_token stop);
  // A request entry was appended with `seq`: wakes the holds it releases.
  void journaled(std::uint64_t seq, std::string_view call_id, std::string_view client_token);
  // Wakes every current hold with End::Reset.
  void reset();

 private:
  struct Waiter {
    const scenarios::HoldSpec* spec;
    std::stop_source wake;
    std::optional<std::uint64_t> released_by;
    bool reset = false;
  };

  std::mutex mu_;
  std::list<Waiter*> waiters_;
  // waiters_.size(), written under mu_: journaled() reads it without the lock, so a
  // request with no hold anywhere takes no lock here. A waiter registers before it
  // searches the journal, and journaled() reads after its entry was appended; the
  // journal's lock (the Service's) orders the two, so one of them always sees the other.
  std::atomic<std::size_t> waiting_ = 0;
};

// Whether a journaled request with `call_id` and `client_token` releases `hold`.
bool releases(const scenarios::HoldSpec& hold, std::string_view call_id, std::string_view client_token);

}  // namespace ebsmock::mock
