// resource_reader.cpp: [[group]], [[drill]] and [[event]]. Each table is checked on its
// own (keys, types, ids, references to what the file declares), then against the model
// by adding it to the world the file sets up, exactly as the mock will. Reentrant: all
// state lives in the caller's ResourceReadState.
#include "scenarios/loader/resource_reader.h"

#include <algorithm>
#include <cstdint>
#include <limits>
#include <stdexcept>
#include <vector>

#include "contracts/status.h"
#include "scenarios/loader/names.h"

namespace ebsmock::scenarios::internal {

namespace {

using contracts::ResourceKind;

constexpr std::int64_t kInt64Max = std::numeric_limits<std::int64_t>::max();

using Tables = std::map<std::string, const toml::table*, std::less<>>;

// "no [[pair]] declares 'pair-x'; did you mean 'pair-y'?"
std::string undeclared(std::string_view section, const std::string& id, const Tables& declared) {
  std::vector<std::string_view> ids;
  for (const auto& [known, table] : declared) ids.push_back(known);
  return "no [[" + std::string(section) + "]] declares '" + id + "'" + did_you_mean(id, ids);
}

contracts::World& world_of(ResourceReadState& st) {
  if (!st.world) {
    st.world.emplace(st.out.policy);
    for (const auto& p : st.out.pairs) st.world->add_pair(p, st.out.clock.start);
  }
  return *st.world;
}

bool loaded(ResourceReadState& st, ResourceKind kind, std::string_view id) {
  const contracts::World& w = world_of(st);
  switch (kind) {
    case ResourceKind::Pair: return w.find(id) != nullptr;
    case ResourceKind::Group: return w.find_group(id) != nullptr;
    case ResourceKind::Drill: return w.find_drill(id) != nullptr;
  }
  return false;
}

const Tables& tables_of(const ResourceReadState& st, ResourceKind kind) {
  switch (kind) {
    case ResourceKind::Pair: return st.pair_tables;
    case ResourceKind::Group: return st.group_tables;
    case ResourceKind::Drill: return st.drill_tables;
  }
  return st.pair_tables;
}

// A point in time that must be after the epoch: 0 means "not given" in the model.
std::optional<std::int64_t> positive_time(TableReader& r, std::string_view key,
                                          std::string_view when_absent) {
  auto v = r.instant(key);
  if (!v) return std::nullopt;
  const std::int64_t seconds = contracts::unix_seconds(*v);
  if (seconds <= 0) {
    r.error_at(key, "'" + std::string(key) + "' must be after 1970-01-01T00:00:00Z (leave it out " +
                        std::string(when_absent) + ")");
    return std::nullopt;
  }
  return seconds;
}

// The one target key of a [[drill]] or [[event]] out of `keys` (with the kinds they name):
// exactly one must be given. Returns the kind and the key, or nullopt (reported).
struct TargetKey {
  std::string_view key;
  ResourceKind kind;
};

std::optional<TargetKey> one_target(TableReader& r, const toml::table& t,
                                    std::span<const TargetKey> keys, std::string_view what) {
  std::optional<TargetKey> found;
  for (const TargetKey& k : keys) {
    if (!t.contains(k.key)) continue;
    if (found) {
      r.error_at(k.key, std::string(what) + " has one target: give '" + std::string(found->key) +
                            "' or '" + std::string(k.key) + "', not both");
      return std::nullopt;
    }
    found = k;
  }
  if (!found) {
    std::string list;
    for (std::size_t i = 0; i < keys.size(); ++i) {
      list += (i == 0 ? "'" : i + 1 == keys.size() ? " or '" : ", '") + std::string(keys[i].key) + "'";
    }
    r.error_at_table(std::string(what) + " needs its target: " + list);
  }
  return found;
}

// The target's id, when it is declared in the file (an undeclared one is reported, with
// the closest declared id). nullopt as well when it is declared but did not load.
std::optional<std::string> declared_target(TableReader& r, ResourceReadState& st, const TargetKey& k) {
  auto id = r.non_empty_string(k.key);
  if (!id) return std::nullopt;
  const Tables& declared = tables_of(st, k.kind);
  if (!declared.contains(*id)) {
    r.error_at(k.key, undeclared(to_string(k.kind), *id, declared));
    return std::nullopt;
  }
  if (!loaded(st, k.kind, *id)) return std::nullopt;  // its own table says what is wrong
  return id;
}

// ---------------------------------------------------------------------------------------
// [[group]]

constexpr std::array<TableReader::Hint, 9> kGroupHints = {{
    {"group_name", "name"},
    {"source_region", "region"},
    {"replica_group_id", "id"},
    {"group_id", "id"},
    {"pair_ids", "pairs"},
    {"source_zone", "source_zone_id"},
    {"destination_zone", "destination_zone_id"},
    {"last_recover_time", "last_recover_point"},
    {"tag", "tags"},
}};

// The member ids of `pairs`, each declared by a [[pair]] and listed once. `complete` is
// cleared when a member is declared but did not load (its table has the diagnostic).
std::vector<std::string> read_members(TableReader& r, ResourceReadState& st, bool& complete) {
  std::vector<std::string> members;
  const toml::node* n = r.node("pairs");
  if (!n) return members;
  const auto* a = n->as_array();
  if (!a) {
    r.error_at("pairs", "'pairs' must be a list of ReplicaPairIds, e.g. pairs = [\"pair-cn-1\"], got " +
                            std::string(type_name(*n)));
    return members;
  }
  for (const toml::node& e : *a) {
    const auto* s = e.as_string();
    if (!s) {
      r.sink().error(e.source(), "each entry of 'pairs' must be a ReplicaPairId string, got " +
                                     std::string(type_name(e)));
      continue;
    }
    const std::string& id = s->get();
    if (std::find(members.begin(), members.end(), id) != members.end()) {
      r.sink().error(e.source(), "'" + id + "' is listed twice in 'pairs'");
      continue;
    }
    if (!st.pair_tables.contains(id)) {
      r.sink().error(e.source(), undeclared("pair", id, st.pair_tables));
      continue;
    }
    if (!loaded(st, ResourceKind::Pair, id)) complete = false;
    members.push_back(id);
  }
  return members;
}

contracts::Pair& pair_in(Scenario& out, std::string_view id) {
  return *std::find_if(out.pairs.begin(), out.pairs.end(),
                       [&](const contracts::Pair& p) { return p.id == id; });
}

// A member's [[pair]] may repeat what its group owns (the writer does), but not
// contradict it: Describe would show the group's value, not the one written.
void check_member_keys(const contracts::Group& g, ResourceReadState& st) {
  for (const std::string& id : g.pair_ids) {
    const toml::table& pt = *st.pair_tables.at(id);
    const contracts::Pair& p = pair_in(st.out, id);
    auto owned = [&](std::string_view key, bool differs, const std::string& group_value) {
      if (!pt.contains(key) || !differs) return;
      st.sink.error(pt.get(key)->source(),
                    "pair " + id + " is a member of group " + g.id + " (line " +
                        std::to_string(line_of(st.group_tables.at(g.id)->get("id"))) +
                        "), whose " + std::string(key) + " " + group_value +
                        " its members take: leave '" + std::string(key) +
                        "' out of the [[pair]] or set it on the [[group]]");
    };
    owned("rpo", p.rpo != g.rpo, std::to_string(g.rpo));
    owned("enable_rtc", p.enable_rtc != g.enable_rtc, g.enable_rtc ? "true" : "false");
    owned("replica_group_name", p.replica_group_name != g.name, "\"" + g.name + "\"");
    owned("last_recover_point", p.last_recover_point != g.last_recover_point,
          g.last_recover_point ? std::to_string(*g.last_recover_point) : "(none)");
  }
}

// Where to report what World::add_group refused: the member its message names ("pair
// <id> ..."), else the table.
const toml::source_region& refusal_position(const toml::table& t, const std::string& message,
                                            const std::vector<std::string>& members) {
  const toml::node* best = nullptr;
  std::size_t best_at = std::string::npos;
  if (const auto* a = t.get_as<toml::array>("pairs")) {
    for (const toml::node& e : *a) {
      const auto* s = e.as_string();
      if (!s || std::find(members.begin(), members.end(), s->get()) == members.end()) continue;
      const std::size_t at = message.find("pair " + s->get() + " ");
      if (at < best_at) {
        best_at = at;
        best = &e;
      }
    }
  }
  return best ? best->source() : t.source();
}

}  // namespace

bool claim_id(TableReader& r, const toml::table& t, std::string_view noun, const std::string& id,
              Tables& tables) {
  auto [it, inserted] = tables.emplace(id, &t);
  if (inserted) return true;
  r.error_at("id", "duplicate " + std::string(noun) + " id '" + id + "'; first defined at line " +
                       std::to_string(line_of(it->second->get("id"))));
  return false;
}

void read_group(const toml::table& t, ResourceReadState& st) {
  const std::size_t problems_before = st.sink.size();
  TableReader r(st.sink, t, "[[group]]", kGroupKeys, kGroupHints);
  contracts::Group g;

  auto id = r.prefixed_id("id", kGroupIdPrefix, "pg-m1h9aaouigsduwgz", "group id must start with",
                          Presence::Required);
  if (id && !claim_id(r, t, "group", *id, st.group_tables)) id.reset();
  if (id) g.id = *id;
  if (auto v = r.non_empty_string("region", Presence::Required)) g.source_region = *v;
  if (auto v = r.non_empty_string("destination_region", Presence::Required)) {
    g.destination_region = *v;
  }
  if (auto v = r.one_of("status", status_names(), Presence::Required)) {
    g.status = *contracts::parse_status(*v);
  }
  r.string_into("name", g.name);
  r.string_into("description", g.description);
  r.string_into("source_zone_id", g.source_zone);
  r.string_into("destination_zone_id", g.destination_zone);
  r.string_into("primary_region", g.primary_region);
  r.string_into("primary_zone", g.primary_zone);
  r.string_into("standby_region", g.standby_region);
  r.string_into("standby_zone", g.standby_zone);
  r.string_into("resource_group_id", g.resource_group_id);
  if (auto v = r.integer("rpo", 1, kInt64Max)) g.rpo = *v;
  if (auto v = r.integer("bandwidth", 0, kInt64Max)) g.bandwidth = *v;
  if (auto v = r.boolean("enable_rtc")) g.enable_rtc = *v;
  // Like a pair's: created when the world starts unless written.
  g.create_time = contracts::unix_seconds(st.out.clock.start);
  if (auto v = r.instant("create_time")) g.create_time = contracts::unix_seconds(*v);
  if (auto v = r.instant("last_recover_point")) g.last_recover_point = contracts::unix_seconds(*v);
  g.tags = read_tags(r);
  bool complete = true;
  g.pair_ids = read_members(r, st, complete);
  std::sort(g.pair_ids.begin(), g.pair_ids.end());  // as Describe lists them (PairIds)
  if (st.sink.size() != problems_before || !complete) return;

  // Derived defaults, so Describe never shows an empty zone: the members' side (they
  // must all share it), else the region's first zone as a pair's default.
  const contracts::Pair* first = g.pair_ids.empty() ? nullptr : &pair_in(st.out, g.pair_ids[0]);
  if (g.source_zone.empty()) g.source_zone = first ? first->source_zone : g.source_region + "-a";
  if (g.destination_zone.empty()) {
    g.destination_zone = first ? first->destination_zone : g.destination_region + "-a";
  }
  if (g.primary_region.empty()) g.primary_region = g.source_region;
  if (g.primary_zone.empty()) g.primary_zone = g.source_zone;
  if (g.standby_region.empty()) g.standby_region = g.destination_region;
  if (g.standby_zone.empty()) g.standby_zone = g.destination_zone;

  check_member_keys(g, st);
  if (st.sink.size() != problems_before) return;
  try {
    world_of(st).add_group(g, st.out.clock.start);
  } catch (const std::invalid_argument& e) {
    st.sink.error(refusal_position(t, e.what(), g.pair_ids), e.what());
    return;
  }
  // Members show what the world gives them, so the scenario says what Describe will.
  for (const std::string& pid : g.pair_ids) {
    contracts::Pair& p = pair_in(st.out, pid);
    p.replica_group_id = g.id;
    p.replica_group_name = g.name;
    p.rpo = g.rpo;
    p.enable_rtc = g.enable_rtc;
    if (g.last_recover_point) p.last_recover_point = g.last_recover_point;
  }
  st.out.groups.push_back(std::move(g));
}

// ---------------------------------------------------------------------------------------
// [[drill]]

namespace {

constexpr std::array<TableReader::Hint, 5> kDrillHints = {{
    {"drill_id", "id"},
    {"pair_id", "pair"},
    {"group_id", "group"},
    {"last_recover_point", "recover_point"},
    {"start_time", "start_at"},
}};

constexpr std::array<TargetKey, 2> kDrillTargets = {{
    {"pair", ResourceKind::Pair},
    {"group", ResourceKind::Group},
}};

}  // namespace

void read_drill(const toml::table& t, ResourceReadState& st) {
  const std::size_t problems_before = st.sink.size();
  TableReader r(st.sink, t, "[[drill]]", kDrillKeys, kDrillHints);
  contracts::Drill d;

  auto target = one_target(r, t, kDrillTargets, "a [[drill]]");
  // The prefix follows the kind; without a (single) target only the id's presence counts.
  auto id = !target ? r.non_empty_string("id", Presence::Required)
            : target->kind == ResourceKind::Group
                ? r.prefixed_id("id", kGroupDrillIdPrefix, "pg-drill-m1h9aaouigsduwgz",
                                "a group drill's id starts with", Presence::Required)
                : r.prefixed_id("id", kPairDrillIdPrefix, "drill-m1h9aaouigsduwgz",
                                "a pair drill's id starts with", Presence::Required);
  if (id && !claim_id(r, t, "drill", *id, st.drill_tables)) id.reset();
  if (id) d.id = *id;
  if (auto v = r.one_of("status", drill_status_names(), Presence::Required)) {
    d.status = *contracts::parse_status(*v);
  }
  if (auto v = positive_time(r, "recover_point", "to use the target's last_recover_point")) {
    d.recover_point = *v;
  }
  if (auto v = positive_time(r, "start_at", "to start the drill when the world starts")) {
    d.start_at = *v;
  }
  if (auto v = r.string("status_message")) d.status_message = *v;
  std::optional<std::string> target_id;
  if (target) target_id = declared_target(r, st, *target);
  if (st.sink.size() != problems_before || !target_id) return;
  d.target_kind = target->kind;
  d.target_id = *target_id;

  try {
    // A copy: the world fills in recover_point, start_at and disks, which the scenario
    // leaves to it (scenario.h).
    world_of(st).add_drill(d, st.out.clock.start);
  } catch (const std::invalid_argument& e) {
    r.error_at_table(e.what());
    return;
  }
  st.out.drills.push_back(std::move(d));
}

// ---------------------------------------------------------------------------------------
// [[event]]

namespace {

constexpr std::array<TableReader::Hint, 9> kEventHints = {{
    {"after", "at"},
    {"time", "at"},
    {"when", "at"},
    {"to", "status"},
    {"new_status", "status"},
    {"pair_id", "pair"},
    {"group_id", "group"},
    {"drill_id", "drill"},
    {"replica_group_id", "group"},
}};

constexpr std::array<TargetKey, 3> kEventTargets = {{
    {"pair", ResourceKind::Pair},
    {"group", ResourceKind::Group},
    {"drill", ResourceKind::Drill},
}};

// The status an event forces, which must be one of its target's kind.
std::optional<contracts::Status> event_status(TableReader& r, const toml::table& t,
                                              std::optional<ResourceKind> kind) {
  if (!kind) {  // still checked, against every status
    auto v = r.one_of("status", any_status_names(), Presence::Required);
    return v ? contracts::parse_status(*v) : std::nullopt;
  }
  const bool drill = *kind == ResourceKind::Drill;
  if (const toml::node* n = t.get("status"); n && n->is_string()) {
    const auto s = contracts::parse_status(n->as_string()->get());
    if (s && contracts::is_drill_status(*s) != drill) {
      r.error_at("status", "'" + n->as_string()->get() + "' is a " +
                               (drill ? "pair and group" : "drill") + " status; an event on a " +
                               std::string(to_string(*kind)) + " takes one of " +
                               (drill ? "executing, executed, execute_failed, clearing, clear_failed"
                                      : "the pair and group statuses (invalid, stop_failed, ...)"));
      return std::nullopt;
    }
  }
  auto v = r.one_of("status", drill ? drill_status_names() : status_names(), Presence::Required);
  if (!v) return std::nullopt;
  return contracts::parse_status(*v);
}

}  // namespace

void read_event(const toml::table& t, ResourceReadState& st) {
  const std::size_t problems_before = st.sink.size();
  TableReader r(st.sink, t, "[[event]]", kEventKeys, kEventHints);
  ScheduledEvent e;
  e.source = st.sink.source_text(t.source());

  if (auto v = r.duration("at", Presence::Required)) e.at = *v;
  auto target = one_target(r, t, kEventTargets, "an [[event]]");
  auto status = event_status(r, t, target ? std::optional(target->kind) : std::nullopt);
  if (status) e.status = *status;
  if (auto v = r.string("description")) e.description = *v;
  std::optional<std::string> target_id;
  if (target) target_id = declared_target(r, st, *target);
  if (st.sink.size() != problems_before || !target_id) return;
  e.kind = target->kind;
  e.target_id = *target_id;
  st.out.events.push_back(std::move(e));
}

void finish_resources(ResourceReadState& st) {
  std::stable_sort(st.out.events.begin(), st.out.events.end(),
                   [](const ScheduledEvent& a, const ScheduledEvent& b) { return a.at < b.at; });
  // Membership is the group's `pairs`; a pair naming a declared group that does not list
  // it would be shown in no group at all, which is surely not what its author meant.
  for (const auto& [pair_id, pt] : st.pair_tables) {
    const auto* label = pt->get_as<std::string>("replica_group_id");
    if (!label || !st.group_tables.contains(label->get())) continue;
    if (!st.world) continue;  // no group loaded
    const contracts::Group* g = st.world->find_group(label->get());
    if (!g || std::find(g->pair_ids.begin(), g->pair_ids.end(), pair_id) != g->pair_ids.end()) continue;
    st.sink.error(label->source(),
                  "group " + g->id + " (line " +
                      std::to_string(line_of(st.group_tables.at(g->id)->get("id"))) +
                      ") does not list pair " + pair_id +
                      " in its 'pairs'; membership is the group's: add the pair there or "
                      "leave 'replica_group_id' out");
  }
}

}  // namespace ebsmock::scenarios::internal
