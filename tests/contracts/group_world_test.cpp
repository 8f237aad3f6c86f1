// group_world_test.cpp: groups in the pure model. Each group operation's documented effect
// on the group and all its members, DescribeDiskReplicaGroups' fields, filters and paging,
// the Terraform group sequence of ebs-groups.md §5.3 run on the model (no HTTP), and
// RapidCheck properties over random histories of group and pair operations, drills,
// member failures and time: members always mirror their group (atomicity), a time jump
// equals stepping second by second, transient statuses settle, and LastRecoverPoint
// appears exactly when the group first reaches normal.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <algorithm>
#include <functional>

#include "tests/contracts/group_fixtures.h"

namespace ebsmock::contracts {
namespace {

using namespace testing;

TEST(GroupWorld, CreateEntersCreatingThenCreatedWithTheDocumentedFields) {
  World w;
  Params params = create_group_params();
  params["GroupName"] = "db-disks";
  params["Description"] = "the database";
  params["ResourceGroupId"] = "rg-1";
  params["Tag.1.Key"] = "env";
  params["Tag.1.Value"] = "prod";
  auto out = w.execute(Operation::CreateDiskReplicaGroup, params, kT0, {.group_id = "pg-new"});
  ASSERT_TRUE(out.ok());
  EXPECT_EQ(out.body, (nlohmann::json{{"ReplicaGroupId", "pg-new"}}));
  EXPECT_EQ(*out.transition, (Transition{"pg-new", std::nullopt, Status::Creating, ResourceKind::Group}));
  w.advance(kT0 + w.policy().timing.create);
  auto described = w.execute(Operation::DescribeDiskReplicaGroups, {{"RegionId", kSrc}}, kT0);
  ASSERT_EQ(described.body["ReplicaGroups"].size(), 1u);
  const auto& g = described.body["ReplicaGroups"][0];
  EXPECT_EQ(g["Status"], "created");
  EXPECT_EQ(g["ReplicaGroupId"], "pg-new");
  EXPECT_EQ(g["GroupName"], "db-disks");
  EXPECT_EQ(g["Description"], "the database");
  EXPECT_EQ(g["ResourceGroupId"], "rg-1");
  EXPECT_EQ(g["RPO"], 900);
  EXPECT_EQ(g["Bandwidth"], 0);
  EXPECT_EQ(g["EnableRtc"], false);
  EXPECT_EQ(g["SourceRegionId"], kSrc);
  EXPECT_EQ(g["SourceZoneId"], "cn-hangzhou-h");
  EXPECT_EQ(g["DestinationRegionId"], kDst);
  EXPECT_EQ(g["DestinationZoneId"], "cn-shanghai-e");
  EXPECT_EQ(g["PrimaryRegion"], kSrc);
  EXPECT_EQ(g["StandbyZone"], "cn-shanghai-e");
  EXPECT_EQ(g["Site"], "production");
  EXPECT_EQ(g["PairIds"], nlohmann::json::array());  // always an array
  EXPECT_EQ(g["PairNumber"], 0);
  EXPECT_FALSE(g.contains("LastRecoverPoint"));  // absent before the first sync, never 0
  EXPECT_EQ(g["Tags"], nlohmann::json::parse(R"([{"TagKey":"env","TagValue":"prod"}])"));
  // §3.1: no pair-only fields.
  for (const char* absent : {"StatusMessage", "CreateTime", "ExpiredTime", "ChargeType"}) {
    EXPECT_FALSE(g.contains(absent)) << absent;
  }
}

TEST(GroupWorld, CreateWithoutANewIdIsAnInternalErrorNotAGroupWithoutId) {
  World w;
  auto out = w.execute(Operation::CreateDiskReplicaGroup, create_group_params(), kT0);
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(out.error->code, "InternalError");
  EXPECT_TRUE(w.groups().empty());
  EXPECT_EQ(w.ids_needed(Operation::CreateDiskReplicaGroup, {}), (IdsNeeded{.group_id = true}));
}

TEST(GroupWorld, EmptyGroupLimitFollowsPolicy) {
  Policy policy;
  policy.max_empty_groups = 1;
  World w(policy);
  EXPECT_TRUE(w.execute(Operation::CreateDiskReplicaGroup, create_group_params(), kT0, {.group_id = "pg-a"}).ok());
  auto out = w.execute(Operation::CreateDiskReplicaGroup, create_group_params(), kT0, {.group_id = "pg-b"});
  EXPECT_EQ(out.error->code, "OperationDenied.TooMuchEmptyGroup");
}

TEST(GroupWorld, StartMovesEveryMemberAndLastRecoverPointAppearsWithNormal) {
  World w = group_world(Status::Created, 3, std::nullopt);
  auto out = w.execute(Operation::StartDiskReplicaGroup, group_call(), kT0);
  ASSERT_TRUE(out.ok());
  EXPECT_EQ(out.transition->to, Status::InitialSyncing);
  ASSERT_EQ(out.member_transitions.size(), 3u);
  EXPECT_EQ(out.member_transitions[0].id, "pair-cn-m1");
  EXPECT_EQ(out.member_transitions[2].id, "pair-cn-m3");
  const Duration sync = w.policy().timing.initial_sync;
  EXPECT_TRUE(w.advance(kT0 + sync - 1ms).empty());
  auto mid = w.execute(Operation::DescribeDiskReplicaGroups, {{"RegionId", kSrc}}, kT0 + sync - 1ms);
  EXPECT_EQ(mid.body["ReplicaGroups"][0]["Status"], "initial_syncing");
  EXPECT_FALSE(mid.body["ReplicaGroups"][0].contains("LastRecoverPoint"));
  auto events = w.advance(kT0 + sync);
  ASSERT_EQ(events.size(), 4u);
  EXPECT_EQ(events[0].transition, (Transition{"pg-1", Status::InitialSyncing, Status::Normal, ResourceKind::Group}));
  for (std::size_t i = 1; i < 4; ++i) {
    EXPECT_EQ(events[i].transition.kind, ResourceKind::Pair);
    EXPECT_EQ(events[i].transition.to, Status::Normal);
    EXPECT_EQ(events[i].at, events[0].at);
  }
  auto done = w.execute(Operation::DescribeDiskReplicaGroups, {{"RegionId", kSrc}}, kT0 + sync);
  EXPECT_EQ(done.body["ReplicaGroups"][0]["Status"], "normal");
  EXPECT_EQ(done.body["ReplicaGroups"][0]["LastRecoverPoint"], unix_seconds(kT0 + sync));
  auto pairs = w.execute(Operation::DescribeDiskReplicaPairs, {{"RegionId", kSrc}, {"ReplicaGroupId", "pg-1"}}, kT0);
  ASSERT_EQ(pairs.body["ReplicaPairs"].size(), 3u);
  for (const auto& p : pairs.body["ReplicaPairs"]) {
    EXPECT_EQ(p["Status"], "normal");
    EXPECT_EQ(p["LastRecoverPoint"], unix_seconds(kT0 + sync));
    EXPECT_EQ(p["ReplicaGroupId"], "pg-1");
    EXPECT_EQ(p["ReplicaGroupName"], "group-pg-1");
  }
}

TEST(GroupWorld, SyncCyclesMoveTheGroupAndMembersTogether) {
  Policy policy;
  policy.timing.sync_cycle = 60s;
  policy.timing.sync = 5s;
  World w = group_world(Status::Normal, 2, 1700000000, 0, Status::Created, policy);
  auto events = w.advance(kT0 + 60s);
  ASSERT_EQ(events.size(), 3u);
  EXPECT_EQ(w.find_group("pg-1")->status, Status::Syncing);
  EXPECT_EQ(w.find("pair-cn-m2")->status, Status::Syncing);
  w.advance(kT0 + 65s);
  EXPECT_EQ(w.find_group("pg-1")->last_recover_point, unix_seconds(kT0 + 65s));
  EXPECT_EQ(w.find("pair-cn-m1")->last_recover_point, unix_seconds(kT0 + 65s));
  EXPECT_EQ(mirror_violation(w), "");
}

TEST(GroupWorld, StartOnAnEmptyGroupIsNoPairInGroup) {
  World w = group_world(Status::Created, 0, std::nullopt);
  EXPECT_EQ(w.execute(Operation::StartDiskReplicaGroup, group_call(), kT0).error->code,
            "OperationDenied.NoPairInGroup");
  EXPECT_EQ(w.execute(Operation::FailoverDiskReplicaGroup, group_call(), kT0).error->code,
            "OperationDenied.InvalidStatus");  // created: not a Failover status
}

TEST(GroupWorld, OneShotSyncsMustBeMoreThanHalfTheRpoApart) {
  World w = group_world(Status::Stopped, 1);
  Params one_shot = group_call();
  one_shot["OneShot"] = "true";
  ASSERT_TRUE(w.execute(Operation::StartDiskReplicaGroup, one_shot, kT0).ok());
  w.advance(kT0 + 450s);
  ASSERT_EQ(w.find_group("pg-1")->status, Status::Stopped);
  auto early = w.execute(Operation::StartDiskReplicaGroup, one_shot, kT0 + 450s);
  ASSERT_FALSE(early.ok());
  EXPECT_EQ(early.error->code, "OperationDenied.ManualSyncLimit");
  EXPECT_EQ(early.error->http_status, 403);
  w.advance(kT0 + 451s);
  EXPECT_TRUE(w.execute(Operation::StartDiskReplicaGroup, one_shot, kT0 + 451s).ok());
}

TEST(GroupWorld, PairOneShotGapFollowsPolicy) {
  for (bool enforced : {false, true}) {
    Policy policy;
    policy.one_shot_gap_for_pairs = enforced;
    World w(policy);
    w.add_pair(make_pair("pair-cn-a", Status::Stopped), kT0);
    Params one_shot{{"RegionId", kSrc}, {"ReplicaPairId", "pair-cn-a"}, {"OneShot", "true"}};
    ASSERT_TRUE(w.execute(Operation::StartDiskReplicaPair, one_shot, kT0).ok());
    w.advance(kT0 + 60s);
    auto again = w.execute(Operation::StartDiskReplicaPair, one_shot, kT0 + 60s);
    EXPECT_EQ(again.ok(), !enforced);
    if (enforced) {
      EXPECT_EQ(again.error->code, "OperationDenied.ManualSyncLimit");
    }
  }
}

TEST(GroupWorld, FailoverNeedsTheFirstFullSync) {
  World w = group_world(Status::Stopped, 1, std::nullopt);
  EXPECT_EQ(w.execute(Operation::FailoverDiskReplicaGroup, group_call(), kT0).error->code,
            "OperationDenied.InvalidStatus");
}

TEST(GroupWorld, ReprotectKeepsTheSitesEitherWay) {
  for (const char* reverse : {"true", "false"}) {
    World w = group_world(Status::Failovered, 1);
    Params params = group_call();
    params["ReverseReplicate"] = reverse;
    ASSERT_TRUE(w.execute(Operation::ReprotectDiskReplicaGroup, params, kT0).ok());
    w.advance(kT0 + 1h);
    EXPECT_EQ(w.find_group("pg-1")->status, Status::Stopped);
    EXPECT_EQ(w.find_group("pg-1")->source_region, kSrc);
    EXPECT_EQ(w.find("pair-cn-m1")->source_region, kSrc);
    EXPECT_EQ(w.find("pair-cn-m1")->status, Status::Stopped);
  }
}

TEST(GroupWorld, DeleteNeedsAnEmptyGroupAndTheGroupVanishes) {
  World w = group_world(Status::Stopped, 1);
  auto refused = w.execute(Operation::DeleteDiskReplicaGroup, group_call(), kT0);
  EXPECT_EQ(refused.error->code, "OperationDenied.GroupHasPair");
  EXPECT_EQ(refused.error->message, "The group cannot be deleted due to not empty.");
  ASSERT_TRUE(w.execute(Operation::RemoveDiskReplicaPair, membership_call("pg-1", "pair-cn-m1"), kT0).ok());
  ASSERT_TRUE(w.execute(Operation::DeleteDiskReplicaGroup, group_call(), kT0).ok());
  auto events = w.advance(kT0 + w.policy().timing.delete_);
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].transition.to, Status::Deleted);
  EXPECT_TRUE(events[1].vanished);
  EXPECT_EQ(w.find_group("pg-1"), nullptr);
  auto described = w.execute(Operation::DescribeDiskReplicaGroups, {{"RegionId", kSrc}, {"GroupIds", "pg-1"}}, kT0);
  EXPECT_EQ(described.body["ReplicaGroups"], nlohmann::json::array());
  EXPECT_EQ(w.execute(Operation::DeleteDiskReplicaGroup, group_call(), kT0).error->code, "NoSuchResource");
}

