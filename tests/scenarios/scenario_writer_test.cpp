// scenario_writer_test.cpp: scenarios/writer. The property: for every scenario the loader
// can produce, load(write(s)) == s (positions aside), checked over generated scenarios
// with pairs, groups of them, drills, scheduled events, region tables, faults of every
// selector, delay kind, transport and commit, replay steps with bodies and headers,
// credentials, timing, policy knobs, [errors] overrides, awkward strings and comments;
// plus the escaping rules of toml_text.h by example and every shipped scenario written
// and read back. Single-threaded test code.
#include <climits>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <limits>
#include <numeric>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <rapidcheck/gtest.h>
#include <toml++/toml.h>

#include "contracts/api_schema.h"
#include "contracts/error_catalogue.h"
#include "contracts/operation.h"
#include "contracts/status.h"
#include "contracts/text.h"
#include "scenarios/loader/scenario_loader.h"
#include "scenarios/writer/scenario_writer.h"
#include "scenarios/writer/toml_text.h"

namespace ebsmock::scenarios {
namespace {

using contracts::Duration;
using contracts::Instant;

constexpr std::string_view kPath = "written.toml";
constexpr std::int64_t kMaxUnixSeconds = 253402300799;  // 9999-12-31T23:59:59Z

// What the writer cannot carry: where the loader found each rule and step.
Scenario without_positions(Scenario s) {
  for (auto& f : s.faults) f.source.clear();
  for (auto& step : s.replay.steps) step.source.clear();
  for (auto& e : s.events) e.source.clear();
  return s;
}

// load(write(s)), or the loader's complaint with the text it complained about.
Scenario reload(const Scenario& s, const WriteOptions& options = {}) {
  const std::string text = write_scenario(s, options);
  try {
    return without_positions(load_scenario_string(text, s.source_path));
  } catch (const ScenarioError& e) {
    throw std::runtime_error(std::string("the written scenario does not load:\n") + e.what() +
                             "\n--- text ---\n" + text);
  }
}

// ---------------------------------------------------------------------------------------
// toml_text.h by example

TEST(TomlText, StringEscapesWhatTomlNeedsAndKeepsUtf8) {
  EXPECT_EQ(toml_string(""), "\"\"");
  EXPECT_EQ(toml_string("a\"b\\c"), "\"a\\\"b\\\\c\"");
  EXPECT_EQ(toml_string("\b\t\n\f\r"), "\"\\b\\t\\n\\f\\r\"");
  EXPECT_EQ(toml_string(std::string("\0\x1B\x7F", 3)), "\"\\u0000\\u001B\\u007F\"");
  EXPECT_EQ(toml_string("'''"), "\"'''\"");
  EXPECT_EQ(toml_string("\xE4\xB8\xAD\xF0\x9F\x98\x80"), "\"\xE4\xB8\xAD\xF0\x9F\x98\x80\"");
  // Invalid UTF-8 cannot be written as TOML: each bad byte becomes U+FFFD.
  EXPECT_EQ(toml_string("a\xC3"), "\"a\xEF\xBF\xBD\"");
  EXPECT_EQ(toml_string("\xED\xA0\x80"), "\"\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\"");
}

TEST(TomlText, KeysAreBareOnlyWhenTomlAllows) {
  EXPECT_EQ(toml_key("RegionId"), "RegionId");
  EXPECT_EQ(toml_key("x-acs_1"), "x-acs_1");
  EXPECT_EQ(toml_key("Tag.1.Key"), "\"Tag.1.Key\"");
  EXPECT_EQ(toml_key(""), "\"\"");
  EXPECT_EQ(toml_key("a b"), "\"a b\"");
  EXPECT_EQ(toml_key("\xE4\xB8\xAD"), "\"\xE4\xB8\xAD\"");
}

TEST(TomlText, LiteralBlockOnlyWhenItCanHoldTheText) {
  EXPECT_EQ(toml_literal_block("{\"a\": 1}\n"), "'''\n{\"a\": 1}\n'''");
  EXPECT_EQ(toml_literal_block("\n{}"), "'''\n\n{}'''");  // the first newline is trimmed
  EXPECT_EQ(toml_literal_block("a'"), "\"a'\"");
  EXPECT_EQ(toml_literal_block("{\r\n}"), "\"{\\r\\n}\"");
  EXPECT_EQ(toml_literal_block("bad\xFF"), "\"bad\xEF\xBF\xBD\"");
}

TEST(TomlText, CommentsCannotEndEarlyOrBreakTheFile) {
  EXPECT_EQ(toml_comment_line(""), "");
  EXPECT_EQ(toml_comment_line("step 1"), "# step 1");
  EXPECT_EQ(toml_comment_line("#@ {\"call\":1}"), "#@ {\"call\":1}");
  EXPECT_EQ(toml_comment_line("a\nb\r\x01\tc"), "# a b  \tc");
  EXPECT_EQ(toml_comment_line("bad\xFF"), "# bad\xEF\xBF\xBD");
  EXPECT_EQ(comment_safe("x\x7Fy"), "x y");
}

TEST(TomlText, FloatsReadBackAsTheSameDouble) {
  EXPECT_EQ(toml_float(1.0), "1.0");
  EXPECT_EQ(toml_float(0.0), "0.0");
  EXPECT_EQ(toml_float(0.1), "0.1");
  EXPECT_EQ(toml_float(1e-7), "1e-07");
  EXPECT_EQ(toml_float(std::numeric_limits<double>::infinity()), "inf");
  for (double v : {0.1, 1.0 / 3, 2.5e-300, 0.9999999999999999, 3.0}) {
    const auto t = toml::parse("x = " + toml_float(v));
    ASSERT_TRUE(t["x"].is_floating_point()) << toml_float(v);
    EXPECT_EQ(t["x"].value<double>(), v) << toml_float(v);
  }
}

TEST(TomlText, DateTimesInUtcWithMillisecondsWhenAny) {
  EXPECT_EQ(toml_datetime(Instant{std::chrono::seconds(1704067200)}), "2024-01-01T00:00:00Z");
  EXPECT_EQ(toml_datetime(Instant{std::chrono::milliseconds(1795168800123)}),
            "2026-11-20T10:00:00.123Z");
  EXPECT_EQ(toml_datetime(Instant{}), "1970-01-01T00:00:00Z");
  EXPECT_EQ(toml_datetime(Instant{std::chrono::seconds(kMaxUnixSeconds)}), "9999-12-31T23:59:59Z");
  EXPECT_EQ(toml_duration(std::chrono::minutes(90)), "\"90m\"");
}

// ---------------------------------------------------------------------------------------
// Examples

constexpr std::string_view kEverySection = R"toml(
[scenario]
name = "every-section"
description = "tabs\tand \"quotes\""
seed = 42

[[credential]]
access_key_id = 'literal "quoted" id'
access_key_secret = "s\u00e9cret"

[clock]
mode = "virtual"
start = 2030-05-06T15:08:09.250+08:00  # written back in UTC

[timing]
manual_sync = "1.5s"
deleted_retention = "2d"

[contract]
oneshot_from_manual_syncing = true
timestamp_window = "90s"

[errors]
OperationDenied.InvalidStatus = 409

[[pair]]
id = "pair-cn-aaaaaaaaaaaaaaaa"
region = "cn-hangzhou"
destination_region = "cn-shanghai"
status = "stopped"
charge_type = "PREPAY"
bandwidth = 20480
create_time = 0
last_recover_point = 1700000000
tags = { "zeta key" = "1", alpha = "中文" }

[[fault]]
action = ["StopDiskReplicaPair", "StartDiskReplicaPair"]
when_status = "normal"
call_id = "branch-1/call-2\"q\""
calls = [2, 3]
after = 1
probability = 0.25
delay = { lognormal = { median = "80ms", sigma = 0.5 } }
commit = "after"
error = "RequestTimeout"

[[fault]]
id = "held"
hold_until = { call_id = "b2-c1", budget_ms = 250 }

[[fault]]
hold_until = { client_token = "tok 1" }
error = "InternalError"

[[fault]]
id = "hang.1"
transport = "hang"
hang_cap = "5s"
delay = { uniform = ["0", "1h"] }

[[replay]]
action = "DescribeDiskReplicaPairs"
params = { RegionId = "cn-hangzhou", "Tag.1.Key" = "*" }
status = 200
body = '''
{"TotalCount": 0, "ReplicaPairs": []}
'''
headers = { "x-acs-retry-after" = "5" }
delay = "3s"

[[replay]]
action = "StopDiskReplicaPair"
transport = "reset"
commit = "after"
)toml";

TEST(ScenarioWriter, EverySectionReadsBackEqualMinimalOrExplicit) {
  const Scenario s = without_positions(load_scenario_string(kEverySection, kPath));
  EXPECT_EQ(reload(s), s);
  EXPECT_EQ(reload(s, {.explicit_defaults = true}), s);
  // Minimal leaves defaults out; explicit writes them.
  const std::string minimal = write_scenario(s);
  EXPECT_EQ(minimal.find("initial_sync"), std::string::npos) << minimal;
  EXPECT_EQ(minimal.find("rpo ="), std::string::npos) << minimal;
  const std::string every = write_scenario(s, {.explicit_defaults = true});
  EXPECT_NE(every.find("initial_sync = \"5s\""), std::string::npos) << every;
  EXPECT_NE(every.find("rpo = 900"), std::string::npos) << every;
  // The default fault id is not written (it follows the rule's position), a given one is.
  EXPECT_EQ(minimal.find("\"f1\""), std::string::npos) << minimal;
  EXPECT_NE(minimal.find("id = \"hang.1\""), std::string::npos) << minimal;
}

constexpr std::string_view kGroupSections = R"toml(
[timing]
drill_clear = "1m"

[contract]
member_pair_refusal = "OperationDenied.InvalidStatus"
drill_statuses = ["stopped"]
max_active_drills = 2

[[region]]
id = "cn-test"
english_name = "Test"
zones = [{ id = "cn-test-a", resource_types = ["ear"] }, { id = "cn-test-b", local_name = "乙" }]

[[pair]]
id = "pair-cn-aaaaaaaaaaaaaaaa"
region = "cn-test"
destination_region = "cn-shanghai"
source_zone_id = "cn-test-a"
status = "stopped"

[[pair]]
id = "pair-cn-bbbbbbbbbbbbbbbb"
region = "cn-test"
destination_region = "cn-shanghai"
status = "invalid"

[[group]]
id = "pg-written"
region = "cn-test"
destination_region = "cn-shanghai"
status = "invalid"
pairs = ["pair-cn-bbbbbbbbbbbbbbbb", "pair-cn-aaaaaaaaaaaaaaaa"]
name = "db"
source_zone_id = "cn-test-a"
destination_zone_id = "cn-shanghai-a"
enable_rtc = true
last_recover_point = 2024-01-01T00:00:00Z
tags = { b = "2", a = "1" }

[[drill]]
id = "pg-drill-written"
group = "pg-written"
status = "execute_failed"
start_at = 1700000000

[[event]]
at = "90s"
drill = "pg-drill-written"
status = "clear_failed"
description = "disks stay"

[[event]]
at = "1s"
group = "pg-written"
status = "stopped"

[[fault]]
action = "FailoverDiskReplicaGroup"
group = "pg-written"
when_status = ["invalid", "executed"]
error = "RequestTimeout"
commit = "after"
)toml";

