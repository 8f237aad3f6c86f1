// loader_test.cpp: scenario files that should load: every key lands in the right struct
// field, defaults are derived deterministically, the built-in world and every scenario
// shipped in scenarios/ load. Tests are independent; no shared mutable state.

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include <gtest/gtest.h>

#include "contracts/policy.h"
#include "contracts/time.h"
#include "scenarios/loader/scenario_loader.h"
#include "tests/support/scenario_load.h"
#include "tests/support/temp_path.h"

namespace ebsmock::scenarios {
namespace {

using contracts::Duration;
using contracts::Instant;
using contracts::Status;
using std::chrono::hours;
using std::chrono::milliseconds;
using std::chrono::minutes;
using std::chrono::seconds;

Scenario load(std::string_view text, std::string_view path = "test.toml") {
  return testing::load_good_scenario(text, path);
}

constexpr std::string_view kEveryKey = R"toml(
[scenario]
name = "every-key"
description = "sets every key"
seed = 42

[[credential]]
access_key_id = "id-one"
access_key_secret = "secret-one"

[[credential]]
access_key_id = "id-two"
access_key_secret = "secret-two"

[clock]
mode = "virtual"
start = 2030-05-06T07:08:09Z

[auth]
verify_signatures = false

[timing]
create = "1s"
initial_sync = "2s"
sync = "3s"
manual_sync = "4s"
stop = "5s"
failover = "6s"
reprotect = "7s"
delete = "8s"
deleted_retention = "250ms"
sync_cycle = "1h30m"

[contract]
token_ttl = "2h"
token_replay_request_id = "original"
oneshot_from_manual_syncing = true
enforce_site_region = true
timestamp_window = "5m"

[errors]
"IdempotentParameterMismatch" = 403
OperationDenied.InvalidStatus = 409

[[pair]]
id = "pair-cn-aaaaaaaaaaaaaaaa"
region = "cn-hangzhou"
destination_region = "cn-shanghai"
status = "failovered"
status_message = "manual failover drill"
pair_name = "name-1"
description = "desc-1"
source_zone_id = "cn-hangzhou-h"
source_disk_id = "d-src"
destination_zone_id = "cn-shanghai-l"
destination_disk_id = "d-dst"
primary_region = "cn-beijing"
primary_zone = "cn-beijing-g"
standby_region = "cn-shenzhen"
standby_zone = "cn-shenzhen-e"
charge_type = "PREPAY"
bandwidth = 20480
rpo = 600
enable_rtc = true
replica_group_id = "pg-123"
replica_group_name = "group-1"
resource_group_id = "rg-abc"
site = "backup"
create_time = 1700000000
expired_time = "2031-01-01T00:00:00Z"
last_recover_point = 2030-05-06T15:08:09+08:00
tags = { zeta = "1", alpha = "2", mid = "3" }
)toml";

TEST(LoaderTest, EveryKeyRoundTrips) {
  const Scenario s = load(kEveryKey, "dir/every.toml");
  EXPECT_EQ(s.source_path, "dir/every.toml");
  EXPECT_EQ(s.name, "every-key");
  EXPECT_EQ(s.description, "sets every key");
  ASSERT_TRUE(s.seed.has_value());
  EXPECT_EQ(*s.seed, 42u);

  ASSERT_EQ(s.credentials.size(), 2u);
  EXPECT_EQ(s.credentials[0].access_key_id, "id-one");
  EXPECT_EQ(s.credentials[0].access_key_secret, "secret-one");
  EXPECT_EQ(s.credentials[1].access_key_id, "id-two");
  EXPECT_EQ(s.credentials[1].access_key_secret, "secret-two");

  EXPECT_EQ(s.clock.mode, ClockMode::Virtual);
  EXPECT_EQ(s.clock.start, contracts::parse_iso8601("2030-05-06T07:08:09Z"));
  EXPECT_FALSE(s.auth.verify_signatures);

  const contracts::Timing& t = s.policy.timing;
  EXPECT_EQ(t.create, seconds(1));
  EXPECT_EQ(t.initial_sync, seconds(2));
  EXPECT_EQ(t.sync, seconds(3));
  EXPECT_EQ(t.manual_sync, seconds(4));
  EXPECT_EQ(t.stop, seconds(5));
  EXPECT_EQ(t.failover, seconds(6));
  EXPECT_EQ(t.reprotect, seconds(7));
  EXPECT_EQ(t.delete_, seconds(8));
  EXPECT_EQ(t.deleted_retention, milliseconds(250));
  EXPECT_EQ(t.sync_cycle, minutes(90));

  EXPECT_EQ(s.policy.token_ttl, hours(2));
  EXPECT_EQ(s.policy.token_replay_request_id, contracts::TokenReplayRequestId::Original);
  EXPECT_TRUE(s.policy.oneshot_from_manual_syncing);
  EXPECT_TRUE(s.policy.enforce_site_region);
  EXPECT_EQ(s.policy.timestamp_window, minutes(5));

  // Both the quoted and the dotted-key spelling of a code with a dot.
  EXPECT_EQ(s.policy.errors.status_of("IdempotentParameterMismatch"), 403);
  EXPECT_EQ(s.policy.errors.status_of("OperationDenied.InvalidStatus"), 409);
  EXPECT_EQ(s.policy.errors.status_overrides().size(), 2u);

  ASSERT_EQ(s.pairs.size(), 1u);
  const contracts::Pair& p = s.pairs[0];
  EXPECT_EQ(p.id, "pair-cn-aaaaaaaaaaaaaaaa");
  EXPECT_EQ(p.source_region, "cn-hangzhou");
  EXPECT_EQ(p.destination_region, "cn-shanghai");
  EXPECT_EQ(p.status, Status::Failovered);
  EXPECT_EQ(p.status_message, "manual failover drill");
  EXPECT_EQ(p.pair_name, "name-1");
  EXPECT_EQ(p.description, "desc-1");
  EXPECT_EQ(p.source_zone, "cn-hangzhou-h");
  EXPECT_EQ(p.source_disk_id, "d-src");
  EXPECT_EQ(p.destination_zone, "cn-shanghai-l");
  EXPECT_EQ(p.destination_disk_id, "d-dst");
  EXPECT_EQ(p.primary_region, "cn-beijing");
  EXPECT_EQ(p.primary_zone, "cn-beijing-g");
  EXPECT_EQ(p.standby_region, "cn-shenzhen");
  EXPECT_EQ(p.standby_zone, "cn-shenzhen-e");
  EXPECT_EQ(p.charge_type, "PREPAY");
  EXPECT_EQ(p.bandwidth, 20480);
  EXPECT_EQ(p.rpo, 600);
  EXPECT_TRUE(p.enable_rtc);
  EXPECT_EQ(p.replica_group_id, "pg-123");
  EXPECT_EQ(p.replica_group_name, "group-1");
  EXPECT_EQ(p.resource_group_id, "rg-abc");
  EXPECT_EQ(p.site, "backup");
  EXPECT_EQ(p.create_time, 1700000000);
  EXPECT_EQ(p.expired_time, 1924992000);  // 2031-01-01T00:00:00Z
  ASSERT_TRUE(p.last_recover_point.has_value());
  EXPECT_EQ(*p.last_recover_point,
            contracts::unix_seconds(*contracts::parse_iso8601("2030-05-06T07:08:09Z")));
  // Source order, not the alphabetical order toml++ stores keys in.
  const std::vector<contracts::Tag> expected_tags = {
      {"zeta", "1"}, {"alpha", "2"}, {"mid", "3"}};
  EXPECT_EQ(p.tags, expected_tags);
  // The loader leaves the model's bookkeeping to the mock.
  EXPECT_FALSE(p.pending.has_value());
  EXPECT_FALSE(p.deleted_at.has_value());
  EXPECT_FALSE(p.next_cycle.has_value());
}

// operator== is what round-trip tests (scenario_writer_test.cpp) rely on: it must see a
// change in any nested field.
TEST(LoaderTest, EqualityComparesEveryNestedField) {
  const Scenario a = load(kEveryKey, "every.toml");
  EXPECT_TRUE(a == load(kEveryKey, "every.toml"));
  auto differs = [&a](auto change) {
    Scenario b = a;
    change(b);
    return !(a == b);
  };
  EXPECT_TRUE(differs([](Scenario& s) { s.description += "."; }));
  EXPECT_TRUE(differs([](Scenario& s) { s.credentials[1].access_key_secret += "x"; }));
  EXPECT_TRUE(differs([](Scenario& s) { s.clock.start += milliseconds(1); }));
  EXPECT_TRUE(differs([](Scenario& s) { s.auth.verify_signatures = true; }));
  EXPECT_TRUE(differs([](Scenario& s) { s.policy.timing.sync_cycle += milliseconds(1); }));
  EXPECT_TRUE(differs([](Scenario& s) { s.policy.token_ttl += milliseconds(1); }));
  EXPECT_TRUE(differs([](Scenario& s) { s.policy.errors.override_status("InternalError", 503); }));
  EXPECT_TRUE(differs([](Scenario& s) { s.pairs[0].tags[2].value = "x"; }));
  EXPECT_TRUE(differs([](Scenario& s) { s.faults.emplace_back(); }));
  EXPECT_TRUE(differs([](Scenario& s) { s.replay.mode = ReplayMode::Lenient; }));
  EXPECT_TRUE(differs([](Scenario& s) { s.source_path = "other.toml"; }));

  const FaultSpec f;
  auto fault_differs = [&f](auto change) {
    FaultSpec g = f;
    change(g);
    return !(f == g);
  };
  EXPECT_TRUE(fault_differs([](FaultSpec& g) { g.probability = 0.5; }));
  EXPECT_TRUE(fault_differs([](FaultSpec& g) { g.delay.sigma = 0.5; }));
  EXPECT_TRUE(fault_differs([](FaultSpec& g) { g.hang_cap += milliseconds(1); }));
  EXPECT_TRUE(fault_differs([](FaultSpec& g) { g.id_is_default = true; }));
  const ReplayStep r;
  auto step_differs = [&r](auto change) {
    ReplayStep q = r;
    change(q);
    return !(r == q);
  };
  EXPECT_TRUE(step_differs([](ReplayStep& q) { q.body = ""; }));
  EXPECT_TRUE(step_differs([](ReplayStep& q) { q.headers.emplace_back("a", "b"); }));
  EXPECT_TRUE(step_differs([](ReplayStep& q) { q.params["RegionId"] = "*"; }));
}

TEST(LoaderTest, EmptyFileGivesStructDefaultsNamedAfterTheFile) {
  const Scenario s = load("", "some/dir/my-world.toml");
  const Scenario defaults;
  EXPECT_EQ(s.name, "my-world");
  EXPECT_TRUE(s.credentials.empty());
  EXPECT_TRUE(s.pairs.empty());
  EXPECT_FALSE(s.seed.has_value());
  EXPECT_EQ(s.clock.mode, defaults.clock.mode);
  EXPECT_EQ(s.clock.start, defaults.clock.start);
  EXPECT_TRUE(s.auth.verify_signatures);
  EXPECT_EQ(s.policy.timing.initial_sync, contracts::Timing{}.initial_sync);
  EXPECT_TRUE(s.policy.errors.status_overrides().empty());
}

TEST(LoaderTest, MinimalPairGetsCompleteDeterministicDefaults) {
  constexpr std::string_view kText = R"toml(
[clock]
mode = "virtual"
start = "2025-02-03T04:05:06Z"

[[pair]]
id = "pair-cn-minimal000000001"
region = "cn-hangzhou"
destination_region = "cn-shanghai"
status = "created"

[[pair]]
id = "pair-cn-minimal000000002"
region = "ap-southeast-1"
destination_region = "ap-southeast-5"
status = "normal"
)toml";
  const Scenario s = load(kText);
  ASSERT_EQ(s.pairs.size(), 2u);
  const contracts::Pair& p = s.pairs[0];
  EXPECT_EQ(p.source_zone, "cn-hangzhou-a");
  EXPECT_EQ(p.destination_zone, "cn-shanghai-a");
  EXPECT_TRUE(p.source_disk_id.starts_with("d-bp1")) << p.source_disk_id;
  EXPECT_TRUE(p.destination_disk_id.starts_with("d-uf6")) << p.destination_disk_id;
  EXPECT_EQ(p.source_disk_id.size(), 22u);
  EXPECT_EQ(p.destination_disk_id.size(), 22u);
  EXPECT_EQ(p.primary_region, "cn-hangzhou");
  EXPECT_EQ(p.primary_zone, "cn-hangzhou-a");
  EXPECT_EQ(p.standby_region, "cn-shanghai");
  EXPECT_EQ(p.standby_zone, "cn-shanghai-a");
  EXPECT_EQ(p.charge_type, "POSTPAY");
  EXPECT_EQ(p.bandwidth, 0);
  EXPECT_EQ(p.rpo, 900);
  EXPECT_EQ(p.site, "production");
  EXPECT_EQ(p.create_time, contracts::unix_seconds(s.clock.start));
  EXPECT_EQ(p.expired_time, 0);
  EXPECT_FALSE(p.last_recover_point.has_value());
  EXPECT_TRUE(p.tags.empty());