TEST(GroupWorld, EnforcedSitesSendFailoverToTheSecondaryAndDeleteToThePrimary) {
  Policy policy;
  policy.enforce_site_region = true;
  World w = group_world(Status::Normal, 1, 1700000000, 0, Status::Created, policy);
  EXPECT_EQ(w.execute(Operation::FailoverDiskReplicaGroup, group_call(), kT0).error->code,
            "OperationDenied.OperateNotAllowedForPrimary");
  ASSERT_TRUE(w.execute(Operation::FailoverDiskReplicaGroup, group_call("pg-1", kDst), kT0).ok());
  World empty = group_world(Status::Stopped, 0, 1700000000, 0, Status::Created, policy);
  EXPECT_EQ(empty.execute(Operation::DeleteDiskReplicaGroup, group_call("pg-1", kDst), kT0).error->code,
            "OperationDenied.OperateNotAllowedForStandby");
  // Off (the default): Terraform's provider region works for Failover.
  World lenient = group_world(Status::Normal, 1);
  EXPECT_TRUE(lenient.execute(Operation::FailoverDiskReplicaGroup, group_call(), kT0).ok());
}

TEST(GroupWorld, SameRegionCrossZoneGroupsWork) {
  // §10 #2: TFT creates same-region cross-zone pairs and groups.
  World w;
  Pair p = make_pair("pair-cn-a", Status::Created, kSrc, kSrc);
  p.destination_zone = "cn-hangzhou-i";
  w.add_pair(p, kT0);
  Params create = create_group_params();
  create["DestinationRegionId"] = kSrc;
  create["DestinationZoneId"] = "cn-hangzhou-i";
  ASSERT_TRUE(w.execute(Operation::CreateDiskReplicaGroup, create, kT0, {.group_id = "pg-same"}).ok());
  w.advance(kT0 + 1h);
  EXPECT_TRUE(w.execute(Operation::AddDiskReplicaPair, membership_call("pg-same", "pair-cn-a"), kT0 + 1h).ok());
  auto described = w.execute(Operation::DescribeDiskReplicaGroups, {{"RegionId", kSrc}}, kT0 + 1h);
  EXPECT_EQ(described.body["ReplicaGroups"][0]["Site"], "production");
  auto backup = w.execute(Operation::DescribeDiskReplicaGroups, {{"RegionId", kSrc}, {"Site", "backup"}}, kT0 + 1h);
  EXPECT_EQ(backup.body["ReplicaGroups"][0]["Site"], "backup");
}

