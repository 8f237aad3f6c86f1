// transitions.cpp: the rule tables (pairs: ebs-api.md §3.2; groups: ebs-groups.md §5.1;
// drills: ebs-groups.md §6.2). Each rule cites its source; where the docs are silent the
// choice is marked and explained (see also policy.h).
#include "contracts/transitions.h"

#include <algorithm>
#include <stdexcept>

namespace ebsmock::contracts {

Duration duration_of(const Timing& t, TimingKey key) {
  switch (key) {
    case TimingKey::None: return Duration{0};
    case TimingKey::Create: return t.create;
    case TimingKey::InitialSync: return t.initial_sync;
    case TimingKey::Sync: return t.sync;
    case TimingKey::ManualSync: return t.manual_sync;
    case TimingKey::Stop: return t.stop;
    case TimingKey::Failover: return t.failover;
    case TimingKey::Reprotect: return t.reprotect;
    case TimingKey::Delete: return t.delete_;
    case TimingKey::DrillExecute: return t.drill_execute;
    case TimingKey::DrillClear: return t.drill_clear;
  }
  return Duration{0};
}

const std::vector<TransitionRule>& transition_rules() {
  using S = Status;
  using O = Operation;
  constexpr ResourceKind G = ResourceKind::Group;
  static const std::vector<TransitionRule> kRules = {
      {O::CreateDiskReplicaPair, "", {}, false, S::Creating, std::nullopt, S::Created,
       S::CreateFailed, TimingKey::Create,
       "status list (creating/created/create_failed); TF waits for created"},
      {O::StartDiskReplicaPair, "OneShot=false", {S::Created, S::Stopped}, false,
       S::InitialSyncing, S::Syncing, S::Normal, std::nullopt, TimingKey::InitialSync,
       "TEA StartDiskReplicaPair: only from created/stopped, enters initial_syncing; "
       "later syncs show syncing [inference from the status list]"},
      {O::StartDiskReplicaPair, "OneShot=true", {S::Created, S::Stopped}, false, S::ManualSyncing,
       std::nullopt, S::Stopped, std::nullopt, TimingKey::ManualSync,
       "TEA pair doc: created/stopped; manual_syncing returns to stopped (status list); "
       "group doc also allows manual_syncing (Policy::oneshot_from_manual_syncing)"},
      {O::StopDiskReplicaPair, "",
       {S::InitialSyncing, S::Syncing, S::ManualSyncing, S::Normal}, false, S::Stopping,
       std::nullopt, S::Stopped, S::StopFailed, TimingKey::Stop,
       "TEA StopDiskReplicaPair and the StopDiskReplicaPair API page"},
      {O::FailoverDiskReplicaPair, "",
       {S::Creating, S::Created, S::CreateFailed, S::InitialSyncing, S::ManualSyncing, S::Syncing,
        S::Normal, S::Stopping, S::Stopped, S::StopFailed, S::Failovering, S::Failovered,
        S::FailoverFailed, S::Reprotecting, S::ReprotectFailed, S::Deleting, S::DeleteFailed},
       false, S::Failovering, std::nullopt, S::Failovered, S::FailoverFailed, TimingKey::Failover,
       "TEA FailoverDiskReplicaPair: any status except invalid and deleted"},
      {O::ReprotectDiskReplicaPair, "ReverseReplicate=true", {S::Failovered}, false,
       S::Reprotecting, std::nullopt, S::Stopped, S::ReprotectFailed, TimingKey::Reprotect,
       "TEA ReprotectDiskReplicaPair: only from failovered; final stopped per TF waiter "
       "(open question 4); Source*/Destination* swap (open question 5)"},
      {O::ReprotectDiskReplicaPair, "ReverseReplicate=false", {S::Failovered}, false,
       S::Reprotecting, std::nullopt, S::Stopped, S::ReprotectFailed, TimingKey::Reprotect,
       "TEA: cancels failovered and restores the original direction; transient/final not "
       "documented, chosen like ReverseReplicate=true without the swap"},
      {O::DeleteDiskReplicaPair, "", {S::Stopped, S::Invalid, S::Failovered}, false, S::Deleting,
       std::nullopt, S::Deleted, S::DeleteFailed, TimingKey::Delete,
       "TEA DeleteDiskReplicaPair: only stopped/invalid/failovered; TF waits for the pair to "
       "vanish"},
      {O::ModifyDiskReplicaPair, "", {S::Created, S::Stopped}, false, std::nullopt, std::nullopt,
       std::nullopt, std::nullopt, TimingKey::None,
       "TEA ModifyDiskReplicaPair: name/description only in created/stopped; no status change"},
      {O::DescribeDiskReplicaPairs, "", {}, true, std::nullopt, std::nullopt, std::nullopt,
       std::nullopt, TimingKey::None, "read-only"},
      {O::DescribeDiskReplicaPairProgress, "", {}, true, std::nullopt, std::nullopt, std::nullopt,
       std::nullopt, TimingKey::None, "read-only"},

      // --- Groups: ebs-groups.md §5.1 (T = the Tea spec, M = the API metadata). ---
      {O::CreateDiskReplicaGroup, "", {}, false, S::Creating, std::nullopt, S::Created,
       S::CreateFailed, TimingKey::Create,
       "§4.1: creating -> created / create_failed (T statuses; transition INF); TF waits for "
       "created", G},
      {O::StartDiskReplicaGroup, "OneShot=false", {S::Created, S::Syncing, S::Normal, S::Stopped},
       false, S::InitialSyncing, S::Syncing, S::Normal, std::nullopt, TimingKey::InitialSync,
       "§4.5 T/M: created, syncing, normal, stopped; first activation initial_syncing (§10 #1), "
       "later syncing; already syncing/normal: accepted, no change (choice)", G,
       {S::Syncing, S::Normal}},
      {O::StartDiskReplicaGroup, "OneShot=true", {S::Created, S::ManualSyncing, S::Stopped}, false,
       S::ManualSyncing, std::nullopt, S::Stopped, std::nullopt, TimingKey::ManualSync,
       "§4.5 T: created, manual_syncing, stopped; gap > RPO/2 (ManualSyncLimit); final stopped "
       "INF", G},
      {O::StopDiskReplicaGroup, "",
       {S::ManualSyncing, S::Syncing, S::Normal, S::Stopping, S::StopFailed, S::Stopped}, false,
       S::Stopping, std::nullopt, S::Stopped, S::StopFailed, TimingKey::Stop,
       "§4.6 T/M (not initial_syncing, unlike pairs); stopping/stopped: accepted, no change", G,
       {S::Stopping, S::Stopped}},
      {O::FailoverDiskReplicaGroup, "",
       {S::ManualSyncing, S::Syncing, S::Normal, S::Stopping, S::StopFailed, S::Stopped,
        S::Failovering, S::FailoverFailed, S::Failovered},
       false, S::Failovering, std::nullopt, S::Failovered, S::FailoverFailed, TimingKey::Failover,
       "§4.7 T/M; first full sync must be done (else InvalidStatus, INF); failovering/"
       "failovered: accepted, no change", G, {S::Failovering, S::Failovered}},
      {O::ReprotectDiskReplicaGroup, "ReverseReplicate=true", {S::Failovered}, false,
       S::Reprotecting, std::nullopt, S::Stopped, S::ReprotectFailed, TimingKey::Reprotect,
       "§4.8 T/M: failovered only; final stopped (TF waiter, INF); sites unchanged (§3.3)", G},
      {O::ReprotectDiskReplicaGroup, "ReverseReplicate=false", {S::Failovered}, false,
       S::Reprotecting, std::nullopt, S::Stopped, S::ReprotectFailed, TimingKey::Reprotect,
       "§4.8: TFT step 7 (failovered -> stopped); transient INF", G},
      {O::DeleteDiskReplicaGroup, "",
       {S::Created, S::CreateFailed, S::Stopped, S::Failovered, S::Deleting, S::DeleteFailed,
        S::Invalid},
       false, S::Deleting, std::nullopt, S::Deleted, S::DeleteFailed, TimingKey::Delete,
       "§4.2 T/M; must be empty (GroupHasPair); TF waits for the group to vanish; deleting: "
       "accepted, no change", G, {S::Deleting}},
      {O::ModifyDiskReplicaGroup, "", {S::Created, S::Stopped}, false, std::nullopt, std::nullopt,
       std::nullopt, std::nullopt, TimingKey::None, "§4.3 T/M: created or stopped; no change", G},
      {O::DescribeDiskReplicaGroups, "", {}, true, std::nullopt, std::nullopt, std::nullopt,
       std::nullopt, TimingKey::None, "read-only", G},
      {O::AddDiskReplicaPair, "", {S::Created, S::Stopped}, false, std::nullopt, std::nullopt,
       std::nullopt, std::nullopt, TimingKey::None,
       "§4.9 T: group (and pair) created or stopped; else GroupStatusCannotAddPair", G},
      {O::RemoveDiskReplicaPair, "", {S::Created, S::Stopped, S::Invalid}, false, std::nullopt,
       std::nullopt, std::nullopt, std::nullopt, TimingKey::None,
       "§4.10 T: group created, stopped or invalid; else GroupStatusCannotRemovePair", G},

      // --- Drills: the pair's or group's status does not change (§6.1 INF); allowed-from
      // is Policy::drill_statuses (§11 #11), shown here with its default. drill_rules()
      // holds the drill's own machine. ---
      {O::StartPairDrill, "", {S::Normal, S::Syncing, S::ManualSyncing, S::Stopped, S::Failovered},
       false, std::nullopt, std::nullopt, std::nullopt, std::nullopt, TimingKey::None,
       "§6.3: needs a recovery point (RecoverPointNotFound); statuses not documented "
       "(Policy::drill_statuses)"},
      {O::DescribePairDrills, "", {}, true, std::nullopt, std::nullopt, std::nullopt, std::nullopt,
       TimingKey::None, "read-only"},
      {O::ClearPairDrill, "", {}, true, std::nullopt, std::nullopt, std::nullopt, std::nullopt,
       TimingKey::None, "§6.5: acts on the drill only"},
      {O::StartReplicaGroupDrill, "",
       {S::Normal, S::Syncing, S::ManualSyncing, S::Stopped, S::Failovered}, false, std::nullopt,
       std::nullopt, std::nullopt, std::nullopt, TimingKey::None,
       "§6.6: needs a recovery point; statuses not documented (Policy::drill_statuses)", G},
      {O::DescribeReplicaGroupDrills, "", {}, true, std::nullopt, std::nullopt, std::nullopt,
       std::nullopt, TimingKey::None, "read-only", G},
      {O::ClearReplicaGroupDrill, "", {}, true, std::nullopt, std::nullopt, std::nullopt,
       std::nullopt, TimingKey::None, "§6.8: acts on the drill only", G},

      // --- Tags, resource groups, lookups: no status rule (§7, §8). ---
      {O::TagResources, "", {}, true, std::nullopt, std::nullopt, std::nullopt, std::nullopt,
       TimingKey::None, "§7.1: no status rule documented"},
      {O::UntagResources, "", {}, true, std::nullopt, std::nullopt, std::nullopt, std::nullopt,
       TimingKey::None, "§7.2: no status rule documented"},
      {O::ListTagResources, "", {}, true, std::nullopt, std::nullopt, std::nullopt, std::nullopt,
       TimingKey::None, "read-only"},
      {O::ChangeResourceGroup, "", {}, true, std::nullopt, std::nullopt, std::nullopt,
       std::nullopt, TimingKey::None, "§7.4: no status rule documented"},
      {O::DescribeRegions, "", {}, true, std::nullopt, std::nullopt, std::nullopt, std::nullopt,
       TimingKey::None, "read-only"},
      {O::ListReplicaEdgeSupported, "", {}, true, std::nullopt, std::nullopt, std::nullopt,
       std::nullopt, TimingKey::None, "read-only"},
  };
  return kRules;
}

const TransitionRule& rule_for(Operation op, const OperationFlags& flags) {
  std::string_view variant;
  if (op == Operation::StartDiskReplicaPair || op == Operation::StartDiskReplicaGroup) {
    variant = flags.one_shot ? "OneShot=true" : "OneShot=false";
  } else if (op == Operation::ReprotectDiskReplicaPair || op == Operation::ReprotectDiskReplicaGroup) {
    variant = flags.reverse_replicate ? "ReverseReplicate=true" : "ReverseReplicate=false";
  }
  for (const auto& r : transition_rules()) {
    if (r.op == op && r.variant == variant) return r;
  }
  throw std::logic_error("no transition rule for operation");  // table is incomplete: a bug
}

namespace {
bool contains(const std::vector<Status>& statuses, Status s) {
  return std::find(statuses.begin(), statuses.end(), s) != statuses.end();
}
}  // namespace

bool is_allowed(const TransitionRule& rule, Status from, const Policy& policy) {
  if (rule.any_status) return true;
  if (rule.op == Operation::StartPairDrill || rule.op == Operation::StartReplicaGroupDrill) {
    return contains(policy.drill_statuses, from);
  }
  if (contains(rule.allowed_from, from)) return true;
  return rule.op == Operation::StartDiskReplicaPair && rule.variant == "OneShot=true" &&
         policy.oneshot_from_manual_syncing && from == Status::ManualSyncing;
}

bool is_no_op(const TransitionRule& rule, Status from) { return contains(rule.no_op_from, from); }

std::optional<Status> entered_status(const TransitionRule& rule, bool has_synced_before) {
  if (has_synced_before && rule.transient_if_synced) return rule.transient_if_synced;
  return rule.transient;
}

}  // namespace ebsmock::contracts

