// drill_test.cpp: DR drills of pairs and groups in the pure model (ebs-groups.md §6):
// Start*Drill needs a recovery point, answers DrillId and lists the drill at once as
// executing, then executed; Clear is refused while executing, goes clearing, then the
// drill vanishes; replication status never changes; Describe*Drills' exact fields; the
// Policy settings for the open questions (allowed statuses, concurrency, blocking).
#include <gtest/gtest.h>

#include <set>

#include "tests/contracts/group_fixtures.h"

namespace ebsmock::contracts {
namespace {

using namespace testing;

Params pair_drill(std::string pair = "pair-cn-a", std::string region = kDst) {
  return {{"RegionId", std::move(region)}, {"PairId", std::move(pair)}};
}

Params group_drill(std::string group = "pg-1", std::string region = kDst) {
  return {{"RegionId", std::move(region)}, {"GroupId", std::move(group)}};
}

NewIds drill_ids(std::string id, int disks) {
  NewIds ids{.drill_id = std::move(id)};
  for (int i = 1; i <= disks; ++i) ids.drill_disk_ids.push_back("d-disk" + std::to_string(i));
  return ids;
}

World pair_world(Status status, std::optional<std::int64_t> lrp = 1700000000, Policy policy = {}) {
  World w(std::move(policy));
  Pair p = make_pair("pair-cn-a", status);
  p.last_recover_point = lrp;
  w.add_pair(p, kT0);
  return w;
}

std::set<std::string> keys_of(const nlohmann::json& j) {
  std::set<std::string> out;
  for (const auto& [k, v] : j.items()) out.insert(k);
  return out;
}

TEST(PairDrill, ListedAtOnceAsExecutingThenExecutedWithTheDocumentedFields) {
  World w = pair_world(Status::Normal);
  EXPECT_EQ(w.ids_needed(Operation::StartPairDrill, pair_drill()), (IdsNeeded{.drill_id = true, .drill_disk_ids = 1}));
  auto out = w.execute(Operation::StartPairDrill, pair_drill(), kT0, drill_ids("drill-1", 1));
  ASSERT_TRUE(out.ok()) << out.error->code;
  EXPECT_EQ(out.body, (nlohmann::json{{"DrillId", "drill-1"}}));
  EXPECT_EQ(*out.transition, (Transition{"drill-1", std::nullopt, Status::Executing, ResourceKind::Drill}));
  EXPECT_TRUE(out.member_transitions.empty());
  auto listed = w.execute(Operation::DescribePairDrills, pair_drill(), kT0);
  ASSERT_EQ(listed.body["Drills"].size(), 1u);
  const auto& d = listed.body["Drills"][0];
  EXPECT_EQ(keys_of(d), (std::set<std::string>{"DrillId", "Status", "DrillDiskId", "DrillDiskStatus", "StartAt",
                                               "RecoverPoint", "StatusMessage"}));
  EXPECT_EQ(d["DrillId"], "drill-1");
  EXPECT_EQ(d["Status"], "executing");
  EXPECT_EQ(d["DrillDiskId"], "d-disk1");
  EXPECT_EQ(d["DrillDiskStatus"], "creating");
  EXPECT_EQ(d["StartAt"], unix_seconds(kT0));
  EXPECT_EQ(d["RecoverPoint"], 1700000000);
  EXPECT_EQ(d["StatusMessage"], "");
  for (const char* k : {"NextToken", "PageNumber", "PageSize", "TotalCount"}) EXPECT_TRUE(listed.body.contains(k)) << k;
  auto events = w.advance(kT0 + w.policy().timing.drill_execute);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].transition, (Transition{"drill-1", Status::Executing, Status::Executed, ResourceKind::Drill}));
  auto later = w.execute(Operation::DescribePairDrills, pair_drill(), kT0);
  EXPECT_EQ(later.body["Drills"][0]["Status"], "executed");
  EXPECT_EQ(later.body["Drills"][0]["DrillDiskStatus"], "created");
  // Replication goes on: the pair's status never changed.
  EXPECT_EQ(w.find("pair-cn-a")->status, Status::Normal);
}

