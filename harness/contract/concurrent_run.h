// concurrent_run.h: `ebsmock contract --concurrent` as a library. Sets up the server and
// the clients like the sequential run (contract_world, connect_server), generates
// parallel programs with RapidCheck's generators from the run's seed, runs each `runs`
// times (concurrent_runner.h), and on the first failing program shrinks it with its own
// loop (program_shrinks, each candidate run `runs` times and kept if any run fails;
// RapidCheck's shrinker cannot re-run a candidate). Unknown verdicts are counted, never
// passed. With --replay it reruns the program a saved counterexample carries.
// Not thread-safe: one run at a time.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "harness/contract/concurrent_runner.h"
#include "harness/contract/contract_run.h"
#include "harness/contract/parallel_program.h"

namespace ebsmock::harness {

struct ConcurrentCounterexample {
  ParallelProgram first;   // the program that failed first
  ParallelProgram shrunk;  // the smallest one that still failed
  RunRecord record;        // the shrunk program's failing run
  int shrink_tries = 0;
  int shrinks_accepted = 0;
  double shrink_seconds = 0;
};

struct ConcurrentResult {
  int exit_code = 0;  // 0 every case linearizable, 1 a failure or an Unknown, 2 set-up error
  std::string setup_error;
  std::vector<std::string> notes;
  std::string client;
  std::string endpoint;
  bool embedded = true;
  std::uint64_t seed = 0;
  int tests = 0;
  int runs = 3;
  bool holds = false;        // hold_until schedules armed
  bool call_ids = false;     // the server journals x-ebsmock-call-id (correlation and fault matching)
  std::string replay_path;
  std::string scenario_path;

  int cases_passed = 0;
  int cases_unknown = 0;
  std::uint64_t executions = 0;  // program runs, shrinking excluded
  std::uint64_t calls = 0;       // branch calls made, shrinking excluded
  std::uint64_t ambiguous = 0;   // of which the client saw an ambiguous outcome
  std::uint64_t clock_advances = 0;  // branch clock advances made (not counted in calls)
  std::optional<ConcurrentCounterexample> counterexample;
  // The first Unknown run (reported: an Unknown is not a pass).
  std::optional<RunRecord> unknown_example;
  scenarios::Scenario world;
  double seconds = 0;

  std::string rerun_command() const;
};

ConcurrentResult run_concurrent_contract(const ContractOptions& options);

// The lines printed on stdout: the verdict, the counts, and a counterexample's program,
// its history as text, and the rerun command.
std::string concurrent_summary_text(const ConcurrentResult& r);

// The JSON report (--report): the run, the counts, and the counterexample with its
// timeline (every call's interval, attempts, outcome; the server's requests; the
// checker's longest partial linearization and the call it could not place).
nlohmann::json concurrent_report_json(const ConcurrentResult& r);

// The counterexample as a scenario TOML (--save-counterexample): the world, a fault rule
// for every fault of the shrunk program (matched by call id) and a hold_until schedule
// that makes each call of the failing run's journal order wait for the one before it,
// which forces the failing interleaving (a clock advance, which the journal does not
// show, waits for the call it was held for, else for the first call of another branch
// that moved its pair, and that call is delayed so the advance arrives first); the program itself in a "# concurrent-program:" comment line
// that `contract --concurrent --replay` reads.
std::string concurrent_counterexample_toml(const ConcurrentResult& r);

// The program a saved counterexample carries; throws SetupError when there is none.
ParallelProgram parse_concurrent_program(const std::string& toml_text);

nlohmann::json to_json(const ParallelProgram& p);
ParallelProgram program_from_json(const nlohmann::json& j);

}  // namespace ebsmock::harness
