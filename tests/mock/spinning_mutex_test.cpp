// spinning_mutex_test.cpp: SpinningMutex excludes: increments made under it by many
// threads at once are never lost, and try_lock fails while another holds it; a waiter
// that outlasts the spin and sleeps is woken by unlock, and counted as a sleep (with the
// time it slept), and one unlock wakes every sleeper; a lock taken without a wait counts
// none. The spin's limits are times, turned into pause counts by this CPU's measured pause.
// Multi-threaded.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <thread>
#include <vector>

#include "mock/spinning_mutex.h"

namespace ebsmock::mock {
namespace {

TEST(SpinBudget, TheSpinsLimitsAreTimesWhateverAPauseLasts) {
  // ~24 ns a pause (an AMD EPYC): the counts the lock had before they became times.
  constexpr SpinBudget epyc = spin_budget(24.0);
  EXPECT_EQ(epyc.spins, 1000);
  EXPECT_EQ(epyc.stale, 400);
  EXPECT_EQ(epyc.stale_with_sleepers, 100);
  // A pause half as long: twice the pauses, the same times.
  constexpr SpinBudget xeon = spin_budget(12.0);
  EXPECT_EQ(xeon.spins, 2000);
  EXPECT_EQ(xeon.stale, 800);
  EXPECT_EQ(xeon.stale_with_sleepers, 200);
  // A nonsensical reading is bounded, and every limit is at least one pause.
  EXPECT_EQ(spin_budget(0.0).spins, 24'000);
  const SpinBudget slowest = spin_budget(1e9);
  EXPECT_EQ(slowest.spins, 24);
  EXPECT_GE(slowest.stale_with_sleepers, 1);
}

TEST(SpinBudget, ThisMachinesBudgetIsMeasuredWithinTheBounds) {
  const SpinBudget& b = calibrated_spin_budget();
  EXPECT_GE(b.spins, 24);
  EXPECT_LE(b.spins, 24'000);
  EXPECT_GT(b.spins, b.stale);
  EXPECT_GT(b.stale, b.stale_with_sleepers);
  EXPECT_EQ(&b, &calibrated_spin_budget());  // measured once
}

TEST(SpinningMutex, NoIncrementIsLostUnderConcurrentWriters) {
  SpinningMutex mu;
  // Read, yield, write: without exclusion the other writers' increments in between are lost.
  long counter = 0;
  constexpr int kThreads = 8, kEach = 2'000;
  std::vector<std::thread> writers;
  for (int t = 0; t < kThreads; ++t) {
    writers.emplace_back([&] {
      for (int i = 0; i < kEach; ++i) {
        std::lock_guard lock(mu);
        const long seen = counter;
        if (i % 16 == 0) std::this_thread::yield();
        counter = seen + 1;
      }
    });
  }
  for (auto& w : writers) w.join();
  EXPECT_EQ(counter, kThreads * kEach);
}

TEST(SpinningMutex, TryLockFailsWhileHeldElsewhere) {
  SpinningMutex mu;
  std::unique_lock held(mu);
  bool got = true;
  std::thread([&] { got = mu.try_lock(); }).join();
  EXPECT_FALSE(got);
  held.unlock();
  std::thread([&] {
    got = mu.try_lock();
    if (got) mu.unlock();
  }).join();
  EXPECT_TRUE(got);
}

TEST(SpinningMutex, AWaiterThatSleepsIsWokenByUnlock) {
  SpinningMutex mu;
  std::unique_lock held(mu);
  std::atomic<bool> got{false};
  std::thread waiter([&] {
    std::lock_guard lock(mu);
    got = true;
  });
  // The waiter marks the lock contended only once its spin is over and it goes to sleep.
  while (!mu.has_sleepers()) std::this_thread::yield();
  EXPECT_FALSE(got);
  held.unlock();  // must wake it: without the wake-up, join() never returns
  waiter.join();
  EXPECT_TRUE(got);
  // Its unlock leaves the lock free.
  EXPECT_TRUE(mu.try_lock());
  mu.unlock();
  // One wait slept, for as long as the lock was held after has_sleepers() turned true,
  // at least the futex round trip.
  EXPECT_EQ(mu.sleeps().count, 1u);
  EXPECT_GT(mu.sleeps().total.count(), 0);
}

TEST(SpinningMutex, ALockTakenWithoutSleepingCountsNoSleep) {
  SpinningMutex mu;
  for (int i = 0; i < 1'000; ++i) {
    std::lock_guard lock(mu);
  }
  {
    std::unique_lock held(mu);
    std::thread([&] { EXPECT_FALSE(mu.try_lock()); }).join();  // refused, not waited
  }
  EXPECT_EQ(mu.sleeps().count, 0u);
  EXPECT_EQ(mu.sleeps().total.count(), 0);
}

TEST(SpinningMutex, ManySleepersAreAllWokenInTurn) {
  SpinningMutex mu;
  std::unique_lock held(mu);
  std::atomic<int> done{0};
  std::vector<std::thread> waiters;
  for (int t = 0; t < 4; ++t) {
    waiters.emplace_back([&] {
      std::lock_guard lock(mu);
      ++done;
    });
  }
  while (!mu.has_sleepers()) std::this_thread::yield();
  held.unlock();
  for (auto& w : waiters) w.join();  // a waiter that slept again is woken by the next unlock
  EXPECT_EQ(done, 4);
  // At least the one that marked the lock contended slept; a waiter still spinning when
  // the lock came free took it without sleeping, and is not counted.
  EXPECT_GE(mu.sleeps().count, 1u);
  EXPECT_LE(mu.sleeps().count, 4u);
}

// The sleepers behind a holder are woken together by its unlock, not one per unlock: one
// per unlock made them a queue in which each waited for the one before it to be
// scheduled and to unlock (a convoy; tests/bench/RESULTS.md, twenty-fourth session).
TEST(SpinningMutex, OneUnlockWakesEverySleeper) {
  SpinningMutex mu;
  std::unique_lock held(mu);
  std::atomic<bool> release{false};
  std::vector<std::thread> waiters;
  for (int t = 0; t < 3; ++t) {
    waiters.emplace_back([&] {
      std::lock_guard lock(mu);
      // Keeps the lock until the test has counted the wake-ups, so the other two find it
      // held again: woken by one unlock, they can only have been woken by this test's.
      while (!release) std::this_thread::yield();
    });
  }
  while (mu.asleep() < 3) std::this_thread::yield();
  EXPECT_EQ(mu.wake_ups(), 0u);
  held.unlock();
  // Woken one per unlock, two would sleep on until the first waiter unlocks, which it
  // does only after this: the guard then fails the test rather than hanging it.
  const auto guard = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (mu.wake_ups() < 3 && std::chrono::steady_clock::now() < guard) std::this_thread::yield();
  EXPECT_EQ(mu.wake_ups(), 3u);
  release = true;
  for (auto& w : waiters) w.join();
}

}  // namespace
}  // namespace ebsmock::mock
