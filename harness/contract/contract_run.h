// contract_run.h: `ebsmock contract` as a library: sets up the server (an embedded mock
// on a free loopback port, or the --endpoint server loaded with the harness's world),
// makes the client under test, and runs the RapidCheck state machine (or, with --replay,
// one saved history). The result holds everything the reports need.
// Not thread-safe: one run at a time per ContractOptions; run_contract itself starts and
// stops the embedded server's threads.
#pragma once

#include <chrono>
#include <cstdint>
#include <iosfwd>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "harness/contract/case_runner.h"
#include "harness/contract/checks.h"
#include "scenarios/loader/scenario.h"

namespace ebsmock::mock {
class EmbeddedServer;
}

namespace ebsmock::harness {

struct ContractOptions {
  std::string client_spec = "builtin:reference";
  std::string endpoint;       // "" = embedded mock
  std::string scenario_path;  // "" = the built-in world
  int tests = 200;
  int max_commands = 30;
  std::optional<std::uint64_t> seed;  // nullopt = a fresh one (printed)
  bool strict = false;
  // --groups: histories also create groups, add and remove pairs, start, stop, fail over,
  // reprotect and delete them, and start, clear and describe drills; the closing check
  // reads groups and drills too. Off, the pair-only histories are exactly as before. With
  // the built-in world, kGroupWorldPairCount more `created` pairs join it (group_world_pairs), ready to be
  // added to a group.
  bool groups = false;
  std::string replay_path;  // --replay: rerun the history saved in this file
  // --call-timeout: an exec: driver that takes longer for one call is hung (exit 2).
  std::chrono::milliseconds call_timeout{kDefaultCallTimeout};
  // --concurrent: parallel programs checked for linearizability (concurrent_run.h).
  bool concurrent = false;
  int runs = 3;        // --runs: times each program runs (races fire by chance)
  bool holds = false;  // --hold: arm hold_until schedules between branches
  bool shrink = true;  // --concurrent: shrink the first failing program
  // Progress lines go here while running; nullptr = quiet.
  std::ostream* progress = nullptr;
};

struct Counterexample {
  std::vector<StepRecord> records;  // the shrunk history, step by step
  std::vector<Violation> failures;
  std::size_t first_size = 0;       // steps of the first failing case, before shrinking
  int shrink_tries = 0;
  int shrinks_accepted = 0;
  double shrink_seconds = 0;
};

struct ContractResult {
  int exit_code = 0;  // 0 the contract holds, 1 violated, 2 usage/set-up error
  std::string setup_error;
  std::vector<std::string> notes;  // warnings worth printing (dropped scenario faults, ...)

  std::string client;
  std::string endpoint;
  bool embedded = true;
  std::uint64_t seed = 0;
  int tests = 0;
  int max_commands = 0;
  bool strict = false;
  bool groups = false;
  std::string replay_path;
  std::string scenario_path;
  // Part of the rerun command when not the default: a driver that failed by timing out
  // must get the same patience on the rerun.
  std::chrono::milliseconds call_timeout = ContractOptions{}.call_timeout;

  int cases_passed = 0;
  RunStats stats;  // over the cases run before the first failure (shrink runs excluded)
  std::optional<Counterexample> counterexample;
  // --replay: the history as it ran, step by step, whatever the verdict.
  std::vector<StepRecord> replay_records;
  double seconds = 0;
  scenarios::Scenario world;  // the world the server ran (for saving counterexamples)

  // The command line that reruns this run.
  std::string rerun_command() const;
  // " --call-timeout MS" when call_timeout is not the default, else "".
  std::string call_timeout_flag() const;
};

ContractResult run_contract(const ContractOptions& options);

// --- set-up shared with the concurrent mode (concurrent_run.h) ---

// The world a run starts from: the scenario (or the built-in world), for a generated run
// without its faults, replay steps and events (noted in result.notes); virtual clock,
// signatures checked, the run's seed (chosen here into result.seed). Throws SetupError.
scenarios::Scenario contract_world(const ContractOptions& options, ContractResult& result);

// The server a run talks to: the embedded mock (started on result.world) or the
// --endpoint server (loaded with result.world when `load_world`, else reset), and the
// admin client on it. Throws SetupError.
struct ContractServer {
  std::shared_ptr<mock::EmbeddedServer> embedded;  // nullptr with --endpoint
  std::string endpoint;
  std::unique_ptr<AdminClient> admin;
  bool verifies_signatures = true;
};
ContractServer connect_server(const ContractOptions& options, ContractResult& result, bool load_world);

// The generation model a case starts from: `world`'s pairs (and groups, drills) as slots.
GenModel initial_gen_model(const scenarios::Scenario& world, bool groups);

// The whole text of a --replay file (a saved counterexample, either mode's). Throws
// SetupError when it cannot be opened.
std::string read_replay_file(const std::string& path);

inline constexpr int kGroupWorldPairCount = 3;
// The pairs --groups adds to the built-in world: `created`, in the direction created pairs
// and groups use (kSourceZone -> kDestinationZone), in no group.
std::vector<contracts::Pair> group_world_pairs(contracts::Instant now);

}  // namespace ebsmock::harness