TEST(ScenarioWriter, GroupsDrillsEventsAndRegionsReadBackEqual) {
  const Scenario s = without_positions(load_scenario_string(kGroupSections, kPath));
  ASSERT_EQ(s.groups.size(), 1u);
  ASSERT_EQ(s.events.size(), 2u);
  EXPECT_EQ(reload(s), s);
  EXPECT_EQ(reload(s, {.explicit_defaults = true}), s);
  const std::string minimal = write_scenario(s);
  // Members carry what their group owns; events are written in time order.
  EXPECT_NE(minimal.find("replica_group_id = \"pg-written\""), std::string::npos) << minimal;
  EXPECT_LT(minimal.find("at = \"1s\""), minimal.find("at = \"90s\"")) << minimal;
  EXPECT_NE(minimal.find("[[region]]\nid = \"cn-test\"\nenglish_name = \"Test\"\nzones = [{ id = "
                         "\"cn-test-a\", resource_types = [\"ear\"] }, { id = \"cn-test-b\", "
                         "local_name = \"乙\" }]\n"),
            std::string::npos)
      << minimal;
  // The built-in region table is never written, not even with every default.
  const Scenario plain = without_positions(load_scenario_string("", kPath));
  EXPECT_EQ(write_scenario(plain, {.explicit_defaults = true}).find("[[region]]"), std::string::npos);
  EXPECT_NE(write_scenario(plain, {.explicit_defaults = true}).find("drill_statuses = [\"normal\", \"syncing\""),
            std::string::npos);
}

