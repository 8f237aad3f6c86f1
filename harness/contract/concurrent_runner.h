// concurrent_runner.h: runs one parallel program (parallel_program.h) against a server and
// judges it (concurrency.md §8.2-8.3). Per run: the server is reset, the prefix runs
// sequentially through the harness's own reference client (judged like any contract case),
// the branch calls' faults (and hold_until schedules) are armed, then one thread per branch,
// each with its own client, starts on one std::latch; each call is timed on steady_clock
// around the client's call (a clock advance around the admin API's, over the branch's own
// admin connection, carrying its call id so that a hold_until rule can park it). After
// the branches, the harness's client describes every pair they touched (closing reads,
// the history's last row). The history is what the clients saw; in the client direction
// (the trusted embedded mock) each call also gets the journal's view of it (its attempts,
// and the seq of the one that reached the model), correlated by the x-ebsmock-call-id the
// mock journals as call_id, or, when the server journals none, by ClientToken, action and
// pair. In the server direction the journal never enters the check.
// The verdict: the linearizability checker and, in the client direction, the journal
// invariants. A program runs `runs` times (races fire by chance); it fails if any run does.
// Not thread-safe: one runner at a time per server (it starts and joins its own threads).
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "harness/concurrent/history.h"
#include "harness/concurrent/journal_invariants.h"
#include "harness/concurrent/linearizability_checker.h"
#include "harness/contract/admin_client.h"
#include "harness/contract/case_runner.h"
#include "harness/contract/client_spec.h"
#include "harness/contract/parallel_program.h"
#include "scenarios/loader/scenario.h"

namespace ebsmock::harness {

struct ConcurrentSetup {
  AdminClient& admin;
  ClientUnderTest& prefix_client;          // the harness's reference client
  std::vector<ClientUnderTest*> clients;   // the clients under test, one per branch (>= 4)
  const scenarios::Scenario& scenario;     // the world the server was given
  bool client_direction = true;            // the server is the trusted embedded mock
  bool verifies_signatures = true;
  // The server's fault rules match `call_id` (else a fault rule matches action and pair).
  bool match_call_id = false;
  // The program's hold_until schedules are armed (the server supports them).
  bool holds = false;
  // Arm the program's faults; off when replaying a saved counterexample, whose scenario
  // carries them.
  bool arm_faults = true;
  std::string access_key_id;
  std::uint64_t client_seed = 0;
  std::chrono::milliseconds check_budget{1000};
};

// What the timeline shows of a call besides its history entry.
struct CallTrace {
  int branch = 0;  // the closing reads: one past the last branch
  ParallelCall call;
  std::string pair_id;
  CallResult result;
  std::vector<ObservedAttempt> attempts;  // journal entries carrying its call id (or token)
};

struct RunRecord {
  int run = 0;  // 1-based
  concurrent::History history;
  std::vector<CallTrace> traces;            // parallel to history.ops
  std::vector<ObservedAttempt> server;      // every request journaled during the branches
  concurrent::CheckResult check;
  std::vector<concurrent::InvariantViolation> invariants;
  std::vector<StepRecord> prefix;           // the prefix as it ran
  std::vector<Violation> prefix_failures;   // the prefix broke a sequential check
  std::vector<std::string> pair_ids;        // slot -> pair id after the prefix

  bool failed() const;
  bool unknown() const { return !failed() && check.verdict == concurrent::Verdict::Unknown; }
  // Why it failed (or is unknown), for logs: the checker's text and the invariants.
  std::string summary() const;
};

struct ProgramOutcome {
  std::vector<RunRecord> runs;
  bool failed = false;
  bool unknown = false;  // no run failed, one could not be decided
  // The run that failed (or was unknown), index into runs.
  std::size_t decisive = 0;
};

// Whether a trace is one of the harness's closing reads (not a branch's call).
bool is_closing_read(const ParallelCall& c);

// Runs `program` up to `runs` times, stopping at the first failing run.
ProgramOutcome run_program(ConcurrentSetup& setup, const ParallelProgram& program, int runs);

// What a client's answer says, as the checker reads it (history.h's outcome kinds):
// success (with the fields of a Describe that matter), a definite refusal, or ambiguous
// (5xx, throttling, no answer, an unreadable body).
concurrent::Observed observe(StepKind kind, const CallResult& r);

}  // namespace ebsmock::harness
