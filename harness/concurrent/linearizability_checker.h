// linearizability_checker.h: decides whether a concurrent history is linearizable with
// respect to the sequential specification (sequential_spec.h): is there one order of the
// calls, consistent with real time (a call that returned before another was invoked comes
// first), in which each call's answer is what the model answers at that point?
//
// The search is Wing & Gong's backtracking with Lowe's cache, as in Porcupine
// (concurrency.md §1.2): calls and returns in one time-ordered list; walking it, the
// checker places ("linearizes") a call whose model step matches its answer, and
// backtracks when it reaches the return of a call not yet placed. A (placed set, model
// state) pair already explored is never explored again. Each independent part of the
// history (partition.h) is searched on its own.
//
// Ambiguous calls (history.h) return at +infinity: they may be placed at any point after
// their invocation with "apply, do not compare", or never (the search succeeds once every
// other call is placed). In the client direction the journal resolves them: a call whose
// JournalView has no commit_seq never took effect and is left out; one with a commit_seq
// must be placed; and calls with a commit_seq are placed in seq order (the journal's seq
// is the order of the model's steps).
// LastTokenProcessing answers are not model steps: one is accepted, and left out, when
// another call with its ClientToken overlaps it in real time (concurrency.md §6.2 (i));
// otherwise it cannot be placed. An IdempotentParameterMismatch overlapping a same-token
// call with other parameters is left out the same way (in_flight_mismatch_explained).
//
// The budget (steps and/or time over the whole check) ends the search with Unknown: not a
// pass. Time is read from an injected clock, so tests of Unknown do not depend on speed.
// Not thread-safe per call (it calls the injected clock); distinct calls may run in
// parallel.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "harness/concurrent/history.h"
#include "harness/concurrent/sequential_spec.h"

namespace ebsmock::harness::concurrent {

enum class Verdict { Linearizable, NotLinearizable, Unknown };
std::string_view to_string(Verdict v);

struct CheckOptions {
  // Model steps over the whole check; 0: no limit.
  std::uint64_t max_steps = 0;
  // Time over the whole check, read from `clock` (steady_clock::now when empty).
  std::optional<std::chrono::nanoseconds> time_budget;
  std::function<std::chrono::steady_clock::time_point()> clock;
  // false: one search over the whole history (to compare with partitioned checking).
  bool partition = true;
};

// One call placed, and the model state right after it.
struct LinearizationPoint {
  std::size_t op = 0;  // index into History::ops
  StatePtr state_after;
};

// Why a call cannot be placed after the longest partial linearization.
struct Refusal {
  std::size_t op = 0;
  std::string expected;  // the model's answer at that point
  std::string observed;  // what the client saw
  std::string reason;
};

struct PartResult {
  std::vector<std::size_t> ops;  // the part's calls (indices into History::ops)
  Verdict verdict = Verdict::Unknown;
  // Linearizable: an order of the calls that took effect (ambiguous calls never placed,
  // and calls left out, are not in it).
  std::vector<std::size_t> witness;
  // Otherwise: the longest partial linearization the search reached.
  std::vector<LinearizationPoint> longest;
  // NotLinearizable: the call whose return the search could not get past, after
  // `longest`; and the other calls that could have come next, each with why not.
  std::optional<Refusal> stuck;
  std::vector<Refusal> candidates;
  std::uint64_t steps = 0;
};

struct CheckResult {
  Verdict verdict = Verdict::Unknown;  // NotLinearizable if any part is, else Unknown if any is
  std::vector<PartResult> parts;
  std::uint64_t steps = 0;
  // The first NotLinearizable part, or nullptr.
  const PartResult* failing() const;
};

CheckResult check_linearizable(const History& history, const CheckOptions& options = {});

// Whether op `i`'s LastTokenProcessing answer is explained: another call with the same
// ClientToken (and AccessKeyId) overlaps it in real time.
bool last_token_processing_explained(const History& history, std::size_t i);
// Whether op `i` is an answer LastTokenProcessing (the checker's special case).
bool is_last_token_processing(const HistoryOp& op);
// Whether op `i` is an IdempotentParameterMismatch that a token in flight explains:
// another call with the same ClientToken (and AccessKeyId) but other parameters overlaps
// it in real time. The service answers the mismatch while that call holds the token, and
// forgets the token if that call is then refused, which the model (whose steps are atomic
// and which remembers successes only) cannot show; like an explained LastTokenProcessing,
// such an answer has no effect and is left out of the search. A mismatch no overlapping
// call explains is searched as usual (the model must answer it in the state placed).
bool in_flight_mismatch_explained(const History& history, std::size_t i);

// A text report of a failing (or unknown) part for CI logs: the longest partial
// linearization with the state after each call, the call that cannot be placed and why.
std::string to_text(const History& history, const CheckResult& result);

}  // namespace ebsmock::harness::concurrent