  // Different pairs and sides get different disks; a region without a known prefix
  // still gets a well-formed id.
  const contracts::Pair& q = s.pairs[1];
  EXPECT_NE(p.source_disk_id, q.source_disk_id);
  EXPECT_NE(q.source_disk_id, q.destination_disk_id);
  EXPECT_EQ(q.source_disk_id.size(), 22u);
  EXPECT_TRUE(q.source_disk_id.starts_with("d-"));

  // Loading again gives byte-identical pairs.
  EXPECT_EQ(load(kText).pairs, s.pairs);
}

TEST(LoaderTest, TimestampsAcceptIntegerDateTimeAndIsoString) {
  const Scenario s = load(R"toml(
[[pair]]
id = "pair-a"
region = "r1"
destination_region = "r2"
status = "normal"
create_time = 1704067200
last_recover_point = 2024-01-01T08:00:00+08:00
expired_time = "2024-01-01T00:00:00.500Z"
)toml");
  ASSERT_EQ(s.pairs.size(), 1u);
  EXPECT_EQ(s.pairs[0].create_time, 1704067200);
  EXPECT_EQ(s.pairs[0].last_recover_point, 1704067200);
  EXPECT_EQ(s.pairs[0].expired_time, 1704067200);
}

TEST(LoaderTest, ErrorTablesAcceptNestedDottedSpelling) {
  const Scenario s = load(R"toml(
[errors.OperationDenied]
InvalidStatus = 400
QuotaExceed = 429
)toml");
  EXPECT_EQ(s.policy.errors.status_of("OperationDenied.InvalidStatus"), 400);
  EXPECT_EQ(s.policy.errors.status_of("OperationDenied.QuotaExceed"), 429);
}