TEST(GroupWorld, DescribeFiltersBySiteNameResourceGroupTagAndIds) {
  World w;
  Group a = make_group("pg-a", Status::Created);
  a.name = "alpha";
  a.resource_group_id = "rg-1";
  a.tags = {{"env", "prod"}};
  Group b = make_group("pg-b", Status::Created, {}, kSrc, "cn-beijing");
  b.name = "beta";
  Group c = make_group("pg-c", Status::Created, {}, "cn-beijing", kSrc);
  w.add_group(a, kT0);
  w.add_group(b, kT0);
  w.add_group(c, kT0);
  auto ids = [&](Params params) {
    std::vector<std::string> out;
    auto outcome = w.execute(Operation::DescribeDiskReplicaGroups, params, kT0);
    for (const auto& g : outcome.body["ReplicaGroups"]) out.push_back(g["ReplicaGroupId"]);
    return out;
  };
  using V = std::vector<std::string>;
  EXPECT_EQ(ids({{"RegionId", kSrc}}), (V{"pg-a", "pg-b", "pg-c"}));
  EXPECT_EQ(ids({{"RegionId", kSrc}, {"Site", "production"}}), (V{"pg-a", "pg-b"}));
  EXPECT_EQ(ids({{"RegionId", kSrc}, {"Site", "backup"}}), (V{"pg-c"}));
  EXPECT_EQ(ids({{"RegionId", kDst}}), (V{"pg-a"}));
  EXPECT_EQ(ids({{"RegionId", kSrc}, {"Name", "alp"}}), (V{"pg-a"}));
  EXPECT_EQ(ids({{"RegionId", kSrc}, {"ResourceGroupId", "rg-1"}}), (V{"pg-a"}));
  EXPECT_EQ(ids({{"RegionId", kSrc}, {"Tag.1.Key", "env"}}), (V{"pg-a"}));
  EXPECT_EQ(ids({{"RegionId", kSrc}, {"Tag.1.Key", "env"}, {"Tag.1.Value", "dev"}}), V{});
  EXPECT_EQ(ids({{"RegionId", kSrc}, {"GroupIds", "pg-c, pg-nope,pg-a"}}), (V{"pg-a", "pg-c"}));
  EXPECT_EQ(ids({{"RegionId", "cn-shenzhen"}}), V{});
  auto c_record = w.execute(Operation::DescribeDiskReplicaGroups, {{"RegionId", kSrc}, {"GroupIds", "pg-c"}}, kT0);
  EXPECT_EQ(c_record.body["ReplicaGroups"][0]["Site"], "backup");
}

TEST(GroupWorld, DescribePagesEveryGroupExactlyOnceInBothStyles) {
  World w;
  for (int i = 0; i < 23; ++i) w.add_group(make_group("pg-" + std::to_string(100 + i), Status::Created), kT0);
  std::vector<std::string> by_page;
  for (int page = 1; page <= 5; ++page) {
    auto out = w.execute(Operation::DescribeDiskReplicaGroups,
                         {{"RegionId", kSrc}, {"PageNumber", std::to_string(page)}, {"PageSize", "5"}}, kT0);
    EXPECT_EQ(out.body["TotalCount"], 23);
    EXPECT_EQ(out.body["PageNumber"], page);
    for (const auto& g : out.body["ReplicaGroups"]) by_page.push_back(g["ReplicaGroupId"]);
  }
  std::vector<std::string> by_token;
  std::string token;
  for (int guard = 0; guard < 10; ++guard) {
    Params params{{"RegionId", kSrc}, {"MaxResults", "7"}};
    if (!token.empty()) params["NextToken"] = token;
    auto out = w.execute(Operation::DescribeDiskReplicaGroups, params, kT0);
    for (const auto& g : out.body["ReplicaGroups"]) by_token.push_back(g["ReplicaGroupId"]);
    token = out.body["NextToken"];
    if (token.empty()) break;
  }
  EXPECT_EQ(by_page.size(), 23u);
  EXPECT_EQ(by_token, by_page);
  auto bad = w.execute(Operation::DescribeDiskReplicaGroups, {{"RegionId", kSrc}, {"NextToken", "garbage"}}, kT0);
  EXPECT_EQ(bad.error->code, "InvalidParameter");
}

