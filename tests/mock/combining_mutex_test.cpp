// combining_mutex_test.cpp: CombiningMutex excludes: sections and plain holds from many
// threads at once lose no increment. A section queued while another thread holds the lock
// is run by that thread before it lets go, in the order the sections came, and its
// exception is rethrown on its own thread; a caller that slept waiting is woken, and
// counted. The lock is free after each of these.
// Multi-threaded; the waits are on the mutex's own state (queued sections, sleepers), not
// on time.
#include <gtest/gtest.h>

#include <atomic>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <vector>

#include "mock/combining_mutex.h"

namespace ebsmock::mock {
namespace {

// Holds `mu` (already locked by this thread) until `n` sections are queued.
void wait_until_queued(CombiningMutex& mu, int n) {
  while (mu.queued_locked().sections < n) std::this_thread::yield();
}

TEST(CombiningMutex, NoIncrementIsLostUnderSectionsAndPlainHoldsAtOnce) {
  CombiningMutex mu;
  // Read, yield, write: without exclusion the other writers' increments in between are lost.
  long counter = 0;
  auto bump = [&counter](int i) {
    const long seen = counter;
    if (i % 16 == 0) std::this_thread::yield();
    counter = seen + 1;
  };
  constexpr int kThreads = 8, kEach = 2'000;
  std::vector<std::thread> writers;
  for (int t = 0; t < kThreads; ++t) {
    writers.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i) {
        if (t % 2 == 0 || i % 3 == 0) {
          mu.run([&] { bump(i); });
        } else {
          std::lock_guard lock(mu);
          bump(i);
        }
      }
    });
  }
  for (auto& w : writers) w.join();
  EXPECT_EQ(counter, kThreads * kEach);
  EXPECT_TRUE(mu.try_lock());
  mu.unlock();
}

TEST(CombiningMutex, ASectionQueuedWhileTheLockIsHeldRunsOnTheHoldersThread) {
  CombiningMutex mu;
  std::thread::id ran_on;
  mu.lock();
  std::thread caller([&] { mu.run([&] { ran_on = std::this_thread::get_id(); }); });
  wait_until_queued(mu, 1);
  EXPECT_EQ(ran_on, std::thread::id{});  // not before the holder lets go
  mu.unlock();
  EXPECT_EQ(ran_on, std::this_thread::get_id());  // run by the unlock, before it returned
  caller.join();
  EXPECT_EQ(mu.combined(), 1u);
  EXPECT_TRUE(mu.try_lock());
  mu.unlock();
}

TEST(CombiningMutex, QueuedSectionsRunInTheOrderTheyCame) {
  CombiningMutex mu;
  std::vector<int> order;
  std::vector<std::thread> callers;
  mu.lock();
  for (int i = 0; i < 3; ++i) {
    callers.emplace_back([&, i] { mu.run([&, i] { order.push_back(i); }); });
    wait_until_queued(mu, i + 1);
  }
  mu.unlock();
  for (auto& c : callers) c.join();
  EXPECT_EQ(order, (std::vector<int>{0, 1, 2}));
  EXPECT_EQ(mu.combined(), 3u);
}

TEST(CombiningMutex, ASectionsExceptionIsRethrownOnItsCallersThread) {
  CombiningMutex mu;
  bool caught = false;
  bool after_ran = false;
  mu.lock();
  std::thread caller([&] {
    try {
      mu.run([] { throw std::runtime_error("from the section"); });
    } catch (const std::runtime_error& e) {
      caught = std::string(e.what()) == "from the section";
    }
  });
  wait_until_queued(mu, 1);
  std::thread after([&] { mu.run([&] { after_ran = true; }); });
  wait_until_queued(mu, 2);
  mu.unlock();  // the holder neither throws nor stops at the throwing section
  caller.join();
  after.join();
  EXPECT_TRUE(caught);
  EXPECT_TRUE(after_ran);
  // Run at once on a free lock, the same.
  EXPECT_THROW(mu.run([] { throw std::logic_error("x"); }), std::logic_error);
  EXPECT_TRUE(mu.try_lock());
  mu.unlock();
}

TEST(CombiningMutex, ACallerThatSleptIsWokenWhenItsSectionRunsAndCounted) {
  CombiningMutex mu;
  std::atomic<bool> ran = false;
  mu.lock();
  std::thread caller([&] { mu.run([&] { ran = true; }); });
  // No section runs while this thread holds the lock, so the caller's spin sees no
  // progress and it goes to sleep.
  while (mu.queued_locked().sleeping < 1) std::this_thread::yield();
  EXPECT_EQ(mu.sleeps().count, 0u);  // counted once it wakes
  mu.unlock();  // must wake it: without the wake-up, join() never returns
  caller.join();
  EXPECT_TRUE(ran);
  EXPECT_EQ(mu.sleeps().count, 1u);
  EXPECT_GT(mu.sleeps().total.count(), 0);
}

TEST(CombiningMutex, ASectionOnAFreeLockRunsOnItsOwnThreadAndCountsNothing) {
  CombiningMutex mu;
  std::thread::id ran_on;
  for (int i = 0; i < 100; ++i) mu.run([&] { ran_on = std::this_thread::get_id(); });
  EXPECT_EQ(ran_on, std::this_thread::get_id());
  EXPECT_EQ(mu.combined(), 0u);
  EXPECT_EQ(mu.sleeps().count, 0u);
}

}  // namespace
}  // namespace ebsmock::mock
