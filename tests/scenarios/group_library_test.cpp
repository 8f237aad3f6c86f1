// group_library_test.cpp: the group drills of the scenario library say, in their header
// comments, what the model does to the world they set up. These tests hold them to it:
// each file is loaded, its world built the way scenario.h tells the mock (pairs, groups,
// drills at the world's start), its [[event]]s applied through World::force_* when their
// time comes, and the calls the comment describes are run on the model.
// Tests are independent; no shared state.
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "contracts/error_catalogue.h"
#include "contracts/world.h"
#include "scenarios/loader/scenario_loader.h"

namespace ebsmock::scenarios {
namespace {

using contracts::Operation;
using contracts::ResourceKind;
using contracts::Status;
using std::chrono::seconds;

Scenario library(std::string_view name) {
  return load_scenario_file(std::string(EBSMOCK_SOURCE_DIR "/scenarios/") + std::string(name));
}

// A world at the scenario's start, with its events applied as the clock passes them.
class ScenarioWorld {
 public:
  explicit ScenarioWorld(const Scenario& s) : s_(s), world_(s.policy), now_(s.clock.start) {
    for (const auto& p : s.pairs) world_.add_pair(p, now_);
    for (const auto& g : s.groups) world_.add_group(g, now_);
    for (const auto& d : s.drills) world_.add_drill(d, now_);
  }

  // Moves the clock to `at` after the start: time-driven changes, then due events.
  void advance_to(contracts::Duration at) {
    now_ = s_.clock.start + at;
    world_.advance(now_);
    while (next_event_ < s_.events.size() && s_.events[next_event_].at <= at) {
      const ScheduledEvent& e = s_.events[next_event_++];
      world_.force(e.kind, e.target_id, e.status, now_);
    }
  }

  contracts::Outcome call(Operation op, contracts::Params params) {
    world_.advance(now_);
    return world_.execute(op, params, now_);
  }

  const contracts::World& world() const { return world_; }

