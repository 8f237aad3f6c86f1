// transitions.h: the documented state machine as data. For each operation (and variant):
// the statuses it is allowed from, the transient status it enters, the final status it
// reaches, the failure status, which timing drives it, and the source of each rule
// (ebs-api.md §3.2). The mock, the harness and `ebsmock diagram` all read this table.
// Immutable; thread-safe.
#pragma once

#include <optional>
#include <string_view>
#include <vector>

#include "contracts/operation.h"
#include "contracts/policy.h"
#include "contracts/status.h"

namespace ebsmock::contracts {

// Which of Timing's durations drives a transient status to its final status.
enum class TimingKey { None, Create, InitialSync, Sync, ManualSync, Stop, Failover, Reprotect, Delete };

Duration duration_of(const Timing& t, TimingKey key);

struct TransitionRule {
  Operation op;
  // "" for the only/default variant; otherwise e.g. "OneShot=true".
  std::string_view variant;
  // Empty for CreateDiskReplicaPair (creates a new pair) and for read-only operations
  // with `any_status` set.
  std::vector<Status> allowed_from;
  bool any_status = false;  // read-only operations: allowed whatever the status
  std::optional<Status> transient;  // entered immediately on success
  // Status entered instead of `transient` once the pair has completed a sync before
  // (Start from stopped after a sync resumes as `syncing`, not `initial_syncing`).
  std::optional<Status> transient_if_synced;
  std::optional<Status> final_status;    // reached after `timing`
  std::optional<Status> failure_status;  // documented failure status (reached by faults)
  TimingKey timing = TimingKey::None;
  std::string_view source;
};

// Variant flags read from the request.
struct OperationFlags {
  bool one_shot = false;            // StartDiskReplicaPair OneShot
  bool reverse_replicate = true;    // ReprotectDiskReplicaPair ReverseReplicate (default true)
};

// All rules, in a stable order (for tables, diagrams and tests).
const std::vector<TransitionRule>& transition_rules();

// The rule that governs `op` with these flags.
const TransitionRule& rule_for(Operation op, const OperationFlags& flags);

// Whether `rule` allows a pair in `from`, under `policy` (e.g. OneShot from manual_syncing).
bool is_allowed(const TransitionRule& rule, Status from, const Policy& policy);

// The status a successful call moves the pair into right away.
std::optional<Status> entered_status(const TransitionRule& rule, bool has_synced_before);

}  // namespace ebsmock::contracts

namespace ebsmock::contracts {

// Where a transient status goes on its own, and which timing drives it: creating ->
// created, initial_syncing/syncing -> normal, manual_syncing -> stopped, stopping ->
// stopped, failovering -> failovered, reprotecting -> stopped, deleting -> deleted.
// nullopt for non-transient statuses. Used for pairs a scenario loads mid-transition.
struct Successor {
  Status to;
  TimingKey timing;
};
std::optional<Successor> natural_successor(Status transient);

}  // namespace ebsmock::contracts
