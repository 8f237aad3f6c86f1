// scenario_writer.cpp: Scenario -> TOML, section by section in the loader's order, every
// value through toml_text.h. Pure.
#include "scenarios/writer/scenario_writer.h"

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

// One name, or a list of them.
std::string names_value(const std::vector<std::string>& names) {
  if (names.size() == 1) return toml_string(names[0]);
  std::string out = "[";
  for (std::size_t i = 0; i < names.size(); ++i) out += (i ? ", " : "") + toml_string(names[i]);
  return out + "]";
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
  w.end();

  w.begin("errors", 0, false);
  for (const auto& [code, status] : p.errors.status_overrides()) w.key(code, std::to_string(status));
  w.end();
}

void write_pair(Writer& w, const contracts::Pair& pair, std::size_t index,
                std::int64_t default_create_time, bool all) {
  const contracts::Pair defaults;
  w.begin("pair", index, true);
  w.key("id", toml_string(pair.id));
  w.key("region", toml_string(pair.source_region));
  w.key("destination_region", toml_string(pair.destination_region));
  w.key("status", toml_string(contracts::to_string(pair.status)));
  // Empty strings are the loader's "not given": zones, disks and the primary/standby
  // sides are then derived, the others stay empty.
  auto text = [&](std::string_view key, const std::string& value) {
    if (!value.empty()) w.key(key, toml_string(value));
  };
  text("status_message", pair.status_message);
  text("pair_name", pair.pair_name);
  text("description", pair.description);
  text("source_zone_id", pair.source_zone);
  text("source_disk_id", pair.source_disk_id);
  text("destination_zone_id", pair.destination_zone);
  text("destination_disk_id", pair.destination_disk_id);
  text("primary_region", pair.primary_region);
  text("primary_zone", pair.primary_zone);
  text("standby_region", pair.standby_region);
  text("standby_zone", pair.standby_zone);
  if (all || pair.charge_type != defaults.charge_type) w.key("charge_type", toml_string(pair.charge_type));
  if (all || pair.bandwidth != defaults.bandwidth) w.key("bandwidth", std::to_string(pair.bandwidth));
  if (all || pair.rpo != defaults.rpo) w.key("rpo", std::to_string(pair.rpo));
  if (all || pair.enable_rtc != defaults.enable_rtc) w.key("enable_rtc", boolean(pair.enable_rtc));
  text("replica_group_id", pair.replica_group_id);
  text("replica_group_name", pair.replica_group_name);
  text("resource_group_id", pair.resource_group_id);
  if (all || pair.site != defaults.site) w.key("site", toml_string(pair.site));
  // Without create_time the loader uses the clock's start.
  if (all || pair.create_time != default_create_time) w.key("create_time", std::to_string(pair.create_time));
  if (pair.expired_time != 0) w.key("expired_time", std::to_string(pair.expired_time));
  if (pair.last_recover_point) w.key("last_recover_point", std::to_string(*pair.last_recover_point));
  if (!pair.tags.empty()) {
    w.key("tags", inline_table(pair.tags, [](const contracts::Tag& t) { return t.key; },
                               [](const contracts::Tag& t) { return t.value; }));
  }
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
  if (!f.region.empty()) w.key("region", toml_string(f.region));
  if (!f.access_key_id.empty()) w.key("access_key_id", toml_string(f.access_key_id));
  if (!f.when_status.empty()) {
    std::vector<std::string> names;
    for (contracts::Status st : f.when_status) names.emplace_back(contracts::to_string(st));
    w.key("when_status", names_value(names));
  }
  if (!f.client_token.empty()) w.key("client_token", toml_string(f.client_token));
  if (!f.calls.empty()) {
    std::string calls = "[";
    for (std::size_t i = 0; i < f.calls.size(); ++i) calls += (i ? ", " : "") + std::to_string(f.calls[i]);
    w.key("calls", calls + "]");
  }
  if (f.after != defaults.after) w.key("after", std::to_string(f.after));
  if (f.times) w.key("times", std::to_string(*f.times));
  if (f.probability != defaults.probability) w.key("probability", toml_float(f.probability));
  if (f.delay.kind != DelaySpec::Kind::None) w.key("delay", delay_value(f.delay));
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
  for (std::size_t i = 0; i < s.faults.size(); ++i) write_fault(w, s.faults[i], i);
  for (std::size_t i = 0; i < s.replay.steps.size(); ++i) write_replay_step(w, s.replay.steps[i], i);
  return w.finish();
}

}  // namespace ebsmock::scenarios