TEST(GroupWorld, AMemberGoingInvalidMakesTheGroupInvalidWhileTheOthersFinish) {
  World w = group_world(Status::Normal, 3);
  ASSERT_TRUE(w.execute(Operation::FailoverDiskReplicaGroup, group_call(), kT0).ok());
  std::vector<Transition> changes;
  w.force_status("pair-cn-m2", Status::Invalid, kT0 + 1s, &changes);
  ASSERT_EQ(changes.size(), 1u);
  EXPECT_EQ(changes[0].to, Status::Invalid);
  EXPECT_EQ(w.find_group("pg-1")->status, Status::Invalid);
  EXPECT_EQ(mirror_violation(w), "");
  auto events = w.advance(kT0 + 1h);
  // The healthy members complete the failover; the group keeps showing invalid.
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(w.find("pair-cn-m1")->status, Status::Failovered);
  EXPECT_EQ(w.find("pair-cn-m2")->status, Status::Invalid);
  EXPECT_EQ(w.find_group("pg-1")->status, Status::Invalid);
  EXPECT_EQ(w.find_group("pg-1")->healthy_status, Status::Failovered);
  // Repairing the member (a back door, as breaking it was) restores the group.
  w.force_status("pair-cn-m2", Status::Failovered, kT0 + 1h, &changes);
  EXPECT_EQ(w.find_group("pg-1")->status, Status::Failovered);
  EXPECT_EQ(mirror_violation(w), "");
}

TEST(GroupWorld, ForcedGroupStatusMovesEveryMember) {
  World w = group_world(Status::Normal, 2);
  auto ts = w.force_group_status("pg-1", Status::Stopping, kT0);
  ASSERT_EQ(ts.size(), 3u);
  EXPECT_EQ(ts[0].kind, ResourceKind::Group);
  EXPECT_EQ(mirror_violation(w), "");
  w.advance(kT0 + 1h);
  EXPECT_EQ(w.find("pair-cn-m2")->status, Status::Stopped);
  EXPECT_TRUE(w.force_group_status("pg-nope", Status::Stopped, kT0).empty());
  EXPECT_THROW(w.force_group_status("pg-1", Status::Executing, kT0), std::invalid_argument);
  EXPECT_THROW(w.force_status("pair-cn-m1", Status::Clearing, kT0), std::invalid_argument);
}

TEST(GroupWorld, AddGroupRefusesWorldsTheModelCannotHold) {
  auto attempt = [](std::function<void(World&)> setup, Group g) {
    World w;
    setup(w);
    try {
      w.add_group(std::move(g), kT0);
    } catch (const std::invalid_argument& e) {
      return std::string(e.what());
    }
    return std::string();
  };
  auto two_pairs = [](Status a, Status b) {
    return [=](World& w) {
      w.add_pair(make_pair("pair-cn-a", a), kT0);
      w.add_pair(make_pair("pair-cn-b", b), kT0);
    };
  };
  EXPECT_NE(attempt(two_pairs(Status::Normal, Status::Stopped), make_group("pg-1", Status::Normal, {"pair-cn-a", "pair-cn-b"}))
                .find("pair-cn-b is stopped but its group is normal"),
            std::string::npos);
  EXPECT_NE(attempt(two_pairs(Status::Normal, Status::Normal), make_group("pg-1", Status::Normal, {"pair-cn-x"}))
                .find("does not exist"),
            std::string::npos);
  EXPECT_NE(attempt([](World& w) { w.add_pair(make_pair("pair-cn-a", Status::Stopped, kSrc, "cn-beijing"), kT0); },
                    make_group("pg-1", Status::Stopped, {"pair-cn-a"}))
                .find("regions and zones must match"),
            std::string::npos);
  EXPECT_NE(attempt(two_pairs(Status::Deleting, Status::Deleting), make_group("pg-1", Status::Deleting, {"pair-cn-a"}))
                .find("cannot have pairs"),
            std::string::npos);
  EXPECT_NE(attempt(two_pairs(Status::Invalid, Status::Normal), make_group("pg-1", Status::Normal, {"pair-cn-a"}))
                .find("is invalid but its group is normal"),
            std::string::npos);
  EXPECT_NE(attempt(two_pairs(Status::Normal, Status::Stopped), make_group("pg-1", Status::Invalid, {"pair-cn-a", "pair-cn-b"}))
                .find("must share one status"),
            std::string::npos);
  // Fine: an invalid group with one invalid member and healthy ones sharing a status.
  EXPECT_EQ(attempt(two_pairs(Status::Invalid, Status::Normal), make_group("pg-1", Status::Invalid, {"pair-cn-a", "pair-cn-b"})), "");
}

TEST(GroupWorld, AGroupLoadedFailedOverHasItsMembersFailedOver) {
  World w;
  w.add_pair(make_pair("pair-cn-a", Status::Failovered), kT0);
  w.add_pair(make_pair("pair-cn-b", Status::Failovered), kT0);
  Group g = make_group("pg-1", Status::Failovered, {"pair-cn-b", "pair-cn-a"});
  g.last_recover_point = 1700000000;
  g.rpo = 900;
  w.add_group(g, kT0);
  EXPECT_EQ(w.find_group("pg-1")->pair_ids, (std::vector<std::string>{"pair-cn-a", "pair-cn-b"}));
  EXPECT_EQ(w.find("pair-cn-a")->replica_group_id, "pg-1");
  EXPECT_EQ(w.find("pair-cn-a")->last_recover_point, 1700000000);
  EXPECT_EQ(mirror_violation(w), "");
  ASSERT_TRUE(w.execute(Operation::ReprotectDiskReplicaGroup, group_call(), kT0).ok());
  EXPECT_EQ(w.find("pair-cn-b")->status, Status::Reprotecting);
}

