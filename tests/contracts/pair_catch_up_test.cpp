// pair_catch_up_test.cpp: World::catch_up_pair and World::needs_advance, what lets the
// mock run calls on different pairs at the same time (contracts/README.md, "When
// time-driven changes are journaled"): a pair catching up alone makes exactly the
// changes advance() would make for it, leaves to advance() what only it may do (a
// group's and its members' changes, a pair vanishing), and a world whose pairs catch up only when touched
// answers every call as one caught up eagerly (a RapidCheck property). Single-threaded.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include "contracts/world.h"
#include "tests/contracts/group_fixtures.h"

namespace ebsmock::contracts {
namespace {

using testing::group_world;
using testing::kT0;
using testing::make_pair;

Params pair_params(const std::string& id) { return {{"RegionId", "cn-hangzhou"}, {"ReplicaPairId", id}}; }

Policy zero_timings() {
  Policy p;
  p.timing.create = p.timing.initial_sync = p.timing.sync = p.timing.manual_sync = Duration{0};
  p.timing.stop = p.timing.failover = p.timing.reprotect = p.timing.delete_ = Duration{0};
  return p;
}

TEST(PairCatchUp, MakesThePairsOwnDueChangeAndLeavesOtherPairsAsTheyAre) {
  World w;
  w.add_pair(make_pair("pair-cn-a", Status::Normal), kT0);
  w.add_pair(make_pair("pair-cn-b", Status::Normal), kT0);
  ASSERT_TRUE(w.execute(Operation::StopDiskReplicaPair, pair_params("pair-cn-a"), kT0).ok());
  ASSERT_TRUE(w.execute(Operation::StopDiskReplicaPair, pair_params("pair-cn-b"), kT0).ok());
  const Instant later = kT0 + std::chrono::hours(1);

  std::vector<TimedTransition> events;
  EXPECT_TRUE(w.catch_up_pair("pair-cn-a", later, events));
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].transition, (Transition{"pair-cn-a", Status::Stopping, Status::Stopped}));
  EXPECT_EQ(events[0].at, kT0 + w.policy().timing.stop) << "at the instant it was due, not the catch-up's";
  EXPECT_EQ(w.find("pair-cn-a")->status, Status::Stopped);
  EXPECT_EQ(w.find("pair-cn-b")->status, Status::Stopping) << "another pair waits for its own catch-up";
  EXPECT_FALSE(w.needs_advance(later)) << "a pair's own change is not due for everyone";

  // advance() then makes only b's change: a's queue entry went stale.
  const auto rest = w.advance(later);
  ASSERT_EQ(rest.size(), 1u);
  EXPECT_EQ(rest[0].transition.id, "pair-cn-b");
  // And a second catch-up finds nothing.
  events.clear();
  EXPECT_TRUE(w.catch_up_pair("pair-cn-a", later, events));
  EXPECT_TRUE(events.empty());
  EXPECT_TRUE(w.catch_up_pair("pair-cn-unknown", later, events)) << "an unknown pair has nothing to catch up";
}

TEST(PairCatchUp, LeavesAVanishingPairToAdvance) {
  World w(zero_timings());  // deleted_retention 0: a pair vanishes once deleted
  w.add_pair(make_pair("pair-cn-a", Status::Stopped), kT0);
  ASSERT_TRUE(w.execute(Operation::DeleteDiskReplicaPair, pair_params("pair-cn-a"), kT0).ok());
  std::vector<TimedTransition> events;
  EXPECT_FALSE(w.catch_up_pair("pair-cn-a", kT0, events));
  ASSERT_EQ(events.size(), 1u) << "deleting -> deleted is the pair's own";
  EXPECT_EQ(events[0].transition.to, Status::Deleted);
  EXPECT_NE(w.find("pair-cn-a"), nullptr) << "only advance() removes a pair from the map";
  const auto vanished = w.advance(kT0);
  ASSERT_EQ(vanished.size(), 1u);
  EXPECT_TRUE(vanished[0].vanished);
  EXPECT_EQ(w.find("pair-cn-a"), nullptr);
}

TEST(PairCatchUp, AGroupsChangeIsDueForEveryoneAndIsNotItsMembersOwn) {
  World w = group_world(Status::Normal, 2, 1700000000, /*free=*/1, Status::Normal);
  ASSERT_TRUE(w.execute(Operation::StopDiskReplicaGroup, {{"RegionId", "cn-hangzhou"}, {"ReplicaGroupId", "pg-1"}}, kT0)
                  .ok());
  const Instant later = kT0 + std::chrono::hours(1);
  EXPECT_TRUE(w.needs_advance(later)) << "a group's change is due for every call";
  std::vector<TimedTransition> events;
  w.catch_up_pair("pair-cn-m1", later, events);
  EXPECT_TRUE(events.empty()) << "a member moves with its group, in advance()";
  EXPECT_EQ(w.find("pair-cn-m1")->status, Status::Stopping);
  EXPECT_TRUE(w.catch_up_pair("pair-cn-f1", later, events));
  EXPECT_FALSE(w.advance(later).empty());
  EXPECT_EQ(w.find("pair-cn-m1")->status, Status::Stopped);
  EXPECT_FALSE(w.needs_advance(later));
}

TEST(PairCatchUp, StaleEntriesLeftByCatchUpsAreDueForEveryoneOncePiledUp) {
  World w(zero_timings());
  w.add_pair(make_pair("pair-cn-a", Status::Normal), kT0);
  std::vector<TimedTransition> events;
  int calls = 0;
  while (!w.needs_advance(kT0) && calls < 10'000) {
    w.catch_up_pair("pair-cn-a", kT0, events);
    const bool stop = w.find("pair-cn-a")->status == Status::Normal;
    ASSERT_TRUE(
        w.execute(stop ? Operation::StopDiskReplicaPair : Operation::StartDiskReplicaPair, pair_params("pair-cn-a"), kT0)
            .ok());
    ++calls;
  }
  EXPECT_GE(calls, 1000) << "a few stale entries are no reason to stop every call";
  EXPECT_LT(calls, 10'000) << "the queue would grow without bound";
  w.advance(kT0);
  EXPECT_FALSE(w.needs_advance(kT0)) << "advance() drops what went stale";
}

// A world whose pairs catch up only when a call touches them answers every call, and
// ends, as one brought up to the clock before every call.
RC_GTEST_PROP(PairCatchUp, LazyPairsAnswerAsAnEagerWorld, ()) {
  const std::vector<std::string> ids = {"pair-cn-a", "pair-cn-b", "pair-cn-c"};
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
    std::vector<TimedTransition> events;
    if (!lazy.catch_up_pair(ids[static_cast<std::size_t>(pair)], now, events) || lazy.needs_advance(now)) {
      lazy.advance(now);
    }
    const Params params = pair_params(ids[static_cast<std::size_t>(pair)]);
    const Outcome a = lazy.execute(ops[static_cast<std::size_t>(op)], params, now);
    const Outcome b = eager.execute(ops[static_cast<std::size_t>(op)], params, now);
    RC_ASSERT(a.error.has_value() == b.error.has_value());
    if (a.error) RC_ASSERT(a.error->code == b.error->code);
    RC_ASSERT(a.transition == b.transition);
    RC_ASSERT(a.body == b.body);
  }
  lazy.advance(now);
  eager.advance(now);
  RC_ASSERT(lazy.pairs() == eager.pairs());
}

}  // namespace
}  // namespace ebsmock::contracts
