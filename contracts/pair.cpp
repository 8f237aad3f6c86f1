// pair.cpp: the wire form of a pair.
#include "contracts/pair.h"

#include <algorithm>

namespace ebsmock::contracts {

nlohmann::json to_describe_json(const Pair& p) {
  nlohmann::json tags = nlohmann::json::array();
  for (const auto& t : p.tags) tags.push_back({{"TagKey", t.key}, {"TagValue", t.value}});
  nlohmann::json j = {
      {"Bandwidth", p.bandwidth},
      {"ChargeType", p.charge_type},
      {"CreateTime", p.create_time},
      {"Description", p.description},
      {"DestinationDiskId", p.destination_disk_id},
      {"DestinationRegion", p.destination_region},
      {"DestinationZoneId", p.destination_zone},
      {"EnableRtc", p.enable_rtc},
      {"ExpiredTime", p.expired_time},
      {"PairName", p.pair_name},
      {"PrimaryRegion", p.primary_region},
      {"PrimaryZone", p.primary_zone},
      {"RPO", p.rpo},
      {"ReplicaGroupId", p.replica_group_id},
      {"ReplicaGroupName", p.replica_group_name},
      {"ReplicaPairId", p.id},
      {"ResourceGroupId", p.resource_group_id},
      {"Site", p.site},
      {"SourceDiskId", p.source_disk_id},
      {"SourceRegion", p.source_region},
      {"SourceZoneId", p.source_zone},
      {"StandbyRegion", p.standby_region},
      {"StandbyZone", p.standby_zone},
      {"Status", std::string(to_string(p.status))},
      {"StatusMessage", p.status_message},
      {"Tags", tags},
  };
  // Terraform waits for LastRecoverPoint to be present (non-null) after Start, so the
  // field is absent until the first sync completes rather than 0.
  if (p.last_recover_point) j["LastRecoverPoint"] = *p.last_recover_point;
  return j;
}

bool visible_in_region(const Pair& p, std::string_view region_id) {
  return p.source_region == region_id || p.destination_region == region_id;
}

bool has_tags(const std::vector<Tag>& tags,
              const std::vector<std::pair<std::string, std::string>>& filters) {
  return std::all_of(filters.begin(), filters.end(), [&](const auto& f) {
    return std::any_of(tags.begin(), tags.end(), [&](const Tag& t) {
      return t.key == f.first && (f.second.empty() || t.value == f.second);
    });
  });
}

}  // namespace ebsmock::contracts
