// trace_formats_test.cpp: scenarios/trace/trace_sources.h over one constructed fixture
// per case of traces.md §7's "Tests to write from this page" (tests/scenarios/
// trace_fixtures/, built from the documented schemas, not pasted): each file is detected,
// imported and checked step by step (action, params, status, code, body, transport,
// commit, delay), and every generated scenario lints clean and holds none of the
// fixtures' secrets. Also: merging on RequestId and ClientToken, the import report's
// unknown fields, account-id masking, time forms and zones, and bad input (truncated
// gzip, a bad HAR entry, a malformed event, binary garbage, a 100 MB file, an empty file)
// reported with its position. Tests are independent.
#include <gtest/gtest.h>

#include <zlib.h>

#include <chrono>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "scenarios/loader/scenario_loader.h"
#include "scenarios/trace/decompress.h"
#include "scenarios/trace/trace_sources.h"
#include "scenarios/trace/trace_time.h"
#include "tests/support/command_line.h"

namespace ebsmock::scenarios {
namespace {

using nlohmann::json;
using namespace std::chrono;

const std::string kFixtures = std::string(EBSMOCK_SOURCE_DIR) + "/tests/scenarios/trace_fixtures/";

// Every secret any fixture carries; none may reach a scenario.
const std::vector<std::string> kSecrets = {
    "LTAI5tFIXTUREATKEY01", "LTAI5tFIXTUREATKEY02", "STS.FIXTURESTSKEY03",    "LTAI5tFIXTUREHARKEY1",
    "f1x7e0000000000000000000000000000000000000000000000000000000beef01",  "FIXTURESECURITYTOKENHAR",
    "FIXTURECOOKIEHAR",     "FIXTURESETCOOKIE",      "FIXTUREv1SIGNATURE",     "LTAI5tFIXTURESLACKK1",
    "FIXTURESLACKSIG",      "FIXTURESLACKBEARER",    "LTAI5tFIXTURENODEKEY",   "FIXTURENodeSig",
    "LTAI5tFIXTURETTYKEY",  "FIXTURETTYSIGNATURE",   "LTAI5tFIXTUREGOKEY01",   "FIXTUREGoSig",
    "FIXTUREPYSECURITYTOKEN", "LTAI5tFIXTUREPYKEY01", "FIXTUREPYSIGNATURE",    "LTAI5tFIXTURECLIKEY1",
    "FIXTURECLISECRET",     "FIXTUREBODYTOKEN",      "STS.FIXTUREBODYKEY"};

std::string gzip(const std::string& text) {
  z_stream z{};
  deflateInit2(&z, Z_BEST_SPEED, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY);
  std::string out(deflateBound(&z, text.size()) + 32, '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(text.data()));
  z.avail_in = static_cast<uInt>(text.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  deflate(&z, Z_FINISH);
  out.resize(z.total_out);
  deflateEnd(&z);
  return out;
}

TraceInput fixture(const std::string& name) { return {.name = name, .bytes = test::read_text(kFixtures + name)}; }

TracesImportResult import(std::vector<TraceInput> inputs, TracesImportOptions o = {}) {
  auto r = import_traces(inputs, o);
  return r;
}

std::string problems_of(const TracesImportResult& r) {
  std::string out;
  for (const auto& p : r.problems) out += p.to_string() + "\n";
  for (const auto& l : r.report) out += l + "\n";
  return out;
}

// Imported, written, and the file lints clean; the steps are what the file loads to.
std::vector<ReplayStep> steps_of(const TracesImportResult& r) {
  EXPECT_TRUE(r.ok()) << problems_of(r);
  EXPECT_TRUE(r.problems.empty()) << problems_of(r);
  const auto lint = lint_scenario_string(r.toml, "out.toml");
  EXPECT_TRUE(lint.empty()) << lint.front().to_string() << "\n" << r.toml;
  for (const auto& secret : kSecrets) EXPECT_EQ(r.toml.find(secret), std::string::npos) << secret << "\n" << r.toml;
  if (!lint.empty()) return {};
  return load_scenario_string(r.toml, "out.toml").replay.steps;
}

contracts::Params P(std::initializer_list<std::pair<const std::string, std::string>> l) { return contracts::Params(l); }

const SourceReport& report_of(const TracesImportResult& r, std::size_t i = 0) { return r.reports.at(i); }

TEST(TraceFormats, EachFixtureIsDetected) {
  const std::vector<std::pair<std::string, std::string>> expected = {
      {"at-bare.json", "actiontrail"},     {"at-lookup.json", "actiontrail"},  {"at-sls.json", "actiontrail"},
      {"at-array.json", "actiontrail"},    {"at-ndjson.jsonl", "actiontrail"}, {"har-mitmproxy.har", "har"},
      {"har-chrome.har", "har"},           {"har-slack.har", "har"},           {"node-httpx.log", "node-httpx"},
      {"node-httpx-tty.log", "node-httpx"}, {"go-sdk.log", "go-sdk"},          {"python-sdk.log", "python-sdk"},
      {"terraform-debug.log", "terraform"}, {"terraform-error.txt", "error-text"}, {"cli-error.txt", "error-text"},
      {"journal.jsonl", "journal"}};
  for (const auto& [name, format] : expected) {
    std::string why;
    auto f = detect_trace_format(test::read_text(kFixtures + name), why);
    ASSERT_TRUE(f) << name << ": " << why;
    EXPECT_EQ(to_string(*f), format) << name;
  }
  std::string why;
  EXPECT_EQ(detect_trace_format(test::read_text(test::kExampleTracePath), why), TraceFormat::JsonLines);
}

TEST(TraceFormats, ActionTrailBareEvent) {
  auto r = import({fixture("at-bare.json")});
  auto steps = steps_of(r);
  ASSERT_EQ(steps.size(), 1u);
  EXPECT_EQ(steps[0].action, "StopDiskReplicaPair");
  EXPECT_EQ(steps[0].params, P({{"RegionId", "cn-hangzhou"}, {"ReplicaPairId", "pair-cn-7lk2q9x3a001"}}));
  // The documented error: the code as recorded, the status from the catalogue.
  EXPECT_EQ(steps[0].status, 403);
  EXPECT_EQ(steps[0].code, "OperationDenied.InvalidStatus");
  EXPECT_EQ(steps[0].message, "The operation is not allowed in current status.");
  EXPECT_FALSE(steps[0].body);
  EXPECT_EQ(r.scenario.clock.start, sys_days{2026y / 11 / 20} + 2h + 15min + 7s);
  // Gateway keys are not parameters the client sent; not even their names are listed.
  for (const char* key : {"AcsHost", "AcsProduct", "HostId", "charset", "stsTokenPlayerUid"}) {
    EXPECT_EQ(r.toml.find(key), std::string::npos) << key;
  }
  EXPECT_EQ(report_of(r).redacted.at("userIdentity.accessKeyId"), 1);
  EXPECT_EQ(report_of(r).unknown.count("status: not in the source; taken from the error catalogue"), 1u);
}

TEST(TraceFormats, ActionTrailLookupEventsNewestFirstTypedValues) {
  auto r = import({fixture("at-lookup.json")});
  auto steps = steps_of(r);
  ASSERT_EQ(steps.size(), 2u);
  EXPECT_EQ(steps[0].action, "DescribeDiskReplicaPairs");  // oldest first
  EXPECT_EQ(steps[0].params, P({{"RegionId", "cn-hangzhou"}, {"PairIds", "pair-cn-7lk2q9x3a001"}}));
  EXPECT_EQ(steps[0].status, 200);
  EXPECT_EQ(steps[1].action, "StartDiskReplicaPair");
  EXPECT_EQ(steps[1].params.at("OneShot"), "true");  // typed true, stringified
  EXPECT_EQ(steps[1].status, 200);
  EXPECT_TRUE(steps[1].code.empty());
  EXPECT_EQ(report_of(r).dropped.at("not an API call (eventType ConsoleSignin)"), 1);
  EXPECT_EQ(report_of(r).read, 3);
  EXPECT_EQ(report_of(r).imported, 2);
}

TEST(TraceFormats, ActionTrailSlsStringInArray) {
  auto steps = steps_of(import({fixture("at-sls.json")}));
  ASSERT_EQ(steps.size(), 1u);
  EXPECT_EQ(steps[0].action, "FailoverDiskReplicaPair");
  EXPECT_EQ(steps[0].params, P({{"RegionId", "cn-shanghai"}, {"ReplicaPairId", "pair-cn-7lk2q9x3a001"}}));
  EXPECT_EQ(steps[0].status, 500);
  EXPECT_EQ(steps[0].code, "InternalError");
}

// A gzipped array and gzipped NDJSON (the OSS layout is unverified: both are read), with
// out-of-order times, ties at one second and a duplicate eventId.
TEST(TraceFormats, ActionTrailGzipArrayAndNdjsonTiesAndDuplicates) {
  for (const std::string name : {"at-array.json", "at-ndjson.jsonl"}) {
    SCOPED_TRACE(name);
    auto r = import({{.name = name + ".gz", .bytes = gzip(test::read_text(kFixtures + name))}});
    auto steps = steps_of(r);
    ASSERT_EQ(steps.size(), 3u);
    EXPECT_EQ(steps[0].action, "StopDiskReplicaPair");
    EXPECT_EQ(steps[0].status, 504);
    EXPECT_EQ(steps[0].code, "RequestTimeout");
    EXPECT_EQ(steps[1].action, "StopDiskReplicaPair");  // same second: source order kept
    EXPECT_EQ(steps[1].status, 200);
    EXPECT_EQ(steps[2].action, "DescribeDiskReplicaPairProgress");
    EXPECT_EQ(report_of(r).dropped.at("duplicate eventId"), 1);
    EXPECT_EQ(report_of(r).format, "actiontrail");
    // The two Stops share a ClientToken: a retry, said in the step's comment.
    EXPECT_NE(r.toml.find("attempt 2 of 2 with ClientToken tok-stop-1"), std::string::npos) << r.toml;
  }
}

TEST(TraceFormats, HarFromMitmproxyCompletionOrderBothPostDataFormsStatusZero) {
  auto r = import({fixture("har-mitmproxy.har")});
  auto steps = steps_of(r);
  ASSERT_EQ(steps.size(), 3u);
  // Sorted by startedDateTime (µs, +00:00), not in the file's completion order.
  EXPECT_EQ(steps[0].action, "DescribeDiskReplicaPairs");  // V1: Action in postData.text
  EXPECT_EQ(steps[0].params, P({{"RegionId", "cn-hangzhou"}, {"PairIds", "pair-cn-abc123"}}));
  EXPECT_EQ(steps[0].status, 200);
  ASSERT_TRUE(steps[0].body);  // base64 decoded
  EXPECT_EQ(json::parse(*steps[0].body)["ReplicaPairs"][0]["Status"], "normal");
  EXPECT_EQ(steps[0].delay.fixed, milliseconds{13});
  EXPECT_EQ(steps[1].action, "StopDiskReplicaPair");  // V3: x-acs-action header only
  EXPECT_EQ(steps[1].params, P({{"RegionId", "cn-hangzhou"}, {"ReplicaPairId", "pair-cn-abc123"}}));
  EXPECT_EQ(steps[1].status, 403);
  EXPECT_EQ(steps[1].code, "OperationDenied.InvalidStatus");
  ASSERT_TRUE(steps[1].body);
  EXPECT_EQ(json::parse(*steps[1].body)["RequestId"], "6B3D2C4A-1F2E-5A7B-9C0D-2E4F6A8B0C1D");
  EXPECT_EQ(steps[2].action, "StartDiskReplicaPair");
  EXPECT_EQ(steps[2].transport, Transport::Reset);  // status 0: no response
  EXPECT_EQ(r.scenario.clock.start, sys_days{2026y / 12 / 2} + 9h + 29min + 3s + 700ms);
  const auto& removed = report_of(r).redacted;
  EXPECT_EQ(removed.at("header authorization"), 2);
  EXPECT_EQ(removed.at("header x-acs-security-token"), 1);
  EXPECT_EQ(removed.at("header cookie"), 1);
  EXPECT_EQ(removed.at("Signature"), 1);
}

TEST(TraceFormats, HarChromeSanitizedWithBomAndARetry) {
  auto r = import({fixture("har-chrome.har")});
  auto steps = steps_of(r);
  ASSERT_EQ(steps.size(), 2u);
  EXPECT_EQ(steps[0].action, "FailoverDiskReplicaPair");
  EXPECT_EQ(steps[0].status, 500);
  EXPECT_EQ(steps[0].code, "InternalError");
  EXPECT_EQ(steps[1].status, 200);
  EXPECT_FALSE(steps[1].body);  // no content text: the model answers
  EXPECT_EQ(report_of(r).dropped.at("no Action (not an RPC call)"), 1);
  EXPECT_NE(r.toml.find("attempt 1 of 2 with ClientToken tok-c1"), std::string::npos);
}

TEST(TraceFormats, HarSlackHeaderArraysV1InTheQuery) {
  auto r = import({fixture("har-slack.har")});
  auto steps = steps_of(r);
  ASSERT_EQ(steps.size(), 1u);
  EXPECT_EQ(steps[0].action, "ModifyDiskReplicaPair");
  EXPECT_EQ(steps[0].params, P({{"RegionId", "cn-hangzhou"}, {"ReplicaPairId", "pair-cn-abc123"}}));
  EXPECT_EQ(steps[0].status, 400);
  EXPECT_EQ(steps[0].code, "Throttling.User");
  EXPECT_EQ(r.scenario.clock.start, sys_days{2026y / 11 / 23} + 15h + 6min + 30s + 500ms);  // +08:00
  EXPECT_NE(r.toml.find("not matched: ClientToken, Description"), std::string::npos);
}

TEST(TraceFormats, NodeHttpxNonTtyPopCore) {
  auto r = import({fixture("node-httpx.log")});
  auto steps = steps_of(r);
  ASSERT_EQ(steps.size(), 2u);
  EXPECT_EQ(steps[0].action, "StopDiskReplicaPair");
  EXPECT_EQ(steps[0].params, P({{"RegionId", "cn-hangzhou"}, {"ReplicaPairId", "pair-cn-abc123"}}));
  EXPECT_EQ(steps[0].status, 403);
  EXPECT_EQ(steps[0].code, "OperationDenied.InvalidStatus");  // from pop-core's logged body
  ASSERT_TRUE(steps[0].body);
  EXPECT_EQ(steps[0].delay.fixed, milliseconds{34});  // request body (sent) to first '<'
  EXPECT_EQ(steps[1].action, "StartDiskReplicaPair");
  EXPECT_EQ(steps[1].transport, Transport::Reset);  // only its body logged: no answer
  EXPECT_EQ(steps[1].commit, Commit::Before);
}

TEST(TraceFormats, NodeHttpxTtyColoursAndNoBodies) {
  auto r = import({fixture("node-httpx-tty.log")});
  auto steps = steps_of(r);
  ASSERT_EQ(steps.size(), 2u);
  EXPECT_EQ(steps[0].action, "DeleteDiskReplicaPair");
  EXPECT_EQ(steps[0].params, P({{"RegionId", "cn-hangzhou"}, {"ReplicaPairId", "pair-cn-abc123"}}));
  EXPECT_EQ(steps[0].status, 403);
  // Tea cores log no body: the code is unknown, and no code is made up.
  EXPECT_TRUE(steps[0].code.empty());
  ASSERT_TRUE(steps[0].body);
  EXPECT_EQ(json::parse(*steps[0].body), json({{"RequestId", "1D2E3F4A-5B6C-4D7E-8F9A-0B1C2D3E4F5A"}}));
  EXPECT_EQ(steps[1].action, "DescribeDiskReplicaPairs");
  EXPECT_EQ(steps[1].status, 200);
  EXPECT_EQ(report_of(r).unknown.at("code: not in the source (no response body); the step's body has no Code"), 1);
}

TEST(TraceFormats, GoSdkShuffledHeadersAndARetry) {
  auto r = import({fixture("go-sdk.log")});
  auto steps = steps_of(r);
  ASSERT_EQ(steps.size(), 2u);
  for (const auto& s : steps) {
    EXPECT_EQ(s.action, "StopDiskReplicaPair");
    EXPECT_EQ(s.params, P({{"RegionId", "cn-hangzhou"}, {"ReplicaPairId", "pair-cn-7lk2q9x3a001"}}));
  }
  EXPECT_EQ(steps[0].status, 503);
  EXPECT_EQ(steps[0].code, "ServiceUnavailable");
  EXPECT_EQ(steps[1].status, 403);
  EXPECT_EQ(steps[1].code, "OperationDenied.InvalidStatus");
  EXPECT_NE(r.toml.find("the SDK's retry 1"), std::string::npos);
  EXPECT_NE(r.toml.find("attempt 2 of 2 with ClientToken 0c6f1d2e-5b7a-4e21-9f0d-3a8b7c6d5e4f"), std::string::npos);
  EXPECT_EQ(report_of(r).redacted.at("Signature"), 2);
}

TEST(TraceFormats, PythonV2PathGlue) {
  auto r = import({fixture("python-sdk.log")});
  auto steps = steps_of(r);
  ASSERT_EQ(steps.size(), 1u);
  EXPECT_EQ(steps[0].action, "ReprotectDiskReplicaPair");
  EXPECT_EQ(steps[0].params, P({{"RegionId", "cn-hangzhou"}, {"ReplicaPairId", "pair-cn-abc123"}}));
  EXPECT_EQ(steps[0].status, 403);
  EXPECT_TRUE(steps[0].code.empty());
  EXPECT_EQ(report_of(r).redacted.at("header x-acs-security-token"), 1);
}

TEST(TraceFormats, TerraformBlockQuotedRequestAnsiErrorAndUnsentDeleteToken) {
  auto r = import({fixture("terraform-debug.log")});
  auto steps = steps_of(r);
  ASSERT_EQ(steps.size(), 2u);
  EXPECT_EQ(steps[0].action, "DeleteDiskReplicaPair");
  EXPECT_EQ(steps[0].params, P({{"RegionId", "cn-hangzhou"}, {"ReplicaPairId", "pair-cn-7lk2q9x3a001"}}));
  EXPECT_EQ(steps[0].status, 403);
  EXPECT_EQ(steps[0].code, "OperationDenied.InvalidStatus");
  ASSERT_TRUE(steps[0].body);  // Data, with \u0026 decoded
  EXPECT_EQ(json::parse(*steps[0].body)["Recommend"],
            "https://api.aliyun.com/troubleshoot?q=OperationDenied.InvalidStatus&product=Ebs");
  EXPECT_NE(r.toml.find("the logged ClientToken was never sent"), std::string::npos);
  EXPECT_EQ(steps[1].action, "StartDiskReplicaPair");
  EXPECT_EQ(steps[1].params.at("OneShot"), "false");
  EXPECT_EQ(steps[1].status, 200);
  EXPECT_EQ(r.scenario.clock.start, sys_days{2026y / 11 / 20} + 2h + 20min + 5s + 902ms);  // +0800
  EXPECT_EQ(report_of(r).unknown.at("attempts: a Terraform block is one final outcome; one step"), 2);
}

TEST(TraceFormats, TerraformFinalErrorAndCliErrorWithoutStatus) {
  auto tf = import({fixture("terraform-error.txt")});
  auto steps = steps_of(tf);
  ASSERT_EQ(steps.size(), 1u);
  EXPECT_EQ(steps[0].action, "CreateDiskReplicaPair");
  EXPECT_EQ(steps[0].status, 400);  // StatusCode, which is the catalogue's too
  EXPECT_EQ(steps[0].code, "OperationDenied.StandbyDeviceAttached");
  EXPECT_EQ(report_of(tf).unknown.at("params: the error text has none"), 1);

  auto cli = import({fixture("cli-error.txt")});
  steps = steps_of(cli);
  ASSERT_EQ(steps.size(), 1u);
  EXPECT_EQ(steps[0].action, "FailoverDiskReplicaPair");
  EXPECT_EQ(steps[0].params, P({{"RegionId", "cn-shanghai"}, {"ReplicaPairId", "pair-cn-7lk2q9x3a001"}}));
  EXPECT_EQ(steps[0].status, 403);  // the CLI prints no status: the catalogue's
  EXPECT_EQ(steps[0].code, "OperationDenied.InvalidStatus");
  EXPECT_EQ(report_of(cli).unknown.at("status: not in the source; taken from the error catalogue"), 1);
  // The report reaches the scenario as comments.
  EXPECT_NE(cli.toml.find("#     unknown in 1: status: not in the source; taken from the error catalogue"),
            std::string::npos) << cli.toml;
}

// A 2xx with an error code (pop-core reads such an answer as an error) and a recorded
// body: the body carries the code, the step does not (a step's code needs an error status,
// and the scenario must lint). Found by the trace_import fuzzer.
TEST(TraceFormats, ErrorTextWithA2xxStatusKeepsTheCodeInTheBody) {
  std::string text = test::read_text(kFixtures + "terraform-error.txt");
  const auto at = text.find("StatusCode: 400");
  ASSERT_NE(at, std::string::npos);
  text.replace(at, 15, "StatusCode: 200");
  auto steps = steps_of(import({{.name = "tf200.txt", .bytes = text}}));
  ASSERT_EQ(steps.size(), 1u);
  EXPECT_EQ(steps[0].status, 200);
  EXPECT_TRUE(steps[0].code.empty());
  ASSERT_TRUE(steps[0].body);
  EXPECT_EQ(json::parse(*steps[0].body)["Code"], "OperationDenied.StandbyDeviceAttached");
}

// An error text whose Code and StatusCode lines are unreadable but whose Message is not:
// no code is made up, and the message (which a step only carries with a code) is left
// out with a note, so the scenario still lints. Found by the trace_import fuzzer.
TEST(TraceFormats, ErrorTextWithAMessageButNoCodeLintsClean) {
  std::string text;
  for (const auto& line : std::vector<std::string>{"Error: [ERROR] terraform-provider-alicloud/alicloud/"
                                                   "resource_alicloud_ebs_disk_replica_pair.go:476: Resource "
                                                   "pair-cn-7lk2q9x3a001 DeleteDiskReplicaPair Failed!!! [SDK "
                                                   "alibaba-cloud-sdk-go ERROR]:",
                                                   "SDKError:", "   StatusCode: 4  C  Code: OperationDenied",
                                                   "   Message: code: 403, The operation is not allowed in current "
                                                   "status. request id: 5D2A7C11-3E9B-5F04-A1C6-8B7E2D9F0A34"}) {
    text += line + "\n";
  }
  auto r = import({{.name = "tf.txt", .bytes = text, .format = TraceFormat::ErrorText}});
  auto steps = steps_of(r);
  ASSERT_EQ(steps.size(), 1u) << r.toml;
  EXPECT_EQ(steps[0].action, "DeleteDiskReplicaPair");
  EXPECT_TRUE(steps[0].code.empty());
  EXPECT_TRUE(steps[0].message.empty());
  EXPECT_NE(r.toml.find("an error message but no code"), std::string::npos) << r.toml;
}

TEST(TraceFormats, JournalCommitAfterAndTransport) {
  auto r = import({fixture("journal.jsonl")});
  auto steps = steps_of(r);
  ASSERT_EQ(steps.size(), 2u);
  EXPECT_EQ(steps[0].action, "StopDiskReplicaPair");
  EXPECT_EQ(steps[0].status, 504);
  EXPECT_EQ(steps[0].code, "RequestTimeout");
  EXPECT_EQ(steps[0].commit, Commit::After);
  EXPECT_EQ(steps[0].delay.fixed, milliseconds{250});
  EXPECT_EQ(steps[1].transport, Transport::Reset);
  EXPECT_EQ(report_of(r).dropped.at("progress entries (the service's own status changes, not calls)"), 1);

  // The admin API's answer is read the same way.
  json entries = json::array();
  std::string text = test::read_text(kFixtures + "journal.jsonl");
  std::size_t start = 0;
  for (std::size_t end; (end = text.find('\n', start)) != std::string::npos; start = end + 1) {
    entries.push_back(json::parse(text.substr(start, end - start)));
  }
  auto admin = import({{.name = "journal.json", .bytes = json{{"entries", entries}, {"last_seq", 3}}.dump()}});
  EXPECT_EQ(steps_of(admin).size(), 2u);
}

// A trace of `ebsmock record` is a journal whose entries also hold the answer's body:
// the step answers with it, success or error, and the message is no longer unknown.
TEST(TraceFormats, RecordedJournalBodiesAreAnswered) {
  json ok = {{"seq", 1}, {"kind", "request"}, {"time", "2026-12-02T15:32:25Z"}, {"method", "POST"},
             {"action", "DescribeDiskReplicaPairs"}, {"params", {{"RegionId", "cn-hangzhou"}}}, {"status", 200},
             {"code", ""}, {"request_id", "R-1"}, {"fault", nullptr},
             {"body", R"({"RequestId":"R-1","ReplicaPairs":[],"TotalCount":0})"}};
  json refused = {{"seq", 2}, {"kind", "request"}, {"time", "2026-12-02T15:32:26Z"}, {"method", "POST"},
                  {"action", "StopDiskReplicaPair"}, {"params", {{"RegionId", "cn-hangzhou"}}},
                  {"client_token", "t-1"}, {"status", 403}, {"code", "Ebsmock.RecordReadOnly"},
                  {"request_id", "R-2"},
                  {"fault", {{"rule", "record:read-only"}, {"commit", "before"}, {"transport", "none"}}},
                  {"body", R"({"RequestId":"R-2","Code":"Ebsmock.RecordReadOnly","Message":"pass --allow-write"})"}};
  auto r = import({{.name = "recording.jsonl", .bytes = ok.dump() + "\n" + refused.dump() + "\n"}});
  auto steps = steps_of(r);  // checks the import and the lint
  ASSERT_EQ(steps.size(), 2u);
  ASSERT_TRUE(steps[0].body.has_value());
  EXPECT_NE(steps[0].body->find("\"TotalCount\":0"), std::string::npos) << *steps[0].body;
  EXPECT_EQ(steps[1].status, 403);
  EXPECT_EQ(steps[1].code, "Ebsmock.RecordReadOnly");
  ASSERT_TRUE(steps[1].body.has_value());
  EXPECT_NE(steps[1].body->find("pass --allow-write"), std::string::npos) << *steps[1].body;
  EXPECT_EQ(report_of(r).unknown.count("message: the journal keeps codes, not messages; the catalogue's"), 0u);
}

// Merging: a Terraform log (no status on success, Delete's token unsent) with an
// ActionTrail export of the same calls, joined on RequestId.
TEST(TraceFormats, SourcesMergeOnRequestIdThenClientToken) {
  json at = json::array();
  at.push_back({{"eventId", "5D2A7C11-3E9B-5F04-A1C6-8B7E2D9F0A34"}, {"eventType", "ApiCall"},
                {"eventName", "DeleteDiskReplicaPair"}, {"eventTime", "2026-11-20T02:20:05Z"},
                {"requestId", "5D2A7C11-3E9B-5F04-A1C6-8B7E2D9F0A34"},
                {"requestParameters", {{"RegionId", "cn-hangzhou"}, {"ReplicaPairId", "pair-cn-7lk2q9x3a001"}}},
                {"errorCode", "OperationDenied.InvalidStatus"}});
  // No RequestId in the Terraform block of the Start; the token joins them.
  at.push_back({{"eventId", "E0000000-0000-4000-8000-00000000000E"}, {"eventType", "ApiCall"},
                {"eventName", "StartDiskReplicaPair"}, {"eventTime", "2026-11-20T02:21:00Z"},
                {"requestParameters", {{"RegionId", "cn-hangzhou"}, {"ReplicaPairId", "pair-cn-7lk2q9x3a002"},
                                       {"ClientToken", "TF-StartDiskReplicaPair-1763604960-aa"}}}});
  auto r = import({fixture("terraform-debug.log"), {.name = "trail.json", .bytes = at.dump()}});
  auto steps = steps_of(r);
  ASSERT_EQ(steps.size(), 2u) << r.toml;
  EXPECT_EQ(report_of(r, 1).merged, 2);
  EXPECT_EQ(report_of(r, 1).imported, 0);
  EXPECT_EQ(steps[0].action, "DeleteDiskReplicaPair");
  EXPECT_EQ(steps[0].status, 403);
  EXPECT_NE(r.toml.find("merged with trail.json:"), std::string::npos);
}

TEST(TraceFormats, ReportNamesEachUnknownFieldInTheScenario) {
  auto r = import({fixture("at-lookup.json"), fixture("python-sdk.log")});
  ASSERT_TRUE(r.ok()) << problems_of(r);
  for (const std::string line : {"unknown in 2: status: not in the source; 200 (no error code)",
                                 "unknown in 1: time: the log has none; file order kept",
                                 "unknown in 1: body: not logged (the Python SDKs never log bodies)"}) {
    EXPECT_NE(r.toml.find(line), std::string::npos) << line << "\n" << r.toml;
  }
  EXPECT_NE(r.toml.find("some calls have no time"), std::string::npos);
}

// Every field an ActionTrail event or a Terraform log lacks is named in the report, with
// the default chosen, and nothing else (the whole list is compared, so a field that goes
// missing from it shows): an event has no status and no latency; a Terraform block no
// latency and no attempt count; the final error text no params, time or attempt count.
TEST(TraceFormats, ActionTrailAndTerraformReportsNameEveryUnknownField) {
  using Unknown = std::map<std::string, int>;
  const std::string latency = "latency: not in the source; answered without delay";
  auto r = import({fixture("at-bare.json"), fixture("terraform-debug.log"), fixture("terraform-error.txt")});
  ASSERT_TRUE(r.ok()) << problems_of(r);
  EXPECT_EQ(report_of(r, 0).unknown,
            (Unknown{{"status: not in the source; taken from the error catalogue", 1}, {latency, 1}}));
  EXPECT_EQ(report_of(r, 1).unknown,
            (Unknown{{"attempts: a Terraform block is one final outcome; one step", 2}, {latency, 2}}));
  EXPECT_EQ(report_of(r, 2).unknown, (Unknown{{"attempts: the error text shows the last outcome only; one step", 1},
                                              {"params: the error text has none", 1},
                                              {"time: not in the source", 1},
                                              {latency, 1}}));
  for (const std::string& line : {"unknown in 1: " + latency, "unknown in 2: " + latency}) {
    EXPECT_NE(r.toml.find(line), std::string::npos) << line << "\n" << r.toml;
  }
  // A source that times its calls has no such line.
  EXPECT_EQ(report_of(import({fixture("har-mitmproxy.har")})).unknown.count(latency), 0u);
  // An event merged with the SDK log of the same call (same RequestId) takes its latency:
  // the step has the delay and no longer says the latency is unknown.
  json ev = json::parse(test::read_text(kFixtures + "at-bare.json"));
  ev["requestId"] = "6B3D2C4A-1F2E-5A7B-9C0D-2E4F6A8B0C1D";
  ev["eventTime"] = "2026-12-02T09:21:46Z";
  ev["requestParameters"]["ReplicaPairId"] = "pair-cn-abc123";
  auto merged = import({{.name = "event.json", .bytes = ev.dump()}, fixture("node-httpx.log")});
  auto steps = steps_of(merged);
  ASSERT_EQ(report_of(merged, 1).merged, 1) << merged.toml;
  ASSERT_FALSE(steps.empty());
  EXPECT_EQ(steps[0].delay.fixed, std::chrono::milliseconds{34});
  EXPECT_EQ(merged.toml.find("# unknown latency"), std::string::npos) << merged.toml;
}

TEST(TraceFormats, MaskAccountIds) {
  auto plain = import({fixture("at-bare.json")});
  ASSERT_TRUE(plain.ok());
  EXPECT_NE(plain.toml.find("account ids seen"), std::string::npos);
  // Put an account id where it would show: a Describe answer that names it.
  json ev = json::parse(test::read_text(kFixtures + "at-bare.json"));
  ev["requestParameters"]["ReplicaPairId"] = "pair-1234567890123456";
  auto masked = import({{.name = "e.json", .bytes = ev.dump()}}, {.mask_account_ids = true});
  ASSERT_TRUE(masked.ok());
  EXPECT_EQ(masked.toml.find("1234567890123456"), std::string::npos) << masked.toml;
  EXPECT_NE(masked.toml.find("************3456"), std::string::npos);
  EXPECT_TRUE(lint_scenario_string(masked.toml, "m.toml").empty());
}

TEST(TraceTime, EveryListedForm) {
  const auto t0 = sys_days{2026y / 12 / 2} + 9h + 29min + 3s;
  EXPECT_EQ(read_trace_time("2026-12-02T09:29:03Z").instant, t0);
  EXPECT_EQ(read_trace_time("2026-12-02T09:29:03.820006+00:00").instant, t0 + 820ms);
  EXPECT_EQ(read_trace_time("2026-12-02T17:29:03.120+0800").instant, t0 + 120ms);
  EXPECT_EQ(read_trace_time("Wed, 02 Dec 2026 09:29:03 GMT").instant, t0);
  EXPECT_EQ(read_trace_time("1796203743").instant, t0);
  EXPECT_EQ(read_trace_time("1796203743250").instant, t0 + 250ms);
  // Zone-less: a time, but an instant only with the zone the user names.
  for (const std::string text : {"2026/12/02 17:29:03", "2026-12-02 17:29:03"}) {
    const auto plain = read_trace_time(text);
    EXPECT_TRUE(plain.zone_less) << text;
    EXPECT_FALSE(plain.instant) << text;
    EXPECT_EQ(read_trace_time(text, parse_timezone("+08:00")).instant, t0) << text;
  }
  EXPECT_EQ(parse_timezone("UTC+8"), minutes{480});
  EXPECT_EQ(parse_timezone("-0530"), -minutes{330});
  EXPECT_FALSE(parse_timezone("Asia/Shanghai"));
  EXPECT_FALSE(read_trace_time("yesterday").instant);
}

TEST(TraceFormats, ZoneLessTerraformTimesNeedATimezone) {
  const std::string log =
      "2020/12/15 17:43:10 [DEBUG] *************** StopDiskReplicaPair Response *************** \n"
      "2020/12/15 17:43:10 [DEBUG] {\"RequestId\":\"R1\"}Domain:, Version:\n"
      "2020/12/15 17:43:10 [DEBUG] ***************  Request ***************\n"
      "2020/12/15 17:43:10 [DEBUG] \"{\\\"RegionId\\\":\\\"cn-hangzhou\\\",\\\"ReplicaPairId\\\":\\\"pair-1\\\"}\"\n";
  auto plain = import({{.name = "tf014.log", .bytes = log, .format = TraceFormat::Terraform}});
  ASSERT_TRUE(plain.ok()) << problems_of(plain);
  EXPECT_EQ(plain.scenario.clock.start, Scenario{}.clock.start);  // no instant: the default
  EXPECT_EQ(report_of(plain).unknown.at("time: no zone in the source; pass --timezone to order it"), 1);
  auto zoned = import({{.name = "tf014.log", .bytes = log, .format = TraceFormat::Terraform}}, {.zone = hours{8}});
  ASSERT_TRUE(zoned.ok());
  EXPECT_EQ(zoned.scenario.clock.start, sys_days{2020y / 12 / 15} + 9h + 43min + 10s);
}

// --- bad input: a clear error with a position, never a crash or a hang ---

TEST(TraceBadInput, TruncatedGzip) {
  const std::string gz = gzip(test::read_text(kFixtures + "at-array.json"));
  auto r = import({{.name = "cut.json.gz", .bytes = gz.substr(0, gz.size() / 2)}});
  EXPECT_FALSE(r.ok());
  ASSERT_EQ(r.problems.size(), 1u);
  EXPECT_TRUE(r.problems[0].to_string().starts_with("cut.json.gz: gzip data is truncated")) << r.problems[0].to_string();
}

TEST(TraceBadInput, HarWithABadEntry) {
  json har = json::parse(test::read_text(kFixtures + "har-mitmproxy.har"));
  har["log"]["entries"][1] = {{"startedDateTime", "2026-12-02T09:29:03Z"}, {"response", {{"status", 200}}}};
  const std::string text = har.dump(1);
  auto r = import({{.name = "bad.har", .bytes = text}});
  EXPECT_FALSE(r.ok());
  ASSERT_EQ(r.problems.size(), 1u) << problems_of(r);
  // The line of the entry's opening brace (keys are sorted: "response" comes first).
  const auto key = text.rfind("\"response\"", text.find("\"startedDateTime\": \"2026-12-02T09:29:03Z\""));
  const auto line = 1 + std::count(text.begin(), text.begin() + static_cast<long>(text.rfind('{', key)), '\n');
  EXPECT_EQ(r.problems[0].to_string(), "bad.har:" + std::to_string(line) + ": entry 2: entry has no request.url");
  // With --skip-unreadable the good entries are still imported.
  auto skipped = import({{.name = "bad.har", .bytes = text}}, {.skip_unreadable = true});
  ASSERT_TRUE(skipped.ok());
  EXPECT_EQ(skipped.steps, 2);
  EXPECT_TRUE(lint_scenario_string(skipped.toml, "s.toml").empty());
  EXPECT_NE(skipped.toml.find("bad.har:" + std::to_string(line)), std::string::npos);
}

TEST(TraceBadInput, ActionTrailArrayWithOneMalformedEvent) {
  json arr = json::parse(test::read_text(kFixtures + "at-array.json"));
  arr[2] = "not an event";
  const std::string text = arr.dump(1);
  auto r = import({{.name = "trail.json", .bytes = text}});
  EXPECT_FALSE(r.ok());
  ASSERT_EQ(r.problems.size(), 1u) << problems_of(r);
  const auto line = 1 + std::count(text.begin(), text.begin() + static_cast<long>(text.find("\"not an event\"")), '\n');
  EXPECT_EQ(r.problems[0].to_string(),
            "trail.json:" + std::to_string(line) + ": item 3: expected an event object, got string");
  // A syntax error points at its line and column.
  auto broken = import({{.name = "broken.json", .bytes = "[\n{\"eventName\": \"StopDiskReplicaPair\",\n \"eventTime\": 12x}\n]"}});
  ASSERT_EQ(broken.problems.size(), 1u) << problems_of(broken);
  EXPECT_TRUE(broken.problems[0].to_string().starts_with("broken.json:3:")) << broken.problems[0].to_string();
}

TEST(TraceBadInput, BinaryGarbageInALog) {
  std::string log = test::read_text(kFixtures + "node-httpx.log");
  const auto third = log.find('\n', log.find('\n') + 1) + 1;
  log.insert(third, std::string("\x00\xff\xfe garbage \x01\x02\n", 15));
  auto r = import({{.name = "node.log", .bytes = log}});
  EXPECT_FALSE(r.ok());
  ASSERT_EQ(r.problems.size(), 1u) << problems_of(r);
  EXPECT_EQ(r.problems[0].to_string(), "node.log:3: binary or non-UTF-8 data, not a log line");
  // A file that is binary through and through is refused as a whole.
  auto bin = import({{.name = "disk.img", .bytes = std::string(4096, '\0')}});
  ASSERT_EQ(bin.problems.size(), 1u);
  EXPECT_EQ(bin.problems[0].to_string(), "disk.img:1: the file is binary, not a trace (not gzip or zlib either)");
}

TEST(TraceBadInput, EmptyFile) {
  auto r = import({{.name = "empty.har", .bytes = ""}});
  ASSERT_EQ(r.problems.size(), 1u);
  EXPECT_EQ(r.problems[0].to_string(), "empty.har:1: the file is empty");
  EXPECT_FALSE(r.ok());
}

// 100 MB: one event, then a 100 MB line that is not JSON. Read, reported at its line,
// in well under the test's time (a hang would hit ctest's timeout).
TEST(TraceBadInput, HundredMegabyteFile) {
  std::string text = json::parse(test::read_text(kFixtures + "at-bare.json")).dump() + "\n";
  text.append(100u << 20, 'x');
  text += "\n";
  const auto started = steady_clock::now();
  auto r = import({{.name = "huge.jsonl", .bytes = std::move(text)}});
  EXPECT_LT(steady_clock::now() - started, seconds{30});
  EXPECT_FALSE(r.ok());
  ASSERT_EQ(r.problems.size(), 1u) << problems_of(r);
  EXPECT_TRUE(r.problems[0].to_string().starts_with("huge.jsonl:2:")) << r.problems[0].to_string();
}

TEST(TraceBadInput, CompressionBombStopsAtTheLimit) {
  const std::string zeros(1u << 20, 'a');
  const Decompressed d = decompress(gzip(zeros), Container::Gzip, 1000);
  EXPECT_NE(d.error.find("larger than"), std::string::npos);
  EXPECT_TRUE(d.text.empty());
  const Decompressed two = decompress(gzip("ab") + gzip("cd"), Container::Gzip, 100);  // concatenated members
  EXPECT_EQ(two.text, "abcd");
}

}  // namespace
}  // namespace ebsmock::scenarios
