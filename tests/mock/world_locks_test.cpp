// world_locks_test.cpp: WorldLocks, the Service's world held per pair stripe or whole:
// holders of different stripes run at the same time, the whole world waits for every
// stripe's holder and a stripe's holder for the whole world's, holders of the whole world
// queue on its own lock, and with calls on pairs alone off (a setting that takes effect
// when the whole world is let go) the whole world takes no stripe.
// Multi-threaded; every wait is on the locks' own state (a waiter asleep on a stripe, or
// a thread that finished), never on time.
#include <gtest/gtest.h>

#include <atomic>
#include <bit>
#include <mutex>
#include <string>
#include <thread>

#include "mock/world_locks.h"

namespace ebsmock::mock {
namespace {

// Two pair ids on different stripes.
std::pair<std::string, std::string> ids_on_two_stripes() {
  const std::string a = "pair-cn-a";
  for (int i = 0;; ++i) {
    std::string b = "pair-cn-b" + std::to_string(i);
    if (WorldLocks::stripe_of(b) != WorldLocks::stripe_of(a)) return {a, b};
  }
}

TEST(WorldLocks, AStripeIsOneBitAndTheSamePairAlwaysHasTheSameOne) {
  const auto s = WorldLocks::stripe_of("pair-cn-bench00000000042");
  EXPECT_EQ(std::popcount(s), 1);
  EXPECT_EQ(s, WorldLocks::stripe_of(std::string("pair-cn-bench00000000042")));
}

TEST(WorldLocks, HoldersOfDifferentStripesRunAtTheSameTime) {
  WorldLocks locks;
  const auto [a, b] = ids_on_two_stripes();
  WorldLocks::Held held_a(locks, WorldLocks::stripe_of(a));
  std::thread other([&] { WorldLocks::Held held_b(locks, WorldLocks::stripe_of(b)); });
  other.join();  // would never return if b's stripe waited for a's
  SUCCEED();
}

TEST(WorldLocks, TheWholeWorldWaitsForAStripesHolderAndAStripeForTheWholeWorld) {
  WorldLocks locks;
  const auto [a, b] = ids_on_two_stripes();
  std::atomic<bool> whole = false;
  std::thread world;
  {
    WorldLocks::Held held(locks, WorldLocks::stripe_of(a));
    world = std::thread([&] {
      std::lock_guard lock(locks);
      whole = true;
    });
    while (!locks.has_sleepers() && !whole) std::this_thread::yield();
    EXPECT_FALSE(whole) << "the whole world was taken while a stripe was held";
  }
  world.join();
  EXPECT_TRUE(whole);

  std::atomic<bool> stripe = false;
  std::thread pair;
  {
    std::lock_guard lock(locks);
    pair = std::thread([&] {
      WorldLocks::Held held(locks, WorldLocks::stripe_of(b));
      stripe = true;
    });
    while (!locks.has_sleepers() && !stripe) std::this_thread::yield();
    EXPECT_FALSE(stripe) << "a stripe was taken while the whole world was held";
  }
  pair.join();
  EXPECT_TRUE(stripe);
}

TEST(WorldLocks, HoldersOfTheWholeWorldQueueOnItsOwnLockFirst) {
  WorldLocks locks;
  std::atomic<bool> second = false;
  std::thread other;
  {
    std::lock_guard first(locks);
    other = std::thread([&] {
      std::lock_guard lock(locks);
      second = true;
    });
    while (!locks.has_sleepers() && !second) std::this_thread::yield();
    EXPECT_FALSE(second);
  }
  other.join();
  EXPECT_TRUE(second);
}

TEST(WorldLocks, WithPairCallsOffTheWholeWorldTakesNoStripeAndTheSettingWaitsForItsRelease) {
  WorldLocks locks;
  {
    std::lock_guard lock(locks);
    locks.set_pair_calls(false);
    EXPECT_TRUE(locks.pair_calls_on()) << "not before the holder lets go";
  }
  EXPECT_FALSE(locks.pair_calls_on());
  // A call that took its stripe before it looked does not keep the whole world out.
  WorldLocks::Held held(locks, WorldLocks::stripe_of("pair-cn-a"));
  std::thread world([&] { std::lock_guard lock(locks); });
  world.join();  // would wait forever if the whole world took the stripes
  {
    std::lock_guard lock(locks);
    locks.set_pair_calls(true);
  }
  EXPECT_TRUE(locks.pair_calls_on());
}

TEST(WorldLocks, ReleaseLetsGoOfEveryStripeItHeld) {
  WorldLocks locks;
  const auto s = WorldLocks::stripe_of("pair-cn-a") | WorldLocks::stripe_of("pair-cn-b");
  {
    WorldLocks::Held held(locks, s);
    held.release();
    WorldLocks::Held again(locks, s);  // would wait forever if release had not let go
  }
  std::lock_guard whole(locks);  // and nothing is left held
  SUCCEED();
}

}  // namespace
}  // namespace ebsmock::mock