// --- The Terraform group sequence (ebs-groups.md §5.3), on the model ------------------

// Polls like a Terraform waiter: advance a second at a time until `done` or the timeout.
bool wait_until(World& w, Instant& now, Duration timeout, const std::function<bool()>& done) {
  for (Instant end = now + timeout; now <= end; now += 1s) {
    w.advance(now);
    if (done()) return true;
  }
  return false;
}

TEST(TerraformGroupSequence, RunsOnTheModelAndEndsWithTheGroupGone) {
  World w;
  Instant now = kT0;
  const std::string region = "cn-hangzhou";
  auto call = [&](Operation op, Params params, NewIds ids = {}) {
    params["RegionId"] = params.contains("RegionId") ? params["RegionId"] : region;
    auto err = validate_params(op, params, w.policy().errors);
    EXPECT_FALSE(err) << to_string(op) << ": " << err->code << " " << err->message;
    w.advance(now);
    return w.execute(op, params, now, ids);
  };
  auto describe = [&]() -> nlohmann::json {
    auto out = call(Operation::DescribeDiskReplicaGroups, {{"GroupIds", "pg-tf"}});
    EXPECT_TRUE(out.body.contains("ReplicaGroups"));
    return out.body["ReplicaGroups"].empty() ? nlohmann::json() : out.body["ReplicaGroups"][0];
  };
  // Step 0: a same-region cross-zone pair (PayAsYouGo), waited until created.
  auto pair = call(Operation::CreateDiskReplicaPair,
                   {{"SourceZoneId", "cn-hangzhou-i"}, {"DiskId", "d-src"}, {"DestinationRegionId", region},
                    {"DestinationZoneId", "cn-hangzhou-h"}, {"DestinationDiskId", "d-dst"}, {"ChargeType", "POSTPAY"}},
                   {.pair_id = "pair-cn-tf", .order_id = "1"});
  ASSERT_TRUE(pair.ok());
  ASSERT_TRUE(wait_until(w, now, 5min, [&] { return w.find("pair-cn-tf")->status == Status::Created; }));
  // Step 1: create the group (RegionId = source region), wait for created, Read.
  auto created = call(Operation::CreateDiskReplicaGroup,
                      {{"SourceZoneId", "cn-hangzhou-i"}, {"DestinationRegionId", region},
                       {"DestinationZoneId", "cn-hangzhou-h"}, {"RPO", "900"}, {"GroupName", "tf-testacc-group"},
                       {"Description", "tf-testacc"}, {"ResourceGroupId", "rg-1"}, {"ClientToken", "TF-1"}},
                      {.group_id = "pg-tf"});
  ASSERT_TRUE(created.ok());
  ASSERT_TRUE(wait_until(w, now, 5min, [&] { return describe()["Status"] == "created"; }));
  EXPECT_EQ(describe()["RPO"], 900);
  EXPECT_EQ(describe()["SourceZoneId"], "cn-hangzhou-i");
  ASSERT_TRUE(call(Operation::ListTagResources, {{"ResourceType", "DiskReplicaGroup"}, {"ResourceId.1", "pg-tf"}}).ok());
  // Step 2: change the resource group.
  ASSERT_TRUE(call(Operation::ChangeResourceGroup, {{"ResourceType", "DiskReplicaGroup"}, {"ResourceId", "pg-tf"},
                                                    {"NewResourceGroupId", "rg-2"}}).ok());
  EXPECT_EQ(describe()["ResourceGroupId"], "rg-2");
  // Step 3: description; step 4: name, then add the pair and wait for PairIds.
  ASSERT_TRUE(call(Operation::ModifyDiskReplicaGroup, {{"ReplicaGroupId", "pg-tf"}, {"Description", "tf-testacc-2"}}).ok());
  ASSERT_TRUE(call(Operation::ModifyDiskReplicaGroup, {{"ReplicaGroupId", "pg-tf"}, {"GroupName", "tf-testacc-name"}}).ok());
  ASSERT_TRUE(call(Operation::AddDiskReplicaPair, {{"ReplicaGroupId", "pg-tf"}, {"ReplicaPairId", "pair-cn-tf"}}).ok());
  ASSERT_TRUE(wait_until(w, now, 20min, [&] { return !describe()["PairIds"].is_null(); }));
  EXPECT_EQ(describe()["PairIds"], nlohmann::json::array({"pair-cn-tf"}));
  // Step 5: start (OneShot=false); wait until LastRecoverPoint is set: Status must be
  // normal by then.
  ASSERT_TRUE(call(Operation::StartDiskReplicaGroup, {{"ReplicaGroupId", "pg-tf"}, {"OneShot", "false"}}).ok());
  now += 10s;  // the waiter's delay
  ASSERT_TRUE(wait_until(w, now, 20min, [&] {
    auto g = describe();
    if (g.contains("LastRecoverPoint")) {
      EXPECT_EQ(g["Status"], "normal");
      EXPECT_NE(g["LastRecoverPoint"], 0);
      return true;
    }
    EXPECT_NE(g["Status"], "normal");
    return false;
  }));
  // Step 6: failover (provider region); step 7: reprotect without reversing, to stopped.
  ASSERT_TRUE(call(Operation::FailoverDiskReplicaGroup, {{"ReplicaGroupId", "pg-tf"}}).ok());
  ASSERT_TRUE(wait_until(w, now, 20min, [&] { return describe()["Status"] == "failovered"; }));
  EXPECT_EQ(w.find("pair-cn-tf")->status, Status::Failovered);
  ASSERT_TRUE(call(Operation::ReprotectDiskReplicaGroup, {{"ReplicaGroupId", "pg-tf"}, {"ReverseReplicate", "false"}}).ok());
  ASSERT_TRUE(wait_until(w, now, 20min, [&] { return describe()["Status"] == "stopped"; }));
  // Step 9: remove the pair.
  ASSERT_TRUE(call(Operation::RemoveDiskReplicaPair, {{"ReplicaGroupId", "pg-tf"}, {"ReplicaPairId", "pair-cn-tf"}}).ok());
  EXPECT_EQ(describe()["PairIds"], nlohmann::json::array());
  // Steps 10-12: tags add, change, remove (UntagResources then TagResources).
  ASSERT_TRUE(call(Operation::TagResources, {{"ResourceType", "DiskReplicaGroup"}, {"ResourceId.1", "pg-tf"},
                                             {"Tag.1.Key", "Created"}, {"Tag.1.Value", "TF"}}).ok());
  ASSERT_TRUE(call(Operation::UntagResources, {{"ResourceType", "DiskReplicaGroup"}, {"ResourceId.1", "pg-tf"},
                                               {"TagKey.1", "Created"}}).ok());
  ASSERT_TRUE(call(Operation::TagResources, {{"ResourceType", "DiskReplicaGroup"}, {"ResourceId.1", "pg-tf"},
                                             {"Tag.1.Key", "For"}, {"Tag.1.Value", "Test"}}).ok());
  auto tags = call(Operation::ListTagResources, {{"ResourceType", "DiskReplicaGroup"}, {"ResourceId.1", "pg-tf"}});
  EXPECT_EQ(tags.body["TagResources"],
            nlohmann::json::parse(R"([{"ResourceId":"pg-tf","ResourceType":"diskreplicagroup","TagKey":"For","TagValue":"Test"}])"));
  ASSERT_TRUE(call(Operation::UntagResources, {{"ResourceType", "DiskReplicaGroup"}, {"ResourceId.1", "pg-tf"},
                                               {"TagKey.1", "For"}}).ok());
  EXPECT_EQ(describe()["Tags"], nlohmann::json::array());
  // Destroy: delete the group until it is gone, then the pair (stopped after the group ops).
  ASSERT_TRUE(call(Operation::DeleteDiskReplicaGroup, {{"ReplicaGroupId", "pg-tf"}, {"ClientToken", "TF-d1"}}).ok());
  now += 5s;
  ASSERT_TRUE(wait_until(w, now, 5min, [&] { return describe().is_null(); }));
  ASSERT_TRUE(call(Operation::DeleteDiskReplicaPair, {{"ReplicaPairId", "pair-cn-tf"}}).ok());
  ASSERT_TRUE(wait_until(w, now, 5min, [&] { return w.find("pair-cn-tf") == nullptr; }));
}

