// admin_runtime_test.cpp: the run-time control and replay parts of scenarios over real
// HTTP: fault rules added as TOML and JSON (ids, exact matched/fired counters), refused
// rules (4xx with the position and the problem; the rule set unchanged), rule removal,
// the journal naming the rule that fired, POST /__admin/scenario replacing the world (and
// keeping it on a broken document), [[replay]] in strict mode (exact recorded answers,
// progress, Mock.ReplayMismatch recorded, the step stays next) and lenient mode (the
// model answers a mismatch, the trace continues), and the admin token. Each test owns
// its server; the clock is virtual.
#include <gtest/gtest.h>

#include <algorithm>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include "tests/support/mock_server_fixture.h"

namespace ebsmock::testing {
namespace {

const std::string kPair = "pair-cn-adminruntime0001";
const std::string kOtherPair = "pair-cn-adminruntime0002";
const std::string kThirdPair = "pair-cn-adminruntime0003";

using Headers = std::vector<std::pair<std::string, std::string>>;

contracts::ParamList stop(const std::string& pair, std::string token) {
  return {{"RegionId", "cn-hangzhou"}, {"ReplicaPairId", pair}, {"ClientToken", std::move(token)}};
}

contracts::ParamList describe_one(const std::string& pair) {
  return {{"RegionId", "cn-hangzhou"}, {"PairIds", pair}};
}

Response post_faults_toml(const MockServer& s, const std::string& toml) {
  return s.raw_http("POST", "/__admin/faults", {{"Content-Type", "application/toml"}}, toml);
}

Response post_faults_json(const MockServer& s, const std::string& json) {
  return s.raw_http("POST", "/__admin/faults", {{"Content-Type", "application/json"}}, json);
}

Response post_scenario(const MockServer& s, const std::string& toml) {
  return s.raw_http("POST", "/__admin/scenario", {{"Content-Type", "application/toml"}}, toml);
}

Json fault_rules(const MockServer& s) {
  auto r = s.admin_get("/__admin/faults");
  EXPECT_EQ(r.status, 200) << r.body;
  return r.json.is_object() && r.json.contains("rules") ? r.json["rules"] : Json::array();
}

std::vector<std::string> rule_ids(const MockServer& s) {
  std::vector<std::string> ids;
  for (const auto& r : fault_rules(s)) ids.push_back(r.value("id", ""));
  return ids;
}

// The rule with `id` in GET /__admin/faults; a null Json when absent.
Json rule(const MockServer& s, const std::string& id) {
  for (const auto& r : fault_rules(s)) {
    if (r.value("id", "") == id) return r;
  }
  return nullptr;
}

std::set<std::string> pair_ids(const MockServer& s) {
  auto r = s.admin_get("/__admin/pairs");
  EXPECT_EQ(r.status, 200) << r.body;
  std::set<std::string> ids;
  if (r.json.is_object()) {
    for (const auto& p : r.json["pairs"]) ids.insert(p.value("ReplicaPairId", ""));
  }
  return ids;
}

Json replay_status(const MockServer& s) {
  auto r = s.admin_get("/__admin/replay");
  EXPECT_EQ(r.status, 200) << r.body;
  return r.json;
}

// The journal's request entry for the answer `r` (by RequestId).
Json entry_for(const MockServer& s, const Response& r) {
  const std::string rid = r.json.is_object() ? r.json.value("RequestId", "") : r.header("x-acs-request-id");
  for (const auto& e : request_entries(s.journal())) {
    if (e.value("request_id", "") == rid) return e;
  }
  ADD_FAILURE() << "no journal entry for RequestId '" << rid << "' (" << r << ")";
  return Json::object();
}

// The newest request entry (for answers whose RequestId is a recorded one, which the
// journal does not know: a replay step's verbatim body).
Json last_request(const MockServer& s) {
  auto entries = request_entries(s.journal());
  if (entries.empty()) {
    ADD_FAILURE() << "no request in the journal";
    return Json::object();
  }
  return entries.back();
}

// The diagnostics of a refused admin document, as one string per line for messages.
std::string diagnostics_text(const Response& r) {
  std::string out;
  if (r.json.is_object() && r.json.contains("diagnostics")) {
    for (const auto& d : r.json["diagnostics"]) out += d.get<std::string>() + "\n";
  }
  return out;
}

bool any_diagnostic_matches(const Response& r, const std::string& pattern) {
  if (!r.json.is_object() || !r.json.contains("diagnostics")) return false;
  const std::regex re(pattern);
  for (const auto& d : r.json["diagnostics"]) {
    if (d.is_string() && std::regex_search(d.get<std::string>(), re)) return true;
  }
  return false;
}

// ---------------------------------------------------------------------------------------
// Fault rules at run time.

TEST(AdminRuntime, TomlAndJsonRulesAreListedWithExactMatchedAndFiredCounters) {
  MockServer s(world_toml(false, pair_toml(kPair, "normal")));
  ASSERT_TRUE(fault_rules(s).empty());

  auto toml = post_faults_toml(s, R"([[fault]]
id = "toml-once"
action = "StopDiskReplicaPair"
times = 1
error = "InternalError"
)");
  ASSERT_EQ(toml.status, 201) << toml.body;
  EXPECT_EQ(toml.json["added"], Json::array({"toml-once"}));

  auto json = post_faults_json(
      s, R"({"id": "json-after-1", "action": "StopDiskReplicaPair", "after": 1, "error": "Forbidden"})");
  ASSERT_EQ(json.status, 201) << json.body;
  EXPECT_EQ(json.json["added"], Json::array({"json-after-1"}));

  // Both listed, in the order added, with what they say and zero counters.
  EXPECT_EQ(rule_ids(s), (std::vector<std::string>{"toml-once", "json-after-1"}));
  Json a = rule(s, "toml-once");
  EXPECT_EQ(a["action"], Json::array({"StopDiskReplicaPair"}));
  EXPECT_EQ(a["times"], 1);
  EXPECT_EQ(a["error"], "InternalError");
  EXPECT_EQ(a["matched"], 0);
  EXPECT_EQ(a["fired"], 0);
  Json b = rule(s, "json-after-1");
  EXPECT_EQ(b["after"], 1);
  EXPECT_EQ(b["error"], "Forbidden");
  EXPECT_EQ(b["matched"], 0);
  EXPECT_EQ(b["fired"], 0);

  // A request neither rule matches counts for neither.
  expect_success_envelope(s.call("DescribeDiskReplicaPairs", {{"RegionId", "cn-hangzhou"}}));
  EXPECT_EQ(rule(s, "toml-once")["matched"], 0);
  EXPECT_EQ(rule(s, "json-after-1")["matched"], 0);

  // Three Stops. Every matching rule counts every call, even one an earlier rule answered;
  // the first rule that is selected answers:
  //   call 1: toml-once fires (times 1);         json-after-1 counts (call 1 <= after)
  //   call 2: toml-once counts (times used up);   json-after-1 fires
  //   call 3: likewise
  expect_error_envelope(s.call("StopDiskReplicaPair", stop(kPair, "t1")), 500, "InternalError");
  expect_error_envelope(s.call("StopDiskReplicaPair", stop(kPair, "t2")), 403, "Forbidden");
  expect_error_envelope(s.call("StopDiskReplicaPair", stop(kPair, "t3")), 403, "Forbidden");

  a = rule(s, "toml-once");
  EXPECT_EQ(a["matched"], 3) << a;
  EXPECT_EQ(a["fired"], 1) << a;
  b = rule(s, "json-after-1");
  EXPECT_EQ(b["matched"], 3) << b;
  EXPECT_EQ(b["fired"], 2) << b;
  // Commit "before" (the default): none of the faulted Stops touched the pair.
  EXPECT_EQ(s.status_of(kPair), "normal");
}

TEST(AdminRuntime, AJsonArrayAddsEveryRuleInOrder) {
  MockServer s(world_toml(false, pair_toml(kPair, "normal")));
  auto r = post_faults_json(s, R"([
    {"id": "first", "action": "DescribeDiskReplicaPairs", "calls": [2], "error": "ServiceUnavailable"},
    {"id": "second", "action": ["StopDiskReplicaPair", "StartDiskReplicaPair"], "delay": "1ms"}
  ])");
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(r.json["added"], Json::array({"first", "second"}));
  EXPECT_EQ(rule_ids(s), (std::vector<std::string>{"first", "second"}));
  EXPECT_EQ(rule(s, "first")["calls"], Json::array({2}));
  EXPECT_EQ(rule(s, "second")["action"], Json::array({"StopDiskReplicaPair", "StartDiskReplicaPair"}));
  // calls = [2]: only the second Describe fails.
  expect_success_envelope(s.call("DescribeDiskReplicaPairs", {{"RegionId", "cn-hangzhou"}}));
  expect_error_envelope(s.call("DescribeDiskReplicaPairs", {{"RegionId", "cn-hangzhou"}}), 503,
                        "ServiceUnavailable");
  expect_success_envelope(s.call("DescribeDiskReplicaPairs", {{"RegionId", "cn-hangzhou"}}));
  EXPECT_EQ(rule(s, "first")["matched"], 3);
  EXPECT_EQ(rule(s, "first")["fired"], 1);
}

// A rule without an id gets one the server does not have yet: a scenario's unnamed rule is
// "f1", and a rule POSTed without an id must not clash with it (nor with an earlier POST).
TEST(AdminRuntime, RulesPostedWithoutAnIdGetFreshIds) {
  MockServer s(world_toml(false, pair_toml(kPair, "normal") + R"(
[[fault]]
action = "ModifyDiskReplicaPair"
error = "InternalError"
)"));
  ASSERT_EQ(rule_ids(s), std::vector<std::string>{"f1"});

  auto first = post_faults_toml(s, "action = \"StartDiskReplicaPair\"\nerror = \"InternalError\"\n");
  ASSERT_EQ(first.status, 201) << first.body;
  auto second = post_faults_json(s, R"({"action": "StopDiskReplicaPair", "error": "Forbidden"})");
  ASSERT_EQ(second.status, 201) << second.body;
  ASSERT_EQ(first.json["added"].size(), 1u);
  ASSERT_EQ(second.json["added"].size(), 1u);
  const std::string id1 = first.json["added"][0];
  const std::string id2 = second.json["added"][0];
  EXPECT_NE(id1, "f1");
  EXPECT_NE(id2, "f1");
  EXPECT_NE(id1, id2);
  EXPECT_EQ(rule_ids(s), (std::vector<std::string>{"f1", id1, id2}));
  // Each id names the rule it was given to.
  EXPECT_EQ(rule(s, id1)["action"], Json::array({"StartDiskReplicaPair"}));
  EXPECT_EQ(rule(s, id2)["action"], Json::array({"StopDiskReplicaPair"}));
  expect_error_envelope(s.call("StopDiskReplicaPair", stop(kPair, "t")), 403, "Forbidden");
  EXPECT_EQ(entry_for(s, s.call("StopDiskReplicaPair", stop(kPair, "t2")))["fault"]["rule"], id2);
}

TEST(AdminRuntime, BadRulesAreRefusedWithThePositionAndTheProblemAndChangeNothing) {
  MockServer s(world_toml(false, pair_toml(kPair, "normal") + R"(
[[fault]]
id = "from-file"
action = "StopDiskReplicaPair"
times = 1
error = "InternalError"
)"));
  ASSERT_EQ(post_faults_json(s, R"({"id": "added-ok", "action": "StartDiskReplicaPair", "error": "Forbidden"})").status,
            201);
  // Give the counters something to lose.
  expect_error_envelope(s.call("StopDiskReplicaPair", stop(kPair, "t1")), 500, "InternalError");
  const Json before = fault_rules(s);
  ASSERT_EQ(before.size(), 2u);
  ASSERT_EQ(before[0]["matched"], 1);
  ASSERT_EQ(before[0]["fired"], 1);

  auto expect_refused = [&](const Response& r, const std::string& pattern) {
    EXPECT_EQ(r.status, 400) << r.body;
    EXPECT_TRUE(r.json.is_object() && r.json.contains("error")) << r.body;
    EXPECT_TRUE(any_diagnostic_matches(r, pattern)) << "no diagnostic matches /" << pattern << "/ in:\n"
                                                    << diagnostics_text(r) << r.body;
  };

  // Unknown key (a typo of `error`), with a suggestion, at line 4 column 1 of the text sent.
  expect_refused(post_faults_toml(s, "[[fault]]\nid = \"typo\"\naction = \"StopDiskReplicaPair\"\n"
                                     "erorr = \"InternalError\"\n"),
                 R"(^POST /__admin/faults:4:1: unknown key 'erorr'.*did you mean 'error')");
  // The same without the [[fault]] header (a bare rule): still the line of the text sent.
  expect_refused(post_faults_toml(s, "id = \"typo-bare\"\naction = \"StopDiskReplicaPair\"\n"
                                     "erorr = \"InternalError\"\n"),
                 R"(^POST /__admin/faults:3:1: unknown key 'erorr')");
  // Wrong type: times is an integer.
  expect_refused(post_faults_toml(s, "[[fault]]\nid = \"wrong-type\"\ntimes = \"three\"\n"
                                     "error = \"InternalError\"\n"),
                 R"(^POST /__admin/faults:3:\d+: 'times' must be)");
  // Unknown error code, as JSON: the message names the rule (not a position in TOML the
  // client never sent), the code, and suggests the right one.
  expect_refused(post_faults_json(s, R"({"id": "bad-code", "action": "StopDiskReplicaPair", "error": "InternalEror"})"),
                 R"(^POST /__admin/faults: rule 1: unknown error code 'InternalEror'.*InternalError)");
  expect_refused(post_faults_json(s, R"([{"id": "fine", "error": "InternalError"}, {"id": "typo", "erorr": "x"}])"),
                 R"(^POST /__admin/faults: rule 2: unknown key 'erorr')");
  // Unknown error code, as TOML.
  expect_refused(post_faults_toml(s, "[[fault]]\nid = \"bad-code\"\nerror = \"Throttling.Usr\"\n"),
                 R"(^POST /__admin/faults:3:\d+: unknown error code 'Throttling.Usr')");
  // JSON that does not parse, and a null value.
  expect_refused(post_faults_json(s, R"({"id": "x", "error": )"), "the body is not valid JSON");
  expect_refused(post_faults_json(s, R"({"id": "x", "error": null})"), "'error' is null");
  // A TOML syntax error.
  expect_refused(post_faults_toml(s, "[[fault]]\nid = \"x\"\nerror = \n"), R"(^POST /__admin/faults:3:\d+: )");
  // A rule with no effect.
  expect_refused(post_faults_json(s, R"({"id": "no-effect", "action": "StopDiskReplicaPair"})"), "no effect");

  // An id the server already has: 409, naming it.
  auto dup = post_faults_json(s, R"({"id": "from-file", "error": "InternalError"})");
  EXPECT_EQ(dup.status, 409) << dup.body;
  EXPECT_NE(dup.json.value("error", "").find("from-file"), std::string::npos) << dup.body;
  // All or nothing: a batch whose second rule clashes adds neither.
  auto batch = post_faults_json(s, R"([{"id": "would-be-new", "error": "InternalError"},
                                       {"id": "added-ok", "error": "InternalError"}])");
  EXPECT_EQ(batch.status, 409) << batch.body;

  // The rule set and its counters are exactly as before.
  EXPECT_EQ(fault_rules(s), before);
  // And the rules still act as before: from-file used its one firing, added-ok fires.
  expect_success_envelope(s.call("DescribeDiskReplicaPairs", {{"RegionId", "cn-hangzhou"}}));
  expect_error_envelope(s.call("StartDiskReplicaPair", {{"RegionId", "cn-hangzhou"}, {"ReplicaPairId", kPair}}),
                        403, "Forbidden");
}

TEST(AdminRuntime, DeleteRemovesTheRuleAndAnUnknownIdIs404) {
  MockServer s(world_toml(false, pair_toml(kPair, "normal")));
  ASSERT_EQ(post_faults_toml(s, "[[fault]]\nid = \"stop-fails\"\naction = \"StopDiskReplicaPair\"\n"
                                "error = \"InternalError\"\n\n[[fault]]\nid = \"keep-me\"\n"
                                "action = \"ModifyDiskReplicaPair\"\nerror = \"Forbidden\"\n")
                .status,
            201);
  expect_error_envelope(s.call("StopDiskReplicaPair", stop(kPair, "t1")), 500, "InternalError");
  expect_error_envelope(s.call("StopDiskReplicaPair", stop(kPair, "t2")), 500, "InternalError");
  EXPECT_EQ(s.status_of(kPair), "normal");

  auto del = s.raw_http("DELETE", "/__admin/faults/stop-fails", {}, "");
  ASSERT_EQ(del.status, 200) << del.body;
  EXPECT_EQ(del.json["removed"], "stop-fails");
  EXPECT_EQ(rule_ids(s), std::vector<std::string>{"keep-me"});

  // No longer faulted: the model answers and the pair stops.
  auto r = s.call("StopDiskReplicaPair", stop(kPair, "t3"));
  expect_success_envelope(r);
  EXPECT_TRUE(entry_for(s, r)["fault"].is_null());
  EXPECT_EQ(s.status_of(kPair), "stopping");
  // The other rule still works.
  expect_error_envelope(
      s.call("ModifyDiskReplicaPair", {{"RegionId", "cn-hangzhou"}, {"ReplicaPairId", kPair}, {"Description", "drill"}}),
      403, "Forbidden");

  // Deleting again, or an id that never existed: 404 naming the id; nothing else removed.
  for (const std::string id : {"stop-fails", "never-was"}) {
    auto again = s.raw_http("DELETE", "/__admin/faults/" + id, {}, "");
    EXPECT_EQ(again.status, 404) << again.body;
    EXPECT_NE(again.json.value("error", "").find(id), std::string::npos) << again.body;
  }
  EXPECT_EQ(rule_ids(s), std::vector<std::string>{"keep-me"});
}

TEST(AdminRuntime, TheJournalNamesTheRuleThatFired) {
  MockServer s(world_toml(false, pair_toml(kPair, "normal") + R"(
[[fault]]
id = "second-describe"
action = "DescribeDiskReplicaPairs"
calls = [2]
error = "ServiceUnavailable"
)"));
  auto added = post_faults_json(s, R"({"action": "StopDiskReplicaPair", "times": 1, "error": "RequestTimeout", "commit": "after"})");
  ASSERT_EQ(added.status, 201) << added.body;
  const std::string posted_id = added.json["added"][0];

  auto d1 = s.call("DescribeDiskReplicaPairs", {{"RegionId", "cn-hangzhou"}});
  auto d2 = s.call("DescribeDiskReplicaPairs", {{"RegionId", "cn-hangzhou"}});
  auto s1 = s.call("StopDiskReplicaPair", stop(kPair, "t1"));
  expect_success_envelope(d1);
  expect_error_envelope(d2, 503, "ServiceUnavailable");
  expect_error_envelope(s1, 504, "RequestTimeout");

  Json e1 = entry_for(s, d1);
  EXPECT_TRUE(e1["fault"].is_null()) << e1;
  EXPECT_EQ(e1["status"], 200);

  Json e2 = entry_for(s, d2);
  ASSERT_TRUE(e2["fault"].is_object()) << e2;
  EXPECT_EQ(e2["fault"]["rule"], "second-describe");
  EXPECT_EQ(e2["fault"]["error"], "ServiceUnavailable");
  EXPECT_EQ(e2["fault"]["commit"], "before");
  EXPECT_EQ(e2["status"], 503);
  EXPECT_EQ(e2["code"], "ServiceUnavailable");
  EXPECT_FALSE(e2.contains("replay_mismatch")) << e2;

  Json e3 = entry_for(s, s1);
  ASSERT_TRUE(e3["fault"].is_object()) << e3;
  EXPECT_EQ(e3["fault"]["rule"], posted_id);
  EXPECT_EQ(e3["fault"]["commit"], "after");
  EXPECT_EQ(e3["transition"]["to"], "stopping");  // commit after: the change was made

  // times = 1 is spent: the next Stop (refused by the model, the pair is stopping) is
  // not the rule's doing and its entry says so.
  auto s2 = s.call("StopDiskReplicaPair", stop(kPair, "t2"));
  expect_error_envelope(s2, 403, "OperationDenied.InvalidStatus");
  EXPECT_TRUE(entry_for(s, s2)["fault"].is_null());

  // Health tallies every answer by who gave it (what a soak reads to prove no error came
  // from anything but the scenario), and a reset starts the tally over.
  auto health = s.admin_get("/__admin/health");
  EXPECT_EQ(health.json["answers"], (Json{{"model", {{"ok", 1}, {"OperationDenied.InvalidStatus", 1}}},
                                          {"fault", {{"ServiceUnavailable", 1}, {"RequestTimeout", 1}}}}))
      << health.body;
  ASSERT_EQ(s.raw_http("POST", "/__admin/reset", {}, "").status, 200);
  EXPECT_EQ(s.admin_get("/__admin/health").json["answers"], (Json{{"model", Json::object()}, {"fault", Json::object()}}));
}

// ---------------------------------------------------------------------------------------
// Replacing the world.

TEST(AdminRuntime, PostScenarioReplacesPairsAndRulesAndABrokenDocumentKeepsTheOldWorld) {
  MockServer s(world_toml(false, pair_toml(kPair, "normal") + R"(
[[fault]]
id = "old-rule"
action = "StopDiskReplicaPair"
error = "InternalError"
)"));
  expect_error_envelope(s.call("StopDiskReplicaPair", stop(kPair, "t1")), 500, "InternalError");
  const Json rules_before = fault_rules(s);
  ASSERT_EQ(rules_before.size(), 1u);
  ASSERT_EQ(rules_before[0]["matched"], 1);
  const auto journal_before = s.journal().size();
  ASSERT_GT(journal_before, 0u);

  // A TOML syntax error: reported alone, at its line and column, as "source:line:col".
  auto syntax = post_scenario(s, "[scenario]\nname = \"broken\"\nseed = \n\n[[pair]]\nid = \"pair-cn-x\"\n");
  EXPECT_EQ(syntax.status, 400) << syntax.body;
  ASSERT_TRUE(syntax.json.contains("diagnostics")) << syntax.body;
  EXPECT_EQ(syntax.json["diagnostics"].size(), 1u) << syntax.body;
  EXPECT_TRUE(any_diagnostic_matches(syntax, R"(^POST /__admin/scenario:3:\d+: )")) << diagnostics_text(syntax);

  // A well-formed document with mistakes: every one reported with its position.
  auto invalid = post_scenario(s, "[scenario]\nname = \"invalid\"\n\n[[pair]]\nid = \"" + kOtherPair +
                                      "\"\nregion = \"cn-hangzhou\"\ndestination_region = \"cn-shanghai\"\n"
                                      "status = \"sleeping\"\n\n[[fault]]\nid = \"r\"\nerorr = \"InternalError\"\n");
  EXPECT_EQ(invalid.status, 400) << invalid.body;
  EXPECT_TRUE(any_diagnostic_matches(invalid, R"(^POST /__admin/scenario:8:\d+: .*sleeping)")) << diagnostics_text(invalid);
  EXPECT_TRUE(any_diagnostic_matches(invalid, R"(^POST /__admin/scenario:12:1: unknown key 'erorr')"))
      << diagnostics_text(invalid);

  // The old world is untouched: its pair, its rule with its counters, its journal, its name.
  EXPECT_EQ(pair_ids(s), std::set<std::string>{kPair});
  EXPECT_EQ(fault_rules(s), rules_before);
  EXPECT_EQ(s.journal().size(), journal_before);
  EXPECT_EQ(s.admin_get("/__admin/health").json["scenario"], "test");
  expect_error_envelope(s.call("StopDiskReplicaPair", stop(kPair, "t2")), 500, "InternalError");

  // A valid document replaces everything.
  auto ok = post_scenario(s, R"([scenario]
name = "replacement"
seed = 99

[auth]
verify_signatures = false

[clock]
mode = "virtual"
start = "2025-06-01T00:00:00Z"

)" + pair_toml(kOtherPair, "stopped") +
                                 pair_toml(kThirdPair, "creating") + R"(
[[fault]]
id = "new-rule"
action = "DescribeDiskReplicaPairs"
times = 1
error = "ServiceUnavailable"
)");
  ASSERT_EQ(ok.status, 200) << ok.body;
  EXPECT_EQ(ok.json["scenario"], "replacement");
  EXPECT_EQ(ok.json["seed"], 99);
  EXPECT_EQ(ok.json["pairs"], 2);
  EXPECT_EQ(ok.json["clock"]["now"], "2025-06-01T00:00:00.000Z");

  EXPECT_EQ(pair_ids(s), (std::set<std::string>{kOtherPair, kThirdPair}));
  const Json rules = fault_rules(s);
  ASSERT_EQ(rules.size(), 1u) << rules;
  EXPECT_EQ(rules[0]["id"], "new-rule");
  EXPECT_EQ(rules[0]["matched"], 0);
  EXPECT_TRUE(s.journal().empty());

  // The new rules act, the old ones do not; the old pair is gone.
  expect_error_envelope(s.call("DescribeDiskReplicaPairs", {{"RegionId", "cn-hangzhou"}}), 503, "ServiceUnavailable");
  auto old_stop = s.call("StopDiskReplicaPair", stop(kPair, "t3"));
  EXPECT_NE(old_stop.code(), "InternalError") << old_stop;
  EXPECT_NE(old_stop.status, 200) << old_stop;
  EXPECT_TRUE(entry_for(s, old_stop)["fault"].is_null());
  EXPECT_EQ(s.status_of(kOtherPair), "stopped");
  EXPECT_FALSE(s.describe(kPair).has_value());
}

// ---------------------------------------------------------------------------------------
// Replay.

constexpr const char* kRecordedDescribe =
    R"({"RequestId": "0B9E4D71-6C2A-4F3B-8D5E-7A1C9B2F4E63", "NextToken": "", "TotalCount": 1, )"
    R"("ReplicaPairs": [{"ReplicaPairId": "pair-cn-adminruntime0001", "Status": "recorded"}]})";

std::string strict_replay_world() {
  // Signatures on: the replay answers after authentication, like every fault.
  return world_toml(true, pair_toml(kPair, "normal") + R"(
[[replay]]
action = "DescribeDiskReplicaPairs"
params = { RegionId = "cn-hangzhou", PairIds = "pair-cn-adminruntime0001" }
body = ')" + std::string(kRecordedDescribe) + R"('

[[replay]]
action = "StopDiskReplicaPair"
params = { RegionId = "cn-hangzhou", ReplicaPairId = "pair-cn-adminruntime0001" }
status = 504
code = "RequestTimeout"

[[replay]]
action = "StopDiskReplicaPair"
params = { RegionId = "cn-hangzhou", ReplicaPairId = "*" }
status = 403
code = "OperationDenied.InvalidStatus"
message = "The operation is not allowed in current status."
headers = { x-recorded = "step-3" }
)");
}

TEST(AdminRuntime, StrictReplayAnswersEachStepExactlyAndRecordsMismatches) {
  MockServer s(strict_replay_world());
  ASSERT_TRUE(s.verify_signatures());
  Json st = replay_status(s);
  EXPECT_EQ(st["mode"], "strict");
  EXPECT_EQ(st["steps"], 3);
  EXPECT_EQ(st["consumed"], 0);
  EXPECT_EQ(st["finished"], false);
  EXPECT_EQ(st["next"], (Json{{"step", 1}, {"action", "DescribeDiskReplicaPairs"}}));
  EXPECT_TRUE(st["mismatches"].empty());

  // Step 1: the recorded body, byte for byte (its RequestId as recorded), status 200.
  auto r1 = s.call("DescribeDiskReplicaPairs", describe_one(kPair));
  ASSERT_TRUE(r1.transport_ok) << r1.transport_error;
  EXPECT_EQ(r1.status, 200);
  EXPECT_EQ(r1.body, kRecordedDescribe);
  const Json e1 = last_request(s);
  // The recorded RequestId names the answer in the header and in the journal too, so the
  // client's view and the journal can be matched.
  EXPECT_EQ(r1.header("x-acs-request-id"), "0B9E4D71-6C2A-4F3B-8D5E-7A1C9B2F4E63");
  EXPECT_EQ(e1["request_id"], "0B9E4D71-6C2A-4F3B-8D5E-7A1C9B2F4E63");
  st = replay_status(s);
  EXPECT_EQ(st["consumed"], 1);
  EXPECT_EQ(st["next"], (Json{{"step", 2}, {"action", "StopDiskReplicaPair"}}));

  // A request that is not step 2 (right action, wrong pair): 400 Mock.ReplayMismatch
  // saying what was expected and why; the step stays next; nothing ran.
  auto wrong = s.call("StopDiskReplicaPair", stop(kOtherPair, "t-wrong"));
  expect_error_envelope(wrong, 400, "Mock.ReplayMismatch");
  EXPECT_NE(wrong.message().find("expected StopDiskReplicaPair (step 2 of 3)"), std::string::npos) << wrong.message();
  EXPECT_NE(wrong.message().find("param ReplicaPairId expected '" + kPair + "' got '" + kOtherPair + "'"),
            std::string::npos)
      << wrong.message();
  st = replay_status(s);
  EXPECT_EQ(st["consumed"], 1);
  EXPECT_EQ(st["next"]["step"], 2);
  ASSERT_EQ(st["mismatches"].size(), 1u) << st;
  EXPECT_EQ(st["mismatches"][0]["step"], 2);
  EXPECT_EQ(st["mismatches"][0]["expected"], "StopDiskReplicaPair");
  EXPECT_EQ(st["mismatches"][0]["got"], "StopDiskReplicaPair");
  EXPECT_EQ(st["mismatches"][0]["reason"], wrong.message());
  Json we = entry_for(s, wrong);
  EXPECT_EQ(we["replay_mismatch"], wrong.message());
  EXPECT_EQ(we["fault"]["rule"], "replay:mismatch");
  EXPECT_EQ(we["status"], 400);
  EXPECT_EQ(we["code"], "Mock.ReplayMismatch");
  EXPECT_TRUE(we["transition"].is_null());

  // Step 2: the recorded error, in the documented envelope, with the recorded status.
  auto r2 = s.call("StopDiskReplicaPair", stop(kPair, "t2"));
  expect_error_envelope(r2, 504, "RequestTimeout");
  // Step 3: recorded status, code, message and header.
  auto r3 = s.call("StopDiskReplicaPair", stop(kPair, "t3"));
  expect_error_envelope(r3, 403, "OperationDenied.InvalidStatus");
  EXPECT_EQ(r3.message(), "The operation is not allowed in current status.");
  EXPECT_EQ(r3.header("x-recorded"), "step-3");
  // Recorded errors without commit = "after" do not touch the model.
  EXPECT_EQ(s.admin_get("/__admin/pairs").json["pairs"][0]["Status"], "normal");

  int step = 0;
  for (const Json& e : {e1, entry_for(s, r2), entry_for(s, r3)}) {
    ++step;
    EXPECT_EQ(e["action"], step == 1 ? "DescribeDiskReplicaPairs" : "StopDiskReplicaPair") << e;
    EXPECT_EQ(e["fault"]["rule"], "replay:" + std::to_string(step)) << e;
    EXPECT_EQ(e["status"], step == 1 ? 200 : step == 2 ? 504 : 403) << e;
    EXPECT_FALSE(e.contains("replay_mismatch")) << e;
  }
  st = replay_status(s);
  EXPECT_EQ(st["consumed"], 3);
  EXPECT_EQ(st["finished"], true);
  EXPECT_TRUE(st["next"].is_null());

  // After the last step every request is a mismatch, recorded with step 0.
  auto after = s.call("DescribeDiskReplicaPairs", describe_one(kPair));
  expect_error_envelope(after, 400, "Mock.ReplayMismatch");
  EXPECT_NE(after.message().find("the replay finished after 3 steps"), std::string::npos) << after.message();
  st = replay_status(s);
  ASSERT_EQ(st["mismatches"].size(), 2u) << st;
  EXPECT_EQ(st["mismatches"][1]["step"], 0);
  EXPECT_TRUE(st["mismatches"][1]["expected"].is_null());
  EXPECT_EQ(st["mismatches"][1]["got"], "DescribeDiskReplicaPairs");
  EXPECT_EQ(entry_for(s, after)["replay_mismatch"], after.message());

  // The server keeps serving.
  auto health = s.admin_get("/__admin/health");
  EXPECT_EQ(health.status, 200) << health.body;
  EXPECT_EQ(health.json["status"], "ok");
  // A request failing authentication never reaches the replay (and is not a mismatch).
  SignOptions bad = s.default_signing();
  bad.access_key_secret = "not-the-secret";
  auto bad_sig = s.call("DescribeDiskReplicaPairs", describe_one(kPair), bad);
  EXPECT_EQ(bad_sig.code(), "SignatureDoesNotMatch") << bad_sig;
  EXPECT_EQ(replay_status(s)["mismatches"].size(), 2u);
}

TEST(AdminRuntime, LenientReplayLetsTheModelAnswerAMismatchAndTheTraceContinues) {
  // Loaded at run time over a world without replay, which also shows that a scenario
  // replacement brings its [[replay]] with it.
  MockServer s(world_toml(false, pair_toml(kPair, "normal")));
  EXPECT_EQ(replay_status(s)["steps"], 0);

  auto loaded = post_scenario(s, R"([scenario]
name = "lenient-replay"
seed = 11
replay_mode = "lenient"

[auth]
verify_signatures = false

[clock]
mode = "virtual"

)" + pair_toml(kPair, "normal") + R"(
[[replay]]
action = "StopDiskReplicaPair"
params = { RegionId = "cn-hangzhou", ReplicaPairId = "pair-cn-adminruntime0001" }
status = 504
code = "RequestTimeout"

[[replay]]
action = "DescribeDiskReplicaPairs"
params = { RegionId = "cn-hangzhou", PairIds = "pair-cn-adminruntime0001" }
body = ')" + std::string(kRecordedDescribe) + R"('
)");
  ASSERT_EQ(loaded.status, 200) << loaded.body;
  Json st = replay_status(s);
  EXPECT_EQ(st["mode"], "lenient");
  EXPECT_EQ(st["steps"], 2);

  // Not step 1 (a Stop is expected): the model answers, with the real status.
  auto m1 = s.call("DescribeDiskReplicaPairs", describe_one(kPair));
  expect_success_envelope(m1);
  ASSERT_EQ(m1.json["ReplicaPairs"].size(), 1u) << m1;
  EXPECT_EQ(m1.json["ReplicaPairs"][0]["Status"], "normal");
  EXPECT_NE(m1.body, kRecordedDescribe);
  Json e1 = entry_for(s, m1);
  EXPECT_NE(e1.value("replay_mismatch", "").find("expected StopDiskReplicaPair (step 1 of 2)"), std::string::npos)
      << e1;
  EXPECT_TRUE(e1["fault"].is_null()) << e1;
  st = replay_status(s);
  EXPECT_EQ(st["consumed"], 0);
  ASSERT_EQ(st["mismatches"].size(), 1u);
  EXPECT_EQ(st["mismatches"][0]["step"], 1);
  EXPECT_EQ(st["mismatches"][0]["expected"], "StopDiskReplicaPair");
  EXPECT_EQ(st["mismatches"][0]["got"], "DescribeDiskReplicaPairs");

  // Step 1 is still next and answered from the trace (commit before: nothing changes).
  auto r1 = s.call("StopDiskReplicaPair", stop(kPair, "t1"));
  expect_error_envelope(r1, 504, "RequestTimeout");
  EXPECT_EQ(entry_for(s, r1)["fault"]["rule"], "replay:1");
  EXPECT_EQ(s.admin_get("/__admin/pairs").json["pairs"][0]["Status"], "normal");

  // Step 2: the recorded body, although the model would say "normal".
  auto r2 = s.call("DescribeDiskReplicaPairs", describe_one(kPair));
  EXPECT_EQ(r2.status, 200);
  EXPECT_EQ(r2.body, kRecordedDescribe);
  EXPECT_EQ(last_request(s)["fault"]["rule"], "replay:2");
  st = replay_status(s);
  EXPECT_EQ(st["consumed"], 2);
  EXPECT_EQ(st["finished"], true);

  // After the trace the model answers (and really acts), still recorded as mismatches.
  auto after = s.call("StopDiskReplicaPair", stop(kPair, "t2"));
  expect_success_envelope(after);
  EXPECT_EQ(s.status_of(kPair), "stopping");
  st = replay_status(s);
  ASSERT_EQ(st["mismatches"].size(), 3u) << st;  // the Describe in status_of() too
  EXPECT_EQ(st["mismatches"][1]["step"], 0);
  EXPECT_EQ(st["mismatches"][1]["got"], "StopDiskReplicaPair");
}

// ---------------------------------------------------------------------------------------
// The admin token.

TEST(AdminRuntime, AnAdminTokenIsRequiredWhenSet) {
  ServerOptions options;
  options.admin_token = "s3cret-token";
  MockServer s(world_toml(false, pair_toml(kPair, "normal")), options);

  auto none = s.admin_get("/__admin/health");
  EXPECT_EQ(none.status, 401) << none.body;
  EXPECT_NE(none.json.value("error", "").find("admin token"), std::string::npos) << none.body;
  EXPECT_EQ(none.body.find("pair-cn-"), std::string::npos);

  for (const Headers& headers : {Headers{{"x-ebsmock-admin-token", "wrong"}},
                                 Headers{{"x-ebsmock-admin-token", "s3cret-tokeN"}},  // same length
                                 Headers{{"x-ebsmock-admin-token", "s3cret-token-and-more"}},
                                 Headers{{"Authorization", "Bearer wrong"}},
                                 Headers{{"Authorization", "s3cret-token"}}}) {  // not "Bearer "
    SCOPED_TRACE(headers[0].first + ": " + headers[0].second);
    EXPECT_EQ(s.raw_http("GET", "/__admin/pairs", headers, "").status, 401);
    // Mutating calls are refused too, without effect.
    EXPECT_EQ(s.raw_http("POST", "/__admin/clock/advance?by=1h", headers, "").status, 401);
    EXPECT_EQ(s.raw_http("POST", "/__admin/faults", headers, "error = \"InternalError\"\n").status, 401);
  }

  auto ok = s.raw_http("GET", "/__admin/health", {{"x-ebsmock-admin-token", "s3cret-token"}}, "");
  ASSERT_EQ(ok.status, 200) << ok.body;
  EXPECT_EQ(ok.json["clock"]["now"], "2024-01-01T00:00:00.000Z");  // the refused advances did nothing
  auto bearer = s.raw_http("GET", "/__admin/faults", {{"Authorization", "Bearer s3cret-token"}}, "");
  ASSERT_EQ(bearer.status, 200) << bearer.body;
  EXPECT_TRUE(bearer.json["rules"].empty()) << bearer.body;  // the refused POSTs added nothing

  // The token guards the admin API only; RPC calls do not carry it.
  expect_success_envelope(s.call("DescribeDiskReplicaPairs", {{"RegionId", "cn-hangzhou"}}));
}

TEST(AdminRuntime, WithoutATokenLoopbackNeedsNone) {
  MockServer s(world_toml(false, pair_toml(kPair, "normal")));
  EXPECT_EQ(s.admin_get("/__admin/health").status, 200);
  // A token sent to a server that has none is ignored, not an error.
  EXPECT_EQ(s.raw_http("GET", "/__admin/health", {{"x-ebsmock-admin-token", "anything"}}, "").status, 200);
}

}  // namespace
}  // namespace ebsmock::testing