TEST(LoaderTest, DefaultScenarioIsTheNewcomerWorld) {
  const Scenario& s = default_scenario();
  EXPECT_EQ(&s, &default_scenario());  // built once
  EXPECT_EQ(s.source_path, "<default>");
  EXPECT_EQ(s.name, "default");
  ASSERT_EQ(s.credentials.size(), 1u);
  EXPECT_EQ(s.credentials[0].access_key_id, "testid");
  EXPECT_EQ(s.credentials[0].access_key_secret, "testsecret");
  EXPECT_EQ(s.clock.mode, ClockMode::Real);
  EXPECT_TRUE(s.auth.verify_signatures);

  // The file restates policy.h's defaults; they must not drift apart.
  const contracts::Policy defaults;
  const contracts::Timing& t = s.policy.timing;
  EXPECT_EQ(t.create, defaults.timing.create);
  EXPECT_EQ(t.initial_sync, defaults.timing.initial_sync);
  EXPECT_EQ(t.sync, defaults.timing.sync);
  EXPECT_EQ(t.manual_sync, defaults.timing.manual_sync);
  EXPECT_EQ(t.stop, defaults.timing.stop);
  EXPECT_EQ(t.failover, defaults.timing.failover);
  EXPECT_EQ(t.reprotect, defaults.timing.reprotect);
  EXPECT_EQ(t.delete_, defaults.timing.delete_);
  EXPECT_EQ(t.deleted_retention, defaults.timing.deleted_retention);
  EXPECT_EQ(t.sync_cycle, defaults.timing.sync_cycle);
  EXPECT_EQ(s.policy.token_ttl, defaults.token_ttl);
  EXPECT_EQ(s.policy.token_replay_request_id, defaults.token_replay_request_id);
  EXPECT_EQ(s.policy.oneshot_from_manual_syncing, defaults.oneshot_from_manual_syncing);
  EXPECT_EQ(s.policy.enforce_site_region, defaults.enforce_site_region);
  EXPECT_EQ(s.policy.timestamp_window, defaults.timestamp_window);
  EXPECT_TRUE(s.policy.errors.status_overrides().empty());
  // And the settings of groups, drills and tags: the whole policy, in one comparison.
  EXPECT_EQ(t, defaults.timing);
  EXPECT_EQ(s.policy, defaults);

  ASSERT_GE(s.pairs.size(), 2u);
  bool has_normal_with_recover_point = false;
  for (const auto& p : s.pairs) {
    EXPECT_TRUE(p.id.starts_with("pair-")) << p.id;
    EXPECT_EQ(p.source_region, "cn-hangzhou");
    EXPECT_EQ(p.destination_region, "cn-shanghai");
    EXPECT_FALSE(p.source_zone.empty());
    EXPECT_FALSE(p.source_disk_id.empty());
    EXPECT_FALSE(p.destination_zone.empty());
    EXPECT_FALSE(p.destination_disk_id.empty());
    EXPECT_GT(p.create_time, 0);
    if (p.status == Status::Normal && p.last_recover_point) has_normal_with_recover_point = true;
  }
  EXPECT_TRUE(has_normal_with_recover_point);
}