// --- Properties over random histories ---------------------------------------------

// One random step: an operation with its arguments, or a member failure/repair, then a
// time move. Indices pick groups and pairs from fixed lists (out of range = unknown ids).
struct Step {
  int kind;        // which action, see apply()
  int group;       // 0..2 (2: pg-nope)
  int pair;        // 0..5 (5: pair-cn-nope)
  bool flag;       // OneShot / ReverseReplicate / repair vs break
  int advance_s;   // then move time by this much
};

// How RapidCheck prints a step of a counterexample.
void showValue(const Step& s, std::ostream& os) {
  os << "{kind " << s.kind << ", group " << s.group << ", pair " << s.pair << ", flag " << s.flag << ", +"
     << s.advance_s << "s}";
}

const std::vector<std::string> kGroups = {"pg-a", "pg-b", "pg-nope"};
const std::vector<std::string> kPairs = {"pair-cn-1", "pair-cn-2", "pair-cn-3", "pair-cn-4",
                                         "pair-cn-5", "pair-cn-nope"};

rc::Gen<Step> step_gen() {
  // Weighted towards the group operations and the populated group, so most histories start,
  // fail over and reprotect pg-a (see the classification the property prints).
  auto kind = rc::gen::weightedElement<int>({{4, 0}, {2, 1}, {3, 2}, {3, 3}, {2, 4}, {2, 5}, {1, 6}, {1, 7},
                                             {1, 8}, {1, 9}, {1, 10}, {3, 11}, {1, 12}, {1, 13}, {1, 14},
                                             {1, 15}});
  return rc::gen::build<Step>(rc::gen::set(&Step::kind, kind),
                              rc::gen::set(&Step::group, rc::gen::weightedElement<int>({{6, 0}, {2, 1}, {1, 2}})),
                              rc::gen::set(&Step::pair, rc::gen::inRange(0, 6)),
                              rc::gen::set(&Step::flag, rc::gen::arbitrary<bool>()),
                              rc::gen::set(&Step::advance_s, rc::gen::inRange(0, 8)));
}

// pg-a holds pairs 1-3, pg-b is empty; pairs 4 and 5 are free; all start created.
World start_world(Policy policy = {}) {
  World w(std::move(policy));
  for (const auto& id : kPairs) {
    if (id != "pair-cn-nope") w.add_pair(make_pair(id, Status::Created), kT0);
  }
  w.add_group(make_group("pg-a", Status::Created, {"pair-cn-1", "pair-cn-2", "pair-cn-3"}), kT0);
  w.add_group(make_group("pg-b", Status::Created), kT0);
  return w;
}

struct Applied {
  Operation op = Operation::DescribeRegions;
  Outcome outcome;
  bool is_call = true;
};

// Runs one step's action on `w` at `now` (advance(now) first, as the mock does).
// `executor` runs calls (the model, or a planted-bug wrapper).
using Executor = std::function<Outcome(World&, Operation, const Params&, Instant, const NewIds&)>;

