// pair.h: one replica pair as DescribeDiskReplicaPairs shows it (ebs-api.md §1.4), plus
// the bookkeeping the model needs for time-driven progress. Plain value type.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "contracts/json_writer.h"
#include "contracts/status.h"
#include "contracts/time.h"

namespace ebsmock::contracts {

struct Tag {
  std::string key;
  std::string value;
  friend bool operator==(const Tag&, const Tag&) = default;
};

// A transient status in progress: the pair reaches `to` at `due`.
struct PendingTransition {
  Status to;
  Instant started;
  Instant due;
  friend bool operator==(const PendingTransition&, const PendingTransition&) = default;
};

struct Pair {
  std::string id;  // ReplicaPairId, e.g. "pair-cn-5e3mw1trzv9q7d6l"
  Status status = Status::Created;
  std::string status_message;

  std::string pair_name;
  std::string description;
  std::string source_region;  // current primary
  std::string source_zone;
  std::string source_disk_id;
  std::string destination_region;  // current secondary
  std::string destination_zone;
  std::string destination_disk_id;
  std::string primary_region;  // initial primary (never swapped)
  std::string primary_zone;
  std::string standby_region;  // initial secondary (never swapped)
  std::string standby_zone;
  std::string charge_type = "POSTPAY";
  std::int64_t bandwidth = 0;  // Kbit/s; POSTPAY forces 0 (= dynamic)
  std::int64_t rpo = 900;
  bool enable_rtc = false;
  std::string replica_group_id;
  std::string replica_group_name;
  std::string resource_group_id;
  std::string site = "production";
  std::int64_t create_time = 0;   // Unix seconds
  std::int64_t expired_time = 0;  // Unix seconds; 0 = none
  std::optional<std::int64_t> last_recover_point;  // Unix seconds of last completed sync
  std::vector<Tag> tags;

  std::optional<PendingTransition> pending;
  // When the pair reached `deleted`; it vanishes after Timing::deleted_retention.
  std::optional<Instant> deleted_at;
  // Next normal -> syncing cycle when Timing::sync_cycle > 0.
  std::optional<Instant> next_cycle;
  // Whether the reprotect in progress reverses the direction (ReverseReplicate=true).
  bool reprotect_reverses = false;
  // When the last OneShot=true Start began (Policy::one_shot_gap_for_pairs).
  std::optional<Instant> last_one_shot;

  friend bool operator==(const Pair&, const Pair&) = default;
};

// The DescribeDiskReplicaPairs item, fields named exactly as on the wire.
nlohmann::json to_describe_json(const Pair& p);
// The same item written as JSON text (what dumping to_describe_json(p) gives, byte for
// byte): the form the mock sends on, without a DOM.
void write_describe_json(JsonWriter& w, const Pair& p);

// True when the pair is listed for `region_id` (its primary or secondary is there).
bool visible_in_region(const Pair& p, std::string_view region_id);

// The Tag.N filter of the Describe/List operations: every (key, value) in `filters` is on
// the resource; an empty filter value matches any value of that key.
bool has_tags(const std::vector<Tag>& tags,
              const std::vector<std::pair<std::string, std::string>>& filters);

}  // namespace ebsmock::contracts
