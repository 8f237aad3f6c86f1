// group_loader_test.cpp: [[group]], [[drill]], [[event]] and [[region]] tables, the
// [contract]/[timing] keys of groups and drills, and fault rules aimed at groups, as they
// should load: every key lands in its field, the derived defaults are the documented
// ones, and a loaded scenario sets up the world exactly as described (pairs, then
// groups, then drills, the recipe scenario.h gives the mock).
// Tests are independent; no shared state.
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "contracts/regions.h"
#include "contracts/world.h"
#include "scenarios/loader/scenario_loader.h"
#include "tests/support/scenario_load.h"

namespace ebsmock::scenarios {
namespace {

using contracts::ResourceKind;
using contracts::Status;
using std::chrono::milliseconds;
using std::chrono::seconds;

Scenario load(std::string_view text, std::string_view path = "groups.toml") {
  return testing::load_good_scenario(text, path);
}

// The mock's recipe (scenario.h): pairs, then groups, then drills, at the world's start.
contracts::World world_of(const Scenario& s) {
  contracts::World w(s.policy);
  for (const auto& p : s.pairs) w.add_pair(p, s.clock.start);
  for (const auto& g : s.groups) w.add_group(g, s.clock.start);
  for (const auto& d : s.drills) w.add_drill(d, s.clock.start);
  return w;
}

constexpr std::string_view kEveryKey = R"toml([clock]
mode = "virtual"
start = 2024-03-01T00:00:00Z

[[pair]]
id = "pair-cn-member-b"
region = "cn-hangzhou"
destination_region = "cn-shanghai"
source_zone_id = "cn-hangzhou-h"
destination_zone_id = "cn-shanghai-e"
status = "failovered"
rpo = 900
replica_group_id = "pg-every"

[[pair]]
id = "pair-cn-member-a"
region = "cn-hangzhou"
destination_region = "cn-shanghai"
source_zone_id = "cn-hangzhou-h"
destination_zone_id = "cn-shanghai-e"
status = "failovered"
pair_name = "keeps its own name"

[[pair]]
id = "pair-cn-alone"
region = "cn-hangzhou"
destination_region = "cn-shanghai"
status = "stopped"
last_recover_point = 2024-02-01T00:00:00Z

[[group]]
id = "pg-every"
region = "cn-hangzhou"
destination_region = "cn-shanghai"
source_zone_id = "cn-hangzhou-h"
destination_zone_id = "cn-shanghai-e"
status = "failovered"
pairs = ["pair-cn-member-b", "pair-cn-member-a"]
name = "orders-db"
description = "the order database's disks"
primary_region = "cn-beijing"
primary_zone = "cn-beijing-g"
standby_region = "cn-shenzhen"
standby_zone = "cn-shenzhen-d"
rpo = 900
bandwidth = 10240
enable_rtc = true
resource_group_id = "rg-1"
create_time = 1700000000
last_recover_point = 2024-02-29T23:45:00Z
tags = { team = "orders", env = "prod" }

[[group]]
id = "pg-empty"
region = "cn-beijing"
destination_region = "cn-shenzhen"
status = "created"

[[drill]]
id = "pg-drill-every"
group = "pg-every"
status = "executed"
recover_point = 2024-02-29T23:00:00Z
start_at = 2024-02-29T23:30:00Z
status_message = "all disks restored"

[[drill]]
id = "drill-alone"
pair = "pair-cn-alone"
status = "clearing"

[[event]]
at = "1m"
drill = "pg-drill-every"
status = "clear_failed"
description = "the drill disks cannot be deleted"

[[event]]
at = "30s"
pair = "pair-cn-member-a"
status = "invalid"

[[event]]
at = "1m"
group = "pg-every"
status = "failover_failed"

[[event]]
at = "0"
pair = "pair-cn-alone"
status = "stop_failed"
)toml";

TEST(GroupLoaderTest, EveryGroupKeyLandsInItsField) {
  const Scenario s = load(kEveryKey);
  ASSERT_EQ(s.groups.size(), 2u);
  const contracts::Group& g = s.groups[0];
  EXPECT_EQ(g.id, "pg-every");
  EXPECT_EQ(g.source_region, "cn-hangzhou");
  EXPECT_EQ(g.destination_region, "cn-shanghai");
  EXPECT_EQ(g.source_zone, "cn-hangzhou-h");
  EXPECT_EQ(g.destination_zone, "cn-shanghai-e");
  EXPECT_EQ(g.status, Status::Failovered);
  // Sorted by id, as PairIds lists them.
  EXPECT_EQ(g.pair_ids, (std::vector<std::string>{"pair-cn-member-a", "pair-cn-member-b"}));
  EXPECT_EQ(g.name, "orders-db");
  EXPECT_EQ(g.description, "the order database's disks");
  EXPECT_EQ(g.primary_region, "cn-beijing");
  EXPECT_EQ(g.primary_zone, "cn-beijing-g");
  EXPECT_EQ(g.standby_region, "cn-shenzhen");
  EXPECT_EQ(g.standby_zone, "cn-shenzhen-d");
  EXPECT_EQ(g.rpo, 900);
  EXPECT_EQ(g.bandwidth, 10240);
  EXPECT_TRUE(g.enable_rtc);
  EXPECT_EQ(g.resource_group_id, "rg-1");
  EXPECT_EQ(g.create_time, 1700000000);
  EXPECT_EQ(g.last_recover_point, 1709250300);  // 2024-02-29T23:45:00Z
  const std::vector<contracts::Tag> tags = {{"team", "orders"}, {"env", "prod"}};
  EXPECT_EQ(g.tags, tags);
  // The model's bookkeeping is left to the world.
  EXPECT_FALSE(g.healthy_status.has_value());
  EXPECT_FALSE(g.pending.has_value());
  EXPECT_FALSE(g.last_one_shot.has_value());
}

TEST(GroupLoaderTest, AGroupWithoutZonesOrSitesGetsDeterministicDefaults) {
  const Scenario s = load(kEveryKey);
  const contracts::Group& g = s.groups[1];
  EXPECT_EQ(g.id, "pg-empty");
  EXPECT_TRUE(g.pair_ids.empty());
  EXPECT_EQ(g.source_zone, "cn-beijing-a");  // a pair's default: the region's "-a"
  EXPECT_EQ(g.destination_zone, "cn-shenzhen-a");
  EXPECT_EQ(g.primary_region, "cn-beijing");
  EXPECT_EQ(g.primary_zone, "cn-beijing-a");
  EXPECT_EQ(g.standby_region, "cn-shenzhen");
  EXPECT_EQ(g.standby_zone, "cn-shenzhen-a");
  EXPECT_EQ(g.rpo, 900);
  EXPECT_EQ(g.bandwidth, 0);
  EXPECT_FALSE(g.enable_rtc);
  EXPECT_EQ(g.create_time, contracts::unix_seconds(s.clock.start));
  EXPECT_FALSE(g.last_recover_point.has_value());
  EXPECT_TRUE(g.tags.empty());
  EXPECT_EQ(g.name, "");

  // A group with members and no zones takes its members' (they must share them).
  const Scenario t = load(R"toml([[pair]]
id = "pair-z"
region = "cn-hangzhou"
destination_region = "cn-shanghai"
source_zone_id = "cn-hangzhou-i"
destination_zone_id = "cn-shanghai-f"
status = "created"

[[group]]
id = "pg-z"
region = "cn-hangzhou"
destination_region = "cn-shanghai"
status = "created"
pairs = ["pair-z"]
)toml");
  EXPECT_EQ(t.groups.at(0).source_zone, "cn-hangzhou-i");
  EXPECT_EQ(t.groups.at(0).destination_zone, "cn-shanghai-f");
  EXPECT_EQ(t.groups.at(0).primary_zone, "cn-hangzhou-i");
  EXPECT_EQ(t.groups.at(0).standby_zone, "cn-shanghai-f");
}

TEST(GroupLoaderTest, MembersCarryWhatTheirGroupOwns) {
  const Scenario s = load(kEveryKey);
  ASSERT_EQ(s.pairs.size(), 3u);
  for (const auto& p : s.pairs) {
    SCOPED_TRACE(p.id);
    if (p.id == "pair-cn-alone") {
      EXPECT_EQ(p.replica_group_id, "");
      EXPECT_EQ(p.last_recover_point, 1706745600);  // its own
      continue;
    }
    EXPECT_EQ(p.replica_group_id, "pg-every");
    EXPECT_EQ(p.replica_group_name, "orders-db");
    EXPECT_EQ(p.rpo, 900);
    EXPECT_TRUE(p.enable_rtc);
    EXPECT_EQ(p.last_recover_point, 1709250300);
  }
  EXPECT_EQ(s.pairs[1].pair_name, "keeps its own name");
}

TEST(GroupLoaderTest, EveryDrillKeyLandsInItsFieldAndTheWorldFillsTheRest) {
  const Scenario s = load(kEveryKey);
  ASSERT_EQ(s.drills.size(), 2u);
  const contracts::Drill& d = s.drills[0];
  EXPECT_EQ(d.id, "pg-drill-every");
  EXPECT_EQ(d.target_kind, ResourceKind::Group);
  EXPECT_EQ(d.target_id, "pg-every");
  EXPECT_EQ(d.status, Status::Executed);
  EXPECT_EQ(d.recover_point, 1709247600);  // 2024-02-29T23:00:00Z
  EXPECT_EQ(d.start_at, 1709249400);       // 2024-02-29T23:30:00Z
  EXPECT_EQ(d.status_message, "all disks restored");
  EXPECT_TRUE(d.disks.empty());
  EXPECT_FALSE(d.due.has_value());

  // Left out: 0, which World::add_drill reads as "the target's recovery point" and "the
  // world's start".
  const contracts::Drill& e = s.drills[1];
  EXPECT_EQ(e.id, "drill-alone");
  EXPECT_EQ(e.target_kind, ResourceKind::Pair);
  EXPECT_EQ(e.target_id, "pair-cn-alone");
  EXPECT_EQ(e.status, Status::Clearing);
  EXPECT_EQ(e.recover_point, 0);
  EXPECT_EQ(e.start_at, 0);

  const contracts::World w = world_of(s);
  const contracts::Drill* alone = w.find_drill("drill-alone");
  ASSERT_NE(alone, nullptr);
  EXPECT_EQ(alone->recover_point, 1706745600);  // the pair's LastRecoverPoint
  EXPECT_EQ(alone->start_at, contracts::unix_seconds(s.clock.start));
  EXPECT_EQ(alone->disks.size(), 1u);
  EXPECT_TRUE(alone->due.has_value());  // clearing: it vanishes after drill_clear
  EXPECT_EQ(w.find_drill("pg-drill-every")->disks.size(), 2u);  // one per member
}

TEST(GroupLoaderTest, EventsAreSortedByTimeAndKeepFileOrderAmongEqualTimes) {
  const Scenario s = load(kEveryKey);
  ASSERT_EQ(s.events.size(), 4u);
  const ScheduledEvent& first = s.events[0];
  EXPECT_EQ(first.at, milliseconds(0));
  EXPECT_EQ(first.kind, ResourceKind::Pair);
  EXPECT_EQ(first.target_id, "pair-cn-alone");
  EXPECT_EQ(first.status, Status::StopFailed);
  EXPECT_EQ(first.source, "groups.toml:88:1");  // the last [[event]]

  EXPECT_EQ(s.events[1].at, seconds(30));
  EXPECT_EQ(s.events[1].target_id, "pair-cn-member-a");
  EXPECT_EQ(s.events[1].status, Status::Invalid);

  // Both at 1m: the drill's event is written first.
  EXPECT_EQ(s.events[2].at, seconds(60));
  EXPECT_EQ(s.events[2].kind, ResourceKind::Drill);
  EXPECT_EQ(s.events[2].target_id, "pg-drill-every");
  EXPECT_EQ(s.events[2].status, Status::ClearFailed);
  EXPECT_EQ(s.events[2].description, "the drill disks cannot be deleted");
  EXPECT_EQ(s.events[3].at, seconds(60));
  EXPECT_EQ(s.events[3].kind, ResourceKind::Group);
  EXPECT_EQ(s.events[3].target_id, "pg-every");
  EXPECT_EQ(s.events[3].status, Status::FailoverFailed);
  EXPECT_EQ(s.events[3].description, "");
}

// What the events will do once the mock applies them (World::force_*), on the world the
// scenario sets up: a member forced invalid takes its group with it.
TEST(GroupLoaderTest, AnEventOnAMemberMakesItsGroupInvalidInTheWorld) {
  const Scenario s = load(kEveryKey);
  contracts::World w = world_of(s);
  const ScheduledEvent& member = s.events[1];
  std::vector<contracts::Transition> group_changes;
  ASSERT_TRUE(w.force_status(member.target_id, member.status,
                             s.clock.start + member.at, &group_changes));
  ASSERT_EQ(group_changes.size(), 1u);
  EXPECT_EQ(group_changes[0].id, "pg-every");
  EXPECT_EQ(group_changes[0].to, Status::Invalid);
  EXPECT_EQ(w.find_group("pg-every")->healthy_status, Status::Failovered);
  ASSERT_TRUE(w.force_drill_status(s.events[2].target_id, s.events[2].status, s.clock.start + s.events[2].at));
  EXPECT_EQ(w.find_drill("pg-drill-every")->status, Status::ClearFailed);
}

TEST(GroupLoaderTest, TheWorldShowsTheScenarioAsWritten) {
  const Scenario s = load(kEveryKey);
  const contracts::World w = world_of(s);
  for (const auto& p : s.pairs) {
    SCOPED_TRACE(p.id);
    const contracts::Pair* q = w.find(p.id);
    ASSERT_NE(q, nullptr);
    EXPECT_EQ(q->status, p.status);
    EXPECT_EQ(q->replica_group_id, p.replica_group_id);
    EXPECT_EQ(q->replica_group_name, p.replica_group_name);
    EXPECT_EQ(q->rpo, p.rpo);
    EXPECT_EQ(q->enable_rtc, p.enable_rtc);
    EXPECT_EQ(q->last_recover_point, p.last_recover_point);
  }
  for (const auto& g : s.groups) {
    const contracts::Group* h = w.find_group(g.id);
    ASSERT_NE(h, nullptr) << g.id;
    EXPECT_EQ(h->pair_ids, g.pair_ids);
    EXPECT_EQ(h->source_zone, g.source_zone);
    EXPECT_EQ(h->primary_zone, g.primary_zone);
    EXPECT_EQ(h->create_time, g.create_time);
  }
  EXPECT_EQ(w.drills().size(), s.drills.size());
}

TEST(GroupLoaderTest, AnInvalidGroupMayHoldHealthyMembersInOneStatus) {
  const Scenario s = load(R"toml([[pair]]
id = "pair-bad"
region = "r1"
destination_region = "r2"
status = "invalid"

[[pair]]
id = "pair-ok"
region = "r1"
destination_region = "r2"
status = "stopped"

[[group]]
id = "pg-1"
region = "r1"
destination_region = "r2"
status = "invalid"
pairs = ["pair-ok", "pair-bad"]
)toml");
  const contracts::World w = world_of(s);
  EXPECT_EQ(w.find_group("pg-1")->healthy_status, Status::Stopped);
}

TEST(GroupLoaderTest, ATransientGroupMovesOnWithItsMembers) {
  const Scenario s = load(R"toml([clock]
mode = "virtual"

[timing]
failover = "10s"

[[pair]]
id = "pair-1"
region = "r1"
destination_region = "r2"
status = "failovering"

[[group]]
id = "pg-1"
region = "r1"
destination_region = "r2"
status = "failovering"
pairs = ["pair-1"]
)toml");
  contracts::World w = world_of(s);
  w.advance(s.clock.start + seconds(10));
  EXPECT_EQ(w.find_group("pg-1")->status, Status::Failovered);
  EXPECT_EQ(w.find("pair-1")->status, Status::Failovered);
}

// ---------------------------------------------------------------------------------------
// [contract], [timing], [[region]]

TEST(GroupLoaderTest, EveryGroupAndDrillSettingLandsInThePolicy) {
  const Scenario s = load(R"toml([timing]
drill_execute = "45s"
drill_clear = "1m30s"

[contract]
member_pair_refusal = "OperationDenied.PairGroupStatusConflict"
add_existing_member_succeeds = false
max_empty_groups = 3
one_shot_gap_for_pairs = true
drill_statuses = ["stopped", "normal"]
max_active_drills = 1
drills_block_changes = true
max_tags_per_resource = 5
)toml");
  const contracts::Policy& p = s.policy;
  EXPECT_EQ(p.timing.drill_execute, seconds(45));
  EXPECT_EQ(p.timing.drill_clear, seconds(90));
  EXPECT_EQ(p.member_pair_refusal, "OperationDenied.PairGroupStatusConflict");
  EXPECT_FALSE(p.add_existing_member_succeeds);
  EXPECT_EQ(p.max_empty_groups, 3);
  EXPECT_TRUE(p.one_shot_gap_for_pairs);
  EXPECT_EQ(p.drill_statuses, (std::vector<Status>{Status::Stopped, Status::Normal}));
  EXPECT_EQ(p.max_active_drills, 1);
  EXPECT_TRUE(p.drills_block_changes);
  EXPECT_EQ(p.max_tags_per_resource, 5);

  // One status alone is a list of one.
  EXPECT_EQ(load("[contract]\ndrill_statuses = \"failovered\"\n").policy.drill_statuses,
            std::vector<Status>{Status::Failovered});
  // Left out: policy.h's defaults.
  const contracts::Policy defaults;
  const Scenario empty = load("");
  EXPECT_EQ(empty.policy, defaults);
}

TEST(GroupLoaderTest, RegionsReplaceTheBuiltInTableWithDerivedNames) {
  const Scenario s = load(R"toml([[region]]
id = "cn-test"
english_name = "Test"
local_name = "测试"
zones = [
  { id = "cn-test-a", english_name = "Test A", local_name = "测试 A", resource_types = ["ear"] },
  { id = "cn-test-b" },
]

[[region]]
id = "cn-other"
zones = [{ id = "cn-other-x", english_name = "X" }]
)toml");
  ASSERT_EQ(s.policy.regions.size(), 2u);
  const contracts::RegionInfo& r = s.policy.regions[0];
  EXPECT_EQ(r.id, "cn-test");
  EXPECT_EQ(r.english_name, "Test");
  EXPECT_EQ(r.local_name, "测试");
  ASSERT_EQ(r.zones.size(), 2u);
  EXPECT_EQ(r.zones[0], (contracts::ZoneInfo{"cn-test-a", "测试 A", "Test A", {"ear"}}));
  EXPECT_EQ(r.zones[1], (contracts::ZoneInfo{"cn-test-b", "cn-test-b", "cn-test-b", {"ear", "lens"}}));
  const contracts::RegionInfo& o = s.policy.regions[1];
  EXPECT_EQ(o.english_name, "cn-other");
  EXPECT_EQ(o.local_name, "cn-other");
  EXPECT_EQ(o.zones.at(0), (contracts::ZoneInfo{"cn-other-x", "X", "X", {"ear", "lens"}}));

  EXPECT_EQ(load("").policy.regions, contracts::default_regions());
}

// ---------------------------------------------------------------------------------------
// Fault rules and replay steps

TEST(GroupLoaderTest, FaultsAimAtGroupsGroupOperationsAndDrillStatuses) {
  const Scenario s = load(R"toml([[fault]]
action = ["FailoverDiskReplicaGroup", "ClearReplicaGroupDrill"]
group = "pg-m1h9aaouigsduwgz"
when_status = ["normal", "executed", "clear_failed"]
commit = "after"
error = "RequestTimeout"

[[fault]]
action = "StartReplicaGroupDrill"
transport = "reset"
)toml");
  ASSERT_EQ(s.faults.size(), 2u);
  const FaultSpec& f = s.faults[0];
  EXPECT_EQ(f.actions, (std::vector<std::string>{"FailoverDiskReplicaGroup", "ClearReplicaGroupDrill"}));
  EXPECT_EQ(f.group, "pg-m1h9aaouigsduwgz");
  EXPECT_EQ(f.pair, "");
  EXPECT_EQ(f.when_status, (std::vector<Status>{Status::Normal, Status::Executed, Status::ClearFailed}));
  EXPECT_EQ(s.faults[1].group, "");
}

TEST(GroupLoaderTest, ReplayStepsAcceptTheNewOperationsAndTheirParameters) {
  const Scenario s = load(R"toml([[replay]]
action = "StartReplicaGroupDrill"
params = { RegionId = "cn-shanghai", GroupId = "pg-1" }
status = 504
code = "RequestTimeout"

[[replay]]
action = "TagResources"
params = { ResourceType = "DiskReplicaGroup", "ResourceId.1" = "pg-1", "Tag.1.Key" = "env" }
)toml");
  ASSERT_EQ(s.replay.steps.size(), 2u);
  EXPECT_EQ(s.replay.steps[0].action, "StartReplicaGroupDrill");
  EXPECT_EQ(s.replay.steps[0].params.at("GroupId"), "pg-1");
  EXPECT_EQ(s.replay.steps[1].params.at("ResourceId.1"), "pg-1");
}

TEST(GroupLoaderTest, AFaultOnAnUndeclaredGroupIsALintFindingOnlyWhenAskedFor) {
  constexpr std::string_view kText = R"toml([[group]]
id = "pg-declared"
region = "cn-hangzhou"
destination_region = "cn-shanghai"
status = "created"

[[fault]]
group = "pg-declared"
error = "InternalError"

[[fault]]
group = "pg-declaredd"
error = "InternalError"
)toml";
  EXPECT_TRUE(lint_scenario_string(kText, "g.toml").empty());
  EXPECT_NO_THROW(load_scenario_string(kText, "g.toml"));
  const auto findings = lint_scenario_string(kText, "g.toml", LintOptions{.undeclared_pairs = true});
  ASSERT_EQ(findings.size(), 1u);
  EXPECT_EQ(findings[0].to_string(),
            "g.toml:12:9: group 'pg-declaredd' is not declared in this file (ok if it is created "
            "at run time; --allow-undeclared-pairs silences this)");
}