TEST(ScenarioWriter, EveryShippedScenarioReadsBackEqual) {
  int checked = 0;
  for (const auto& entry : std::filesystem::directory_iterator(EBSMOCK_SOURCE_DIR "/scenarios")) {
    if (entry.path().extension() != ".toml") continue;
    SCOPED_TRACE(entry.path().string());
    Scenario s = without_positions(load_scenario_file(entry.path().string()));
    EXPECT_EQ(reload(s), s);
    EXPECT_EQ(reload(s, {.explicit_defaults = true}), s);
    ++checked;
  }
  EXPECT_GE(checked, 10);
  EXPECT_EQ(reload(without_positions(default_scenario())), without_positions(default_scenario()));
}

TEST(ScenarioWriter, CommentsGoWhereAsked) {
  Scenario s = without_positions(load_scenario_string(kEverySection, kPath));
  WriteOptions o;
  o.comments_before = [](const Place& p) -> std::vector<std::string> {
    if (p.table.empty()) return {"top", "#@ {\"note\": 1}", ""};
    if (p.table == "replay" && p.index == 1 && p.key.empty()) return {"before the second step"};
    if (p.table == "pair" && p.key == "status") return {"status\nwith a newline"};
    return {};
  };
  o.comment_after = [](const Place& p) -> std::string {
    return p.table == "scenario" && p.key == "seed" ? "fixed" : "";
  };
  o.footer = {"#@ {\"advance\": \"1s\"}"};
  const std::string text = write_scenario(s, o);
  EXPECT_TRUE(text.starts_with("# top\n#@ {\"note\": 1}\n\n\n[scenario]\n")) << text;
  EXPECT_NE(text.find("seed = 42  # fixed\n"), std::string::npos) << text;
  EXPECT_NE(text.find("# before the second step\n[[replay]]\naction = \"StopDiskReplicaPair\""),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("# status with a newline\nstatus = \"stopped\""), std::string::npos) << text;
  EXPECT_TRUE(text.ends_with("\n#@ {\"advance\": \"1s\"}\n")) << text;
  EXPECT_EQ(without_positions(load_scenario_string(text, kPath)), s);
}

TEST(ScenarioWriter, WhatTheFormatCannotHoldIsLeftOut) {
  Scenario s;
  s.source_path = std::string(kPath);
  s.name = "x";
  s.clock.start += std::chrono::hours(1);         // a real clock has no start
  s.replay.mode = ReplayMode::Lenient;            // no steps: no mode
  FaultSpec f;
  f.id = "f1";
  f.id_is_default = true;
  f.error = "InternalError";
  f.hang_cap = std::chrono::seconds(5);           // not a hang
  s.faults.push_back(f);
  const Scenario back = reload(s);
  EXPECT_EQ(back.clock.start, Scenario{}.clock.start);
  EXPECT_EQ(back.replay.mode, ReplayMode::Strict);
  EXPECT_EQ(back.faults.at(0).hang_cap, FaultSpec{}.hang_cap);
  EXPECT_EQ(back.faults.at(0).id, "f1");
  EXPECT_TRUE(back.faults.at(0).id_is_default);
}

TEST(ScenarioWriter, InvalidUtf8IsRepairedNotWrittenBroken) {
  Scenario s;
  s.source_path = std::string(kPath);
  s.name = "bad\xFF name";
  s.description = "cut \xE4\xB8";
  s.credentials.push_back({"id\xC0\x80", "secret"});
  contracts::Pair p;
  p.id = "pair-\xED\xA0\x80";
  p.source_region = p.destination_region = "r";
  p.source_zone = p.destination_zone = p.primary_region = p.primary_zone = "z";
  p.standby_region = p.standby_zone = p.source_disk_id = p.destination_disk_id = "d";
  p.create_time = contracts::unix_seconds(s.clock.start);
  p.tags.push_back({"k\xFE", "v\xFF"});
  s.pairs.push_back(p);
  ReplayStep step;
  step.action = "StopDiskReplicaPair";
  step.params["RegionId"] = "\x80";
  step.status = 504;
  step.code = "RequestTimeout";
  step.message = "m\xF5";
  s.replay.steps.push_back(step);

  Scenario expected = s;
  expected.name = contracts::sanitize_utf8(s.name);
  expected.description = contracts::sanitize_utf8(s.description);
  expected.credentials[0].access_key_id = contracts::sanitize_utf8(s.credentials[0].access_key_id);
  expected.pairs[0].id = contracts::sanitize_utf8(p.id);
  expected.pairs[0].tags[0] = {contracts::sanitize_utf8("k\xFE"), contracts::sanitize_utf8("v\xFF")};
  expected.replay.steps[0].params["RegionId"] = "\xEF\xBF\xBD";
  expected.replay.steps[0].message = contracts::sanitize_utf8(step.message);
  EXPECT_EQ(reload(s), expected);
}

// ---------------------------------------------------------------------------------------
// Generators: scenarios the loader could have produced.