Applied apply(World& w, const Step& s, Instant now, int serial, const Executor& exec) {
  const std::string& g = kGroups[static_cast<std::size_t>(s.group)];
  const std::string& p = kPairs[static_cast<std::size_t>(s.pair)];
  const Params gp = group_call(g);
  const Params pp{{"RegionId", kSrc}, {"ReplicaPairId", p}};
  Applied a;
  auto run = [&](Operation op, Params params, NewIds ids = {}) {
    a.op = op;
    a.outcome = exec(w, op, params, now, ids);
  };
  switch (s.kind) {
    case 0: run(Operation::StartDiskReplicaGroup, [&] { auto q = gp; q["OneShot"] = s.flag ? "true" : "false"; return q; }()); break;
    case 1: run(Operation::StopDiskReplicaGroup, gp); break;
    case 2: run(Operation::FailoverDiskReplicaGroup, gp); break;
    case 3: run(Operation::ReprotectDiskReplicaGroup, [&] { auto q = gp; q["ReverseReplicate"] = s.flag ? "true" : "false"; return q; }()); break;
    case 4: run(Operation::AddDiskReplicaPair, membership_call(g, p)); break;
    case 5: run(Operation::RemoveDiskReplicaPair, membership_call(g, p)); break;
    case 6: run(Operation::DeleteDiskReplicaGroup, gp); break;
    case 7: run(Operation::ModifyDiskReplicaGroup, [&] { auto q = gp; q["Description"] = "d" + std::to_string(serial); return q; }()); break;
    case 8: run(s.flag ? Operation::StartDiskReplicaPair : Operation::StopDiskReplicaPair, pp); break;
    case 9: run(s.flag ? Operation::FailoverDiskReplicaPair : Operation::ReprotectDiskReplicaPair, pp); break;
    case 10: run(Operation::DeleteDiskReplicaPair, pp); break;
    case 11: {
      // A drill of the pair or of the group.
      const std::string n = std::to_string(serial);
      if (s.flag) {
        run(Operation::StartPairDrill, {{"RegionId", kSrc}, {"PairId", p}}, {.drill_id = "drill-" + n, .drill_disk_ids = {"d-" + n}});
      } else {
        NewIds ids{.drill_id = "pg-drill-" + n};
        for (int i = 0; i < 17; ++i) ids.drill_disk_ids.push_back("d-" + n + "-" + std::to_string(i));
        run(Operation::StartReplicaGroupDrill, {{"RegionId", kSrc}, {"GroupId", g}}, ids);
      }
      break;
    }
    case 12: {
      // Clear the oldest drill there is.
      if (w.drills().empty()) { a.is_call = false; break; }
      const Drill& d = w.drills().begin()->second;
      const bool group = d.target_kind == ResourceKind::Group;
      run(group ? Operation::ClearReplicaGroupDrill : Operation::ClearPairDrill,
          {{"RegionId", kSrc}, {group ? "GroupId" : "PairId", d.target_id}, {"DrillId", d.id}});
      break;
    }
    case 13: {
      // A member (or free) pair breaks, or is repaired to its group's settled status.
      a.is_call = false;
      const Pair* pair = w.find(p);
      if (pair == nullptr) break;
      if (s.flag) {
        w.force_status(p, Status::Invalid, now);
      } else if (pair->status == Status::Invalid) {
        const Group* grp = w.group_of(*pair);
        Status back = grp && grp->healthy_status ? *grp->healthy_status : Status::Stopped;
        if (!is_transient(back)) w.force_status(p, back, now);
      }
      break;
    }
    case 14: run(Operation::ModifyDiskReplicaPair, [&] { auto q = pp; q["RPO"] = "900"; return q; }()); break;
    default: run(Operation::DescribeDiskReplicaGroups, {{"RegionId", kSrc}}); break;
  }
  return a;
}

Outcome run_model(World& w, Operation op, const Params& params, Instant now, const NewIds& ids) {
  return w.execute(op, params, now, ids);
}

// What a history reached, so the property can show it explores the interesting states.
struct Coverage {
  int members_moved = 0;   // successful group status operations on a non-empty group
  int group_invalid = 0;   // steps after which a group showed invalid
  int drills_started = 0;
};

// The property the mock's atomicity acceptance test checks over HTTP, on the model: after
// every call and every time move, members mirror their group, and a successful group
// status operation moved every member it holds to the group's new status.
std::string atomicity_violation(const std::vector<Step>& steps, const Executor& exec,
                                Coverage* coverage = nullptr) {
  Coverage ignored;
  Coverage& cov = coverage != nullptr ? *coverage : ignored;
  World w = start_world();
  Instant now = kT0;
  int serial = 0;
  for (const Step& s : steps) {
    w.advance(now);
    Applied a = apply(w, s, now, ++serial, exec);
    const bool group_status_op = a.op == Operation::StartDiskReplicaGroup || a.op == Operation::StopDiskReplicaGroup ||
                                 a.op == Operation::FailoverDiskReplicaGroup ||
                                 a.op == Operation::ReprotectDiskReplicaGroup;
    if (a.is_call && a.outcome.ok() && a.outcome.transition && a.outcome.transition->kind == ResourceKind::Drill &&
        !a.outcome.transition->from) {
      ++cov.drills_started;
    }
    if (a.is_call && group_status_op && a.outcome.ok() && a.outcome.transition) {
      const Group& g = *w.find_group(a.outcome.transition->id);
      if (!g.pair_ids.empty()) ++cov.members_moved;
      if (a.outcome.member_transitions.size() != g.pair_ids.size()) {
        return std::string(to_string(a.op)) + " reported " + std::to_string(a.outcome.member_transitions.size()) +
               " member transitions for " + std::to_string(g.pair_ids.size()) + " members";
      }
      for (const auto& t : a.outcome.member_transitions) {
        if (t.to != a.outcome.transition->to || w.find(t.id)->status != t.to) {
          return std::string(to_string(a.op)) + " left member " + t.id + " behind";
        }
      }
    }
    if (auto v = mirror_violation(w); !v.empty()) return "after " + std::string(to_string(a.op)) + ": " + v;
    now += std::chrono::seconds(s.advance_s);
    w.advance(now);
    if (auto v = mirror_violation(w); !v.empty()) return "after time moved: " + v;
    if (std::any_of(w.groups().begin(), w.groups().end(),
                    [](const auto& e) { return e.second.status == Status::Invalid; })) {
      ++cov.group_invalid;
    }
  }
  return "";
}

RC_GTEST_PROP(GroupProperties, MembersAlwaysMirrorTheirGroup, ()) {
  const auto steps = *rc::gen::container<std::vector<Step>>(step_gen());
  Coverage cov;
  const std::string violation = atomicity_violation(steps, run_model, &cov);
  RC_CLASSIFY(cov.members_moved > 0, "a group moved its members");
  RC_CLASSIFY(cov.members_moved > 2, "three or more group moves");
  RC_CLASSIFY(cov.group_invalid > 0, "a group was invalid");
  RC_CLASSIFY(cov.drills_started > 0, "a drill ran");
  RC_ASSERT(violation == "");
}

// The planted-bug check of the property itself: a server whose group Failover moves only
// the first member (simulated by putting the others back) must be caught.
Outcome failover_moves_only_first_member(World& w, Operation op, const Params& params, Instant now,
                                         const NewIds& ids) {
  std::map<std::string, Status> before;
  for (const auto& [id, p] : w.pairs()) before[id] = p.status;
  Outcome out = w.execute(op, params, now, ids);
  if (op == Operation::FailoverDiskReplicaGroup && out.ok() && out.member_transitions.size() > 1) {
    for (std::size_t i = 1; i < out.member_transitions.size(); ++i) {
      w.force_status(out.member_transitions[i].id, before[out.member_transitions[i].id], now);
    }
    out.member_transitions.resize(1);
  }
  return out;
}

