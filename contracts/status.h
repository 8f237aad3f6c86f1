// status.h: the 19 documented replica-pair statuses (ebs-api.md §3.1), which groups share
// (ebs-groups.md §3.2: 18 documented values plus initial_syncing during the first full
// sync, §10 #1), and the 5 drill statuses (ebs-groups.md §6.2). One enum so that
// contracts::Transition prints and compares every kind of status change the same way;
// the drill values come last and are kept OUT of kAllStatuses, so code that walks the
// pair/group machine never meets them. Pure value types and lookups; thread-safe.
#pragma once

#include <array>
#include <optional>
#include <string_view>

namespace ebsmock::contracts {

enum class Status {
  Invalid,
  Creating,
  Created,
  CreateFailed,
  InitialSyncing,
  ManualSyncing,
  Syncing,
  Normal,
  Stopping,
  Stopped,
  StopFailed,
  Failovering,
  Failovered,
  FailoverFailed,
  Reprotecting,
  ReprotectFailed,
  Deleting,
  DeleteFailed,
  Deleted,
  // Drill statuses (ebs-groups.md §6.2): never a pair's or a group's status.
  Executing,
  Executed,
  ExecuteFailed,
  Clearing,
  ClearFailed,
};

inline constexpr std::array<Status, 19> kAllStatuses = {
    Status::Invalid,        Status::Creating,     Status::Created,        Status::CreateFailed,
    Status::InitialSyncing, Status::ManualSyncing, Status::Syncing,       Status::Normal,
    Status::Stopping,       Status::Stopped,      Status::StopFailed,     Status::Failovering,
    Status::Failovered,     Status::FailoverFailed, Status::Reprotecting, Status::ReprotectFailed,
    Status::Deleting,       Status::DeleteFailed, Status::Deleted,
};

// The statuses a group can show: the same 19 (18 documented + initial_syncing).
inline constexpr const std::array<Status, 19>& kGroupStatuses = kAllStatuses;

// The 5 statuses of a DR drill (pair drills and group drills alike).
inline constexpr std::array<Status, 5> kDrillStatuses = {
    Status::Executing, Status::Executed, Status::ExecuteFailed, Status::Clearing,
    Status::ClearFailed,
};

// True for the 5 drill statuses.
bool is_drill_status(Status s);

// Wire name, e.g. "initial_syncing", "executing".
std::string_view to_string(Status s);
// Any of the 24 wire names (pair/group and drill statuses); callers that accept only one
// kind check is_drill_status().
std::optional<Status> parse_status(std::string_view wire_name);

// The documented meaning, for reports and diagrams.
std::string_view describe(Status s);

// A status the service leaves on its own after some time (creating, *_syncing,
// stopping, failovering, reprotecting, deleting; for drills executing and clearing).
// The mock advances these on its clock.
bool is_transient(Status s);

}  // namespace ebsmock::contracts
