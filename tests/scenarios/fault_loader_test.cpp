// fault_loader_test.cpp: [[fault]] rules and [[replay]] steps that should load: every key
// lands in its FaultSpec / ReplayStep field, in every accepted spelling, and the defaults
// (ids, any-action, probability 1, a step's status from its code) are what the format
// reference (scenarios/README.md) promises. Tests are independent; no shared state.
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "scenarios/loader/scenario_loader.h"
#include "tests/support/scenario_load.h"

namespace ebsmock::scenarios {
namespace {

using contracts::Status;
using std::chrono::milliseconds;
using std::chrono::seconds;

Scenario load(std::string_view text, std::string_view path = "faults.toml") {
  return testing::load_good_scenario(text, path);
}

constexpr std::string_view kEveryFaultKey = R"toml([scenario]
seed = 9

[[fault]]
id = "every-key"
description = "sets every condition and effect"
action = ["StopDiskReplicaPair", "StartDiskReplicaPair"]
pair = "pair-cn-0000000000000001"
region = "cn-hangzhou"
access_key_id = "testid"
when_status = ["normal", "stopped"]
client_token = "reused"
call_id = "b1-c2"
calls = [3, 1, 2]
after = 1
times = 2
probability = 0.25
delay = "200ms"
hold_until = { call_id = "b2-c1", budget_ms = 750 }
commit = "after"
error = "Throttling.User"
status = 429
message = "slow down"
retry_after_ms = 1500

[[fault]]
action = "*"
when_status = "creating"
delay = { uniform = ["50ms", "300ms"] }
transport = "hang"
hang_cap = "5s"

[[fault]]
action = "DescribeDiskReplicaPairs"
probability = 1
delay = { lognormal = { median = "80ms", sigma = 0.5 } }

[[fault]]
error = "Custom.NotInCatalogue"
status = 418
probability = 0
)toml";

TEST(FaultLoaderTest, HoldUntilAloneIsAnEffectWithTheDefaultBudget) {
  const Scenario s = load("[[fault]]\nhold_until = { client_token = \"tok-1\" }\n");
  ASSERT_EQ(s.faults.size(), 1u);
  ASSERT_TRUE(s.faults[0].hold);
  EXPECT_EQ(s.faults[0].hold->client_token, "tok-1");
  EXPECT_EQ(s.faults[0].hold->budget, scenarios::kDefaultHoldBudget);
}

TEST(FaultLoaderTest, EveryFaultKeyRoundTrips) {
  const Scenario s = load(kEveryFaultKey);
  ASSERT_EQ(s.faults.size(), 4u);

  const FaultSpec& f = s.faults[0];
  EXPECT_EQ(f.id, "every-key");
  EXPECT_FALSE(f.id_is_default);
  EXPECT_EQ(f.description, "sets every condition and effect");
  EXPECT_EQ(f.actions, (std::vector<std::string>{"StopDiskReplicaPair", "StartDiskReplicaPair"}));
  EXPECT_EQ(f.pair, "pair-cn-0000000000000001");
  EXPECT_EQ(f.region, "cn-hangzhou");
  EXPECT_EQ(f.access_key_id, "testid");
  EXPECT_EQ(f.when_status, (std::vector<Status>{Status::Normal, Status::Stopped}));
  EXPECT_EQ(f.client_token, "reused");
  EXPECT_EQ(f.call_id, "b1-c2");
  ASSERT_TRUE(f.hold);
  EXPECT_EQ(f.hold->call_id, "b2-c1");
  EXPECT_EQ(f.hold->client_token, "");
  EXPECT_EQ(f.hold->budget, std::chrono::milliseconds(750));
  EXPECT_FALSE(s.faults[1].hold);
  EXPECT_EQ(s.faults[1].call_id, "");
  EXPECT_EQ(f.calls, (std::vector<int>{3, 1, 2}));  // as written
  EXPECT_EQ(f.after, 1);
  EXPECT_EQ(f.times, 2);
  EXPECT_DOUBLE_EQ(f.probability, 0.25);
  EXPECT_EQ(f.delay, (DelaySpec{.kind = DelaySpec::Kind::Fixed, .fixed = milliseconds(200)}));
  EXPECT_EQ(f.commit, Commit::After);
  EXPECT_EQ(f.error, "Throttling.User");
  EXPECT_EQ(f.status, 429);
  EXPECT_EQ(f.message, "slow down");
  EXPECT_EQ(f.retry_after_ms, 1500);
  EXPECT_EQ(f.transport, Transport::None);
  EXPECT_EQ(f.hang_cap, seconds(30));  // default
  EXPECT_EQ(f.source, "faults.toml:4:1");  // the [[fault]] header

  const FaultSpec& hang = s.faults[1];
  EXPECT_EQ(hang.id, "f2");  // by position among [[fault]] tables
  EXPECT_TRUE(hang.id_is_default);
  EXPECT_TRUE(hang.actions.empty());  // "*"
  EXPECT_EQ(hang.when_status, std::vector<Status>{Status::Creating});
  EXPECT_EQ(hang.delay, (DelaySpec{.kind = DelaySpec::Kind::Uniform,
                                   .low = milliseconds(50),
                                   .high = milliseconds(300)}));
  EXPECT_EQ(hang.transport, Transport::Hang);
  EXPECT_EQ(hang.hang_cap, seconds(5));
  EXPECT_EQ(hang.commit, Commit::Before);
  EXPECT_FALSE(hang.times.has_value());
  EXPECT_DOUBLE_EQ(hang.probability, 1.0);
  EXPECT_EQ(hang.source, "faults.toml:26:1");

  const FaultSpec& slow = s.faults[2];
  EXPECT_EQ(slow.id, "f3");
  EXPECT_EQ(slow.actions, std::vector<std::string>{"DescribeDiskReplicaPairs"});
  EXPECT_DOUBLE_EQ(slow.probability, 1.0);  // an integer is accepted
  EXPECT_EQ(slow.delay, (DelaySpec{.kind = DelaySpec::Kind::LogNormal,
                                   .median = milliseconds(80),
                                   .sigma = 0.5}));

  // Any code is allowed once the status is explicit.
  const FaultSpec& custom = s.faults[3];
  EXPECT_EQ(custom.error, "Custom.NotInCatalogue");
  EXPECT_EQ(custom.status, 418);
  EXPECT_DOUBLE_EQ(custom.probability, 0.0);
}

TEST(FaultLoaderTest, EveryTransportName) {
  const std::pair<std::string_view, Transport> kNames[] = {
      {"reset", Transport::Reset}, {"close", Transport::Close},
      {"hang", Transport::Hang},   {"html", Transport::Html},
      {"malformed-json", Transport::MalformedJson}, {"truncate", Transport::Truncate},
  };
  for (const auto& [name, transport] : kNames) {
    const Scenario s = load("[[fault]]\ntransport = \"" + std::string(name) + "\"\n");
    ASSERT_EQ(s.faults.size(), 1u);
    EXPECT_EQ(s.faults[0].transport, transport) << name;
    EXPECT_EQ(to_string(transport), name);
  }
}

TEST(FaultLoaderTest, ADelayAloneIsAnEffect) {
  const Scenario s = load("[[fault]]\ndelay = \"1s\"\n");
  ASSERT_EQ(s.faults.size(), 1u);
  EXPECT_EQ(s.faults[0].delay.fixed, seconds(1));
  EXPECT_TRUE(s.faults[0].error.empty());
}

TEST(FaultLoaderTest, DelaysAtTheLimitsLoadInFaultsAndReplaySteps) {
  const Scenario s = load(R"toml(
[[fault]]
delay = "1h"
[[fault]]
delay = { uniform = ["0", "60m"] }
[[fault]]
delay = { lognormal = { median = "3600s", sigma = 3 } }
[[replay]]
action = "StopDiskReplicaPair"
delay = { lognormal = { median = "1h", sigma = 3.0 } }
)toml");
  ASSERT_EQ(s.faults.size(), 3u);
  EXPECT_EQ(s.faults[0].delay.fixed, kMaxDelay);
  EXPECT_EQ(s.faults[1].delay.high, kMaxDelay);
  EXPECT_EQ(s.faults[2].delay.median, kMaxDelay);
  EXPECT_EQ(s.faults[2].delay.sigma, kMaxLogNormalSigma);
  ASSERT_EQ(s.replay.steps.size(), 1u);
  EXPECT_EQ(s.replay.steps[0].delay, s.faults[2].delay);
}

TEST(FaultLoaderTest, DelayAsASubTableHeader) {
  // [fault.delay] after [[fault]] belongs to that rule, like an inline table.
  const Scenario s = load(R"toml(
[[fault]]
error = "InternalError"
[fault.delay]
uniform = ["1s", "2s"]
)toml");
  ASSERT_EQ(s.faults.size(), 1u);
  EXPECT_EQ(s.faults[0].delay.kind, DelaySpec::Kind::Uniform);
  EXPECT_EQ(s.faults[0].delay.high, seconds(2));
}

TEST(FaultLoaderTest, CatalogueCodesAreAcceptedWithoutStatus) {
  const Scenario s = load(R"toml(
[[fault]]
error = "OperationDenied.InvalidStatus"
[[fault]]
error = "RequestTimeout"
commit = "after"
)toml");
  ASSERT_EQ(s.faults.size(), 2u);
  EXPECT_FALSE(s.faults[0].status.has_value());  // the engine uses the catalogue's
  EXPECT_EQ(s.faults[1].commit, Commit::After);
}

TEST(FaultLoaderTest, NoFaultsAndNoReplayByDefault) {
  const Scenario s = load("");
  EXPECT_TRUE(s.faults.empty());
  EXPECT_TRUE(s.replay.steps.empty());
  EXPECT_EQ(s.replay.mode, ReplayMode::Strict);
  EXPECT_TRUE(default_scenario().faults.empty());
}

constexpr std::string_view kEveryReplayKey = R"toml([scenario]
replay_mode = "lenient"

[errors]
"RequestTimeout" = 502

[[replay]]
action = "CreateDiskReplicaPair"
params = { RegionId = "cn-hangzhou", DiskId = "*", Tag.1.Key = "env", Tag.1.Value = "prod" }
body = { RequestId = "R-1", ReplicaPairId = "pair-cn-0000000000000001", OrderId = "1", Nested = { b = [1, 2.5, true], a = "x" } }
headers = { x-acs-request-id = "R-1", "X-Custom" = "yes" }
delay = { uniform = ["10ms", "20ms"] }
commit = "after"

[[replay]]
action = "StopDiskReplicaPair"
params = { ReplicaPairId = "pair-cn-0000000000000001" }
status = 504
code = "RequestTimeout"
message = "timed out"
delay = "3s"
commit = "after"

[[replay]]
action = "StopDiskReplicaPair"
code = "RequestTimeout"

[[replay]]
action = "DescribeDiskReplicaPairs"
transport = "truncate"
body = '''
{"RequestId": "R-4",   "TotalCount": 0}
'''

[[replay]]
action = "DescribeDiskReplicaPairProgress"
transport = "reset"

[[replay]]
action = "StartDiskReplicaPair"
status = 200
)toml";

