// trace_import_test.cpp: harness/trace/trace_import.h and `ebsmock import-trace`. The
// example trace becomes TOML whose [[replay]] steps equal the trace, checked twice: with
// toml++ directly (independent of the loader) and through the scenario loader; bad lines
// are all reported with their line numbers; TOML strings round-trip quotes, backslashes,
// control characters and 中文.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>
#include <toml++/toml.h>

#include "harness/trace/trace_import.h"
#include "scenarios/loader/scenario_loader.h"

namespace ebsmock::harness {
namespace {

using nlohmann::json;

const std::string kExamplePath =
    std::string(EBSMOCK_SOURCE_DIR) + "/scenarios/traces/example-customer-trace.jsonl";

std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::vector<json> trace_lines(const std::string& text) {
  std::vector<json> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (!line.empty()) out.push_back(json::parse(line));
  }
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
  ASSERT_TRUE(result.ok()) << result.problems.front();
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
  scenarios::Scenario s;
  try {
    s = scenarios::load_scenario_string(result.toml, "example-customer-trace.toml");
  } catch (const scenarios::ScenarioError& e) {
    FAIL() << e.what() << "\n" << result.toml;
  }
  EXPECT_EQ(s.seed, 1u);
  EXPECT_EQ(s.clock.mode, scenarios::ClockMode::Virtual);
  EXPECT_FALSE(s.auth.verify_signatures);
  EXPECT_EQ(s.replay.mode, scenarios::ReplayMode::Strict);
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
    EXPECT_EQ(step.delay.kind, scenarios::DelaySpec::Kind::Fixed);
    EXPECT_EQ(step.delay.fixed, contracts::Duration(l["latency_ms"].get<int>()));
  }
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
  ASSERT_EQ(r.problems.size(), 8u) << ::testing::PrintToString(r.problems);
  EXPECT_TRUE(r.problems[0].starts_with("LOG.jsonl:2: not JSON: ")) << r.problems[0];
  EXPECT_EQ(r.problems[1], "LOG.jsonl:4: missing \"action\"");
  EXPECT_EQ(r.problems[2], "LOG.jsonl:5: unknown action \"StopDiskReplicaPairs\"");
  EXPECT_EQ(r.problems[3], "LOG.jsonl:6: expected a JSON object, got array");
  EXPECT_EQ(r.problems[4], "LOG.jsonl:7: \"status\" must be an integer HTTP status, got string");
  EXPECT_TRUE(r.problems[5].starts_with("LOG.jsonl:8: status 504 without \"code\" or \"body\""))
      << r.problems[5];
  EXPECT_TRUE(r.problems[6].starts_with("LOG.jsonl:9: \"body\" must be a JSON object")) << r.problems[6];
  EXPECT_TRUE(r.problems[7].starts_with("LOG.jsonl:9: \"latency_ms\" must be between 0")) << r.problems[7];
}

TEST(TraceImport, EmptyTraceIsAnError) {
  for (const std::string text : {"", "\n\n  \n", "\xEF\xBB\xBF\n"}) {
    auto r = import_text(text);
    ASSERT_EQ(r.problems.size(), 1u);
    EXPECT_EQ(r.problems[0], "LOG.jsonl: the trace has no requests (expected one JSON object per line)");
  }
}

TEST(TraceImport, ToleratesCrlfBomAndExtraFields) {
  const std::string text =
      "\xEF\xBB\xBF" R"({"action":"DescribeDiskReplicaPairs","status":200,"sdk":"pop-core"})" "\r\n"
      R"({"action":"DescribeDiskReplicaPairs","code":"Throttling.User"})" "\r\n";
  auto r = import_text(text);
  ASSERT_TRUE(r.ok()) << r.problems.front();
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
  ASSERT_TRUE(r.ok()) << r.problems.front();
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
  EXPECT_NE(r.toml.find("# not matched: ClientToken, Signature, Timestamp"), std::string::npos);
}

