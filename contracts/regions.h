// regions.h: the small region table DescribeRegions and ListReplicaEdgeSupported answer
// from (ebs-groups.md §8), so a tool that looks regions and zones up before creating pairs
// and groups works against the model. Not Alibaba's real list: a documented sample with at
// least two zones per region (Terraform's group example uses zones[0] and zones[1]).
// Plain value types; the default table is immutable; thread-safe.
#pragma once

#include <string>
#include <vector>

namespace ebsmock::contracts {

struct ZoneInfo {
  std::string id;          // "cn-hangzhou-h"
  std::string local_name;  // zh-CN, e.g. "杭州 可用区H"
  std::string english_name;  // en-US (and ja, which has no table of its own), "Hangzhou Zone H"
  // DescribeRegions ResourceTypes: "ear" (async replication), "lens" (CloudLens), "dbsc"
  // (dedicated block storage clusters).
  std::vector<std::string> resource_types;
  friend bool operator==(const ZoneInfo&, const ZoneInfo&) = default;
};

struct RegionInfo {
  std::string id;            // "cn-hangzhou"
  std::string local_name;    // zh-CN, e.g. "华东1（杭州）"
  std::string english_name;  // "China (Hangzhou)"
  std::vector<ZoneInfo> zones;
  friend bool operator==(const RegionInfo&, const RegionInfo&) = default;
};

// cn-hangzhou (g, h, i, j), cn-shanghai (e, f), cn-beijing (f, g, h), cn-shenzhen (d, e),
// cn-hongkong (b, c), ap-southeast-1 (b, c): the regions the scenarios and the reference
// use. Every zone supports "ear" and "lens"; the first zone of each region also "dbsc".
std::vector<RegionInfo> default_regions();

}  // namespace ebsmock::contracts