TEST(FaultLoaderTest, EveryReplayKeyRoundTrips) {
  const Scenario s = load(kEveryReplayKey, "trace.toml");
  EXPECT_EQ(s.replay.mode, ReplayMode::Lenient);
  ASSERT_EQ(s.replay.steps.size(), 6u);

  const ReplayStep& create = s.replay.steps[0];
  EXPECT_EQ(create.action, "CreateDiskReplicaPair");
  // Dotted keys are parameter names, not nested tables.
  EXPECT_EQ(create.params, (contracts::Params{{"RegionId", "cn-hangzhou"},
                                              {"DiskId", "*"},
                                              {"Tag.1.Key", "env"},
                                              {"Tag.1.Value", "prod"}}));
  EXPECT_EQ(create.status, 200);
  EXPECT_TRUE(create.code.empty());
  // A table body becomes compact JSON in the order written.
  ASSERT_TRUE(create.body.has_value());
  EXPECT_EQ(*create.body,
            R"({"RequestId":"R-1","ReplicaPairId":"pair-cn-0000000000000001","OrderId":"1",)"
            R"("Nested":{"b":[1,2.5,true],"a":"x"}})");
  EXPECT_EQ(create.headers,
            (contracts::HeaderList{{"x-acs-request-id", "R-1"}, {"X-Custom", "yes"}}));
  EXPECT_EQ(create.delay, (DelaySpec{.kind = DelaySpec::Kind::Uniform,
                                     .low = milliseconds(10),
                                     .high = milliseconds(20)}));
  EXPECT_EQ(create.commit, Commit::After);
  EXPECT_EQ(create.transport, Transport::None);
  EXPECT_EQ(create.source, "trace.toml:7:1");

  const ReplayStep& stop = s.replay.steps[1];
  EXPECT_EQ(stop.status, 504);
  EXPECT_EQ(stop.code, "RequestTimeout");
  EXPECT_EQ(stop.message, "timed out");
  EXPECT_FALSE(stop.body.has_value());
  EXPECT_EQ(stop.delay.fixed, seconds(3));
  EXPECT_EQ(stop.commit, Commit::After);

  // Without a status, a code answers with its status, as overridden by [errors].
  EXPECT_EQ(s.replay.steps[2].status, 502);

  // A string body is kept byte for byte (the step's exact answer).
  const ReplayStep& truncated = s.replay.steps[3];
  EXPECT_EQ(truncated.transport, Transport::Truncate);
  EXPECT_EQ(truncated.body, "{\"RequestId\": \"R-4\",   \"TotalCount\": 0}\n");

  EXPECT_EQ(s.replay.steps[4].transport, Transport::Reset);

  const ReplayStep& start = s.replay.steps[5];
  EXPECT_EQ(start.status, 200);
  EXPECT_TRUE(start.params.empty());
  EXPECT_FALSE(start.body.has_value());
  EXPECT_EQ(start.commit, Commit::Before);
}

