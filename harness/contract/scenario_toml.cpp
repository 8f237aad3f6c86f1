// scenario_toml.cpp: Scenario -> TOML. Pure.
#include "harness/contract/scenario_toml.h"

#include <cstdio>

#include "contracts/time.h"

namespace ebsmock::harness {
namespace {

std::string duration(contracts::Duration d) { return toml_quoted(contracts::format_duration(d)); }

}  // namespace

std::string toml_quoted(std::string_view value) {
  std::string out = "\"";
  for (char ch : value) {
    const auto c = static_cast<unsigned char>(ch);
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      case '\r': out += "\\r"; break;
      default:
        if (c < 0x20 || c == 0x7F) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04X", c);
          out += buf;
        } else {
          out += ch;
        }
    }
  }
  out += '"';
  return out;
}

std::string scenario_to_toml(const scenarios::Scenario& s,
                             std::optional<scenarios::ReplayMode> replay_mode) {
  std::string out;
  out += "[scenario]\nname = " + toml_quoted(s.name.empty() ? "contract" : s.name) + "\n";
  if (!s.description.empty()) out += "description = " + toml_quoted(s.description) + "\n";
  if (s.seed) out += "seed = " + std::to_string(*s.seed) + "\n";
  if (replay_mode) {
    out += std::string("replay_mode = ") +
           (*replay_mode == scenarios::ReplayMode::Lenient ? "\"lenient\"" : "\"strict\"") + "\n";
  }
  for (const auto& c : s.credentials) {
    out += "\n[[credential]]\naccess_key_id = " + toml_quoted(c.access_key_id) +
           "\naccess_key_secret = " + toml_quoted(c.access_key_secret) + "\n";
  }
  out += "\n[clock]\n";
  if (s.clock.mode == scenarios::ClockMode::Virtual) {
    out += "mode = \"virtual\"\nstart = " + toml_quoted(contracts::format_iso8601(s.clock.start)) + "\n";
  } else {
    out += "mode = \"real\"\n";
  }
  out += std::string("\n[auth]\nverify_signatures = ") + (s.auth.verify_signatures ? "true" : "false") + "\n";
  const auto& t = s.policy.timing;
  out += "\n[timing]\ncreate = " + duration(t.create) + "\ninitial_sync = " + duration(t.initial_sync) +
         "\nsync = " + duration(t.sync) + "\nmanual_sync = " + duration(t.manual_sync) +
         "\nstop = " + duration(t.stop) + "\nfailover = " + duration(t.failover) +
         "\nreprotect = " + duration(t.reprotect) + "\ndelete = " + duration(t.delete_) +
         "\ndeleted_retention = " + duration(t.deleted_retention) +
         "\nsync_cycle = " + duration(t.sync_cycle) + "\n";
  const auto& p = s.policy;
  out += "\n[contract]\ntoken_ttl = " + duration(p.token_ttl) + "\ntoken_replay_request_id = " +
         (p.token_replay_request_id == contracts::TokenReplayRequestId::Original ? "\"original\"" : "\"fresh\"") +
         "\noneshot_from_manual_syncing = " + (p.oneshot_from_manual_syncing ? "true" : "false") +
         "\nenforce_site_region = " + (p.enforce_site_region ? "true" : "false") +
         "\ntimestamp_window = " + duration(p.timestamp_window) + "\n";
  if (!p.errors.status_overrides().empty()) {
    out += "\n[errors]\n";
    for (const auto& [code, status] : p.errors.status_overrides()) {
      out += toml_quoted(code) + " = " + std::to_string(status) + "\n";
    }
  }
  for (const auto& pair : s.pairs) {
    out += "\n[[pair]]\nid = " + toml_quoted(pair.id) + "\nregion = " + toml_quoted(pair.source_region) +
           "\ndestination_region = " + toml_quoted(pair.destination_region) +
           "\nstatus = " + toml_quoted(contracts::to_string(pair.status)) + "\n";
    auto text = [&](std::string_view key, const std::string& value) {
      if (!value.empty()) out += std::string(key) + " = " + toml_quoted(value) + "\n";
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
    text("charge_type", pair.charge_type);
    out += "bandwidth = " + std::to_string(pair.bandwidth) + "\nrpo = " + std::to_string(pair.rpo) +
           "\nenable_rtc = " + (pair.enable_rtc ? "true" : "false") + "\n";
    text("replica_group_id", pair.replica_group_id);
    text("replica_group_name", pair.replica_group_name);
    text("resource_group_id", pair.resource_group_id);
    text("site", pair.site);
    if (pair.create_time != 0) out += "create_time = " + std::to_string(pair.create_time) + "\n";
    if (pair.expired_time != 0) out += "expired_time = " + std::to_string(pair.expired_time) + "\n";
    if (pair.last_recover_point) out += "last_recover_point = " + std::to_string(*pair.last_recover_point) + "\n";
    if (!pair.tags.empty()) {
      out += "tags = { ";
      for (std::size_t i = 0; i < pair.tags.size(); ++i) {
        out += (i ? ", " : "") + toml_quoted(pair.tags[i].key) + " = " + toml_quoted(pair.tags[i].value);
      }
      out += " }\n";
    }
  }
  return out;
}

}  // namespace ebsmock::harness
