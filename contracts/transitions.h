// transitions.h: the documented state machines as data. For each operation (and variant):
// the statuses it is allowed from, the transient status it enters, the final status it
// reaches, the failure status, which timing drives it, and the source of each rule
// (ebs-api.md §3.2 for pairs, ebs-groups.md §5.1 for groups, §6.2 for drills). The mock,
// the harness and `ebsmock diagram` all read these tables. Immutable; thread-safe.
//
// transition_rules() has one rule per operation (and variant) saying what it requires of,
// and does to, the status of the pair or group it addresses (`kind`); drill operations
// there leave the pair/group status alone. drill_rules() says what the drill operations do
// to the drill itself.
#pragma once

#include <optional>
#include <string_view>
#include <vector>

#include "contracts/operation.h"
#include "contracts/policy.h"
#include "contracts/status.h"

namespace ebsmock::contracts {

// Which of Timing's durations drives a transient status to its final status.
enum class TimingKey {
  None, Create, InitialSync, Sync, ManualSync, Stop, Failover, Reprotect, Delete,
  DrillExecute, DrillClear,
};

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
  // Whose status the rule governs: the pair (pair, drill, tag and lookup operations) or
  // the group (group operations and Add/RemoveDiskReplicaPair).
  ResourceKind kind = ResourceKind::Pair;
  // Allowed from these statuses, but the call changes nothing there (a group Start while
  // already normal/syncing, Stop while stopping/stopped, Failover while failovering/
  // failovered, Delete while deleting): ebs-groups.md §5.1 lists them as allowed.
  std::vector<Status> no_op_from = {};
};

// Variant flags read from the request.
struct OperationFlags {
  bool one_shot = false;            // Start*(Pair|Group) OneShot
  bool reverse_replicate = true;    // Reprotect*(Pair|Group) ReverseReplicate (default true)
};

// All rules, in a stable order (for tables, diagrams and tests).
const std::vector<TransitionRule>& transition_rules();

// The rule that governs `op` with these flags.
const TransitionRule& rule_for(Operation op, const OperationFlags& flags);

// Whether `rule` allows a pair (or group) in `from`, under `policy` (e.g. OneShot from
// manual_syncing; Start*Drill from Policy::drill_statuses).
bool is_allowed(const TransitionRule& rule, Status from, const Policy& policy);

// Whether a call allowed by `rule` from `from` leaves the status as it is.
bool is_no_op(const TransitionRule& rule, Status from);

// The status a successful call moves the pair into right away.
std::optional<Status> entered_status(const TransitionRule& rule, bool has_synced_before);

}  // namespace ebsmock::contracts

namespace ebsmock::contracts {

// Where a transient status goes on its own, and which timing drives it: creating ->
// created, initial_syncing/syncing -> normal, manual_syncing -> stopped, stopping ->
// stopped, failovering -> failovered, reprotecting -> stopped, deleting -> deleted.
// nullopt for non-transient statuses. Used for pairs a scenario loads mid-transition.
// Groups share it. Drills: executing -> executed; clearing has no successor status (the
// drill vanishes, see drill_rules()).
struct Successor {
  Status to;
  TimingKey timing;
};
std::optional<Successor> natural_successor(Status transient);

// What a drill operation does to the drill (ebs-groups.md §6.2). Start*Drill creates the
// drill; Clear*Drill is allowed from `allowed_from`, is a no-op from `no_op_from`
// (clearing already), enters clearing, and the drill then vanishes (`final_status`
// nullopt). Anything else: 403 OperationDenied.InvalidStatus (§10 #8).
struct DrillRule {
  Operation op;
  std::vector<Status> allowed_from;  // empty for the Start operations (a new drill)
  std::vector<Status> no_op_from;
  Status transient;
  std::optional<Status> final_status;  // nullopt: the drill vanishes from Describe*Drills
  Status failure_status;
  TimingKey timing;
  std::string_view source;
};
const std::vector<DrillRule>& drill_rules();
// The rule of a drill operation (Start*Drill, Clear*Drill). Throws for other operations.
const DrillRule& drill_rule_for(Operation op);

}  // namespace ebsmock::contracts