TEST(TraceImport, OptionsNameModeAndWildcardCreatedIds) {
  const std::string text = read_text(kExamplePath);
  auto plain = import_text(text, {.source_name = "x/LOG.jsonl"});
  ASSERT_TRUE(plain.ok());
  // The created pair's later ids will not match: said in a warning and a comment.
  ASSERT_EQ(plain.warnings.size(), 1u);
  EXPECT_TRUE(plain.warnings[0].starts_with("x/LOG.jsonl:1: CreateDiskReplicaPair is answered by the model"))
      << plain.warnings[0];
  EXPECT_NE(plain.toml.find("--wildcard-created-ids"), std::string::npos);

  auto r = import_text(text, {.source_name = "x/LOG.jsonl",
                              .name = "case 4711 \"stop\"",
                              .mode = scenarios::ReplayMode::Lenient,
                              .wildcard_created_ids = true});
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r.warnings.empty()) << r.warnings.front();
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
  EXPECT_NE(r.warnings[0].find("pair-cn-old is used but not created"), std::string::npos);
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
  ASSERT_TRUE(r.ok()) << r.problems.front();
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

// --- the command line ---

struct CommandResult {
  int exit_code = -1;
  std::string output;  // stdout and stderr
};

CommandResult run(const std::string& args) {
  CommandResult r;
  const std::string cmd = std::string(EBSMOCK_BINARY) + " " + args + " 2>&1";
  FILE* p = ::popen(cmd.c_str(), "r");
  if (p == nullptr) return r;
  char buf[4096];
  for (std::size_t n; (n = std::fread(buf, 1, sizeof buf, p)) > 0;) r.output.append(buf, n);
  const int status = ::pclose(p);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

class TraceImportCommand : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!std::filesystem::exists(EBSMOCK_BINARY)) GTEST_SKIP() << "ebsmock binary not built";
    dir_ = std::filesystem::temp_directory_path() /
           ("ebsmock-trace-test-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override {
    std::error_code ec;
    if (!dir_.empty()) std::filesystem::remove_all(dir_, ec);
  }
  std::string path(const std::string& name) const { return (dir_ / name).string(); }
  std::filesystem::path dir_;
};

TEST_F(TraceImportCommand, WritesTheScenario) {
  const std::string out = path("scenario.toml");
  auto r = run("import-trace " + kExamplePath + " -o " + out + " --name case-4711 --lenient");
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("8 replay steps"), std::string::npos) << r.output;
  auto t = toml::parse(read_text(out));
  EXPECT_EQ(t["scenario"]["name"].value_or(std::string()), "case-4711");
  EXPECT_EQ(t["scenario"]["replay_mode"].value_or(std::string()), "lenient");
  EXPECT_EQ(t["replay"].as_array()->size(), 8u);
}

TEST_F(TraceImportCommand, BadInputWritesNothing) {
  const std::string in = path("bad.jsonl");
  std::ofstream(in) << R"({"action":"StopDiskReplicaPair","status":200})" "\nnot json\n"
                    << R"({"action":"Nope","status":200})" "\n";
  const std::string out = path("out.toml");
  auto r = run("import-trace " + in + " -o " + out);
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_NE(r.output.find(in + ":2: not JSON"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find(in + ":3: unknown action \"Nope\""), std::string::npos) << r.output;
  EXPECT_FALSE(std::filesystem::exists(out));

  std::ofstream(path("empty.jsonl")).flush();
  EXPECT_EQ(run("import-trace " + path("empty.jsonl") + " -o " + out).exit_code, 1);
  EXPECT_FALSE(std::filesystem::exists(out));
  EXPECT_EQ(run("import-trace " + path("missing.jsonl") + " -o " + out).exit_code, 2);
  EXPECT_EQ(run("import-trace " + kExamplePath + " -o " + out + " --strict --lenient").exit_code, 2);
}

}  // namespace
}  // namespace ebsmock::harness
