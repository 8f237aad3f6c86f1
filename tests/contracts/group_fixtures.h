// group_fixtures.h: small builders for the group, drill and tag tests of the contract
// model: pairs and groups in a given status, request parameters, and the mirror check
// (every member pair shows its group's status). Header-only; test code only.
#pragma once

#include <string>
#include <vector>

#include "contracts/world.h"

namespace ebsmock::contracts::testing {

using namespace std::chrono_literals;

inline const Instant kT0 = Instant{std::chrono::seconds(1704067200)};
inline constexpr const char* kSrc = "cn-hangzhou";
inline constexpr const char* kDst = "cn-shanghai";

inline Pair make_pair(std::string id, Status status, std::string src = kSrc, std::string dst = kDst) {
  Pair p;
  p.id = std::move(id);
  p.status = status;
  p.source_region = p.primary_region = src;
  p.destination_region = p.standby_region = dst;
  p.source_zone = p.primary_zone = src + "-h";
  p.destination_zone = p.standby_zone = dst + "-e";
  p.source_disk_id = "d-src-" + p.id;
  p.destination_disk_id = "d-dst-" + p.id;
  p.create_time = unix_seconds(kT0);
  return p;
}

inline Group make_group(std::string id, Status status, std::vector<std::string> pair_ids = {},
                        std::string src = kSrc, std::string dst = kDst) {
  Group g;
  g.id = std::move(id);
  g.status = status;
  g.name = "group-" + g.id;
  g.source_region = src;
  g.destination_region = dst;
  g.source_zone = src + "-h";
  g.destination_zone = dst + "-e";
  g.pair_ids = std::move(pair_ids);
  return g;
}

// A world with one group `pg-1` in `status` holding `members` pairs (pair-cn-m1...) in the
// same status, and `free` ungrouped pairs (pair-cn-f1...) in `free_status`.
inline World group_world(Status status, int members, std::optional<std::int64_t> lrp = 1700000000,
                         int free = 0, Status free_status = Status::Created, Policy policy = {}) {
  World w(std::move(policy));
  std::vector<std::string> ids;
  for (int i = 1; i <= members; ++i) {
    Pair p = make_pair("pair-cn-m" + std::to_string(i), status);
    w.add_pair(p, kT0);
    ids.push_back(p.id);
  }
  for (int i = 1; i <= free; ++i) w.add_pair(make_pair("pair-cn-f" + std::to_string(i), free_status), kT0);
  Group g = make_group("pg-1", status, ids);
  g.last_recover_point = lrp;
  w.add_group(g, kT0);
  return w;
}

inline Params group_call(std::string id = "pg-1", std::string region = kSrc) {
  return {{"RegionId", std::move(region)}, {"ReplicaGroupId", std::move(id)}};
}

inline Params membership_call(std::string group, std::string pair, std::string region = kSrc) {
  return {{"RegionId", std::move(region)}, {"ReplicaGroupId", std::move(group)},
          {"ReplicaPairId", std::move(pair)}};
}

inline Params create_group_params() {
  return {{"RegionId", kSrc},
          {"SourceZoneId", "cn-hangzhou-h"},
          {"DestinationRegionId", kDst},
          {"DestinationZoneId", "cn-shanghai-e"}};
}

// "" when every member of every group shows its group's status (or, while the group is
// invalid because of a member, invalid or the healthy status), each member's
// ReplicaGroupId names its group, and no member has a schedule of its own; otherwise what
// is wrong. Written from the contract (world.h), independently of the model's code.
inline std::string mirror_violation(const World& w) {
  for (const auto& [gid, g] : w.groups()) {
    bool any_invalid = false;
    for (const auto& pid : g.pair_ids) {
      const Pair* p = w.find(pid);
      if (p == nullptr) return "group " + gid + " lists a missing pair " + pid;
      if (p->replica_group_id != gid) return "pair " + pid + " does not name its group " + gid;
      if (p->pending || p->next_cycle) return "member " + pid + " has a schedule of its own";
      any_invalid = any_invalid || p->status == Status::Invalid;
      const bool ok = g.healthy_status
                          ? p->status == Status::Invalid || p->status == *g.healthy_status
                          : p->status == g.status;
      if (!ok) {
        return "member " + pid + " is " + std::string(to_string(p->status)) + ", group " + gid +
               " is " + std::string(to_string(g.status));
      }
    }
    if (g.healthy_status && (g.status != Status::Invalid || !any_invalid)) {
      return "group " + gid + " keeps a healthy status without an invalid member";
    }
    if (!g.healthy_status && any_invalid && g.status != Status::Invalid) {
      return "group " + gid + " has an invalid member but is " + std::string(to_string(g.status));
    }
  }
  for (const auto& [pid, p] : w.pairs()) {
    if (p.replica_group_id.empty()) continue;
    const Group* g = w.find_group(p.replica_group_id);
    if (g != nullptr && !has_member(*g, pid)) return "pair " + pid + " names a group that does not list it";
  }
  return "";
}

}  // namespace ebsmock::contracts::testing