namespace ebsmock::contracts {

std::optional<Successor> natural_successor(Status s) {
  switch (s) {
    case Status::Creating: return Successor{Status::Created, TimingKey::Create};
    case Status::InitialSyncing: return Successor{Status::Normal, TimingKey::InitialSync};
    case Status::Syncing: return Successor{Status::Normal, TimingKey::Sync};
    case Status::ManualSyncing: return Successor{Status::Stopped, TimingKey::ManualSync};
    case Status::Stopping: return Successor{Status::Stopped, TimingKey::Stop};
    case Status::Failovering: return Successor{Status::Failovered, TimingKey::Failover};
    case Status::Reprotecting: return Successor{Status::Stopped, TimingKey::Reprotect};
    case Status::Deleting: return Successor{Status::Deleted, TimingKey::Delete};
    case Status::Executing: return Successor{Status::Executed, TimingKey::DrillExecute};
    default: return std::nullopt;
  }
}

const std::vector<DrillRule>& drill_rules() {
  using S = Status;
  using O = Operation;
  static const std::vector<DrillRule> kRules = {
      {O::StartPairDrill, {}, {}, S::Executing, S::Executed, S::ExecuteFailed,
       TimingKey::DrillExecute,
       "§6.2: executing -> executed / execute_failed (values T/M; transitions INF); listed at "
       "once (TF reads it right after Start)"},
      {O::StartReplicaGroupDrill, {}, {}, S::Executing, S::Executed, S::ExecuteFailed,
       TimingKey::DrillExecute, "§6.2, §6.6: as a pair drill, one drill disk per member pair"},
      {O::ClearPairDrill, {S::Executed, S::ExecuteFailed, S::ClearFailed, S::Clearing},
       {S::Clearing}, S::Clearing, std::nullopt, S::ClearFailed, TimingKey::DrillClear,
       "§6.2: clearing, then gone from Describe (TF waits for it); while executing: 403 "
       "OperationDenied.InvalidStatus (§10 #8); clearing again: accepted, no change"},
      {O::ClearReplicaGroupDrill, {S::Executed, S::ExecuteFailed, S::ClearFailed, S::Clearing},
       {S::Clearing}, S::Clearing, std::nullopt, S::ClearFailed, TimingKey::DrillClear,
       "§6.2, §6.8: as ClearPairDrill"},
  };
  return kRules;
}

const DrillRule& drill_rule_for(Operation op) {
  for (const auto& r : drill_rules()) {
    if (r.op == op) return r;
  }
  throw std::logic_error("no drill rule for operation");
}

}  // namespace ebsmock::contracts
