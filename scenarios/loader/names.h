// names.h: the names a scenario file may use for statuses, operations and error codes,
// as candidate lists for validation and "did you mean" suggestions, the shapes of the
// resource ids it names, and the [timing] keys with the fields they set (read by the
// loader, written by scenarios/writer). Internal to scenarios/. Thread-safe: each list is
// built once (magic static), then read-only.
#pragma once

#include <array>
#include <string_view>
#include <vector>

#include "contracts/policy.h"

namespace ebsmock::scenarios::internal {

// The 19 pair statuses, which groups share, as written ("normal", "stopped", ...).
const std::vector<std::string_view>& status_names();
// The 5 drill statuses ("executing", "executed", "execute_failed", "clearing",
// "clear_failed").
const std::vector<std::string_view>& drill_status_names();
// Both: what a fault's `when_status` may name (the status of the pair, group or drill a
// request targets).
const std::vector<std::string_view>& any_status_names();
// Every operation (Action names), pairs, groups, drills, tags and lookups.
const std::vector<std::string_view>& operation_names();
// Every code of the built-in error catalogue.
const std::vector<std::string_view>& catalogue_codes();

// A [timing] key and the Timing field it sets.
struct TimingField {
  std::string_view key;
  contracts::Duration contracts::Timing::*field;
};

inline constexpr std::array<TimingField, 12> kTimingFields = {{
    {"create", &contracts::Timing::create},
    {"initial_sync", &contracts::Timing::initial_sync},
    {"sync", &contracts::Timing::sync},
    {"manual_sync", &contracts::Timing::manual_sync},
    {"stop", &contracts::Timing::stop},
    {"failover", &contracts::Timing::failover},
    {"reprotect", &contracts::Timing::reprotect},
    {"delete", &contracts::Timing::delete_},  // `delete` is a C++ keyword
    {"deleted_retention", &contracts::Timing::deleted_retention},
    {"sync_cycle", &contracts::Timing::sync_cycle},
    {"drill_execute", &contracts::Timing::drill_execute},
    {"drill_clear", &contracts::Timing::drill_clear},
}};

inline constexpr std::array<std::string_view, kTimingFields.size()> kTimingKeys = [] {
  std::array<std::string_view, kTimingFields.size()> keys{};
  for (std::size_t i = 0; i < kTimingFields.size(); ++i) keys[i] = kTimingFields[i].key;
  return keys;
}();

// Resource ids as the service spells them: "pair-..." (ReplicaPairId), "pg-..."
// (ReplicaGroupId), "drill-..." (a pair drill's DrillId), "pg-drill-..." (a group
// drill's). Each needs at least one character after its prefix (TableReader::prefixed_id).
inline constexpr std::string_view kPairIdPrefix = "pair-";
inline constexpr std::string_view kGroupIdPrefix = "pg-";
inline constexpr std::string_view kPairDrillIdPrefix = "drill-";
inline constexpr std::string_view kGroupDrillIdPrefix = "pg-drill-";

}  // namespace ebsmock::scenarios::internal