TEST(PairDrill, ClearIsRefusedWhileExecutingThenClearsAndVanishes) {
  World w = pair_world(Status::Normal);
  ASSERT_TRUE(w.execute(Operation::StartPairDrill, pair_drill(), kT0, drill_ids("drill-1", 1)).ok());
  Params clear = pair_drill();
  clear["DrillId"] = "drill-1";
  auto early = w.execute(Operation::ClearPairDrill, clear, kT0);
  ASSERT_FALSE(early.ok());
  EXPECT_EQ(early.error->code, "OperationDenied.InvalidStatus");  // §10 #8
  EXPECT_EQ(early.error->http_status, 403);
  w.advance(kT0 + 1min);
  auto cleared = w.execute(Operation::ClearPairDrill, clear, kT0 + 1min);
  ASSERT_TRUE(cleared.ok());
  EXPECT_EQ(*cleared.transition, (Transition{"drill-1", Status::Executed, Status::Clearing, ResourceKind::Drill}));
  EXPECT_EQ(w.execute(Operation::DescribePairDrills, clear, kT0 + 1min).body["Drills"][0]["DrillDiskStatus"], "deleting");
  // Clearing again while clearing: accepted, nothing changes.
  auto again = w.execute(Operation::ClearPairDrill, clear, kT0 + 1min);
  EXPECT_TRUE(again.ok());
  EXPECT_FALSE(again.transition);
  auto events = w.advance(kT0 + 1min + w.policy().timing.drill_clear);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_TRUE(events[0].vanished);
  auto gone = w.execute(Operation::DescribePairDrills, clear, kT0 + 2min);
  ASSERT_TRUE(gone.ok());
  EXPECT_TRUE(gone.body.contains("Drills"));
  EXPECT_EQ(gone.body["Drills"], nlohmann::json::array());
  // A Terraform retry of Clear after it is gone: NotFound (TF treats it as an error, §9.4).
  EXPECT_EQ(w.execute(Operation::ClearPairDrill, clear, kT0 + 2min).error->code, "NoSuchResource");
}

TEST(PairDrill, NeedsARecoveryPointAndTheConfiguredStatuses) {
  World never_synced = pair_world(Status::Created, std::nullopt);
  auto refused = never_synced.execute(Operation::StartPairDrill, pair_drill(), kT0, drill_ids("drill-1", 1));
  EXPECT_EQ(refused.error->code, "OperationDenied.RecoverPointNotFound");
  EXPECT_EQ(refused.error->message, "Recover point is not found.");
  EXPECT_TRUE(never_synced.drills().empty());
  const std::set<Status> defaults = {Status::Normal, Status::Syncing, Status::ManualSyncing, Status::Stopped,
                                     Status::Failovered};
  for (Status s : kAllStatuses) {
    World w = pair_world(s);
    auto out = w.execute(Operation::StartPairDrill, pair_drill(), kT0, drill_ids("drill-1", 1));
    EXPECT_EQ(out.ok(), defaults.contains(s)) << to_string(s);
    if (!out.ok()) {
      EXPECT_EQ(out.error->code, "OperationDenied.InvalidStatus") << to_string(s);
    }
  }
  Policy only_stopped;
  only_stopped.drill_statuses = {Status::Stopped};
  EXPECT_FALSE(pair_world(Status::Normal, 1700000000, only_stopped)
                   .execute(Operation::StartPairDrill, pair_drill(), kT0, drill_ids("drill-1", 1))
                   .ok());
  EXPECT_TRUE(pair_world(Status::Stopped, 1700000000, only_stopped)
                  .execute(Operation::StartPairDrill, pair_drill(), kT0, drill_ids("drill-1", 1))
                  .ok());
}

TEST(PairDrill, SecondaryRegionIsEnforcedOnlyWhenSitesAre) {
  World lenient = pair_world(Status::Normal);
  EXPECT_TRUE(lenient.execute(Operation::StartPairDrill, pair_drill("pair-cn-a", kSrc), kT0, drill_ids("drill-1", 1)).ok());
  Policy policy;
  policy.enforce_site_region = true;
  World strict = pair_world(Status::Normal, 1700000000, policy);
  auto out = strict.execute(Operation::StartPairDrill, pair_drill("pair-cn-a", kSrc), kT0, drill_ids("drill-1", 1));
  EXPECT_EQ(out.error->code, "OperationDenied.StartDrillShouldOnDestRegion");
  EXPECT_TRUE(strict.execute(Operation::StartPairDrill, pair_drill("pair-cn-a", kDst), kT0, drill_ids("drill-1", 1)).ok());
  EXPECT_EQ(strict.execute(Operation::StartPairDrill, pair_drill("pair-cn-a", "cn-beijing"), kT0, drill_ids("drill-2", 1))
                .error->code,
            "NoSuchResource");
}

