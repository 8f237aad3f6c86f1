// status.h: the 19 documented replica-pair statuses (ebs-api.md §3.1).
// Pure value types and lookups; thread-safe (no mutable state).
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
};

inline constexpr std::array<Status, 19> kAllStatuses = {
    Status::Invalid,        Status::Creating,     Status::Created,        Status::CreateFailed,
    Status::InitialSyncing, Status::ManualSyncing, Status::Syncing,       Status::Normal,
    Status::Stopping,       Status::Stopped,      Status::StopFailed,     Status::Failovering,
    Status::Failovered,     Status::FailoverFailed, Status::Reprotecting, Status::ReprotectFailed,
    Status::Deleting,       Status::DeleteFailed, Status::Deleted,
};

// Wire name, e.g. "initial_syncing".
std::string_view to_string(Status s);
std::optional<Status> parse_status(std::string_view wire_name);

// The documented meaning, for reports and diagrams.
std::string_view describe(Status s);

// A status the service leaves on its own after some time (creating, *_syncing,
// stopping, failovering, reprotecting, deleting). The mock advances these on its clock.
bool is_transient(Status s);

}  // namespace ebsmock::contracts
