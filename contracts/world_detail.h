// world_detail.h: helpers shared by world.cpp, world_groups.cpp, world_drills.cpp and
// world_tags.cpp; not part of the contracts API. Header-only; pure; thread-safe.
#pragma once

#include "contracts/api_schema.h"
#include "contracts/paging.h"
#include "contracts/world.h"

namespace ebsmock::contracts {

// The flags a Start or Reprotect (of a pair or a group) reads: OneShot (default false),
// ReverseReplicate (default true).
inline OperationFlags operation_flags(const Params& params) {
  OperationFlags flags;
  flags.one_shot = read_flag(params, "OneShot", false);
  flags.reverse_replicate = read_flag(params, "ReverseReplicate", true);
  return flags;
}

// The direction a Create request gives a pair or a group (ebs-groups.md §3.3): RegionId is
// the source (production) region; Primary*/Standby* start as Source*/Destination* and keep
// those initial sites for good.
template <class Resource>
void set_direction(Resource& r, const Params& params) {
  r.source_region = read_param(params, "RegionId");
  r.source_zone = read_param(params, "SourceZoneId");
  r.destination_region = read_param(params, "DestinationRegionId");
  r.destination_zone = read_param(params, "DestinationZoneId");
  r.primary_region = r.source_region;
  r.primary_zone = r.source_zone;
  r.standby_region = r.destination_region;
  r.standby_zone = r.destination_zone;
}

template <class Item, class ToJson>
Outcome World::paged(const Params& params, const std::vector<Item>& matched, std::string_view key,
                     ToJson&& to_json) const {
  auto body = paged_body(params, matched, key, std::forward<ToJson>(to_json));
  if (!body) return refuse(codes::kInvalidParameter, "NextToken");
  Outcome out;
  out.body = std::move(*body);
  return out;
}

}  // namespace ebsmock::contracts