// Pieces that stress a TOML writer: quotes of both kinds and their triples, escapes,
// every control character class, comment and table syntax, and multi-byte UTF-8.
const std::vector<std::string>& awkward_pieces() {
  static const std::vector<std::string> pieces = {
      "a", "Z", "0", "-", "_", ".", " ", "\"", "\\", "'", "'''", "\"\"\"", "\n", "\r\n", "\r",
      "\t", "\b", "\f", std::string(1, '\0'), "\x01", "\x1F", "\x7F", "#", "=", "[[x]]", "{",
      "}", ",", "\\u0041", "\\n", "${x}", "\xE4\xB8\xAD\xE6\x96\x87", "\xC3\xA9",
      "\xF0\x9F\x98\x80", "\xEF\xBF\xBD", "\xE2\x80\xA8", "\xEF\xBB\xBF", "\xC2\x85",
      "\xF4\x8F\xBF\xBF", "\xEF\xBF\xBF"};
  return pieces;
}

// Any valid UTF-8: awkward pieces, any code point but surrogates, or plain ASCII.
rc::Gen<std::string> text() {
  auto join = [](const std::vector<std::string>& parts) {
    std::string out;
    for (const auto& p : parts) out += p;
    return out;
  };
  auto code_points = [](const std::vector<std::uint32_t>& cps) {
    std::string out;
    for (std::uint32_t cp : cps) out += contracts::encode_utf8(cp >= 0xD800 && cp <= 0xDFFF ? cp - 0x800 : cp);
    return out;
  };
  return rc::gen::oneOf(
      rc::gen::map(rc::gen::container<std::vector<std::string>>(rc::gen::elementOf(awkward_pieces())),
                   join),
      rc::gen::map(rc::gen::container<std::vector<std::uint32_t>>(
                       rc::gen::inRange<std::uint32_t>(0, 0x110000)),
                   code_points),
      rc::gen::string<std::string>() /* ASCII and more, filtered below */);
}

rc::Gen<std::string> any_text() {
  return rc::gen::map(text(), [](std::string s) { return contracts::sanitize_utf8(s); });
}

// Built non-empty (a filter would starve at RapidCheck's size 0, where lists are empty).
rc::Gen<std::string> non_empty_text() {
  return rc::gen::map(rc::gen::pair(rc::gen::elementOf(awkward_pieces()), any_text()),
                      [](const std::pair<std::string, std::string>& p) { return p.first + p.second; });
}

rc::Gen<std::string> maybe_text() {  // "" (not given) half the time
  return rc::gen::oneOf(rc::gen::just(std::string()), non_empty_text());
}

