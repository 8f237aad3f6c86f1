// drill.h: one disaster-recovery drill of a pair or of a group as Describe*Drills shows it
// (ebs-groups.md §6.4, §6.7), plus its schedule. A drill restores the secondary's latest
// recovery point into new drill disks (one per pair) while replication goes on: it never
// changes the pair's or group's status. Plain value type.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "contracts/operation.h"
#include "contracts/status.h"
#include "contracts/time.h"

namespace ebsmock::contracts {

// One drill disk: the pair it was restored from and its id ("d-...").
struct DrillDisk {
  std::string pair_id;
  std::string disk_id;
  friend bool operator==(const DrillDisk&, const DrillDisk&) = default;
};

struct Drill {
  std::string id;  // DrillId: "drill-..." (pair drill) or "pg-drill-..." (group drill)
  ResourceKind target_kind = ResourceKind::Pair;  // Pair or Group
  std::string target_id;                          // PairId or GroupId
  Status status = Status::Executing;              // one of kDrillStatuses
  std::string status_message;  // set with execute_failed, e.g. PAIR_SYNCPOINT_NOT_FOUND
  std::int64_t start_at = 0;       // Unix seconds (StartAt)
  std::int64_t recover_point = 0;  // Unix seconds of the recovery point used (RecoverPoint)
  // One per drilled pair (a group drill: one per member at start, in id order).
  std::vector<DrillDisk> disks;
  // When the transient status ends: executing -> executed, or clearing -> gone.
  std::optional<Instant> due;

  friend bool operator==(const Drill&, const Drill&) = default;
};

// DrillDiskStatus as the drill's status implies it (§6.2): creating, created, deleting,
// or an error detail for the failed statuses. Choice (§11 #11, the detail format is not
// documented): "CreateDiskFailed" after execute_failed, "DeleteDiskFailed" after
// clear_failed.
std::string_view drill_disk_status(Status drill_status);

// StatusMessage a forced execute_failed gets: the documented examples
// PAIR_SYNCPOINT_NOT_FOUND / GROUP_SYNCPOINT_NOT_FOUND.
std::string_view execute_failed_message(ResourceKind target_kind);

// The Drills[] item: DescribePairDrills' fields (§6.4) for a pair drill, DescribeReplica-
// GroupDrills' (§6.7, with GroupId and PairsInfo) for a group drill.
nlohmann::json to_describe_json(const Drill& d);

}  // namespace ebsmock::contracts
