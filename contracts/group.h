// group.h: one replication pair-consistent group as DescribeDiskReplicaGroups shows it
// (ebs-groups.md §3.1), plus the bookkeeping the model needs for time-driven progress. The
// group owns the ONE schedule its member pairs move on (World moves them together).
// Plain value type.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "contracts/pair.h"
#include "contracts/status.h"
#include "contracts/time.h"

namespace ebsmock::contracts {

// "Up to 17" pairs per group (ebs-groups.md §3.4); the 18th Add answers
// OperationDenied.PairsExceedInGroup.
inline constexpr std::size_t kMaxPairsPerGroup = 17;

struct Group {
  std::string id;  // ReplicaGroupId, e.g. "pg-m1H9aaOUIGsDUwgZ"
  // What Describe shows. Member pairs show the same status, except while the group is
  // `invalid` because a member is (see healthy_status).
  Status status = Status::Created;
  // Set while `status` is invalid because at least one member pair is invalid (§5.2 #5):
  // the status the other members still share and keep moving in (a transition in progress
  // completes for them). When no invalid member is left (removed or repaired) the group
  // takes this status again (§11 #3, choice). nullopt otherwise, also for a group made
  // invalid as a whole (force_group_status, a scenario), which stays invalid.
  std::optional<Status> healthy_status;

  std::string name;  // GroupName
  std::string description;
  // Direction (§3.3): fixed at creation and never swapped, also after a reverse
  // replication ("the primary and secondary sites of the group remain unchanged").
  std::string source_region;
  std::string source_zone;
  std::string destination_region;
  std::string destination_zone;
  std::string primary_region;  // initial source (never changes)
  std::string primary_zone;
  std::string standby_region;  // initial destination (never changes)
  std::string standby_zone;
  std::int64_t rpo = 900;       // seconds; replaces the members' RPO (§3.4)
  std::int64_t bandwidth = 0;   // "not publicly available"; stored, 0 by default (§10 #3)
  bool enable_rtc = false;      // replaces the members' EnableRtc (§4.9)
  std::string resource_group_id;
  std::vector<std::string> pair_ids;  // members, sorted by id (PairIds)
  // Unix seconds of the last sync the whole group completed: the members' common recovery
  // point. Absent until the first sync completes (never 0: Terraform's #CHECKSET, §9.7 #2).
  std::optional<std::int64_t> last_recover_point;
  std::vector<Tag> tags;
  std::int64_t create_time = 0;  // Unix seconds; not on the wire, orders Describe

  // The transient status in progress, shared by the group and every member.
  std::optional<PendingTransition> pending;
  std::optional<Instant> deleted_at;  // reached `deleted`; vanishes after deleted_retention
  std::optional<Instant> next_cycle;  // next normal -> syncing when Timing::sync_cycle > 0
  // When the last OneShot=true Start began (ManualSyncLimit: the next must come more than
  // RPO/2 later, start to start).
  std::optional<Instant> last_one_shot;

  friend bool operator==(const Group&, const Group&) = default;
};

// The DescribeDiskReplicaGroups item, fields named exactly as on the wire (§3.1): PairIds
// always an array of strings, LastRecoverPoint omitted until the first completed sync.
// `site` is the record's Site ("production" or "backup").
nlohmann::json to_describe_json(const Group& g, std::string_view site);

// True when the group is listed for `region_id` (its source or destination is there).
bool visible_in_region(const Group& g, std::string_view region_id);

bool has_member(const Group& g, std::string_view pair_id);

}  // namespace ebsmock::contracts
