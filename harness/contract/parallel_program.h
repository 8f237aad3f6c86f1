// parallel_program.h: what the concurrent mode (`contract --concurrent`) runs: a
// sequential prefix of contract steps, then 2-4 branches of calls that run at once, one
// thread and one client per branch (concurrency.md §8.1). Branches are drawn from the
// same post-prefix model: mostly one or two contention motifs (contention_motifs.h: the
// shapes the planted concurrency bugs need, each alone on its pair), else random branches
// on 1-2 "hot" pairs so that they contend; with faults (ambiguous commit-after ones
// included, at most kMaxAmbiguousPerPair per pair), a unique value for every Modify, and
// optionally hold_until schedules (the mock parks a call until another named call has
// been journaled) that force one branch's call to overlap another's.
// A program may also move the server's clock inside the parallel section: a branch of its
// own with one AdvanceClock call (the admin API's clock advance, not a client call), aimed
// at a hot pair left in a transient status while another branch's Stop or Failover
// changes it (concurrency.md §8.6 M5); with holds, the advance waits for that call.
// Also the shrinks of a program (drop a branch or a call, move a branch's first call into
// the prefix, faults off, ambiguous -> definite, holds off), simplest first.
// Value types and pure functions; thread-safe.
#pragma once

#include <chrono>
#include <ostream>
#include <string>
#include <vector>

#include <rapidcheck.h>

#include "harness/contract/steps.h"

namespace ebsmock::harness {

inline constexpr int kMaxAmbiguousPerPair = 2;
// Branches a program may have (2-4 drawn, a clock advance's own branch included).
inline constexpr int kMaxBranches = 4;
// How long a held call waits for the call it is held for before it goes on anyway.
inline constexpr int kHoldBudgetMs = 300;
// How far a branch's AdvanceClock moves the clock: past every transition of the default
// timing (the longest, initial_sync, is 5 s), so whatever is due completes.
inline constexpr std::chrono::milliseconds kBranchClockAdvance{10000};

struct ParallelCall {
  int id = 0;  // unique in the program, stable under shrinking (call ids, unique values)
  // A pair call, or AdvanceClock (by kBranchClockAdvance; `slot` is then the pair it is
  // aimed at, read back at the end like the others; it never takes a fault, and no call
  // is held for it: the server does not journal it).
  StepKind kind = StepKind::Describe;
  int slot = 0;       // pair slot (as Step::slot)
  bool flag = false;  // Start: OneShot; Reprotect: ReverseReplicate
  // Modify: which fields it sets to its unique value (both at once is what a torn read
  // can split).
  enum class Fields { Name, Description, Both };
  Fields fields = Fields::Name;
  InjectedFault fault;
  // hold_until: the id of the call (in another branch) this one waits for, -1 = none.
  // A call that is waited for never waits itself, so holds cannot wait in a cycle.
  int hold_for = -1;
  // Server direction: the id of the call whose ClientToken this one sends too (both send
  // "ebsmock-tok-<id>"), -1 = the client's own token. `duplicate`: the same request
  // again (a second worker re-running the same job); otherwise other parameters with the
  // same token (IdempotentParameterMismatch territory).
  int shared_token = -1;
  bool duplicate = false;
  friend bool operator==(const ParallelCall&, const ParallelCall&) = default;
};

struct ParallelProgram {
  std::vector<Step> prefix;
  std::vector<std::vector<ParallelCall>> branches;
  friend bool operator==(const ParallelProgram&, const ParallelProgram&) = default;
};

struct ParallelGenOptions {
  bool holds = false;  // emit hold_until schedules between branches
  bool faults = true;
  // Calls of two branches that share a ClientToken (server direction only: in the client
  // direction the client chooses tokens, and a shared one is its bug).
  bool shared_tokens = false;
  // Some programs get a branch with a clock advance (see the header comment).
  bool clock_advances = true;
};

// The call id a call's attempts carry (x-ebsmock-call-id) and fault rules match on.
std::string call_id_of(const ParallelCall& c);
// The unique value a Modify sets ("m<id>"; a duplicate sets its original's).
std::string unique_value(const ParallelCall& c);
// Whether the fault leaves the client's answer ambiguous even after its retries
// (commit after, or every attempt fails).
bool is_ambiguous_fault(const InjectedFault& f);
// The API parameters of a branch call on pair `pair_id` (with its shared ClientToken).
contracts::Params call_params(const ParallelCall& c, const std::string& pair_id);

// `initial` is the model before the prefix (the scenario's world).
rc::Gen<ParallelProgram> gen_parallel_program(const GenModel& initial, const ParallelGenOptions& options);

std::vector<ParallelProgram> program_shrinks(const ParallelProgram& p);

int call_count(const ParallelProgram& p);  // branch calls
std::string describe(const ParallelCall& c);
// "Sequential prefix:\n  ...\nBranch 1:\n  ...": RapidCheck PR #62's layout.
std::string describe(const ParallelProgram& p);
std::ostream& operator<<(std::ostream& os, const ParallelProgram& p);

}  // namespace ebsmock::harness
