// resource_reader.h: the [[group]], [[drill]] and [[event]] parts of the scenario format,
// for the scenario loader. Groups and drills are checked the way the mock will set them
// up: pairs, then groups, then drills added to a contracts::World at the world's start,
// so whatever the model refuses (a member in another status than its group, a drill
// without a recovery point, ...) is a file:line:col diagnostic at that table instead of
// a failure at serve time. Internal to scenarios/loader.
// Not thread-safe: one ResourceReadState per load.
#pragma once

#include <array>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include <toml++/toml.h>

#include "contracts/world.h"
#include "scenarios/loader/scenario.h"
#include "scenarios/loader/toml_reader.h"

namespace ebsmock::scenarios::internal {

inline constexpr std::array<std::string_view, 20> kGroupKeys = {
    "id",          "region",          "destination_region", "source_zone_id",
    "destination_zone_id", "status",  "pairs",              "name",
    "description", "primary_region",  "primary_zone",       "standby_region",
    "standby_zone", "rpo",            "bandwidth",          "enable_rtc",
    "resource_group_id", "create_time", "last_recover_point", "tags",
};

inline constexpr std::array<std::string_view, 7> kDrillKeys = {
    "id", "pair", "group", "status", "recover_point", "start_at", "status_message",
};

inline constexpr std::array<std::string_view, 6> kEventKeys = {
    "at", "pair", "group", "drill", "status", "description",
};

// What reading groups, drills and events needs beyond one table.
struct ResourceReadState {
  DiagnosticSink& sink;
  Scenario& out;  // pairs are read first; groups, drills and events are appended
  // The [[pair]], [[group]] and [[drill]] tables by id: every table whose id was valid and
  // not taken, whether or not the rest of it was. A reference to an id declared with
  // another problem is not reported again (one mistake, one diagnostic), and a lint can
  // tell "declared" from "a typo".
  std::map<std::string, const toml::table*, std::less<>> pair_tables;
  std::map<std::string, const toml::table*, std::less<>> group_tables;
  std::map<std::string, const toml::table*, std::less<>> drill_tables;
  // The world the file sets up, built as groups and drills are read (with every loaded
  // pair when the first of them comes). Only what loaded is in it.
  std::optional<contracts::World> world;
};

// Claims `id` for table `t` in `tables` (pair_tables, ...); a taken id is reported at the
// table's `id` as "duplicate <noun> id ..." and gives false.
bool claim_id(TableReader& r, const toml::table& t, std::string_view noun, const std::string& id,
              std::map<std::string, const toml::table*, std::less<>>& tables);

// One [[group]] table; appends the group to out.groups (and gives its members their
// group's values in out.pairs) only when it has no problem.
void read_group(const toml::table& t, ResourceReadState& st);

// One [[drill]] table; appends the drill to out.drills only when it has no problem.
void read_drill(const toml::table& t, ResourceReadState& st);

// One [[event]] table; appends the event to out.events only when it has no problem.
void read_event(const toml::table& t, ResourceReadState& st);

// After every table is read: sorts out.events by `at` (file order among equal ones) and
// reports a [[pair]] whose replica_group_id names a declared group that does not list it.
void finish_resources(ResourceReadState& st);

}  // namespace ebsmock::scenarios::internal
