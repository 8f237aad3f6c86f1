// scenario_writer.cpp: Scenario -> TOML, section by section in the loader's order, every
// value through toml_text.h. Pure.
#include "scenarios/writer/scenario_writer.h"

#include "contracts/regions.h"
#include "contracts/status.h"
#include "contracts/time.h"
#include "scenarios/loader/names.h"
#include "scenarios/writer/toml_text.h"

namespace ebsmock::scenarios {
namespace {

std::string boolean(bool b) { return b ? "true" : "false"; }

std::string delay_value(const DelaySpec& d) {
  switch (d.kind) {
    case DelaySpec::Kind::None: return "";
    case DelaySpec::Kind::Fixed: return toml_duration(d.fixed);
    case DelaySpec::Kind::Uniform:
      return "{ uniform = [" + toml_duration(d.low) + ", " + toml_duration(d.high) + "] }";
    case DelaySpec::Kind::LogNormal:
      return "{ lognormal = { median = " + toml_duration(d.median) +
             ", sigma = " + toml_float(d.sigma) + " } }";
  }
  return "";
}

template <class Range, class Key, class Value>
std::string inline_table(const Range& entries, Key key_of, Value value_of) {
  std::string out = "{ ";
  bool first = true;
  for (const auto& e : entries) {
    out += (first ? "" : ", ") + toml_key(key_of(e)) + " = " + toml_string(value_of(e));
    first = false;
  }
  return out + " }";
}

// A list of strings, always as a list.
std::string list_value(const std::vector<std::string>& names) {
  std::string out = "[";
  for (std::size_t i = 0; i < names.size(); ++i) out += (i ? ", " : "") + toml_string(names[i]);
  return out + "]";
}

// One name, or a list of them.
std::string names_value(const std::vector<std::string>& names) {
  if (names.size() == 1) return toml_string(names[0]);
  return list_value(names);
}

std::string status_names_value(const std::vector<contracts::Status>& statuses) {
  std::vector<std::string> names;
  for (contracts::Status st : statuses) names.emplace_back(contracts::to_string(st));
  return names_value(names);
}

std::string tags_value(const std::vector<contracts::Tag>& tags) {
  return inline_table(tags, [](const contracts::Tag& t) { return t.key; },
                      [](const contracts::Tag& t) { return t.value; });
}

// Collects one table's keys and writes it, with its comments, only if it has any.
class Writer {
 public:
  explicit Writer(const WriteOptions& o) : o_(o) { comments({"", 0, ""}); }

  void begin(std::string_view table, std::size_t index, bool array) {
    table_ = table;
    index_ = index;
    array_ = array;
    keys_.clear();
  }
  void key(std::string_view k, std::string value) { keys_.push_back({std::string(k), std::move(value)}); }
  // A string key, left out when empty: the loader's "not given" (it then derives zones,
  // disks and sides, and leaves the others empty).
  void text(std::string_view k, const std::string& value) {
    if (!value.empty()) key(k, toml_string(value));
  }
  // Writes the table begun last; an array entry is written even without keys.
  void end() {
    if (keys_.empty() && !array_) return;
    if (!out_.empty()) out_ += '\n';
    comments({table_, index_, ""});
    out_ += (array_ ? "[[" : "[") + std::string(table_) + (array_ ? "]]\n" : "]\n");
    for (const auto& [k, value] : keys_) {
      const Place at{table_, index_, k};
      comments(at);
      out_ += toml_key(k) + " = " + value;
      if (o_.comment_after) {
        if (const std::string c = o_.comment_after(at); !c.empty()) {
          out_ += "  " + toml_comment_line(c);
        }
      }
      out_ += '\n';
    }
  }
  std::string finish() {
    if (!o_.footer.empty()) {
      if (!out_.empty()) out_ += '\n';
      for (const auto& line : o_.footer) out_ += toml_comment_line(line) + "\n";
    }
    return std::move(out_);
  }

 private:
  void comments(const Place& at) {
    if (!o_.comments_before) return;
    for (const auto& line : o_.comments_before(at)) out_ += toml_comment_line(line) + "\n";
  }

