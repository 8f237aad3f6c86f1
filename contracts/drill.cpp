// drill.cpp: the wire form of a drill.
#include "contracts/drill.h"

namespace ebsmock::contracts {

std::string_view drill_disk_status(Status s) {
  switch (s) {
    case Status::Executing: return "creating";
    case Status::Executed: return "created";
    case Status::ExecuteFailed: return "CreateDiskFailed";
    case Status::Clearing: return "deleting";
    case Status::ClearFailed: return "DeleteDiskFailed";
    default: return "";
  }
}

std::string_view execute_failed_message(ResourceKind target_kind) {
  return target_kind == ResourceKind::Group ? "GROUP_SYNCPOINT_NOT_FOUND" : "PAIR_SYNCPOINT_NOT_FOUND";
}

nlohmann::json to_describe_json(const Drill& d) {
  const std::string disk_status(drill_disk_status(d.status));
  nlohmann::json j = {
      {"DrillId", d.id},
      {"Status", std::string(to_string(d.status))},
      {"StartAt", d.start_at},
      {"RecoverPoint", d.recover_point},
      {"StatusMessage", d.status_message},
  };
  if (d.target_kind == ResourceKind::Group) {
    nlohmann::json pairs = nlohmann::json::array();
    for (const auto& disk : d.disks) {
      pairs.push_back({{"PairId", disk.pair_id}, {"DrillDiskId", disk.disk_id},
                       {"DrillDiskStatus", disk_status}});
    }
    j["GroupId"] = d.target_id;
    j["PairsInfo"] = pairs;
  } else {
    j["DrillDiskId"] = d.disks.empty() ? std::string() : d.disks.front().disk_id;
    j["DrillDiskStatus"] = disk_status;
  }
  return j;
}

}  // namespace ebsmock::contracts