TEST(PairDrill, ConcurrentDrillsFollowPolicy) {
  // Default: no limit, so Terraform's fresh-token retry after an ambiguous failure makes a
  // second drill (the harness reports that).
  World w = pair_world(Status::Normal);
  EXPECT_TRUE(w.execute(Operation::StartPairDrill, pair_drill(), kT0, drill_ids("drill-1", 1)).ok());
  EXPECT_TRUE(w.execute(Operation::StartPairDrill, pair_drill(), kT0, drill_ids("drill-2", 1)).ok());
  EXPECT_EQ(w.execute(Operation::DescribePairDrills, pair_drill(), kT0).body["TotalCount"], 2);
  Policy one;
  one.max_active_drills = 1;
  World limited = pair_world(Status::Normal, 1700000000, one);
  EXPECT_TRUE(limited.execute(Operation::StartPairDrill, pair_drill(), kT0, drill_ids("drill-1", 1)).ok());
  EXPECT_EQ(limited.execute(Operation::StartPairDrill, pair_drill(), kT0, drill_ids("drill-2", 1)).error->code,
            "OperationDenied");
  limited.advance(kT0 + 1min);
  Params clear = pair_drill();
  clear["DrillId"] = "drill-1";
  ASSERT_TRUE(limited.execute(Operation::ClearPairDrill, clear, kT0 + 1min).ok());
  limited.advance(kT0 + 2min);
  EXPECT_TRUE(limited.execute(Operation::StartPairDrill, pair_drill(), kT0 + 2min, drill_ids("drill-3", 1)).ok());
}

TEST(PairDrill, BlockingChangesFollowsPolicy) {
  for (bool blocks : {false, true}) {
    Policy policy;
    policy.drills_block_changes = blocks;
    World w = pair_world(Status::Stopped, 1700000000, policy);
    ASSERT_TRUE(w.execute(Operation::StartPairDrill, pair_drill(), kT0, drill_ids("drill-1", 1)).ok());
    auto del = w.execute(Operation::DeleteDiskReplicaPair, {{"RegionId", kSrc}, {"ReplicaPairId", "pair-cn-a"}}, kT0);
    EXPECT_EQ(del.ok(), !blocks);
    if (blocks) {
      EXPECT_EQ(del.error->code, "OperationDenied");
    }
  }
}

TEST(PairDrill, AVanishedPairTakesItsDrillsWithIt) {
  World w = pair_world(Status::Stopped);
  ASSERT_TRUE(w.execute(Operation::StartPairDrill, pair_drill(), kT0, drill_ids("drill-1", 1)).ok());
  ASSERT_TRUE(w.execute(Operation::DeleteDiskReplicaPair, {{"RegionId", kSrc}, {"ReplicaPairId", "pair-cn-a"}}, kT0).ok());
  auto events = w.advance(kT0 + 1h);
  ASSERT_FALSE(events.empty());
  EXPECT_TRUE(events.back().vanished);
  EXPECT_EQ(events.back().transition.kind, ResourceKind::Drill);
  EXPECT_TRUE(w.drills().empty());
  EXPECT_EQ(w.execute(Operation::DescribePairDrills, pair_drill(), kT0 + 1h).error->code, "NoSuchResource");
}

TEST(PairDrill, ForcedFailuresShowTheDocumentedDetails) {
  World w = pair_world(Status::Normal);
  ASSERT_TRUE(w.execute(Operation::StartPairDrill, pair_drill(), kT0, drill_ids("drill-1", 1)).ok());
  auto t = w.force_drill_status("drill-1", Status::ExecuteFailed, kT0);
  EXPECT_EQ(*t, (Transition{"drill-1", Status::Executing, Status::ExecuteFailed, ResourceKind::Drill}));
  auto d = w.execute(Operation::DescribePairDrills, pair_drill(), kT0).body["Drills"][0];
  EXPECT_EQ(d["StatusMessage"], "PAIR_SYNCPOINT_NOT_FOUND");
  EXPECT_EQ(d["DrillDiskStatus"], "CreateDiskFailed");
  EXPECT_TRUE(w.advance(kT0 + 1h).empty());  // failed statuses stay
  Params clear = pair_drill();
  clear["DrillId"] = "drill-1";
  ASSERT_TRUE(w.execute(Operation::ClearPairDrill, clear, kT0 + 1h).ok());
  w.force_drill_status("drill-1", Status::ClearFailed, kT0 + 1h);
  EXPECT_EQ(w.execute(Operation::DescribePairDrills, pair_drill(), kT0).body["Drills"][0]["DrillDiskStatus"],
            "DeleteDiskFailed");
  EXPECT_TRUE(w.execute(Operation::ClearPairDrill, clear, kT0 + 1h).ok());  // clear_failed: retry
  EXPECT_FALSE(w.force_drill_status("drill-nope", Status::Executed, kT0));
  EXPECT_THROW(w.force_drill_status("drill-1", Status::Normal, kT0), std::invalid_argument);
}

