// trace_import_test.cpp: scenarios/trace/trace_import.h. The example trace becomes TOML
// whose [[replay]] steps equal the trace, checked three times: with toml++ directly
// (independent of the loader), through the scenario loader, and against the Scenario the
// importer built; bad lines are all reported with their line numbers; TOML strings
// round-trip quotes, backslashes, control characters and 中文. The `ebsmock import-trace`
// command is tested in tests/harness/import_trace_command_test.cpp.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>
#include <toml++/toml.h>

#include "scenarios/loader/scenario_loader.h"
#include "scenarios/trace/trace_import.h"
#include "scenarios/writer/toml_text.h"
#include "tests/support/command_line.h"

namespace ebsmock::scenarios {
namespace {

using nlohmann::json;

const std::string& kExamplePath = test::kExampleTracePath;
using test::read_text;

std::vector<json> trace_lines(const std::string& text) {
  std::vector<json> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (!line.empty()) out.push_back(json::parse(line));
  }
  return out;
}

std::vector<std::string> texts(const std::vector<Diagnostic>& diagnostics) {
  std::vector<std::string> out;
  for (const auto& d : diagnostics) out.push_back(d.to_string());
  return out;
}

TraceImportResult import_text(const std::string& text, TraceImportOptions o = {}) {
  if (o.source_name == TraceImportOptions{}.source_name) o.source_name = "LOG.jsonl";
  return import_trace(text, o);
}

// The identifying params of a trace line, as the wire carries them.
contracts::Params expected_params(const json& line) {
  contracts::Params out;
  if (!line.contains("params")) return out;
  for (const auto& [k, v] : line["params"].items()) {
    if (std::find(kTraceMatchParams.begin(), kTraceMatchParams.end(), k) == kTraceMatchParams.end()) continue;
    out[k] = v.is_string() ? v.get<std::string>() : v.dump();
  }
  return out;
}

TEST(TraceImport, ExampleTraceStepsEqualTheTrace) {
  const std::string text = read_text(kExamplePath);
  const auto lines = trace_lines(text);
  ASSERT_GE(lines.size(), 8u);
  auto result = import_text(text, {.source_name = kExamplePath});
  ASSERT_TRUE(result.ok()) << result.problems.front().to_string();
  EXPECT_EQ(result.steps, static_cast<int>(lines.size()));

  toml::table t;
  ASSERT_NO_THROW(t = toml::parse(result.toml)) << result.toml;
  EXPECT_EQ(t["scenario"]["name"].value_or(std::string()), "example-customer-trace");
  EXPECT_EQ(t["scenario"]["seed"].value_or(0), 1);
  EXPECT_EQ(t["scenario"]["replay_mode"].value_or(std::string()), "strict");
  EXPECT_EQ(t["clock"]["mode"].value_or(std::string()), "virtual");
  ASSERT_TRUE(t["clock"]["start"].as_date_time());
  EXPECT_EQ(t["clock"]["start"].as_date_time()->get().time.nanosecond, 123'000'000u);
  EXPECT_EQ(t["auth"]["verify_signatures"].value_or(true), false);
  EXPECT_EQ(t["credential"][0]["access_key_id"].value_or(std::string()), "testid");
  EXPECT_EQ(t["credential"][0]["access_key_secret"].value_or(std::string()), "testsecret");

  const toml::array* steps = t["replay"].as_array();
  ASSERT_NE(steps, nullptr);
  ASSERT_EQ(steps->size(), lines.size());
  for (std::size_t i = 0; i < lines.size(); ++i) {
    SCOPED_TRACE("step " + std::to_string(i + 1));
    const json& l = lines[i];
    const toml::table& s = *steps->get(i)->as_table();
    EXPECT_EQ(s["action"].value_or(std::string()), l["action"].get<std::string>());
    EXPECT_EQ(s["status"].value_or(0), l["status"].get<int>());
    EXPECT_EQ(s["code"].value_or(std::string()), l.value("code", std::string()));
    EXPECT_EQ(s["message"].value_or(std::string()), l.value("message", std::string()));
    EXPECT_EQ(s["delay"].value_or(std::string()), std::to_string(l["latency_ms"].get<int>()) + "ms");
    EXPECT_FALSE(s.contains("body"));  // successes without a body: the model answers
    contracts::Params params;
    if (const auto* p = s["params"].as_table()) {
      for (const auto& [k, v] : *p) params[std::string(k.str())] = v.value_or(std::string());
    }
    EXPECT_EQ(params, expected_params(l));
    EXPECT_EQ(params.count("ClientToken"), 0u);
  }
}

TEST(TraceImport, ExampleTraceLoadsWithTheScenarioLoader) {
  const std::string text = read_text(kExamplePath);
  const auto lines = trace_lines(text);
  auto result = import_text(text, {.source_name = kExamplePath});
  ASSERT_TRUE(result.ok());
  Scenario s;
  try {
    s = load_scenario_string(result.toml, "example-customer-trace.toml");
  } catch (const ScenarioError& e) {
    FAIL() << e.what() << "\n" << result.toml;
  }
  EXPECT_EQ(s.seed, 1u);
  EXPECT_EQ(s.clock.mode, ClockMode::Virtual);
  EXPECT_FALSE(s.auth.verify_signatures);
  EXPECT_EQ(s.replay.mode, ReplayMode::Strict);
  ASSERT_EQ(s.replay.steps.size(), lines.size());
  for (std::size_t i = 0; i < lines.size(); ++i) {
    SCOPED_TRACE("step " + std::to_string(i + 1));
    const auto& step = s.replay.steps[i];
    const json& l = lines[i];
    EXPECT_EQ(step.action, l["action"].get<std::string>());
    EXPECT_EQ(step.params, expected_params(l));
    EXPECT_EQ(step.status, l["status"].get<int>());
    EXPECT_EQ(step.code, l.value("code", std::string()));
    EXPECT_EQ(step.message, l.value("message", std::string()));
    EXPECT_FALSE(step.body);
    EXPECT_EQ(step.delay.kind, DelaySpec::Kind::Fixed);
    EXPECT_EQ(step.delay.fixed, contracts::Duration(l["latency_ms"].get<int>()));
  }
}

// The importer builds a Scenario and writes it through scenarios/writer: the file loads
// back to exactly that scenario, comments and all.
TEST(TraceImport, TheFileLoadsToTheScenarioTheImporterBuilt) {
  const std::string example = read_text(kExamplePath);
  const json odd = {{"action", "StopDiskReplicaPair"}, {"status", 403},
                    {"code", "OperationDenied.InvalidStatus"},
                    {"message", "quote \" back\\slash\nnew line \x01 \xE7\x8A\xB6"},
                    {"params", {{"ReplicaPairId", "pair-\"odd\"\n"}, {"RegionId", "cn-hangzhou"}}},
                    {"time", "2026-11-20T10:00:00+08:00"},
                    {"request_id", "id\nwith newline"}};
  for (const auto& [text, wildcard] : {std::pair{example, false}, std::pair{example, true},
                                       std::pair{odd.dump() + "\n", false}}) {
    auto r = import_text(text, {.source_name = "case.jsonl", .wildcard_created_ids = wildcard});
    ASSERT_TRUE(r.ok()) << r.problems.front().to_string();
    Scenario loaded;
    try {
      loaded = load_scenario_string(r.toml, "");
    } catch (const ScenarioError& e) {
      FAIL() << e.what() << "\n" << r.toml;
    }
    for (auto& step : loaded.replay.steps) step.source.clear();
    EXPECT_TRUE(loaded == r.scenario) << r.toml;
    EXPECT_EQ(loaded.replay.steps.size(), static_cast<std::size_t>(r.steps));
  }
}

TEST(TraceImport, LatencyUpToTheDelayCap) {
  const std::string at_cap =
      R"({"action":"DescribeDiskReplicaPairs","status":200,"latency_ms":3600000})" "\n";
  auto ok = import_text(at_cap);
  ASSERT_TRUE(ok.ok()) << ok.problems.front().to_string();
  EXPECT_EQ(ok.scenario.replay.steps.at(0).delay.fixed, kMaxDelay);
  // Longer would be a delay the loader refuses: said at the line, not in the scenario.
  auto over = import_text(
      R"({"action":"DescribeDiskReplicaPairs","status":200,"latency_ms":3600001})" "\n");
  ASSERT_EQ(over.problems.size(), 1u);
  EXPECT_EQ(over.problems[0].to_string(),
            "LOG.jsonl:1: \"latency_ms\" must be between 0 and 3600000, got 3600001");
  EXPECT_TRUE(over.toml.empty());
}

TEST(TraceImport, BadLinesAreAllReportedWithLineNumbers) {
  const std::string text =
      R"({"action":"StopDiskReplicaPair","params":{"ReplicaPairId":"pair-1"},"status":200})" "\n"
      "this is not json\n"
      "\n"  // blank lines are skipped, but still counted
      R"({"params":{},"status":200})" "\n"
      R"({"action":"StopDiskReplicaPairs","status":200})" "\n"
      R"(["StopDiskReplicaPair"])" "\n"
      R"({"action":"StopDiskReplicaPair","status":"504"})" "\n"
      R"({"action":"StopDiskReplicaPair","status":504})" "\n"
      R"({"action":"StopDiskReplicaPair","status":200,"latency_ms":-3,"body":"x"})" "\n";
  auto r = import_text(text);
  EXPECT_FALSE(r.ok());
  EXPECT_TRUE(r.toml.empty());
  ASSERT_EQ(r.problems.size(), 8u) << ::testing::PrintToString(texts(r.problems));
  EXPECT_TRUE(r.problems[0].to_string().starts_with("LOG.jsonl:2: not JSON: ")) << r.problems[0].to_string();
  EXPECT_EQ(r.problems[1].to_string(), "LOG.jsonl:4: missing \"action\"");
  EXPECT_EQ(r.problems[2].to_string(), "LOG.jsonl:5: unknown action \"StopDiskReplicaPairs\"");
  EXPECT_EQ(r.problems[3].to_string(), "LOG.jsonl:6: expected a JSON object, got array");
  EXPECT_EQ(r.problems[4].to_string(), "LOG.jsonl:7: \"status\" must be an integer HTTP status, got string");
  EXPECT_TRUE(r.problems[5].to_string().starts_with("LOG.jsonl:8: status 504 without \"code\" or \"body\""))
      << r.problems[5].to_string();
  EXPECT_TRUE(r.problems[6].to_string().starts_with("LOG.jsonl:9: \"body\" must be a JSON object")) << r.problems[6].to_string();
  EXPECT_TRUE(r.problems[7].to_string().starts_with("LOG.jsonl:9: \"latency_ms\" must be between 0")) << r.problems[7].to_string();
}

TEST(TraceImport, EmptyTraceIsAnError) {
  for (const std::string text : {"", "\n\n  \n", "\xEF\xBB\xBF\n"}) {
    auto r = import_text(text);
    ASSERT_EQ(r.problems.size(), 1u);
    EXPECT_EQ(r.problems[0].to_string(), "LOG.jsonl: the trace has no requests (expected one JSON object per line)");
  }
}

TEST(TraceImport, ToleratesCrlfBomAndExtraFields) {
  const std::string text =
      "\xEF\xBB\xBF" R"({"action":"DescribeDiskReplicaPairs","status":200,"sdk":"pop-core"})" "\r\n"
      R"({"action":"DescribeDiskReplicaPairs","code":"Throttling.User"})" "\r\n";
  auto r = import_text(text);
  ASSERT_TRUE(r.ok()) << r.problems.front().to_string();
  auto t = toml::parse(r.toml);
  EXPECT_EQ(t["replay"][0]["status"].value_or(0), 200);
  // A known code without a status gets the catalogue's status.
  EXPECT_EQ(t["replay"][1]["status"].value_or(0), 400);
  EXPECT_FALSE(t["clock"]["start"]);  // no time in the trace
}

TEST(TraceImport, ParamValuesAsTheWireCarriesThem) {
  const std::string text =
      R"({"action":"StartDiskReplicaPair","params":{"RegionId":"cn-hangzhou","ReplicaPairId":"pair-1","OneShot":true,"ClientToken":"abc","Signature":"s","Timestamp":"t"},"status":200,"latency_ms":2.6})" "\n"
      R"({"action":"ReprotectDiskReplicaPair","params":{"ReplicaPairId":"pair-1","ReverseReplicate":false},"status":200,"latency_ms":0})" "\n"
      R"({"action":"DescribeDiskReplicaPairs","params":{"PairIds":["pair-1","pair-2"],"PageSize":10},"status":200})" "\n";
  auto r = import_text(text);
  ASSERT_TRUE(r.ok()) << r.problems.front().to_string();
  auto t = toml::parse(r.toml);
  auto p0 = t["replay"][0]["params"];
  EXPECT_EQ(p0["OneShot"].value_or(std::string()), "true");
  EXPECT_EQ(p0["RegionId"].value_or(std::string()), "cn-hangzhou");
  EXPECT_FALSE(p0["ClientToken"]);
  EXPECT_FALSE(p0["Signature"]);
  EXPECT_FALSE(p0["Timestamp"]);
  EXPECT_EQ(t["replay"][0]["delay"].value_or(std::string()), "3ms");
  EXPECT_EQ(t["replay"][1]["params"]["ReverseReplicate"].value_or(std::string()), "false");
  EXPECT_FALSE(t["replay"][1]["delay"]);  // 0 ms: no delay
  EXPECT_EQ(t["replay"][2]["params"]["PairIds"].value_or(std::string()), "pair-1,pair-2");
  EXPECT_FALSE(t["replay"][2]["params"]["PageSize"]);
  // Protocol and signature parameters are dropped outright, not listed as unmatched.
  EXPECT_NE(r.toml.find("# not matched: ClientToken\n"), std::string::npos) << r.toml;
  EXPECT_EQ(r.toml.find("Signature ="), std::string::npos) << r.toml;
  EXPECT_EQ(r.toml.find("Signature,"), std::string::npos) << r.toml;
}

TEST(TraceImport, OptionsNameModeAndWildcardCreatedIds) {
  const std::string text = read_text(kExamplePath);
  auto plain = import_text(text, {.source_name = "x/LOG.jsonl"});
  ASSERT_TRUE(plain.ok());
  // The created pair's later ids will not match: said in a warning and a comment.
  ASSERT_EQ(plain.warnings.size(), 1u);
  EXPECT_TRUE(plain.warnings[0].to_string().starts_with("x/LOG.jsonl:1: CreateDiskReplicaPair is answered by the model"))
      << plain.warnings[0].to_string();
  EXPECT_NE(plain.toml.find("--wildcard-created-ids"), std::string::npos);

  auto r = import_text(text, {.source_name = "x/LOG.jsonl",
                              .name = "case 4711 \"stop\"",
                              .mode = ReplayMode::Lenient,
                              .wildcard_created_ids = true});
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r.warnings.empty()) << r.warnings.front().to_string();
  auto t = toml::parse(r.toml);
  EXPECT_EQ(t["scenario"]["name"].value_or(std::string()), "case 4711 \"stop\"");
  EXPECT_EQ(t["scenario"]["replay_mode"].value_or(std::string()), "lenient");
  EXPECT_EQ(t["replay"][1]["params"]["PairIds"].value_or(std::string()), "*");
  EXPECT_EQ(t["replay"][3]["params"]["ReplicaPairId"].value_or(std::string()), "*");
  EXPECT_EQ(t["replay"][3]["params"]["RegionId"].value_or(std::string()), "cn-hangzhou");
  EXPECT_NE(r.toml.find("# ReplicaPairId was \"pair-cn-5rz8w2k4m1x7q9b3\" in the trace"), std::string::npos);
}