 private:
  const Scenario& s_;
  contracts::World world_;
  contracts::Instant now_;
  std::size_t next_event_ = 0;
};

std::string code_of(const contracts::Outcome& o) { return o.error ? o.error->code : "OK"; }

TEST(GroupLibraryTest, AmbiguousFailoverCannotFailTheGroupOverTwice) {
  const Scenario s = library("group-ambiguous-failover.toml");
  ASSERT_EQ(s.faults.size(), 1u);
  EXPECT_EQ(s.faults[0].group, "pg-orders7x2k9m1q");
  EXPECT_EQ(s.faults[0].commit, Commit::After);
  ScenarioWorld w(s);
  const contracts::Params failover = {{"RegionId", "cn-shanghai"}, {"ReplicaGroupId", "pg-orders7x2k9m1q"}};

  // The call the fault answers with 504 after committing it: group and members move.
  const auto first = w.call(Operation::FailoverDiskReplicaGroup, failover);
  ASSERT_TRUE(first.ok()) << code_of(first);
  ASSERT_TRUE(first.transition);
  EXPECT_EQ(first.transition->to, Status::Failovering);
  EXPECT_EQ(first.member_transitions.size(), 3u);

  // A retry with a new token runs the model again: 200, and nothing moves.
  const auto retry = w.call(Operation::FailoverDiskReplicaGroup, failover);
  EXPECT_TRUE(retry.ok()) << code_of(retry);
  EXPECT_FALSE(retry.transition);
  EXPECT_TRUE(retry.member_transitions.empty());

  // Member pairs cannot be failed over one by one.
  const auto member = w.call(Operation::FailoverDiskReplicaPair,
                             {{"RegionId", "cn-shanghai"}, {"ReplicaPairId", "pair-cn-orders0data01"}});
  EXPECT_EQ(code_of(member), s.policy.member_pair_refusal);

  w.advance_to(seconds(5));
  EXPECT_EQ(w.world().find_group("pg-orders7x2k9m1q")->status, Status::Failovered);
  for (const auto& id : w.world().find_group("pg-orders7x2k9m1q")->pair_ids) {
    EXPECT_EQ(w.world().find(id)->status, Status::Failovered) << id;
  }
  const auto late = w.call(Operation::FailoverDiskReplicaGroup, failover);
  EXPECT_TRUE(late.ok()) << code_of(late);
  EXPECT_FALSE(late.transition);
}

TEST(GroupLibraryTest, MemberInvalidMidDrillMakesTheGroupInvalidAndLeavesTheDrill) {
  const Scenario s = library("group-member-invalid-mid-drill.toml");
  ASSERT_EQ(s.events.size(), 1u);
  ScenarioWorld w(s);
  const std::string group = "pg-billing4h8s2w";
  const std::string drill = "pg-drill-billing01";

  w.advance_to(seconds(29));
  EXPECT_EQ(w.world().find_group(group)->status, Status::Normal);
  w.advance_to(seconds(30));
  EXPECT_EQ(w.world().find_group(group)->status, Status::Invalid);
  EXPECT_EQ(w.world().find("pair-cn-billing0logs02")->status, Status::Invalid);
  EXPECT_EQ(w.world().find("pair-cn-billing0data01")->status, Status::Normal);
  EXPECT_EQ(w.world().find_drill(drill)->status, Status::Executing);

  const contracts::Params at_group = {{"RegionId", "cn-shanghai"}, {"ReplicaGroupId", group}};
  EXPECT_EQ(code_of(w.call(Operation::FailoverDiskReplicaGroup, at_group)), contracts::codes::kInvalidStatus);
  EXPECT_EQ(code_of(w.call(Operation::StopDiskReplicaGroup, at_group)), contracts::codes::kInvalidStatus);

  w.advance_to(seconds(60));
  EXPECT_EQ(w.world().find_drill(drill)->status, Status::Executed);
  EXPECT_TRUE(w.call(Operation::ClearReplicaGroupDrill,
                     {{"RegionId", "cn-shanghai"}, {"GroupId", group}, {"DrillId", drill}})
                  .ok());

  contracts::Params remove = at_group;
  remove["ReplicaPairId"] = "pair-cn-billing0logs02";
  const auto removed = w.call(Operation::RemoveDiskReplicaPair, remove);
  ASSERT_TRUE(removed.ok()) << code_of(removed);
  EXPECT_EQ(w.world().find_group(group)->status, Status::Normal);
  EXPECT_EQ(w.world().find_group(group)->pair_ids, std::vector<std::string>{"pair-cn-billing0data01"});
}

TEST(GroupLibraryTest, DrillClearTimeoutNeedsASecondClearAfterClearFailed) {
  const Scenario s = library("group-drill-clear-timeout.toml");
  ASSERT_EQ(s.faults.size(), 1u);
  EXPECT_EQ(s.faults[0].transport, Transport::Hang);
  EXPECT_EQ(s.faults[0].commit, Commit::After);
  ScenarioWorld w(s);
  const std::string drill = "pg-drill-inventory01";
  const contracts::Params clear = {
      {"RegionId", "cn-shanghai"}, {"GroupId", "pg-inventory5t3n8c"}, {"DrillId", drill}};

  ASSERT_TRUE(w.call(Operation::ClearReplicaGroupDrill, clear).ok());  // the hung call
  EXPECT_EQ(w.world().find_drill(drill)->status, Status::Clearing);
  const auto retry = w.call(Operation::ClearReplicaGroupDrill, clear);  // no token: runs again
  EXPECT_TRUE(retry.ok()) << code_of(retry);
  EXPECT_FALSE(retry.transition);

  w.advance_to(seconds(30));
  EXPECT_EQ(w.world().find_drill(drill)->status, Status::ClearFailed);
  w.advance_to(seconds(600));  // it never vanishes on its own
  ASSERT_NE(w.world().find_drill(drill), nullptr);

  ASSERT_TRUE(w.call(Operation::ClearReplicaGroupDrill, clear).ok());
  w.advance_to(seconds(659));
  EXPECT_NE(w.world().find_drill(drill), nullptr);
  w.advance_to(seconds(660));
  EXPECT_EQ(w.world().find_drill(drill), nullptr);
}

}  // namespace
}  // namespace ebsmock::scenarios
