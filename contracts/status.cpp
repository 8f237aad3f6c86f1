// status.cpp: names and meanings of the pair/group statuses (ebs-api.md §3.1, TEA Status
// field; ebs-groups.md §3.2) and of the drill statuses (ebs-groups.md §6.2).
#include "contracts/status.h"

#include <algorithm>

namespace ebsmock::contracts {
namespace {

struct StatusInfo {
  Status status;
  std::string_view name;
  std::string_view meaning;
};

constexpr std::array<StatusInfo, 24> kInfo = {{
    {Status::Invalid, "invalid", "pair is abnormal (see StatusMessage)"},
    {Status::Creating, "creating", "being created"},
    {Status::Created, "created", "created, not yet started"},
    {Status::CreateFailed, "create_failed", "creation failed"},
    {Status::InitialSyncing, "initial_syncing", "first full copy after the pair is started"},
    {Status::ManualSyncing, "manual_syncing", "one-shot sync in progress; returns to stopped"},
    {Status::Syncing, "syncing", "a later (non-first) replication is running"},
    {Status::Normal, "normal", "the current replication cycle has completed"},
    {Status::Stopping, "stopping", "being stopped"},
    {Status::Stopped, "stopped", "stopped"},
    {Status::StopFailed, "stop_failed", "stop failed"},
    {Status::Failovering, "failovering", "failover in progress"},
    {Status::Failovered, "failovered", "failover done"},
    {Status::FailoverFailed, "failover_failed", "failover failed"},
    {Status::Reprotecting, "reprotecting", "reverse replication being set up"},
    {Status::ReprotectFailed, "reprotect_failed", "reverse replication failed"},
    {Status::Deleting, "deleting", "being deleted"},
    {Status::DeleteFailed, "delete_failed", "delete failed"},
    {Status::Deleted, "deleted", "deleted"},
    {Status::Executing, "executing", "drill: drill disks being created from the recovery point"},
    {Status::Executed, "executed", "drill: drill disks ready"},
    {Status::ExecuteFailed, "execute_failed", "drill: execution failed (see StatusMessage)"},
    {Status::Clearing, "clearing", "drill: drill disks being deleted; then the drill vanishes"},
    {Status::ClearFailed, "clear_failed", "drill: deleting the drill disks failed"},
}};

const StatusInfo& info(Status s) { return kInfo[static_cast<size_t>(s)]; }

}  // namespace

std::string_view to_string(Status s) { return info(s).name; }
std::string_view describe(Status s) { return info(s).meaning; }

std::optional<Status> parse_status(std::string_view wire_name) {
  for (const auto& i : kInfo) {
    if (i.name == wire_name) return i.status;
  }
  return std::nullopt;
}

bool is_drill_status(Status s) {
  return std::find(kDrillStatuses.begin(), kDrillStatuses.end(), s) != kDrillStatuses.end();
}

bool is_transient(Status s) {
  switch (s) {
    case Status::Creating:
    case Status::InitialSyncing:
    case Status::ManualSyncing:
    case Status::Syncing:
    case Status::Stopping:
    case Status::Failovering:
    case Status::Reprotecting:
    case Status::Deleting:
    case Status::Executing:
    case Status::Clearing:
      return true;
    default:
      return false;
  }
}

}  // namespace ebsmock::contracts
