// case_runner.h: runs one contract case (one history of steps) against a mock through
// the client under test, and judges every call from the journal: C1..C9 (client
// contract), S1 (server against the model), A1..A3 (advisories). It is the "system under
// test" of the RapidCheck state machine: each command runs one step here; the case fails
// as soon as a step breaks a hard check (or an advisory under --strict).
// Also keeps the statistics of the run (commands and faults by kind, the fault x
// operation matrix of what the client did).
// Not thread-safe: one CaseRunner per case, on the thread that runs the property.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "harness/client/api_client.h"
#include "harness/contract/admin_client.h"
#include "harness/contract/checks.h"
#include "harness/contract/client_spec.h"
#include "harness/contract/oracle.h"
#include "harness/contract/steps.h"
#include "scenarios/loader/scenario.h"

namespace ebsmock::harness {

// What one step did: the call, the attempts the journal shows (with the model's reading
// of each), what the client reported, and the checks it broke.
struct StepRecord {
  int index = 0;  // 1-based position in the case
  Step step;
  bool final_describe = false;  // the harness's closing Describe (C8)
  std::string action;
  std::string pair_id;  // what the step's slot resolved to ("" when none)
  std::string group_id;  // likewise its group slot
  std::string drill_id;  // likewise its drill slot
  contracts::Params params;
  std::string fault_rule;  // the armed rule's id, "" when none
  bool fault_fired = false;
  std::vector<AttemptAnalysis> attempts;
  std::vector<ObservedProgress> progress;  // AdvanceClock
  std::vector<std::string> created;        // pair/group/drill ids this call created (journal)
  CallResult result;
  bool has_result = false;
  std::vector<std::chrono::milliseconds> waits;  // builtin clients only
  std::string expected;  // what the model expected, in words
  std::vector<Violation> violations;

  nlohmann::json to_json() const;
};

// How many steps of a history the records hold, not counting the closing reads.
std::size_t history_size(const std::vector<StepRecord>& records);

// What a closing read of groups or drills is called in reports, e.g.
// "DescribeDiskReplicaGroups", "DescribePairDrills PairId=pair-cn-...".
std::string closing_label(const StepRecord& rec);

// Fault kind x operation: what the client did with the calls that met this fault.
struct MatrixCell {
  std::uint64_t calls = 0;
  std::uint64_t fired = 0;
  std::map<int, std::uint64_t> attempts;        // attempts journaled -> calls
  std::uint64_t same_token = 0;                 // mutating calls, every attempt one token
  std::uint64_t changed_token = 0;              // mutating calls whose token changed
  std::map<std::string, std::uint64_t> reported;  // "ok" or the code reported -> calls
  std::uint64_t effect = 0;                     // calls whose operation took effect
};

struct RunStats {
  std::uint64_t cases = 0;
  std::uint64_t steps = 0;
  std::uint64_t attempts = 0;
  std::uint64_t transitions = 0;  // status changes made by calls
  std::uint64_t refusals = 0;     // calls the model refused (illegal transitions, unknown pairs)
  std::map<std::string, std::uint64_t> steps_by_kind;
  std::map<std::string, std::uint64_t> faults_by_kind;  // armed
  std::map<std::string, std::uint64_t> faults_fired_by_kind;
  // Ambiguous faults (commit after: applied, then the client saw an error) that fired, by
  // the action they hit.
  std::map<std::string, std::uint64_t> ambiguous_fired_by_action;
  std::map<std::string, std::uint64_t> outcomes;  // "Stop: InvalidStatus", "Stop: ok", ...
  std::map<std::string, std::map<std::string, MatrixCell>> matrix;  // fault -> action -> cell
  // Transitions the server made, by machine ("pair", "group", "drill") and edge as
  // contracts/diagram.h names it ("start -> creating", "deleted -> gone"): the report's
  // state-machine coverage.
  std::map<std::string, std::map<std::string, std::uint64_t>> coverage;
  CheckTally tally;

  void count_transition(const contracts::Transition& t, bool vanished = false);
  void merge(const RunStats& other);
  nlohmann::json matrix_json() const;
};

// What every case of a run shares.
struct CaseContext {
  ClientUnderTest& client;
  AdminClient& admin;
  const scenarios::Scenario& scenario;  // the world the server was given
  bool strict = false;
  bool verifies_signatures = true;
  std::uint64_t client_seed = 0;
  // Group and drill steps are in play: the closing check describes groups and drills too.
  bool groups = false;
};

class CaseRunner {
 public:
  // Resets the server to its scenario and the model with it.
  explicit CaseRunner(CaseContext& ctx);

  // Runs one step (arming its fault, if any) and judges it.
  void run(const Step& step);
  // A call given directly (--replay): no fault is armed, the server's scenario decides.
  void run_call(StepKind kind, const contracts::Params& params);
  void advance(contracts::Duration by);
  // The closing Describe of every pair through the client (C8); with groups, of every
  // group and of the drills of every pair and group that had one; and the case-level
  // advisory (A3).
  void final_check();

  bool failed() const { return !failures_.empty(); }
  // The violations that fail this case (hard ones; advisories too under --strict).
  const std::vector<Violation>& failures() const { return failures_; }
  std::string failure_summary() const;
  const std::vector<StepRecord>& records() const { return records_; }
  const RunStats& stats() const { return stats_; }
  Oracle& oracle() { return oracle_; }

 private:
  StepRecord& begin_record(const Step& step);
  void execute_call(StepRecord& rec, contracts::Operation op, const std::string& armed_fault_rule);
  void judge_call(StepRecord& rec, contracts::Operation op);
  void compare_read(StepRecord& rec, contracts::Operation op);
  // One closing read (C8): `step` through the client, which must read what the server answered.
  void closing_read(const Step& step, const StepIds& ids);
  void add_violation(StepRecord& rec, CheckId id, std::string detail);
  void count(const StepRecord& rec);
  JournalBatch read_journal();

  CaseContext& ctx_;
  // Before oracle_: the constructor resets the server and reads both from it.
  std::uint64_t last_seq_ = 0;
  Oracle oracle_;
  int rule_counter_ = 0;
  std::vector<StepRecord> records_;
  std::vector<Violation> failures_;
  RunStats stats_;
  // ClientToken -> the step that first used it (C4: a token belongs to one call).
  std::map<std::string, int> tokens_used_;
  // Waits before retries that were not dictated by x-acs-retry-after (A3).
  std::vector<std::chrono::milliseconds> free_waits_;
};

}  // namespace ebsmock::harness
