// journal_invariants.h: what the mock's journal proves about a client's tokens without
// any search (concurrency.md §8.3), client direction only:
//  - two logical calls never share a ClientToken (a token names one intended change; a
//    second call with it is replayed or refused, so one of the two intended changes is lost);
//  - at most one attempt per ClientToken took effect (the token made retries safe);
//  - at most one attempt per logical call took effect (a retry re-applied the change).
// `call` ids are unique across the history; a call's attempts are the union of its
// entries' JournalView::attempts (deduplicated by seq).
// Pure functions; thread-safe.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "harness/concurrent/history.h"

namespace ebsmock::harness::concurrent {

struct InvariantViolation {
  std::string rule;               // "shared-token", "token-took-effect-twice", "call-took-effect-twice"
  std::vector<std::size_t> ops;   // indices into History::ops
  std::string message;
};

std::vector<InvariantViolation> check_journal_invariants(const History& history);

}  // namespace ebsmock::harness::concurrent