TEST(LoaderTest, EmbeddedDefaultMatchesTheFileOnDisk) {
  // Catches a stale generated header (the configure step did not re-run).
  const Scenario from_disk = load_scenario_file(EBSMOCK_SOURCE_DIR "/scenarios/default.toml");
  const Scenario& embedded = default_scenario();
  EXPECT_EQ(from_disk.pairs, embedded.pairs);
  EXPECT_EQ(from_disk.description, embedded.description);
  ASSERT_EQ(from_disk.credentials.size(), embedded.credentials.size());
}

TEST(LoaderTest, EveryScenarioInTheRepositoryLoads) {
  int loaded = 0;
  for (const auto& entry :
       std::filesystem::directory_iterator(EBSMOCK_SOURCE_DIR "/scenarios")) {
    if (entry.path().extension() != ".toml") continue;
    SCOPED_TRACE(entry.path().string());
    try {
      const Scenario s = load_scenario_file(entry.path().string());
      EXPECT_EQ(s.source_path, entry.path().string());
      std::ifstream in(entry.path());
      const std::string text((std::istreambuf_iterator<char>(in)),
                             std::istreambuf_iterator<char>());
      EXPECT_TRUE(lint_scenario_string(text, entry.path().string()).empty());
    } catch (const ScenarioError& e) {
      ADD_FAILURE() << e.what();
    }
    ++loaded;
  }
  EXPECT_GE(loaded, 1);  // at least default.toml
}

TEST(LoaderTest, LoadsFromAFile) {
  const std::filesystem::path path = testing::unique_temp_path("loader-test", "world.toml");
  {
    std::ofstream out(path);
    out << "[scenario]\nname = \"from-file\"\n";
  }
  const Scenario s = load_scenario_file(path.string());
  std::filesystem::remove(path);
  EXPECT_EQ(s.name, "from-file");
  EXPECT_EQ(s.source_path, path.string());
}

TEST(LoaderTest, LintOfAGoodFileIsEmpty) {
  EXPECT_TRUE(lint_scenario_string(kEveryKey, "every.toml").empty());
}

}  // namespace
}  // namespace ebsmock::scenarios