TEST(TraceImport, PairsNotCreatedByTheTraceGetATemplate) {
  const std::string text =
      R"({"action":"StopDiskReplicaPair","params":{"RegionId":"cn-beijing","ReplicaPairId":"pair-cn-old"},"status":200})" "\n";
  auto r = import_text(text);
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r.warnings.size(), 1u);
  EXPECT_NE(r.warnings[0].to_string().find("pair-cn-old is used but not created"), std::string::npos);
  EXPECT_NE(r.toml.find("# [[pair]]\n# id = \"pair-cn-old\"\n# region = \"cn-beijing\""),
            std::string::npos)
      << r.toml;
}

TEST(TraceImport, AmbiguousFailureSuggestsCommitAfter) {
  auto r = import_text(read_text(kExamplePath));
  ASSERT_TRUE(r.ok());
  EXPECT_NE(r.toml.find("got OperationDenied.InvalidStatus, so it probably did.\n"
                        "# If it did, uncomment this to apply it before answering:\n"
                        "# commit = \"after\"\n[[replay]]\naction = \"StopDiskReplicaPair\""),
            std::string::npos)
      << r.toml;
}

TEST(TraceImport, TomlStringEscaping) {
  EXPECT_EQ(toml_string("plain"), "\"plain\"");
  EXPECT_EQ(toml_string("a\"b\\c"), "\"a\\\"b\\\\c\"");
  EXPECT_EQ(toml_string("l1\nl2\t\r\b\f"), "\"l1\\nl2\\t\\r\\b\\f\"");
  EXPECT_EQ(toml_string(std::string("\x01\x1F\x7F", 3)), "\"\\u0001\\u001F\\u007F\"");
  EXPECT_EQ(toml_string("状态不允许"), "\"状态不允许\"");  // kept as UTF-8
  EXPECT_EQ(toml_string("bad\xFF"), "\"bad\xEF\xBF\xBD\"");   // TOML must be UTF-8
  EXPECT_EQ(toml_literal_block(R"({"a":"b"})"), "'''\n{\"a\":\"b\"}'''");
  EXPECT_EQ(toml_literal_block("it'''s"), "\"it'''s\"");  // cannot be literal
}

