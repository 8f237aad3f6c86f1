// transitions.cpp: the rule table. Each rule cites its source; where the docs are silent
// the choice is marked and explained (see also policy.h).
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
  }
  return Duration{0};
}

const std::vector<TransitionRule>& transition_rules() {
  using S = Status;
  using O = Operation;
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
  };
  return kRules;
}

const TransitionRule& rule_for(Operation op, const OperationFlags& flags) {
  std::string_view variant;
  if (op == Operation::StartDiskReplicaPair) {
    variant = flags.one_shot ? "OneShot=true" : "OneShot=false";
  } else if (op == Operation::ReprotectDiskReplicaPair) {
    variant = flags.reverse_replicate ? "ReverseReplicate=true" : "ReverseReplicate=false";
  }
  for (const auto& r : transition_rules()) {
    if (r.op == op && r.variant == variant) return r;
  }
  throw std::logic_error("no transition rule for operation");  // table is incomplete: a bug
}

bool is_allowed(const TransitionRule& rule, Status from, const Policy& policy) {
  if (rule.any_status) return true;
  if (std::find(rule.allowed_from.begin(), rule.allowed_from.end(), from) !=
      rule.allowed_from.end()) {
    return true;
  }
  return rule.op == Operation::StartDiskReplicaPair && rule.variant == "OneShot=true" &&
         policy.oneshot_from_manual_syncing && from == Status::ManualSyncing;
}

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
    default: return std::nullopt;
  }
}

}  // namespace ebsmock::contracts