rc::Gen<Duration> duration_up_to(std::int64_t max_ms) {
  return rc::gen::oneOf(
      rc::gen::map(rc::gen::inRange<std::int64_t>(0, max_ms + 1), [](std::int64_t ms) { return Duration{ms}; }),
      rc::gen::map(rc::gen::elementOf(std::vector<std::int64_t>{0, 1, 999, 1000, 60'000, 3'600'000}),
                   [max_ms](std::int64_t ms) { return Duration{std::min(ms, max_ms)}; }));
}

rc::Gen<Duration> duration() { return duration_up_to(1'000'000'000'000); }

rc::Gen<double> unit_interval() {
  return rc::gen::oneOf(
      rc::gen::elementOf(std::vector<double>{0.0, 0.1, 0.5, 1.0, 1.0 / 3}),
      rc::gen::map(rc::gen::arbitrary<std::uint64_t>(),
                   [](std::uint64_t v) { return static_cast<double>(v >> 11) / 9007199254740992.0; }));
}

DelaySpec gen_delay(bool must_have_effect) {
  using Kind = DelaySpec::Kind;
  const std::int64_t cap = kMaxDelay.count();
  const std::int64_t low_floor = must_have_effect ? 1 : 0;
  switch (*rc::gen::inRange(must_have_effect ? 1 : 0, 4)) {
    case 0: return {};
    case 1: return {.kind = Kind::Fixed, .fixed = Duration{*rc::gen::inRange<std::int64_t>(low_floor, cap + 1)}};
    case 2: {
      const Duration high{*rc::gen::inRange<std::int64_t>(low_floor, cap + 1)};
      const Duration low{*rc::gen::inRange<std::int64_t>(0, high.count() + 1)};
      return {.kind = Kind::Uniform, .low = low, .high = high};
    }
    default: {
      const double sigma = kMaxLogNormalSigma * (1.0 - *unit_interval());  // (0, 3]
      return {.kind = Kind::LogNormal,
              .median = Duration{*rc::gen::inRange<std::int64_t>(1, cap + 1)},
              .sigma = sigma > 0 ? sigma : kMaxLogNormalSigma};
    }
  }
}

std::vector<std::string> catalogue_codes() {
  std::vector<std::string> out;
  for (const auto& e : contracts::builtin_errors()) out.emplace_back(e.code);
  return out;
}

std::vector<std::string> operation_names() {
  std::vector<std::string> out;
  for (auto op : contracts::kAllOperations) out.emplace_back(contracts::to_string(op));
  return out;
}

// Distinct picks from `all`, in the order drawn.
template <class T>
std::vector<T> distinct_subset(const std::vector<T>& all, std::size_t max) {
  auto picks = *rc::gen::container<std::vector<T>>(rc::gen::elementOf(all));
  std::vector<T> out;
  for (const auto& p : picks) {
    if (out.size() < max && std::find(out.begin(), out.end(), p) == out.end()) out.push_back(p);
  }
  return out;
}

std::vector<contracts::Tag> gen_tags() {
  std::vector<contracts::Tag> tags;
  for (const auto& key : distinct_subset(*rc::gen::container<std::vector<std::string>>(non_empty_text()), 4)) {
    tags.push_back({key, *any_text()});
  }
  return tags;
}

contracts::Pair gen_pair(std::size_t index, Instant clock_start) {
  contracts::Pair p;
  p.id = "pair-" + *non_empty_text() + "#" + std::to_string(index);  // unique
  p.source_region = *non_empty_text();
  p.destination_region = *non_empty_text();
  p.status = *rc::gen::elementOf(contracts::kAllStatuses);
  p.status_message = *any_text();
  p.pair_name = *any_text();
  p.description = *any_text();
  // Given explicitly: empty, the loader would derive them.
  p.source_zone = *non_empty_text();
  p.source_disk_id = *non_empty_text();
  p.destination_zone = *non_empty_text();
  p.destination_disk_id = *non_empty_text();
  p.primary_region = *non_empty_text();
  p.primary_zone = *non_empty_text();
  p.standby_region = *non_empty_text();
  p.standby_zone = *non_empty_text();
  p.charge_type = *rc::gen::element<std::string>("PREPAY", "POSTPAY");
  if (p.charge_type == "PREPAY") p.bandwidth = *rc::gen::inRange<std::int64_t>(0, INT64_MAX);
  p.rpo = *rc::gen::oneOf(rc::gen::just<std::int64_t>(900), rc::gen::inRange<std::int64_t>(1, INT64_MAX));
  p.enable_rtc = *rc::gen::arbitrary<bool>();
  p.replica_group_id = *any_text();
  p.replica_group_name = *any_text();
  p.resource_group_id = *any_text();
  p.site = *rc::gen::element<std::string>("production", "backup");
  p.create_time = *rc::gen::oneOf(rc::gen::just(contracts::unix_seconds(clock_start)),
                                  rc::gen::inRange<std::int64_t>(0, kMaxUnixSeconds + 1));
  p.expired_time = *rc::gen::oneOf(rc::gen::just<std::int64_t>(0),
                                   rc::gen::inRange<std::int64_t>(0, kMaxUnixSeconds + 1));
  if (*rc::gen::arbitrary<bool>()) {
    p.last_recover_point = *rc::gen::inRange<std::int64_t>(0, kMaxUnixSeconds + 1);
  }
  p.tags = gen_tags();
  return p;
}

// Ids a rule may be given: never "f<N>", which is some rule's positional default.
std::string gen_fault_id(std::size_t index) {
  const std::string base = *rc::gen::container<std::string>(rc::gen::elementOf(std::string(
      "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.")));
  return ("r" + base).substr(0, 50) + "." + std::to_string(index);
}

FaultSpec gen_fault(std::size_t index, const std::vector<std::string>& ops) {
  FaultSpec f;
  if (*rc::gen::arbitrary<bool>()) {
    f.id = "f" + std::to_string(index + 1);
    f.id_is_default = true;
  } else {
    f.id = gen_fault_id(index);
  }
  f.description = *any_text();
  f.actions = distinct_subset(ops, 3);
  if (*rc::gen::arbitrary<bool>()) f.pair = "pair-" + *non_empty_text();
  if (*rc::gen::arbitrary<bool>()) f.group = "pg-" + *non_empty_text();
  f.region = *maybe_text();
  f.access_key_id = *maybe_text();
  std::vector<contracts::Status> statuses(contracts::kAllStatuses.begin(), contracts::kAllStatuses.end());
  statuses.insert(statuses.end(), contracts::kDrillStatuses.begin(), contracts::kDrillStatuses.end());
  f.when_status = distinct_subset(statuses, 4);
  f.client_token = *rc::gen::oneOf(maybe_text(), rc::gen::just(std::string("reused")));
  if (*rc::gen::arbitrary<bool>()) {
    // What an x-ebsmock-call-id header may carry: 1-64 printable ASCII, no space.
    std::string id;
    const int n = *rc::gen::inRange(1, 65);
    for (int i = 0; i < n; ++i) id += static_cast<char>(*rc::gen::inRange(0x21, 0x7f));
    f.call_id = id;
  }
  f.calls = distinct_subset(*rc::gen::container<std::vector<int>>(rc::gen::inRange(1, INT_MAX)), 5);
  f.after = *rc::gen::oneOf(rc::gen::just(0), rc::gen::inRange(0, INT_MAX));
  // A rule whose calls all come before `after` never fires: the loader refuses it.
  if (!f.calls.empty() && *std::max_element(f.calls.begin(), f.calls.end()) <= f.after) f.after = 0;
  if (*rc::gen::arbitrary<bool>()) f.times = *rc::gen::inRange(1, INT_MAX);
  f.probability = *rc::gen::oneOf(rc::gen::just(1.0), unit_interval());

  switch (*rc::gen::inRange(0, 3)) {
    case 0: {  // an error answer
      if (*rc::gen::arbitrary<bool>()) {
        f.error = *rc::gen::elementOf(catalogue_codes());
        if (*rc::gen::arbitrary<bool>()) f.status = *rc::gen::inRange(100, 600);
      } else {
        f.error = *non_empty_text();  // any code, with the status it needs
        f.status = *rc::gen::inRange(100, 600);
      }
      f.message = *maybe_text();
      if (*rc::gen::arbitrary<bool>()) f.retry_after_ms = *rc::gen::inRange(0, INT_MAX);
      f.delay = gen_delay(false);
      f.commit = *rc::gen::element(Commit::Before, Commit::After);
      break;
    }
    case 1: {  // a transport fault
      f.transport = *rc::gen::element(Transport::Reset, Transport::Close, Transport::Hang,
                                      Transport::Html, Transport::MalformedJson, Transport::Truncate);
      if (f.transport == Transport::Hang) {
        f.hang_cap = Duration{*rc::gen::inRange<std::int64_t>(1, 1'000'000'000)};
      }
      f.delay = gen_delay(false);
      f.commit = *rc::gen::element(Commit::Before, Commit::After);
      break;
    }
    default:  // a delay alone, which must be able to be more than 0
      f.delay = gen_delay(true);
  }
  if (*rc::gen::arbitrary<bool>()) {
    scenarios::HoldSpec hold;
    if (*rc::gen::arbitrary<bool>()) {
      hold.call_id = "call-" + std::to_string(*rc::gen::inRange(0, 1000));
    } else {
      hold.client_token = *non_empty_text();
    }
    if (*rc::gen::arbitrary<bool>()) hold.budget = Duration{*rc::gen::inRange<std::int64_t>(1, 3'600'000)};
    f.hold = hold;
  }
  return f;
}

// Parameter names a request of `op` may carry without being a near miss of another.
std::vector<std::string> parameter_names(contracts::Operation op) {
  std::vector<std::string> out;
  for (const auto& p : contracts::spec_for(op).params) out.emplace_back(p.name);
  for (const auto& list : contracts::spec_for(op).repeat_lists) {
    const std::string prefix(list.prefix);
    if (prefix == "Tag") {
      out.push_back(prefix + ".1.Key");
      out.push_back(prefix + "." + std::to_string(list.max_n) + ".Value");
    } else {  // ResourceId.N, TagKey.N
      out.push_back(prefix + ".1");
      out.push_back(prefix + "." + std::to_string(list.max_n));
    }
  }
  out.emplace_back("Timestamp");  // a protocol parameter
  return out;
}

// Header values may not hold CR, LF or NUL (they would start a header of their own).
rc::Gen<std::string> header_value() {
  return rc::gen::map(any_text(), [](std::string s) {
    std::erase_if(s, [](char c) { return c == '\r' || c == '\n' || c == '\0'; });
    return s;
  });
}

rc::Gen<std::string> header_name() {
  const std::string token = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#$%&'*+-.^_`|~";
  return rc::gen::map(rc::gen::pair(rc::gen::elementOf(token),
                                    rc::gen::container<std::string>(rc::gen::elementOf(token))),
                      [](const std::pair<char, std::string>& p) { return p.first + p.second; });
}

// An exact answer body: JSON text as a recorder would keep it, in a few layouts.
std::string gen_body() {
  nlohmann::json j = nlohmann::json::object();
  j["RequestId"] = *any_text();
  j[*any_text()] = *any_text();
  j["Count"] = *rc::gen::arbitrary<std::int64_t>();
  j["List"] = nlohmann::json::array({*any_text(), *rc::gen::arbitrary<bool>(), nullptr});
  const std::string body = j.dump(*rc::gen::element(-1, 0, 2));
  switch (*rc::gen::inRange(0, 4)) {
    case 0: return body;
    case 1: return "\n" + body + "\n";  // the first newline must survive the ''' block
    case 2: return body + "\r\n";       // CR: a literal block cannot hold it
    default: return "{\"quote\": \"'''\"}";  // nor this
  }
}

ReplayStep gen_step(const std::vector<std::string>& ops) {
  ReplayStep s;
  s.action = *rc::gen::elementOf(ops);
  const auto op = *contracts::parse_operation(s.action);
  for (const auto& name : distinct_subset(parameter_names(op), 4)) {
    s.params[name] = *rc::gen::oneOf(any_text(), rc::gen::just(std::string("*")));
  }
  auto status_2xx = rc::gen::inRange(200, 300);
  auto status_other = rc::gen::oneOf(rc::gen::inRange(100, 200), rc::gen::inRange(300, 600));
  bool answer_keys = true;
  switch (*rc::gen::inRange(0, 4)) {
    case 0:  // a success the model answers
      s.status = *status_2xx;
      break;
    case 1:  // an error with its code
      s.status = *status_other;
      s.code = *non_empty_text();
      s.message = *maybe_text();
      s.commit = *rc::gen::element(Commit::Before, Commit::After);
      break;
    case 2: {  // an exact body
      s.body = gen_body();
      s.status = *rc::gen::oneOf(status_2xx, status_other);
      if (!contracts::is_2xx(s.status) && *rc::gen::arbitrary<bool>()) s.code = *non_empty_text();
      s.commit = *rc::gen::element(Commit::Before, Commit::After);
      break;
    }
    default:  // a transport fault that replaces the answer
      s.transport = *rc::gen::element(Transport::Reset, Transport::Close, Transport::Hang,
                                      Transport::Html, Transport::MalformedJson);
      s.commit = *rc::gen::element(Commit::Before, Commit::After);
      answer_keys = false;
  }
  if (answer_keys && *rc::gen::arbitrary<bool>()) {
    // Truncate sends part of the step's own answer, so it goes with any of the above.
    s.transport = Transport::Truncate;
  }
  if (answer_keys) {
    for (const auto& name : distinct_subset(*rc::gen::container<std::vector<std::string>>(header_name()), 3)) {
      s.headers.emplace_back(name, *header_value());
    }
  }
  s.delay = gen_delay(false);
  return s;
}

// Groups over the generated pairs. Members are made to agree with their group (direction,
// status, what the group owns), as they must in a file that loads.
void gen_groups(Scenario& s) {
  std::vector<std::size_t> free(s.pairs.size());
  std::iota(free.begin(), free.end(), std::size_t{0});
  const std::size_t count = *rc::gen::inRange<std::size_t>(0, 3);
  for (std::size_t i = 0; i < count; ++i) {
    contracts::Group g;
    g.id = "pg-" + *non_empty_text() + "#" + std::to_string(i);  // unique
    g.source_region = *non_empty_text();
    g.destination_region = *non_empty_text();
    g.status = *rc::gen::elementOf(contracts::kAllStatuses);
    g.name = *any_text();
    g.description = *any_text();
    // Given explicitly: empty, the loader would derive them.
    g.source_zone = *non_empty_text();
    g.destination_zone = *non_empty_text();
    g.primary_region = *non_empty_text();
    g.primary_zone = *non_empty_text();
    g.standby_region = *non_empty_text();
    g.standby_zone = *non_empty_text();
    g.rpo = *rc::gen::oneOf(rc::gen::just<std::int64_t>(900), rc::gen::inRange<std::int64_t>(1, INT64_MAX));
    g.bandwidth = *rc::gen::oneOf(rc::gen::just<std::int64_t>(0), rc::gen::inRange<std::int64_t>(0, INT64_MAX));
    g.enable_rtc = *rc::gen::arbitrary<bool>();
    g.resource_group_id = *any_text();
    g.create_time = *rc::gen::oneOf(rc::gen::just(contracts::unix_seconds(s.clock.start)),
                                    rc::gen::inRange<std::int64_t>(0, kMaxUnixSeconds + 1));
    if (*rc::gen::arbitrary<bool>()) {
      g.last_recover_point = *rc::gen::inRange<std::int64_t>(0, kMaxUnixSeconds + 1);
    }
    g.tags = gen_tags();
    // A deleting or deleted group holds no pairs; an invalid one's healthy members share
    // one status.
    const bool may_hold = g.status != contracts::Status::Deleting && g.status != contracts::Status::Deleted;
    const contracts::Status healthy = *rc::gen::elementOf(contracts::kAllStatuses);
    for (std::size_t index : distinct_subset(free, may_hold ? 3 : 0)) {
      contracts::Pair& p = s.pairs[index];
      p.source_region = g.source_region;
      p.destination_region = g.destination_region;
      p.source_zone = g.source_zone;
      p.destination_zone = g.destination_zone;
      p.status = g.status == contracts::Status::Invalid && *rc::gen::arbitrary<bool>() ? healthy : g.status;
      p.replica_group_id = g.id;
      p.replica_group_name = g.name;
      p.rpo = g.rpo;
      p.enable_rtc = g.enable_rtc;
      p.last_recover_point = g.last_recover_point;
      g.pair_ids.push_back(p.id);
      std::erase(free, index);
    }
    std::sort(g.pair_ids.begin(), g.pair_ids.end());
    s.groups.push_back(std::move(g));
  }
}

// Drills of generated pairs and of groups with members; without a recovery point of its
// target, a drill states its own.
void gen_drills(Scenario& s) {
  std::vector<const contracts::Group*> groups;
  for (const auto& g : s.groups) {
    if (!g.pair_ids.empty()) groups.push_back(&g);
  }
  const std::size_t count = s.pairs.empty() ? 0 : *rc::gen::inRange<std::size_t>(0, 3);
  for (std::size_t i = 0; i < count; ++i) {
    contracts::Drill d;
    std::optional<std::int64_t> target_point;
    if (!groups.empty() && *rc::gen::arbitrary<bool>()) {
      const contracts::Group& g = **rc::gen::elementOf(groups);
      d.target_kind = contracts::ResourceKind::Group;
      d.target_id = g.id;
      target_point = g.last_recover_point;
      d.id = "pg-drill-" + *non_empty_text() + "#" + std::to_string(i);
    } else {
      const contracts::Pair& p = *rc::gen::elementOf(s.pairs);
      d.target_kind = contracts::ResourceKind::Pair;
      d.target_id = p.id;
      target_point = p.last_recover_point;
      d.id = "drill-" + *non_empty_text() + "#" + std::to_string(i);
    }
    d.status = *rc::gen::elementOf(contracts::kDrillStatuses);
    auto positive_time = rc::gen::inRange<std::int64_t>(1, kMaxUnixSeconds + 1);
    d.recover_point = target_point ? *rc::gen::oneOf(rc::gen::just<std::int64_t>(0), positive_time)
                                   : *positive_time;
    d.start_at = *rc::gen::oneOf(rc::gen::just<std::int64_t>(0), positive_time);
    d.status_message = *any_text();
    s.drills.push_back(std::move(d));
  }
}

// Events on anything the scenario declares, in the loader's order (by time, stable).
void gen_events(Scenario& s) {
  using Kind = contracts::ResourceKind;
  std::vector<std::pair<Kind, std::string>> targets;
  for (const auto& p : s.pairs) targets.emplace_back(Kind::Pair, p.id);
  for (const auto& g : s.groups) targets.emplace_back(Kind::Group, g.id);
  for (const auto& d : s.drills) targets.emplace_back(Kind::Drill, d.id);
  const std::size_t count = targets.empty() ? 0 : *rc::gen::inRange<std::size_t>(0, 4);
  for (std::size_t i = 0; i < count; ++i) {
    ScheduledEvent e;
    std::tie(e.kind, e.target_id) = *rc::gen::elementOf(targets);
    e.at = *rc::gen::oneOf(rc::gen::just(Duration{30'000}), duration());
    e.status = e.kind == Kind::Drill ? *rc::gen::elementOf(contracts::kDrillStatuses)
                                     : *rc::gen::elementOf(contracts::kAllStatuses);
    e.description = *any_text();
    s.events.push_back(std::move(e));
  }
  std::stable_sort(s.events.begin(), s.events.end(),
                   [](const ScheduledEvent& a, const ScheduledEvent& b) { return a.at < b.at; });
}

// A region table of its own, names sometimes the derived ones (left out when written).
std::vector<contracts::RegionInfo> gen_regions() {
  std::vector<contracts::RegionInfo> regions;
  const std::vector<std::string> types = {"ear", "lens", "dbsc"};
  const std::size_t count = *rc::gen::inRange<std::size_t>(1, 4);
  for (std::size_t i = 0; i < count; ++i) {
    contracts::RegionInfo r;
    r.id = *non_empty_text() + "#" + std::to_string(i);
    r.english_name = *rc::gen::oneOf(rc::gen::just(r.id), non_empty_text());
    r.local_name = *rc::gen::oneOf(rc::gen::just(r.english_name), non_empty_text());
    const std::size_t zones = *rc::gen::inRange<std::size_t>(1, 4);
    for (std::size_t j = 0; j < zones; ++j) {
      contracts::ZoneInfo z;
      z.id = *non_empty_text() + "#" + std::to_string(i) + "." + std::to_string(j);
      z.english_name = *rc::gen::oneOf(rc::gen::just(z.id), non_empty_text());
      z.local_name = *rc::gen::oneOf(rc::gen::just(z.english_name), non_empty_text());
      z.resource_types = distinct_subset(types, 3);
      if (z.resource_types.empty()) z.resource_types = {"ear", "lens"};
      r.zones.push_back(std::move(z));
    }
    regions.push_back(std::move(r));
  }
  return regions;
}

Scenario gen_scenario() {
  Scenario s;
  s.source_path = std::string(kPath);
  s.name = *non_empty_text();
  s.description = *any_text();
  if (*rc::gen::arbitrary<bool>()) s.seed = *rc::gen::inRange<std::uint64_t>(0, INT64_MAX);
  const auto ids = distinct_subset(*rc::gen::container<std::vector<std::string>>(non_empty_text()), 3);
  for (const auto& id : ids) s.credentials.push_back({id, *non_empty_text()});
  if (*rc::gen::arbitrary<bool>()) {
    s.clock.mode = ClockMode::Virtual;
    s.clock.start = Instant{Duration{*rc::gen::inRange<std::int64_t>(0, kMaxUnixSeconds * 1000 + 1000)}};
  }
  s.auth.verify_signatures = *rc::gen::arbitrary<bool>();
  contracts::Timing& t = s.policy.timing;
  for (Duration* d : {&t.create, &t.initial_sync, &t.sync, &t.manual_sync, &t.stop, &t.failover,
                      &t.reprotect, &t.delete_, &t.deleted_retention, &t.sync_cycle,
                      &t.drill_execute, &t.drill_clear}) {
    if (*rc::gen::arbitrary<bool>()) *d = *duration();
  }
  if (*rc::gen::arbitrary<bool>()) s.policy.token_ttl = *duration();
  if (*rc::gen::arbitrary<bool>()) s.policy.token_replay_request_id = contracts::TokenReplayRequestId::Original;
  s.policy.oneshot_from_manual_syncing = *rc::gen::arbitrary<bool>();
  s.policy.enforce_site_region = *rc::gen::arbitrary<bool>();
  if (*rc::gen::arbitrary<bool>()) s.policy.timestamp_window = *duration();
  contracts::Policy& p = s.policy;
  if (*rc::gen::arbitrary<bool>()) p.member_pair_refusal = *rc::gen::elementOf(catalogue_codes());
  p.add_existing_member_succeeds = *rc::gen::arbitrary<bool>();
  p.max_empty_groups = *rc::gen::oneOf(rc::gen::just(0), rc::gen::inRange(0, INT_MAX));
  p.one_shot_gap_for_pairs = *rc::gen::arbitrary<bool>();
  const auto drill_statuses = distinct_subset(
      std::vector<contracts::Status>(contracts::kAllStatuses.begin(), contracts::kAllStatuses.end()), 5);
  if (!drill_statuses.empty()) p.drill_statuses = drill_statuses;
  p.max_active_drills = *rc::gen::oneOf(rc::gen::just(0), rc::gen::inRange(0, INT_MAX));
  p.drills_block_changes = *rc::gen::arbitrary<bool>();
  p.max_tags_per_resource = *rc::gen::oneOf(rc::gen::just(20), rc::gen::inRange(0, INT_MAX));
  if (*rc::gen::arbitrary<bool>()) p.regions = gen_regions();
  for (const auto& code : distinct_subset(catalogue_codes(), 4)) {
    s.policy.errors.override_status(code, *rc::gen::inRange(100, 600));
  }
  const std::size_t pairs = *rc::gen::inRange<std::size_t>(0, 4);
  for (std::size_t i = 0; i < pairs; ++i) s.pairs.push_back(gen_pair(i, s.clock.start));
  gen_groups(s);
  gen_drills(s);
  gen_events(s);
  const auto ops = operation_names();
  const std::size_t faults = *rc::gen::inRange<std::size_t>(0, 5);
  for (std::size_t i = 0; i < faults; ++i) s.faults.push_back(gen_fault(i, ops));
  const std::size_t steps = *rc::gen::inRange<std::size_t>(0, 5);
  for (std::size_t i = 0; i < steps; ++i) s.replay.steps.push_back(gen_step(ops));
  if (!s.replay.steps.empty() && *rc::gen::arbitrary<bool>()) s.replay.mode = ReplayMode::Lenient;
  return s;
}

// Comments from awkward text at pseudo-random places: they must never change the meaning.
WriteOptions gen_options() {
  WriteOptions o;
  o.explicit_defaults = *rc::gen::arbitrary<bool>();
  if (*rc::gen::arbitrary<bool>()) {
    auto lines = *rc::gen::container<std::vector<std::string>>(text());
    lines.push_back(*text());
    auto pick = [lines](const Place& p) {
      const std::size_t h = std::hash<std::string_view>{}(p.table) ^ (p.index * 31) ^
                            std::hash<std::string_view>{}(p.key);
      return lines[h % lines.size()];
    };
    o.comments_before = [pick](const Place& p) { return std::vector<std::string>{pick(p), "#" + pick(p)}; };
    o.comment_after = pick;
    o.footer = lines;
  }
  return o;
}

RC_GTEST_PROP(ScenarioWriterProperty, LoadOfWriteIsTheSameScenario, ()) {
  const Scenario s = gen_scenario();
  const WriteOptions o = gen_options();
  const std::string text = write_scenario(s, o);
  RC_TAG(s.faults.empty() ? "no faults" : "faults", s.replay.steps.empty() ? "no steps" : "steps");
  RC_CLASSIFY(std::any_of(s.groups.begin(), s.groups.end(), [](const auto& g) { return !g.pair_ids.empty(); }),
              "group members");
  RC_CLASSIFY(!s.drills.empty(), "drills");
  RC_CLASSIFY(!s.events.empty(), "events");
  Scenario back;
  try {
    back = without_positions(load_scenario_string(text, s.source_path));
  } catch (const ScenarioError& e) {
    RC_FAIL(std::string("the written scenario does not load:\n") + e.what() + "\n--- text ---\n" + text);
  }
  if (!(back == s)) {
    RC_FAIL("the scenario read back differs\n--- written ---\n" + text +
            "\n--- the scenario read back, written ---\n" + write_scenario(back, o));
  }
  // Positions aside, writing is a fixpoint: the text is the same the second time.
  RC_ASSERT(write_scenario(back, o) == text);
}

}  // namespace
}  // namespace ebsmock::scenarios