TEST(PairDrill, DescribeFiltersByDrillIdAndPages) {
  World w = pair_world(Status::Normal);
  for (int i = 0; i < 12; ++i) {
    ASSERT_TRUE(w.execute(Operation::StartPairDrill, pair_drill(), kT0 + std::chrono::seconds(i),
                          drill_ids("drill-" + std::to_string(100 + i), 1))
                    .ok());
  }
  Params one = pair_drill();
  one["DrillId"] = "drill-105";
  auto filtered = w.execute(Operation::DescribePairDrills, one, kT0);
  ASSERT_EQ(filtered.body["Drills"].size(), 1u);
  EXPECT_EQ(filtered.body["Drills"][0]["DrillId"], "drill-105");
  std::vector<std::string> seen;
  std::string token;
  for (int guard = 0; guard < 5; ++guard) {
    Params params = pair_drill();
    params["MaxResults"] = "5";
    if (!token.empty()) params["NextToken"] = token;
    auto out = w.execute(Operation::DescribePairDrills, params, kT0);
    for (const auto& d : out.body["Drills"]) seen.push_back(d["DrillId"]);
    token = out.body["NextToken"];
    if (token.empty()) break;
  }
  ASSERT_EQ(seen.size(), 12u);
  EXPECT_EQ(seen.front(), "drill-100");  // oldest first
  EXPECT_EQ(seen.back(), "drill-111");
}

TEST(GroupDrill, OneDrillDiskPerMemberAndTheGroupKeepsReplicating) {
  World w = group_world(Status::Normal, 3);
  EXPECT_EQ(w.ids_needed(Operation::StartReplicaGroupDrill, group_drill()),
            (IdsNeeded{.drill_id = true, .drill_disk_ids = 3}));
  auto out = w.execute(Operation::StartReplicaGroupDrill, group_drill(), kT0, drill_ids("pg-drill-1", 3));
  ASSERT_TRUE(out.ok()) << out.error->code;
  EXPECT_EQ(out.body, (nlohmann::json{{"DrillId", "pg-drill-1"}}));
  auto listed = w.execute(Operation::DescribeReplicaGroupDrills, group_drill(), kT0);
  ASSERT_EQ(listed.body["Drills"].size(), 1u);
  const auto& d = listed.body["Drills"][0];
  EXPECT_EQ(keys_of(d), (std::set<std::string>{"DrillId", "GroupId", "Status", "StartAt", "RecoverPoint",
                                               "StatusMessage", "PairsInfo"}));
  EXPECT_EQ(d["GroupId"], "pg-1");
  EXPECT_EQ(d["Status"], "executing");
  EXPECT_EQ(d["PairsInfo"], nlohmann::json::parse(R"([
      {"PairId":"pair-cn-m1","DrillDiskId":"d-disk1","DrillDiskStatus":"creating"},
      {"PairId":"pair-cn-m2","DrillDiskId":"d-disk2","DrillDiskStatus":"creating"},
      {"PairId":"pair-cn-m3","DrillDiskId":"d-disk3","DrillDiskStatus":"creating"}])"));
  w.advance(kT0 + 1min);
  EXPECT_EQ(w.find_drill("pg-drill-1")->status, Status::Executed);
  EXPECT_EQ(w.find_group("pg-1")->status, Status::Normal);
  EXPECT_EQ(mirror_violation(w), "");
  Params clear = group_drill();
  clear["DrillId"] = "pg-drill-1";
  ASSERT_TRUE(w.execute(Operation::ClearReplicaGroupDrill, clear, kT0 + 1min).ok());
  w.advance(kT0 + 2min);
  EXPECT_EQ(w.execute(Operation::DescribeReplicaGroupDrills, clear, kT0 + 2min).body["Drills"], nlohmann::json::array());
}