// ---------------------------------------------------------------------------------------
// One mistake, one report

TEST(GroupLoaderTest, ABrokenPairIsReportedOnceNotAgainByItsGroupDrillOrEvent) {
  const auto findings = lint_scenario_string(R"toml([[pair]]
id = "pair-1"
region = "r1"
destination_region = "r2"
status = "stoped"

[[group]]
id = "pg-1"
region = "r1"
destination_region = "r2"
status = "stopped"
pairs = ["pair-1"]

[[drill]]
id = "pg-drill-1"
group = "pg-1"
status = "executed"
recover_point = 1700000000

[[drill]]
id = "drill-1"
pair = "pair-1"
status = "executed"
recover_point = 1700000000

[[event]]
at = "1s"
drill = "pg-drill-1"
status = "clear_failed"

[[event]]
at = "1s"
pair = "pair-1"
status = "invalid"
)toml", "cascade.toml");
  ASSERT_EQ(findings.size(), 1u) << findings[0].to_string();
  EXPECT_EQ(findings[0].line, 5);
  EXPECT_NE(findings[0].message.find("did you mean 'stopped'?"), std::string::npos);
}

TEST(GroupLoaderTest, EveryProblemOfEveryNewTableIsReportedInFileOrder) {
  const auto findings = lint_scenario_string(R"toml([[group]]
id = "group-1"
region = "r1"
destination_region = "r2"
status = "created"

[[drill]]
id = "drill-1"
status = "executed"

[[event]]
at = "soon"
pair = "pair-x"
status = "invalid"
)toml", "many.toml");
  ASSERT_EQ(findings.size(), 4u);
  EXPECT_EQ(findings[0].line, 2);   // the group id's prefix
  EXPECT_EQ(findings[1].line, 7);   // the drill has no target
  EXPECT_EQ(findings[2].line, 12);  // "soon" is no duration
  EXPECT_EQ(findings[3].line, 13);  // no [[pair]] declares pair-x
}

}  // namespace
}  // namespace ebsmock::scenarios