TEST(GroupProperties, TheAtomicityCheckCatchesAFailoverThatMovesOnlyOneMember) {
  // Start, wait for normal, fail over.
  const std::vector<Step> steps = {{0, 0, 0, false, 7}, {15, 0, 0, false, 7}, {2, 0, 0, false, 1}};
  EXPECT_EQ(atomicity_violation(steps, run_model), "");
  const std::string caught = atomicity_violation(steps, failover_moves_only_first_member);
  EXPECT_NE(caught, "");
  EXPECT_NE(caught.find("FailoverDiskReplicaGroup"), std::string::npos) << caught;
}

// "" when two event lists are the same, in time order and none later than `now`; else the
// first difference.
std::string events_differ(const std::vector<TimedTransition>& a, const std::vector<TimedTransition>& b, Instant now) {
  if (a.size() != b.size()) return std::to_string(a.size()) + " events vs " + std::to_string(b.size());
  Instant last = Instant::min();
  for (std::size_t i = 0; i < a.size(); ++i) {
    const bool same = a[i].transition == b[i].transition && a[i].at == b[i].at && a[i].vanished == b[i].vanished;
    if (!same) return "event " + std::to_string(i) + ": " + to_string(a[i].transition) + " vs " + to_string(b[i].transition);
    if (a[i].at > now || a[i].at < last) return "event " + std::to_string(i) + " out of time order";
    last = a[i].at;
  }
  return "";
}

// A time jump and stepping second by second give the same events and the same world, with
// groups and drills in it (sync cycles and deleted retention on, so every kind of change
// is scheduled and re-scheduled); nothing is left due; events come in time order.
RC_GTEST_PROP(GroupProperties, AJumpInTimeEqualsSteppingWithGroupsAndDrills, ()) {
  Policy policy;
  policy.timing.sync_cycle = std::chrono::seconds(*rc::gen::inRange(1, 8));
  policy.timing.deleted_retention = std::chrono::seconds(*rc::gen::inRange(0, 5));
  World jump = start_world(policy);
  World steps = jump;
  Instant now = kT0;
  int serial = 0;
  const auto history = *rc::gen::container<std::vector<Step>>(step_gen());
  for (const Step& s : history) {
    ++serial;
    Applied a = apply(jump, s, now, serial, run_model);
    Applied b = apply(steps, s, now, serial, run_model);
    RC_ASSERT(a.outcome.ok() == b.outcome.ok());
    const Instant target = now + std::chrono::seconds(s.advance_s);
    auto jumped = jump.advance(target);
    std::vector<TimedTransition> stepped;
    for (Instant t = now; t <= target; t += 1s) {
      for (auto& e : steps.advance(t)) stepped.push_back(std::move(e));
    }
    now = target;
    RC_ASSERT(events_differ(jumped, stepped, now) == "");
    RC_ASSERT(jump.pairs() == steps.pairs());
    RC_ASSERT(jump.groups() == steps.groups());
    RC_ASSERT(jump.drills() == steps.drills());
    // Nothing left due at `now`.
    RC_ASSERT(jump.advance(now).empty());
  }
}

// Whatever status a group (with members) and a drill are loaded in, an hour later no
// transient status is left: groups, members and drills settle (clearing drills vanish).
RC_GTEST_PROP(GroupProperties, TransientStatusesSettle, ()) {
  const Status gs = *rc::gen::elementOf(kGroupStatuses);
  const Status ds = *rc::gen::elementOf(kDrillStatuses);
  const bool holds_pairs = gs != Status::Deleting && gs != Status::Deleted;
  World with_drills = group_world(gs, holds_pairs ? 2 : 0, 1700000000, 1, Status::Normal);
  Drill d;
  d.id = "drill-1";
  d.target_id = "pair-cn-f1";
  d.status = ds;
  d.recover_point = 1700000000;
  with_drills.add_drill(d, kT0);
  with_drills.advance(kT0 + 1h);
  for (const auto& [id, g] : with_drills.groups()) RC_ASSERT(!is_transient(g.status));
  for (const auto& [id, p] : with_drills.pairs()) RC_ASSERT(!is_transient(p.status));
  for (const auto& [id, dr] : with_drills.drills()) RC_ASSERT(!is_transient(dr.status));
  if (ds == Status::Clearing) RC_ASSERT(with_drills.find_drill("drill-1") == nullptr);
  if (gs == Status::Deleting || gs == Status::Deleted) RC_ASSERT(with_drills.find_group("pg-1") == nullptr);
  RC_ASSERT(mirror_violation(with_drills) == "");
}

// LastRecoverPoint of a group appears exactly when the group first reaches normal, and it
// is then every member's: whatever the timings and the moments Describe is called.
RC_GTEST_PROP(GroupProperties, LastRecoverPointAppearsExactlyWithNormal, ()) {
  Policy policy;
  policy.timing.initial_sync = std::chrono::milliseconds(*rc::gen::inRange(1, 20000));
  World w = group_world(Status::Created, *rc::gen::inRange(1, 5), std::nullopt, 0, Status::Created, policy);
  RC_ASSERT(w.execute(Operation::StartDiskReplicaGroup, group_call(), kT0).ok());
  Instant now = kT0;
  bool seen_normal = false;
  for (int i = 0; i < 60 && !seen_normal; ++i) {
    now += std::chrono::milliseconds(*rc::gen::inRange(1, 1500));
    for (const auto& e : w.advance(now)) {
      if (e.transition.kind == ResourceKind::Group && e.transition.to == Status::Normal) {
        seen_normal = true;
        RC_ASSERT(w.find_group("pg-1")->last_recover_point == unix_seconds(e.at));
      }
    }
    auto described = w.execute(Operation::DescribeDiskReplicaGroups, {{"RegionId", kSrc}}, now);
    const auto& g = described.body["ReplicaGroups"][0];
    RC_ASSERT(g.contains("LastRecoverPoint") == (g["Status"] == "normal"));
    for (const auto& id : w.find_group("pg-1")->pair_ids) {
      RC_ASSERT(w.find(id)->last_recover_point == w.find_group("pg-1")->last_recover_point);
    }
  }
  RC_ASSERT(seen_normal);
}

}  // namespace
}  // namespace ebsmock::contracts