TEST(GroupDrill, RefusesEmptyNeverSyncedAndTooFewIds) {
  World empty = group_world(Status::Stopped, 0);
  EXPECT_EQ(empty.execute(Operation::StartReplicaGroupDrill, group_drill(), kT0, drill_ids("pg-drill-1", 0)).error->code,
            "OperationDenied");
  World never = group_world(Status::Stopped, 2, std::nullopt);
  EXPECT_EQ(never.execute(Operation::StartReplicaGroupDrill, group_drill(), kT0, drill_ids("pg-drill-1", 2)).error->code,
            "OperationDenied.RecoverPointNotFound");
  World w = group_world(Status::Normal, 2);
  EXPECT_EQ(w.execute(Operation::StartReplicaGroupDrill, group_drill(), kT0, drill_ids("pg-drill-1", 1)).error->code,
            "InternalError");
  EXPECT_TRUE(w.drills().empty());
  // A drill of another group is unknown to this one.
  w.add_group(make_group("pg-2", Status::Created), kT0);
  ASSERT_TRUE(w.execute(Operation::StartReplicaGroupDrill, group_drill(), kT0, drill_ids("pg-drill-1", 2)).ok());
  Params clear = group_drill("pg-2");
  clear["DrillId"] = "pg-drill-1";
  EXPECT_EQ(w.execute(Operation::ClearReplicaGroupDrill, clear, kT0).error->code, "NoSuchResource");
}

TEST(GroupDrill, ADrillBlocksRemoveOnlyWhenPolicySays) {
  for (bool blocks : {false, true}) {
    Policy policy;
    policy.drills_block_changes = blocks;
    World w = group_world(Status::Stopped, 2, 1700000000, 0, Status::Created, policy);
    ASSERT_TRUE(w.execute(Operation::StartReplicaGroupDrill, group_drill(), kT0, drill_ids("pg-drill-1", 2)).ok());
    auto out = w.execute(Operation::RemoveDiskReplicaPair, membership_call("pg-1", "pair-cn-m1"), kT0);
    EXPECT_EQ(out.ok(), !blocks);
  }
}

TEST(DrillSetUp, AddDrillLoadsRunningAndFinishedDrills) {
  World w = group_world(Status::Normal, 2);
  Drill running;
  running.id = "pg-drill-abc";
  running.target_kind = ResourceKind::Group;
  running.target_id = "pg-1";
  running.status = Status::Executing;
  w.add_drill(running, kT0);
  const Drill& loaded = *w.find_drill("pg-drill-abc");
  EXPECT_EQ(loaded.recover_point, 1700000000);
  ASSERT_EQ(loaded.disks.size(), 2u);
  EXPECT_EQ(loaded.disks[1], (DrillDisk{"pair-cn-m2", "d-abc-2"}));
  w.advance(kT0 + 1min);
  EXPECT_EQ(w.find_drill("pg-drill-abc")->status, Status::Executed);

  auto attempt = [&](Drill d) {
    try {
      World copy = w;
      copy.add_drill(std::move(d), kT0);
    } catch (const std::invalid_argument& e) {
      return std::string(e.what());
    }
    return std::string();
  };
  Drill bad = running;
  EXPECT_NE(attempt(bad).find("exists already"), std::string::npos);
  bad.id = "drill-x";
  bad.target_id = "pg-nope";
  EXPECT_NE(attempt(bad).find("does not exist"), std::string::npos);
  bad.target_id = "pg-1";
  bad.status = Status::Normal;
  EXPECT_NE(attempt(bad).find("not a drill status"), std::string::npos);
  World unsynced = group_world(Status::Stopped, 1, std::nullopt);
  Drill needs_point;
  needs_point.id = "drill-y";
  needs_point.target_id = "pair-cn-m1";
  try {
    unsynced.add_drill(needs_point, kT0);
    ADD_FAILURE() << "no recovery point accepted";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("recover_point"), std::string::npos);
  }
  needs_point.recover_point = 1600000000;
  EXPECT_NO_THROW(unsynced.add_drill(needs_point, kT0));
}

}  // namespace
}  // namespace ebsmock::contracts