  const WriteOptions& o_;
  std::string out_;
  std::string_view table_;
  std::size_t index_ = 0;
  bool array_ = false;
  std::vector<std::pair<std::string, std::string>> keys_;
};

// Names left out when they are what the loader derives (english from the id, local from
// the english name).
void write_region(Writer& w, const contracts::RegionInfo& region, std::size_t index) {
  w.begin("region", index, true);
  w.key("id", toml_string(region.id));
  if (region.english_name != region.id) w.key("english_name", toml_string(region.english_name));
  if (region.local_name != region.english_name) w.key("local_name", toml_string(region.local_name));
  const std::vector<std::string> default_types = {"ear", "lens"};
  std::string zones = "[";
  for (std::size_t i = 0; i < region.zones.size(); ++i) {
    const contracts::ZoneInfo& z = region.zones[i];
    zones += std::string(i ? ", " : "") + "{ id = " + toml_string(z.id);
    if (z.english_name != z.id) zones += ", english_name = " + toml_string(z.english_name);
    if (z.local_name != z.english_name) zones += ", local_name = " + toml_string(z.local_name);
    if (z.resource_types != default_types) zones += ", resource_types = " + list_value(z.resource_types);
    zones += " }";
  }
  w.key("zones", zones + "]");
  w.end();
}

void write_world(Writer& w, const Scenario& s, bool all) {
  const Scenario defaults;
  w.begin("scenario", 0, false);
  if (!s.name.empty()) w.key("name", toml_string(s.name));
  if (!s.description.empty()) w.key("description", toml_string(s.description));
  if (s.seed) w.key("seed", std::to_string(*s.seed));
  // The loader refuses a mode without steps: it would suggest a replay that is not there.
  if (!s.replay.steps.empty()) {
    w.key("replay_mode", toml_string(s.replay.mode == ReplayMode::Lenient ? "lenient" : "strict"));
  }
  w.end();

  for (std::size_t i = 0; i < s.credentials.size(); ++i) {
    w.begin("credential", i, true);
    w.key("access_key_id", toml_string(s.credentials[i].access_key_id));
    w.key("access_key_secret", toml_string(s.credentials[i].access_key_secret));
    w.end();
  }

  const bool is_virtual = s.clock.mode == ClockMode::Virtual;
  w.begin("clock", 0, false);
  if (all || is_virtual) w.key("mode", toml_string(is_virtual ? "virtual" : "real"));
  // A real clock starts at the current time: the loader refuses a start for it.
  if (is_virtual && (all || s.clock.start != defaults.clock.start)) {
    w.key("start", toml_datetime(s.clock.start));
  }
  w.end();

  w.begin("auth", 0, false);
  if (all || s.auth.verify_signatures != defaults.auth.verify_signatures) {
    w.key("verify_signatures", boolean(s.auth.verify_signatures));
  }
  w.end();

  const contracts::Policy& p = s.policy;
  const contracts::Policy& d = defaults.policy;
  w.begin("timing", 0, false);
  for (const internal::TimingField& f : internal::kTimingFields) {
    if (all || p.timing.*f.field != d.timing.*f.field) w.key(f.key, toml_duration(p.timing.*f.field));
  }
  w.end();

  w.begin("contract", 0, false);
  if (all || p.token_ttl != d.token_ttl) w.key("token_ttl", toml_duration(p.token_ttl));
  if (all || p.token_replay_request_id != d.token_replay_request_id) {
    w.key("token_replay_request_id",
          toml_string(p.token_replay_request_id == contracts::TokenReplayRequestId::Original
                          ? "original"
                          : "fresh"));
  }
  if (all || p.oneshot_from_manual_syncing != d.oneshot_from_manual_syncing) {
    w.key("oneshot_from_manual_syncing", boolean(p.oneshot_from_manual_syncing));
  }
  if (all || p.enforce_site_region != d.enforce_site_region) {
    w.key("enforce_site_region", boolean(p.enforce_site_region));
  }
  if (all || p.timestamp_window != d.timestamp_window) {
    w.key("timestamp_window", toml_duration(p.timestamp_window));
  }
  if (all || p.member_pair_refusal != d.member_pair_refusal) {
    w.key("member_pair_refusal", toml_string(p.member_pair_refusal));
  }
  if (all || p.add_existing_member_succeeds != d.add_existing_member_succeeds) {
    w.key("add_existing_member_succeeds", boolean(p.add_existing_member_succeeds));
  }
  if (all || p.max_empty_groups != d.max_empty_groups) {
    w.key("max_empty_groups", std::to_string(p.max_empty_groups));
  }
  if (all || p.one_shot_gap_for_pairs != d.one_shot_gap_for_pairs) {
    w.key("one_shot_gap_for_pairs", boolean(p.one_shot_gap_for_pairs));
  }
  // The loader refuses an empty list (no drill could start): it is left out.
  if ((all || p.drill_statuses != d.drill_statuses) && !p.drill_statuses.empty()) {
    w.key("drill_statuses", status_names_value(p.drill_statuses));
  }
  if (all || p.max_active_drills != d.max_active_drills) {
    w.key("max_active_drills", std::to_string(p.max_active_drills));
  }
  if (all || p.drills_block_changes != d.drills_block_changes) {
    w.key("drills_block_changes", boolean(p.drills_block_changes));
  }
  if (all || p.max_tags_per_resource != d.max_tags_per_resource) {
    w.key("max_tags_per_resource", std::to_string(p.max_tags_per_resource));
  }
  w.end();

  w.begin("errors", 0, false);
  for (const auto& [code, status] : p.errors.status_overrides()) w.key(code, std::to_string(status));
  w.end();

  // The built-in table is left out even with explicit_defaults: six regions in every
  // file would bury the world it describes.
  if (p.regions != d.regions) {
    for (std::size_t i = 0; i < p.regions.size(); ++i) write_region(w, p.regions[i], i);
  }
}

// The keys a [[pair]] and a [[group]] both start with.
void write_head(Writer& w, std::string_view table, std::size_t index, const std::string& id,
                const std::string& region, const std::string& destination, contracts::Status status) {
  w.begin(table, index, true);
  w.key("id", toml_string(id));
  w.key("region", toml_string(region));
  w.key("destination_region", toml_string(destination));
  w.key("status", toml_string(contracts::to_string(status)));
}

void write_pair(Writer& w, const contracts::Pair& pair, std::size_t index,
                std::int64_t default_create_time, bool all) {
  const contracts::Pair defaults;
  write_head(w, "pair", index, pair.id, pair.source_region, pair.destination_region, pair.status);
  w.text("status_message", pair.status_message);
  w.text("pair_name", pair.pair_name);
  w.text("description", pair.description);
  w.text("source_zone_id", pair.source_zone);
  w.text("source_disk_id", pair.source_disk_id);
  w.text("destination_zone_id", pair.destination_zone);
  w.text("destination_disk_id", pair.destination_disk_id);
  w.text("primary_region", pair.primary_region);
  w.text("primary_zone", pair.primary_zone);
  w.text("standby_region", pair.standby_region);
  w.text("standby_zone", pair.standby_zone);
  if (all || pair.charge_type != defaults.charge_type) w.key("charge_type", toml_string(pair.charge_type));
  if (all || pair.bandwidth != defaults.bandwidth) w.key("bandwidth", std::to_string(pair.bandwidth));
  if (all || pair.rpo != defaults.rpo) w.key("rpo", std::to_string(pair.rpo));
  if (all || pair.enable_rtc != defaults.enable_rtc) w.key("enable_rtc", boolean(pair.enable_rtc));
  w.text("replica_group_id", pair.replica_group_id);
  w.text("replica_group_name", pair.replica_group_name);
  w.text("resource_group_id", pair.resource_group_id);
  if (all || pair.site != defaults.site) w.key("site", toml_string(pair.site));
  // Without create_time the loader uses the clock's start.
  if (all || pair.create_time != default_create_time) w.key("create_time", std::to_string(pair.create_time));
  if (pair.expired_time != 0) w.key("expired_time", std::to_string(pair.expired_time));
  if (pair.last_recover_point) w.key("last_recover_point", std::to_string(*pair.last_recover_point));
  if (!pair.tags.empty()) w.key("tags", tags_value(pair.tags));
  w.end();
}

void write_group(Writer& w, const contracts::Group& g, std::size_t index,
                 std::int64_t default_create_time, bool all) {
  const contracts::Group defaults;
  write_head(w, "group", index, g.id, g.source_region, g.destination_region, g.status);
  if (all || !g.pair_ids.empty()) w.key("pairs", list_value(g.pair_ids));
  w.text("name", g.name);
  w.text("description", g.description);
  w.text("source_zone_id", g.source_zone);
  w.text("destination_zone_id", g.destination_zone);
  w.text("primary_region", g.primary_region);
  w.text("primary_zone", g.primary_zone);
  w.text("standby_region", g.standby_region);
  w.text("standby_zone", g.standby_zone);
  if (all || g.rpo != defaults.rpo) w.key("rpo", std::to_string(g.rpo));
  if (all || g.bandwidth != defaults.bandwidth) w.key("bandwidth", std::to_string(g.bandwidth));
  if (all || g.enable_rtc != defaults.enable_rtc) w.key("enable_rtc", boolean(g.enable_rtc));
  w.text("resource_group_id", g.resource_group_id);
  if (all || g.create_time != default_create_time) w.key("create_time", std::to_string(g.create_time));
  if (g.last_recover_point) w.key("last_recover_point", std::to_string(*g.last_recover_point));
  if (!g.tags.empty()) w.key("tags", tags_value(g.tags));
  w.end();
}

void write_drill(Writer& w, const contracts::Drill& d, std::size_t index) {
  w.begin("drill", index, true);
  w.key("id", toml_string(d.id));
  w.key(d.target_kind == contracts::ResourceKind::Group ? "group" : "pair", toml_string(d.target_id));
  w.key("status", toml_string(contracts::to_string(d.status)));
  // 0 is the model's "not given": the target's recovery point, the world's start.
  if (d.recover_point != 0) w.key("recover_point", std::to_string(d.recover_point));
  if (d.start_at != 0) w.key("start_at", std::to_string(d.start_at));
  if (!d.status_message.empty()) w.key("status_message", toml_string(d.status_message));
  w.end();
}

void write_event(Writer& w, const ScheduledEvent& e, std::size_t index) {
  w.begin("event", index, true);
  w.key("at", toml_duration(e.at));
  w.key(contracts::to_string(e.kind), toml_string(e.target_id));
  w.key("status", toml_string(contracts::to_string(e.status)));
  if (!e.description.empty()) w.key("description", toml_string(e.description));
  w.end();
}

void write_fault(Writer& w, const FaultSpec& f, std::size_t index) {
  const FaultSpec defaults;
  w.begin("fault", index, true);
  // A default id is positional: written, it would stop following the rule's position.
  if (!f.id_is_default) w.key("id", toml_string(f.id));
  if (!f.description.empty()) w.key("description", toml_string(f.description));
  if (!f.actions.empty()) w.key("action", names_value(f.actions));
  if (!f.pair.empty()) w.key("pair", toml_string(f.pair));
  if (!f.group.empty()) w.key("group", toml_string(f.group));
  if (!f.region.empty()) w.key("region", toml_string(f.region));
  if (!f.access_key_id.empty()) w.key("access_key_id", toml_string(f.access_key_id));
  if (!f.when_status.empty()) w.key("when_status", status_names_value(f.when_status));
  if (!f.client_token.empty()) w.key("client_token", toml_string(f.client_token));
  if (!f.call_id.empty()) w.key("call_id", toml_string(f.call_id));
  if (!f.calls.empty()) {
    std::string calls = "[";
    for (std::size_t i = 0; i < f.calls.size(); ++i) calls += (i ? ", " : "") + std::to_string(f.calls[i]);
    w.key("calls", calls + "]");
  }
  if (f.after != defaults.after) w.key("after", std::to_string(f.after));
  if (f.times) w.key("times", std::to_string(*f.times));
  if (f.probability != defaults.probability) w.key("probability", toml_float(f.probability));
  if (f.delay.kind != DelaySpec::Kind::None) w.key("delay", delay_value(f.delay));
  if (f.hold) {
    std::string hold = f.hold->call_id.empty() ? "{ client_token = " + toml_string(f.hold->client_token)
                                               : "{ call_id = " + toml_string(f.hold->call_id);
    if (f.hold->budget != kDefaultHoldBudget) hold += ", budget_ms = " + std::to_string(f.hold->budget.count());
    w.key("hold_until", hold + " }");
  }
  if (f.commit != defaults.commit) w.key("commit", toml_string(to_string(f.commit)));
  if (!f.error.empty()) w.key("error", toml_string(f.error));
  if (f.status) w.key("status", std::to_string(*f.status));
  if (!f.message.empty()) w.key("message", toml_string(f.message));
  if (f.retry_after_ms) w.key("retry_after_ms", std::to_string(*f.retry_after_ms));
  if (f.transport != Transport::None) w.key("transport", toml_string(to_string(f.transport)));
  if (f.transport == Transport::Hang) w.key("hang_cap", toml_duration(f.hang_cap));
  w.end();
}

void write_replay_step(Writer& w, const ReplayStep& s, std::size_t index) {
  w.begin("replay", index, true);
  w.key("action", toml_string(s.action));
  if (!s.params.empty()) {
    w.key("params", inline_table(s.params, [](const auto& kv) { return kv.first; },
                                 [](const auto& kv) { return kv.second; }));
  }
  // Every transport but truncate replaces the answer, and the loader refuses answer keys
  // next to it. Otherwise the status is always written: without it the loader would take
  // the code's catalogue status.
  const bool replaces_answer = s.transport != Transport::None && s.transport != Transport::Truncate;
  if (!replaces_answer) w.key("status", std::to_string(s.status));
  if (!s.code.empty()) w.key("code", toml_string(s.code));
  if (!s.message.empty()) w.key("message", toml_string(s.message));
  if (s.body) w.key("body", toml_literal_block(*s.body));
  if (!s.headers.empty()) {
    w.key("headers", inline_table(s.headers, [](const auto& h) { return h.first; },
                                  [](const auto& h) { return h.second; }));
  }
  if (s.delay.kind != DelaySpec::Kind::None) w.key("delay", delay_value(s.delay));
  if (s.commit != Commit::Before) w.key("commit", toml_string(to_string(s.commit)));
  if (s.transport != Transport::None) w.key("transport", toml_string(to_string(s.transport)));
  w.end();
}

}  // namespace

std::string write_scenario(const Scenario& s, const WriteOptions& options) {
  Writer w(options);
  write_world(w, s, options.explicit_defaults);
  const std::int64_t default_create_time = contracts::unix_seconds(s.clock.start);
  for (std::size_t i = 0; i < s.pairs.size(); ++i) {
    write_pair(w, s.pairs[i], i, default_create_time, options.explicit_defaults);
  }
  for (std::size_t i = 0; i < s.groups.size(); ++i) {
    write_group(w, s.groups[i], i, default_create_time, options.explicit_defaults);
  }
  for (std::size_t i = 0; i < s.drills.size(); ++i) write_drill(w, s.drills[i], i);
  for (std::size_t i = 0; i < s.events.size(); ++i) write_event(w, s.events[i], i);
  for (std::size_t i = 0; i < s.faults.size(); ++i) write_fault(w, s.faults[i], i);
  for (std::size_t i = 0; i < s.replay.steps.size(); ++i) write_replay_step(w, s.replay.steps[i], i);
  return w.finish();
}

}  // namespace ebsmock::scenarios
