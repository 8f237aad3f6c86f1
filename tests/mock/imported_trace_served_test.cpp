// imported_trace_served_test.cpp: issue 11's must-be-true #3 end to end. An ActionTrail
// event records an error code and no status or body; a Terraform log the code, a status
// and sometimes the body. Imported and served by a real ebsmock server, each recorded call
// must be answered with the documented error of its event: the status from the error
// catalogue, the code, the message (the event's or the body's own, else the documented
// one) in the documented envelope. The expected answers are written out here from the
// API's documentation, not read from the catalogue, so a wrong lookup in the import or in
// the replay shows. (tests/scenarios/trace_formats_test.cpp checks the same fixtures step
// by step without serving them.) Tests are independent; each starts its own server.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "scenarios/trace/trace_sources.h"
#include "tests/support/command_line.h"
#include "tests/support/mock_server_fixture.h"

namespace ebsmock::testing {
namespace {

const std::string kFixtures = std::string(EBSMOCK_SOURCE_DIR) + "/tests/scenarios/trace_fixtures/";

// One recorded call and what the served replay must answer to it.
struct Expected {
  std::string action;
  int status = 200;
  std::string code;     // "" for a success
  std::string message;  // the documented message ("" for a success)
};

// Imports one fixture, serves the scenario, and sends every step's call in order with the
// step's own parameters (plus `extra` where the artefact has none, as a real client sends
// them). Each error step must be answered with the expected status, code and message, and
// a RequestId; a recorded body is answered as recorded (Terraform's Data has no
// Recommend), else in the documented envelope. Successes without a recorded body are the
// model's to answer: their pairs are not in this world (no --base), so only their place in
// the order is checked, by the replay ending with no mismatch.
void expect_served_errors(const std::string& fixture, const std::vector<Expected>& expected,
                          const contracts::ParamList& extra = {}) {
  SCOPED_TRACE(fixture);
  const auto imported = scenarios::import_traces(
      {{.name = fixture, .bytes = test::read_text(kFixtures + fixture)}}, {});
  ASSERT_TRUE(imported.ok()) << (imported.problems.empty() ? "" : imported.problems.front().to_string());
  const auto& steps = imported.scenario.replay.steps;
  ASSERT_EQ(steps.size(), expected.size()) << imported.toml;

  MockServer server(imported.toml);
  for (std::size_t i = 0; i < steps.size(); ++i) {
    SCOPED_TRACE("step " + std::to_string(i + 1) + " " + expected[i].action);
    ASSERT_EQ(steps[i].action, expected[i].action);
    contracts::ParamList params(steps[i].params.begin(), steps[i].params.end());
    if (steps[i].params.empty()) params.insert(params.end(), extra.begin(), extra.end());
    const Response r = server.call(steps[i].action, params);
    if (expected[i].code.empty()) continue;
    if (steps[i].body) {
      EXPECT_EQ(r.status, expected[i].status) << r;
      EXPECT_EQ(r.code(), expected[i].code) << r;
      EXPECT_FALSE(r.json.value("RequestId", "").empty()) << r;
    } else {
      expect_error_envelope(r, expected[i].status, expected[i].code);
    }
    EXPECT_EQ(r.message(), expected[i].message) << r;
  }
  const Response replay = server.admin_get("/__admin/replay");
  ASSERT_EQ(replay.status, 200) << replay;
  EXPECT_TRUE(replay.json.value("mismatches", Json::array()).empty()) << replay;
}

const std::string kInvalidStatus = "The operation is not allowed in current status.";
const std::string kInternalError = "The request processing has failed due to some unknown error.";

TEST(ImportedTraceServed, ActionTrailBareEventAnswersItsDocumentedError) {
  expect_served_errors("at-bare.json",
                        {{"StopDiskReplicaPair", 403, "OperationDenied.InvalidStatus", kInvalidStatus}});
}

TEST(ImportedTraceServed, ActionTrailSlsEventAnswersItsDocumentedError) {
  expect_served_errors("at-sls.json", {{"FailoverDiskReplicaPair", 500, "InternalError", kInternalError}});
}

// An ambiguous 504 recorded by ActionTrail without a message (the documented one is
// answered), its retry's success, then a read: in time order.
TEST(ImportedTraceServed, ActionTrailArrayAnswersTheTimeoutThenTheRetry) {
  expect_served_errors(
      "at-array.json",
      {{"StopDiskReplicaPair", 504, "RequestTimeout", "The request is timeout, please try again later."},
       {"StopDiskReplicaPair"},
       {"DescribeDiskReplicaPairProgress"}});
}

TEST(ImportedTraceServed, TerraformDebugLogAnswersTheDeleteRefusal) {
  expect_served_errors("terraform-debug.log",
                        {{"DeleteDiskReplicaPair", 403, "OperationDenied.InvalidStatus", kInvalidStatus},
                         {"StartDiskReplicaPair"}});
}

// The final error text has no parameters; the client's Create is answered all the same.
TEST(ImportedTraceServed, TerraformFinalErrorAnswersTheCreateRefusal) {
  expect_served_errors("terraform-error.txt",
                        {{"CreateDiskReplicaPair", 400, "OperationDenied.StandbyDeviceAttached",
                          "The standby disk is attached."}},
                        {{"RegionId", "cn-hangzhou"}, {"SourceZoneId", "cn-hangzhou-h"}, {"DiskId", "d-src1"},
                         {"DestinationRegionId", "cn-shanghai"}, {"DestinationZoneId", "cn-shanghai-l"},
                         {"DestinationDiskId", "d-dst1"}});
}

// The aliyun CLI's error text has no status: the catalogue's is answered.
TEST(ImportedTraceServed, CliErrorTextAnswersTheFailoverRefusal) {
  expect_served_errors("cli-error.txt",
                       {{"FailoverDiskReplicaPair", 403, "OperationDenied.InvalidStatus", kInvalidStatus}});
}

}  // namespace
}  // namespace ebsmock::testing
