// pair.cpp: the wire form of a pair.
#include "contracts/pair.h"

#include <algorithm>

namespace ebsmock::contracts {

namespace {

// The one list of a Describe item's fields: f(name, value) in name (byte) order, the
// order a DOM's std::map dumps them in, so the DOM and the text form agree byte for byte.
// value: std::string_view, std::int64_t, bool, or the tags.
template <class F>
void for_each_describe_field(const Pair& p, F&& f) {
  f("Bandwidth", p.bandwidth);
  f("ChargeType", std::string_view(p.charge_type));
  f("CreateTime", p.create_time);
  f("Description", std::string_view(p.description));
  f("DestinationDiskId", std::string_view(p.destination_disk_id));
  f("DestinationRegion", std::string_view(p.destination_region));
  f("DestinationZoneId", std::string_view(p.destination_zone));
  f("EnableRtc", p.enable_rtc);
  f("ExpiredTime", p.expired_time);
  // Terraform waits for LastRecoverPoint to be present (non-null) after Start, so the
  // field is absent until the first sync completes rather than 0.
  if (p.last_recover_point) f("LastRecoverPoint", *p.last_recover_point);
  f("PairName", std::string_view(p.pair_name));
  f("PrimaryRegion", std::string_view(p.primary_region));
  f("PrimaryZone", std::string_view(p.primary_zone));
  f("RPO", p.rpo);
  f("ReplicaGroupId", std::string_view(p.replica_group_id));
  f("ReplicaGroupName", std::string_view(p.replica_group_name));
  f("ReplicaPairId", std::string_view(p.id));
  f("ResourceGroupId", std::string_view(p.resource_group_id));
  f("Site", std::string_view(p.site));
  f("SourceDiskId", std::string_view(p.source_disk_id));
  f("SourceRegion", std::string_view(p.source_region));
  f("SourceZoneId", std::string_view(p.source_zone));
  f("StandbyRegion", std::string_view(p.standby_region));
  f("StandbyZone", std::string_view(p.standby_zone));
  f("Status", to_string(p.status));
  f("StatusMessage", std::string_view(p.status_message));
  f("Tags", p.tags);
}

}  // namespace

nlohmann::json to_describe_json(const Pair& p) {
  nlohmann::json j = nlohmann::json::object();
  for_each_describe_field(p, [&](JsonName name, const auto& value) {
    const std::string member(name.view());
    using V = std::decay_t<decltype(value)>;
    if constexpr (std::is_same_v<V, std::vector<Tag>>) {
      nlohmann::json tags = nlohmann::json::array();
      for (const auto& t : value) tags.push_back({{"TagKey", t.key}, {"TagValue", t.value}});
      j[member] = std::move(tags);
    } else if constexpr (std::is_same_v<V, std::string_view>) {
      j[member] = std::string(value);
    } else {
      j[member] = value;
    }
  });
  return j;
}

void write_describe_json(JsonWriter& w, const Pair& p) {
  w.begin_object();
  for_each_describe_field(p, [&](JsonName name, const auto& value) {
    using V = std::decay_t<decltype(value)>;
    if constexpr (std::is_same_v<V, std::vector<Tag>>) {
      w.key(name);
      w.begin_array();
      for (const auto& t : value) {
        w.begin_object();
        w.key("TagKey");
        w.value(std::string_view(t.key));
        w.key("TagValue");
        w.value(std::string_view(t.value));
        w.end_object();
      }
      w.end_array();
    } else {
      w.member(name, value);
    }
  });
  w.end_object();
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
