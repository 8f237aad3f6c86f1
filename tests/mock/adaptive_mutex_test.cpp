// adaptive_mutex_test.cpp: AdaptiveMutex excludes: increments made under it by many
// threads at once are never lost, and try_lock fails while another holds it.
// Multi-threaded.
#include <gtest/gtest.h>

#include <mutex>
#include <thread>
#include <vector>

#include "mock/adaptive_mutex.h"

namespace ebsmock::mock {
namespace {

TEST(AdaptiveMutex, NoIncrementIsLostUnderConcurrentWriters) {
  AdaptiveMutex mu;
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

TEST(AdaptiveMutex, TryLockFailsWhileHeldElsewhere) {
  AdaptiveMutex mu;
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

}  // namespace
}  // namespace ebsmock::mock
