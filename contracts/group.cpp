// group.cpp: the wire form of a group.
#include "contracts/group.h"

#include <algorithm>

namespace ebsmock::contracts {

nlohmann::json to_describe_json(const Group& g, std::string_view site) {
  nlohmann::json tags = nlohmann::json::array();
  for (const auto& t : g.tags) tags.push_back({{"TagKey", t.key}, {"TagValue", t.value}});
  nlohmann::json pair_ids = nlohmann::json::array();
  for (const auto& id : g.pair_ids) pair_ids.push_back(id);
  nlohmann::json j = {
      {"Bandwidth", g.bandwidth},
      {"Description", g.description},
      {"DestinationRegionId", g.destination_region},
      {"DestinationZoneId", g.destination_zone},
      {"EnableRtc", g.enable_rtc},
      {"GroupName", g.name},
      {"PairIds", pair_ids},
      {"PairNumber", g.pair_ids.size()},
      {"PrimaryRegion", g.primary_region},
      {"PrimaryZone", g.primary_zone},
      {"RPO", g.rpo},
      {"ReplicaGroupId", g.id},
      {"ResourceGroupId", g.resource_group_id},
      {"Site", site},
      {"SourceRegionId", g.source_region},
      {"SourceZoneId", g.source_zone},
      {"StandbyRegion", g.standby_region},
      {"StandbyZone", g.standby_zone},
      {"Status", std::string(to_string(g.status))},
      {"Tags", tags},
  };
  if (g.last_recover_point) j["LastRecoverPoint"] = *g.last_recover_point;
  return j;
}

bool visible_in_region(const Group& g, std::string_view region_id) {
  return g.source_region == region_id || g.destination_region == region_id;
}

bool has_member(const Group& g, std::string_view pair_id) {
  return std::binary_search(g.pair_ids.begin(), g.pair_ids.end(), pair_id);
}

}  // namespace ebsmock::contracts
