// pair_catch_up_test.cpp: World::catch_up_partition and World::needs_advance, what lets
// the mock run calls on pairs of different partitions at the same time
// (contracts/README.md, "When time-driven changes are journaled"): a partition catching
// up alone makes exactly the changes advance() would make for its pairs, leaves to
// advance() what only it may do (a group's and its members' changes, a pair vanishing),
// and a world whose partitions catch up only when a call touches them answers every
// call, and ends, as one caught up eagerly (a RapidCheck property). Single-threaded.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include "contracts/world.h"
#include "tests/contracts/group_fixtures.h"

namespace ebsmock::contracts {
namespace {

using namespace std::chrono_literals;
using testing::group_world;
using testing::kT0;
using testing::make_pair;

Params pair_params(const std::string& id) { return {{"RegionId", "cn-hangzhou"}, {"ReplicaPairId", id}}; }

std::size_t partition(const std::string& id) { return World::pair_partition(id); }

// A pair id in `part`'s partition (same) or in another one.
std::string id_in(std::size_t part, bool same, const std::string& prefix) {
  for (int i = 0;; ++i) {
    std::string id = prefix + std::to_string(i);
    if ((partition(id) == part) == same) return id;
  }
}

Policy zero_timings() {
  Policy p;
  p.timing.create = p.timing.initial_sync = p.timing.sync = p.timing.manual_sync = Duration{0};
  p.timing.stop = p.timing.failover = p.timing.reprotect = p.timing.delete_ = Duration{0};
  return p;
}

TEST(PartitionCatchUp, MakesItsPairsDueChangesInTimeOrderAndLeavesOtherPartitionsAsTheyAre) {
  const std::string a = "pair-cn-a";
  const std::string a2 = id_in(partition(a), true, "pair-cn-a-twin-");
  const std::string b = id_in(partition(a), false, "pair-cn-b-");
  World w;
  for (const auto& id : {a, a2, b}) w.add_pair(make_pair(id, Status::Normal), kT0);
  ASSERT_TRUE(w.execute(Operation::StopDiskReplicaPair, pair_params(a2), kT0).ok());
  ASSERT_TRUE(w.execute(Operation::StopDiskReplicaPair, pair_params(b), kT0).ok());
  ASSERT_TRUE(w.execute(Operation::StopDiskReplicaPair, pair_params(a), kT0 + 1s).ok());
  const Instant later = kT0 + 1h;

  std::vector<TimedTransition> events;
  EXPECT_TRUE(w.catch_up_partition(partition(a), later, events));
  ASSERT_EQ(events.size(), 2u) << "both pairs of the partition";
  EXPECT_EQ(events[0].transition, (Transition{a2, Status::Stopping, Status::Stopped}));
  EXPECT_EQ(events[0].at, kT0 + w.policy().timing.stop) << "at the instant it was due, not the catch-up's";
  EXPECT_EQ(events[1].transition, (Transition{a, Status::Stopping, Status::Stopped}));
  EXPECT_EQ(w.find(b)->status, Status::Stopping) << "another partition waits for its own catch-up";
  EXPECT_FALSE(w.needs_advance(later)) << "a pair's change is not due for everyone";

  const auto rest = w.advance(later);
  ASSERT_EQ(rest.size(), 1u);
  EXPECT_EQ(rest[0].transition.id, b);
  events.clear();
  EXPECT_TRUE(w.catch_up_partition(partition(a), later, events));
  EXPECT_TRUE(events.empty()) << "nothing is made twice";
}

TEST(PartitionCatchUp, LeavesAVanishingPairToAdvance) {
  World w(zero_timings());  // deleted_retention 0: a pair vanishes once deleted
  w.add_pair(make_pair("pair-cn-a", Status::Stopped), kT0);
  ASSERT_TRUE(w.execute(Operation::DeleteDiskReplicaPair, pair_params("pair-cn-a"), kT0).ok());
  std::vector<TimedTransition> events;
  EXPECT_FALSE(w.catch_up_partition(partition("pair-cn-a"), kT0, events));
  ASSERT_EQ(events.size(), 1u) << "deleting -> deleted is the partition's to make";
  EXPECT_EQ(events[0].transition.to, Status::Deleted);
  EXPECT_NE(w.find("pair-cn-a"), nullptr) << "only advance() removes a pair from the map";
  const auto vanished = w.advance(kT0);
  ASSERT_EQ(vanished.size(), 1u);
  EXPECT_TRUE(vanished[0].vanished);
  EXPECT_EQ(w.find("pair-cn-a"), nullptr);
}

TEST(PartitionCatchUp, AGroupsChangeIsDueForEveryoneAndIsNotItsMembersPartitions) {
  World w = group_world(Status::Normal, 2, 1700000000, /*free=*/1, Status::Normal);
  ASSERT_TRUE(w.execute(Operation::StopDiskReplicaGroup, {{"RegionId", "cn-hangzhou"}, {"ReplicaGroupId", "pg-1"}}, kT0)
                  .ok());
  const Instant later = kT0 + 1h;
  EXPECT_TRUE(w.needs_advance(later)) << "a group's change is due for every call";
  std::vector<TimedTransition> events;
  w.catch_up_partition(partition("pair-cn-m1"), later, events);
  EXPECT_TRUE(events.empty()) << "a member moves with its group, in advance()";
  EXPECT_EQ(w.find("pair-cn-m1")->status, Status::Stopping);
  EXPECT_FALSE(w.advance(later).empty());
  EXPECT_EQ(w.find("pair-cn-m1")->status, Status::Stopped);
  EXPECT_FALSE(w.needs_advance(later));
}

TEST(PartitionCatchUp, AMemberForcedIntoAStatusOfItsOwnIsLeftToAdvance) {
  World w = group_world(Status::Stopped, 2);
  ASSERT_TRUE(w.force_status("pair-cn-m1", Status::Syncing, kT0));  // a partial failure's own schedule
  std::vector<TimedTransition> events;
  EXPECT_FALSE(w.catch_up_partition(partition("pair-cn-m1"), kT0 + 1h, events));
  EXPECT_EQ(w.find("pair-cn-m1")->status, Status::Syncing) << "its change may move its group: advance() makes it";
}

// A world whose partitions catch up only when a call touches one of their pairs answers
// every call, and ends, as one brought up to the clock before every call.
RC_GTEST_PROP(PartitionCatchUp, LazyPartitionsAnswerAsAnEagerWorld, ()) {
  // Two pairs share a partition, a third has one of its own.
  const std::string a = "pair-cn-a";
  const std::vector<std::string> ids = {a, id_in(partition(a), true, "pair-cn-t"), id_in(partition(a), false, "pair-cn-o")};
  const std::vector<Operation> ops = {Operation::StartDiskReplicaPair,    Operation::StopDiskReplicaPair,
                                      Operation::FailoverDiskReplicaPair, Operation::ReprotectDiskReplicaPair,
                                      Operation::DeleteDiskReplicaPair,   Operation::DescribeDiskReplicaPairProgress};
  Policy policy = zero_timings();
  policy.timing.stop = std::chrono::seconds(*rc::gen::inRange(0, 3));
  policy.timing.sync = std::chrono::seconds(*rc::gen::inRange(0, 3));
  World lazy(policy), eager(policy);
  for (const auto& id : ids) {
    lazy.add_pair(make_pair(id, Status::Normal), kT0);
    eager.add_pair(make_pair(id, Status::Normal), kT0);
  }
  Instant now = kT0;
  const auto steps = *rc::gen::container<std::vector<std::tuple<int, int, int>>>(
      rc::gen::tuple(rc::gen::inRange(0, 3), rc::gen::inRange(0, static_cast<int>(ops.size())), rc::gen::inRange(0, 3)));
  for (const auto& [pair, op, seconds] : steps) {
    now += std::chrono::seconds(seconds);
    eager.advance(now);
    const std::string& id = ids[static_cast<std::size_t>(pair)];
    std::vector<TimedTransition> events;
    if (!lazy.catch_up_partition(partition(id), now, events) || lazy.needs_advance(now)) lazy.advance(now);
    const Outcome x = lazy.execute(ops[static_cast<std::size_t>(op)], pair_params(id), now);
    const Outcome y = eager.execute(ops[static_cast<std::size_t>(op)], pair_params(id), now);
    RC_ASSERT(x.error.has_value() == y.error.has_value());
    if (x.error) RC_ASSERT(x.error->code == y.error->code);
    RC_ASSERT(x.transition == y.transition);
    RC_ASSERT(x.body == y.body);
  }
  lazy.advance(now);
  eager.advance(now);
  RC_ASSERT(lazy.pairs() == eager.pairs());
}

}  // namespace
}  // namespace ebsmock::contracts