TEST(TraceImport, MessagesAndBodiesRoundTrip) {
  const std::string message = "He said \"no\" \\ C:\\path\nsecond line\t状态不允许操作 \x01 end";
  const json body = {{"Code", "OperationDenied.InvalidStatus"},
                     {"Message", message + " and ''' quotes"},
                     {"RequestId", "7B4E9D2A"}};
  const json plain_body = {{"TotalCount", 1}, {"Note", "普通 'quoted' \\ text"}};
  json l1 = {{"action", "StopDiskReplicaPair"}, {"status", 403},
             {"code", "OperationDenied.InvalidStatus"}, {"message", message}};
  json l2 = {{"action", "StopDiskReplicaPair"}, {"status", 403}, {"body", body}};
  json l3 = {{"action", "DescribeDiskReplicaPairs"}, {"status", 200}, {"body", plain_body}};
  const std::string text = l1.dump() + "\n" + l2.dump() + "\n" + l3.dump() + "\n";
  auto r = import_text(text);
  ASSERT_TRUE(r.ok()) << r.problems.front().to_string();
  toml::table t;
  ASSERT_NO_THROW(t = toml::parse(r.toml)) << r.toml;
  EXPECT_EQ(t["replay"][0]["message"].value_or(std::string()), message);
  EXPECT_EQ(json::parse(t["replay"][1]["body"].value_or(std::string())), body);
  EXPECT_EQ(json::parse(t["replay"][2]["body"].value_or(std::string())), plain_body);
  // The readable form is used when it can hold the text.
  EXPECT_NE(r.toml.find("body = '''\n{"), std::string::npos);
  // 中文 stays readable in the file, not \u-escaped.
  EXPECT_NE(r.toml.find("状态不允许操作"), std::string::npos);
}

}  // namespace
}  // namespace ebsmock::scenarios