TEST(FaultLoaderTest, ReplayModeDefaultsToStrict) {
  const Scenario s = load("[[replay]]\naction = \"StartDiskReplicaPair\"\n");
  EXPECT_EQ(s.replay.mode, ReplayMode::Strict);
  ASSERT_EQ(s.replay.steps.size(), 1u);
  EXPECT_EQ(s.replay.steps[0].status, 200);
}

TEST(FaultLoaderTest, ReplayParamsKeepUnknownNamesThatAreNoTypo) {
  // A recorded request may carry parameters the schema does not list; only near misses
  // of a real name are errors.
  const Scenario s = load(
      "[[replay]]\naction = \"StopDiskReplicaPair\"\n"
      "params = { SomeVendorExtra = \"1\", RegionId = \"cn-hangzhou\", Timestamp = \"*\" }\n");
  ASSERT_EQ(s.replay.steps.size(), 1u);
  EXPECT_EQ(s.replay.steps[0].params.size(), 3u);
}

TEST(FaultLoaderTest, ReplayBodyFromTomlConvertsDatesAndKeepsUnicode) {
  const Scenario s = load(
      "[[replay]]\naction = \"DescribeDiskReplicaPairs\"\n"
      "body = { When = 2024-01-01T00:00:00Z, Name = \"数据盘\" }\n");
  ASSERT_EQ(s.replay.steps.size(), 1u);
  const auto j = nlohmann::json::parse(*s.replay.steps[0].body);
  EXPECT_EQ(j["When"], "2024-01-01T00:00:00Z");
  EXPECT_EQ(j["Name"], "数据盘");
}

TEST(FaultLoaderTest, FaultsAndReplayCoexist) {
  const Scenario s = load(R"toml(
[[replay]]
action = "StopDiskReplicaPair"
status = 403
code = "OperationDenied.InvalidStatus"

[[fault]]
action = "DescribeDiskReplicaPairs"
delay = "10ms"
)toml");
  EXPECT_EQ(s.faults.size(), 1u);
  EXPECT_EQ(s.replay.steps.size(), 1u);
  EXPECT_EQ(s.replay.steps[0].status, 403);
}

}  // namespace
}  // namespace ebsmock::scenarios
