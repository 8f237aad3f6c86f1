// membership_test.cpp: AddDiskReplicaPair / RemoveDiskReplicaPair and pair-level calls on
// member pairs, on the pure model. Add and Remove are walked through every pair status x
// group status combination with the answer the rules of ebs-groups.md §4.9/§4.10 (and
// their INF triggers, written out below) give; a pair-level Start/Stop/Failover/Reprotect/
// Delete or RPO/Bandwidth/EnableRtc Modify on a member gets Policy::member_pair_refusal and
// changes nothing, with the default and with other codes configured.
#include <gtest/gtest.h>

#include <optional>
#include <string>

#include "tests/contracts/group_fixtures.h"

namespace ebsmock::contracts {
namespace {

using namespace testing;

bool in(Status s, std::initializer_list<Status> set) {
  return std::find(set.begin(), set.end(), s) != set.end();
}

// §4.9's table with its INF triggers, in ebsmock's documented order: the group's status,
// then the pair's (creating is "initializing"), then the two must agree.
std::optional<std::string> expected_add(Status group, Status pair) {
  if (!in(group, {Status::Created, Status::Stopped})) return "OperationDenied.GroupStatusCannotAddPair";
  if (pair == Status::Creating) return "OperationDenied.PairInitializing";
  if (!in(pair, {Status::Created, Status::Stopped})) return "OperationDenied.PairStatusCannotAddToGroup";
  if (pair != group) return "OperationDenied.PairGroupStatusConflict";
  return std::nullopt;
}

TEST(Membership, AddWalksEveryPairStatusTimesEveryGroupStatus) {
  int successes = 0;
  for (Status gs : kGroupStatuses) {
    for (Status ps : kAllStatuses) {
      SCOPED_TRACE(std::string("group ") + std::string(to_string(gs)) + ", pair " + std::string(to_string(ps)));
      World w = group_world(gs, 0, std::nullopt, 1, ps);
      const World before = w;
      Outcome out = w.execute(Operation::AddDiskReplicaPair, membership_call("pg-1", "pair-cn-f1"), kT0);
      auto want = expected_add(gs, ps);
      if (want) {
        ASSERT_FALSE(out.ok());
        EXPECT_EQ(out.error->code, *want);
        EXPECT_EQ(out.error->http_status, 403);
        EXPECT_EQ(w.pairs(), before.pairs());
        EXPECT_EQ(w.groups(), before.groups());
        continue;
      }
      ++successes;
      ASSERT_TRUE(out.ok()) << out.error->code;
      EXPECT_FALSE(out.transition);
      const Group& g = *w.find_group("pg-1");
      const Pair& p = *w.find("pair-cn-f1");
      EXPECT_EQ(g.pair_ids, std::vector<std::string>{"pair-cn-f1"});
      EXPECT_EQ(p.replica_group_id, "pg-1");
      EXPECT_EQ(p.replica_group_name, g.name);
      EXPECT_EQ(p.status, ps);
      EXPECT_EQ(g.status, gs);
      auto described = w.execute(Operation::DescribeDiskReplicaGroups, {{"RegionId", kSrc}}, kT0);
      EXPECT_EQ(described.body["ReplicaGroups"][0]["PairIds"], nlohmann::json::array({"pair-cn-f1"}));
      EXPECT_EQ(described.body["ReplicaGroups"][0]["PairNumber"], 1);
    }
  }
  EXPECT_EQ(successes, 2);  // created+created, stopped+stopped
}

TEST(Membership, AddTakesTheGroupsRpoAndRtc) {
  World w;
  Pair p = make_pair("pair-cn-a", Status::Created);
  p.rpo = 1800;
  w.add_pair(p, kT0);
  Group g = make_group("pg-1", Status::Created);
  g.enable_rtc = true;
  w.add_group(g, kT0);
  ASSERT_TRUE(w.execute(Operation::AddDiskReplicaPair, membership_call("pg-1", "pair-cn-a"), kT0).ok());
  EXPECT_EQ(w.find("pair-cn-a")->rpo, 900);
  EXPECT_TRUE(w.find("pair-cn-a")->enable_rtc);
  // A Modify of the group's RPO/RTC/name reaches the members.
  Params modify = group_call();
  modify["EnableRtc"] = "false";
  modify["GroupName"] = "renamed";
  ASSERT_TRUE(w.execute(Operation::ModifyDiskReplicaGroup, modify, kT0).ok());
  EXPECT_FALSE(w.find("pair-cn-a")->enable_rtc);
  EXPECT_EQ(w.find("pair-cn-a")->replica_group_name, "renamed");
}

TEST(Membership, AddRefusesOtherDirectionsFullGroupsAndOtherGroupsMembers) {
  World w;
  w.add_pair(make_pair("pair-cn-region", Status::Created, kSrc, "cn-beijing"), kT0);
  Pair zone = make_pair("pair-cn-zone", Status::Created);
  zone.destination_zone = "cn-shanghai-f";
  w.add_pair(zone, kT0);
  std::vector<std::string> seventeen;
  for (int i = 0; i < 17; ++i) {
    seventeen.push_back("pair-cn-full" + std::to_string(100 + i));
    w.add_pair(make_pair(seventeen.back(), Status::Created), kT0);
  }
  w.add_pair(make_pair("pair-cn-one-more", Status::Created), kT0);
  w.add_pair(make_pair("pair-cn-taken", Status::Created), kT0);
  w.add_group(make_group("pg-1", Status::Created), kT0);
  w.add_group(make_group("pg-full", Status::Created, seventeen), kT0);
  w.add_group(make_group("pg-other", Status::Created, {"pair-cn-taken"}), kT0);
  auto add = [&](std::string group, std::string pair) {
    auto out = w.execute(Operation::AddDiskReplicaPair, membership_call(group, pair), kT0);
    return out.ok() ? std::string("ok") : out.error->code;
  };
  EXPECT_EQ(add("pg-1", "pair-cn-region"), "OperationDenied.PairGroupAZoneConflict");
  EXPECT_EQ(add("pg-1", "pair-cn-zone"), "OperationDenied.PairGroupAZoneConflict");
  EXPECT_EQ(add("pg-full", "pair-cn-one-more"), "OperationDenied.PairsExceedInGroup");
  EXPECT_EQ(add("pg-1", "pair-cn-taken"), "OperationDenied.PairInAnotherGroup");
  EXPECT_EQ(add("pg-1", "pair-cn-nope"), "NoSuchResource");
  EXPECT_EQ(add("pg-nope", "pair-cn-one-more"), "NoSuchResource");
  // RegionId must be the group's region (or its secondary's).
  auto elsewhere = w.execute(Operation::AddDiskReplicaPair,
                             membership_call("pg-1", "pair-cn-one-more", "cn-beijing"), kT0);
  EXPECT_EQ(elsewhere.error->code, "NoSuchResource");
  EXPECT_EQ(elsewhere.error->http_status, 404);
  EXPECT_EQ(add("pg-1", "pair-cn-one-more"), "ok");
}

TEST(Membership, AddingAMemberAgainFollowsPolicy) {
  for (bool succeeds : {true, false}) {
    Policy policy;
    policy.add_existing_member_succeeds = succeeds;
    World w = group_world(Status::Stopped, 1, std::nullopt, 0, Status::Created, policy);
    const World before = w;
    auto out = w.execute(Operation::AddDiskReplicaPair, membership_call("pg-1", "pair-cn-m1"), kT0);
    EXPECT_EQ(out.ok(), succeeds);
    if (!succeeds) {
      EXPECT_EQ(out.error->code, "OperationDenied.PairInAnotherGroup");
    }
    EXPECT_EQ(w.groups(), before.groups());
    EXPECT_EQ(w.pairs(), before.pairs());
  }
}

TEST(Membership, RemoveWalksEveryGroupStatusWithItsMirroringMember) {
  for (Status gs : kGroupStatuses) {
    SCOPED_TRACE(std::string("group ") + std::string(to_string(gs)));
    const bool can_hold_pairs = gs != Status::Deleting && gs != Status::Deleted;
    World w = group_world(gs, can_hold_pairs ? 2 : 0);
    if (!can_hold_pairs) w.add_pair(make_pair("pair-cn-m1", Status::Created), kT0);
    const World before = w;
    auto out = w.execute(Operation::RemoveDiskReplicaPair, membership_call("pg-1", "pair-cn-m1"), kT0);
    if (!in(gs, {Status::Created, Status::Stopped, Status::Invalid})) {
      ASSERT_FALSE(out.ok());
      EXPECT_EQ(out.error->code, "OperationDenied.GroupStatusCannotRemovePair");
      EXPECT_EQ(w.pairs(), before.pairs());
      EXPECT_EQ(w.groups(), before.groups());
      continue;
    }
    ASSERT_TRUE(out.ok()) << out.error->code;
    // §4.10: disassociated, not deleted, keeps its status.
    const Pair& p = *w.find("pair-cn-m1");
    EXPECT_EQ(p.replica_group_id, "");
    EXPECT_EQ(p.replica_group_name, "");
    EXPECT_EQ(p.status, gs);
    EXPECT_EQ(w.find_group("pg-1")->pair_ids, std::vector<std::string>{"pair-cn-m2"});
  }
}

TEST(Membership, RemoveWalksEveryMemberStatusInARemovableGroup) {
  // A member can only differ from its group after a partial failure (force_status); the
  // pair-status rule (INF: created, stopped, invalid) and the consistency rule then apply.
  for (Status gs : {Status::Created, Status::Stopped}) {
    for (Status ps : kAllStatuses) {
      SCOPED_TRACE(std::string("group ") + std::string(to_string(gs)) + ", member " + std::string(to_string(ps)));
      World w = group_world(gs, 2);
      w.force_status("pair-cn-m1", ps, kT0);
      const World before = w;
      auto out = w.execute(Operation::RemoveDiskReplicaPair, membership_call("pg-1", "pair-cn-m1"), kT0);
      std::optional<std::string> want;
      if (ps == Status::Invalid) {
        want = std::nullopt;  // the group is invalid now, which allows Remove
      } else if (!in(ps, {Status::Created, Status::Stopped})) {
        want = "OperationDenied.PairStatusCannotRemoveFromGroup";
      } else if (ps != gs) {
        want = "OperationDenied.PairGroupStatusConflict";
      }
      if (want) {
        ASSERT_FALSE(out.ok());
        EXPECT_EQ(out.error->code, *want);
        EXPECT_EQ(w.pairs(), before.pairs());
        EXPECT_EQ(w.groups(), before.groups());
      } else {
        ASSERT_TRUE(out.ok()) << out.error->code;
        EXPECT_EQ(w.find("pair-cn-m1")->replica_group_id, "");
      }
    }
  }
}

TEST(Membership, RemoveNamesWhatIsWrongWithThePair) {
  World w = group_world(Status::Stopped, 1, std::nullopt, 1, Status::Stopped);
  w.add_pair(make_pair("pair-cn-x", Status::Stopped), kT0);
  w.add_group(make_group("pg-2", Status::Stopped, {"pair-cn-x"}), kT0);
  w.add_group(make_group("pg-empty", Status::Stopped), kT0);
  auto remove = [&](std::string group, std::string pair) {
    auto out = w.execute(Operation::RemoveDiskReplicaPair, membership_call(group, pair), kT0);
    return out.ok() ? std::string("ok") : out.error->code;
  };
  EXPECT_EQ(remove("pg-1", "pair-cn-f1"), "OperationDenied.PairNotInGroup");
  EXPECT_EQ(remove("pg-1", "pair-cn-x"), "OperationDenied.PairInAnotherGroup");
  EXPECT_EQ(remove("pg-empty", "pair-cn-m1"), "OperationDenied.NoPairInGroup");
  EXPECT_EQ(remove("pg-1", "pair-cn-m1"), "ok");
  EXPECT_EQ(remove("pg-1", "pair-cn-m1"), "OperationDenied.NoPairInGroup");
}

TEST(Membership, RemovingTheInvalidMemberRestoresTheGroup) {
  World w = group_world(Status::Stopped, 2);
  std::vector<Transition> group_changes;
  w.force_status("pair-cn-m2", Status::Invalid, kT0, &group_changes);
  ASSERT_EQ(group_changes.size(), 1u);
  EXPECT_EQ(group_changes[0], (Transition{"pg-1", Status::Stopped, Status::Invalid, ResourceKind::Group}));
  EXPECT_EQ(w.find_group("pg-1")->status, Status::Invalid);
  EXPECT_EQ(w.find("pair-cn-m1")->status, Status::Stopped);  // the healthy member keeps its status
  // Start is not allowed from invalid; Remove is.
  EXPECT_EQ(w.execute(Operation::StartDiskReplicaGroup, group_call(), kT0).error->code,
            "OperationDenied.InvalidStatus");
  auto out = w.execute(Operation::RemoveDiskReplicaPair, membership_call("pg-1", "pair-cn-m2"), kT0);
  ASSERT_TRUE(out.ok());
  ASSERT_TRUE(out.transition);
  EXPECT_EQ(*out.transition, (Transition{"pg-1", Status::Invalid, Status::Stopped, ResourceKind::Group}));
  EXPECT_EQ(w.find_group("pg-1")->status, Status::Stopped);
  EXPECT_EQ(w.find("pair-cn-m2")->status, Status::Invalid);
  EXPECT_EQ(mirror_violation(w), "");
}

// --- Pair-level calls on a member pair ------------------------------------------------

struct PairCall {
  const char* name;
  Operation op;
  Params extra;
};

const std::vector<PairCall>& refused_pair_calls() {
  static const std::vector<PairCall> kCalls = {
      {"Start", Operation::StartDiskReplicaPair, {}},
      {"StartOneShot", Operation::StartDiskReplicaPair, {{"OneShot", "true"}}},
      {"Stop", Operation::StopDiskReplicaPair, {}},
      {"Failover", Operation::FailoverDiskReplicaPair, {}},
      {"Reprotect", Operation::ReprotectDiskReplicaPair, {}},
      {"ReprotectRestore", Operation::ReprotectDiskReplicaPair, {{"ReverseReplicate", "false"}}},
      {"Delete", Operation::DeleteDiskReplicaPair, {}},
      {"ModifyRpo", Operation::ModifyDiskReplicaPair, {{"RPO", "900"}}},
      {"ModifyBandwidth", Operation::ModifyDiskReplicaPair, {{"Bandwidth", "10240"}}},
      {"ModifyRtc", Operation::ModifyDiskReplicaPair, {{"EnableRtc", "true"}}},
  };
  return kCalls;
}

TEST(MemberPair, PairLevelCallsGetTheConfiguredRefusalAndChangeNothing) {
  for (std::string code : {"OperationDenied", "OperationDenied.InvalidStatus",
                           "OperationDenied.PairGroupStatusConflict"}) {
    Policy policy;
    policy.member_pair_refusal = code;
    // Statuses in which each call would be allowed on an ungrouped pair, so only the
    // membership refuses it.
    for (Status s : {Status::Created, Status::Stopped, Status::Normal, Status::Failovered}) {
      for (const auto& call : refused_pair_calls()) {
        SCOPED_TRACE(code + " " + call.name + " from " + std::string(to_string(s)));
        World w = group_world(s, 2, 1700000000, 0, Status::Created, policy);
        const World before = w;
        Params params{{"RegionId", kSrc}, {"ReplicaPairId", "pair-cn-m1"}};
        for (const auto& [k, v] : call.extra) params[k] = v;
        auto out = w.execute(call.op, params, kT0);
        ASSERT_FALSE(out.ok());
        EXPECT_EQ(out.error->code, code);
        EXPECT_EQ(out.error->http_status, 403);
        EXPECT_EQ(w.pairs(), before.pairs());
        EXPECT_EQ(w.groups(), before.groups());
      }
    }
  }
}

TEST(MemberPair, NameAndDescriptionStayThePairsOwnAndProgressIsReadable) {
  World w = group_world(Status::Stopped, 1);
  Params modify{{"RegionId", kSrc}, {"ReplicaPairId", "pair-cn-m1"}, {"PairName", "renamed"},
                {"Description", "still mine"}};
  ASSERT_TRUE(w.execute(Operation::ModifyDiskReplicaPair, modify, kT0).ok());
  EXPECT_EQ(w.find("pair-cn-m1")->pair_name, "renamed");
  EXPECT_EQ(w.find("pair-cn-m1")->description, "still mine");
  auto progress = w.execute(Operation::DescribeDiskReplicaPairProgress,
                            {{"RegionId", kSrc}, {"ReplicaPairId", "pair-cn-m1"}}, kT0);
  ASSERT_TRUE(progress.ok());
  EXPECT_EQ(progress.body["RecoverPoint"], 1700000000);
}

TEST(MemberPair, OnceRemovedThePairIsItsOwnAgain) {
  World w = group_world(Status::Stopped, 1);
  Params start{{"RegionId", kSrc}, {"ReplicaPairId", "pair-cn-m1"}};
  EXPECT_EQ(w.execute(Operation::StartDiskReplicaPair, start, kT0).error->code, "OperationDenied");
  ASSERT_TRUE(w.execute(Operation::RemoveDiskReplicaPair, membership_call("pg-1", "pair-cn-m1"), kT0).ok());
  EXPECT_TRUE(w.execute(Operation::StartDiskReplicaPair, start, kT0).ok());
}

TEST(MemberPair, AScenarioLabelWithoutItsGroupIsNotMembership) {
  // Pairs loaded with replica_group_id but no [[group]] behave as before groups existed.
  World w;
  Pair p = make_pair("pair-cn-a", Status::Stopped);
  p.replica_group_id = "pg-elsewhere";
  w.add_pair(p, kT0);
  EXPECT_EQ(w.group_of(*w.find("pair-cn-a")), nullptr);
  EXPECT_TRUE(w.execute(Operation::StartDiskReplicaPair, {{"RegionId", kSrc}, {"ReplicaPairId", "pair-cn-a"}}, kT0).ok());
}

}  // namespace
}  // namespace ebsmock::contracts
