// world_locks.h: the locks the Service's world is held by: one SpinningMutex per stripe,
// a stripe being one of the World's pair partitions (contracts::World::pair_partition),
// and one for the whole world. A call that touches only pairs (most of what clients
// send: Start, Stop, Describe by id, ...) holds the stripes of its pairs, so calls on
// different pairs run at the same time; anything else (groups, drills, a Describe of
// every pair, the clock's catch-up, the admin API) holds the whole world: its own lock,
// then, while calls on pairs alone are on, every stripe in stripe order.
// Holders of the whole world queue on its one lock before any of them touches a stripe:
// without it, a thousand delayed calls woke together and each went for all 64 stripes,
// and the delay section fell from ~4,870 to 132 req/s (tests/bench/RESULTS.md, thirtieth
// session). While calls on pairs alone are off (a fault rule or replay script is loaded:
// every call holds the whole world), a holder takes no stripe at all.
// Why stripes at all: a holder preempted inside its hold stops every call queued behind
// it; spread over a lock per partition, only the calls on its partition wait.
// Thread-safe. Deadlock-free: stripes are taken in ascending order, and a holder of the
// whole world takes its own lock first; a call never holds stripes when it asks for more.
#pragma once

#include <array>
#include <atomic>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "contracts/world.h"
#include "mock/spinning_mutex.h"

namespace ebsmock::mock {

class WorldLocks {
 public:
  static constexpr std::size_t kStripes = contracts::World::kPairPartitions;
  // A set of stripes, as a bit mask: bit i is partition i.
  using StripeSet = std::uint64_t;
  static_assert(kStripes <= 64, "a StripeSet has a bit per stripe");

  static StripeSet stripe_of(std::string_view pair_id) { return StripeSet{1} << contracts::World::pair_partition(pair_id); }

  // Lockable, for std::unique_lock and friends: the whole world.
  void lock() {
    whole_.lock();
    stripes_held_ = pair_calls_on_.load(std::memory_order_relaxed);  // changed only under whole_
    if (stripes_held_) {
      for (auto& s : stripes_) s.mu.lock();
    }
  }
  void unlock() {
    // The setting takes effect here, once the holder is done with the world: a call on
    // pairs that then sees it on may go ahead, as no one else holds the world.
    pair_calls_on_.store(next_pair_calls_on_, std::memory_order_release);
    if (stripes_held_) {
      for (auto& s : stripes_) s.mu.unlock();
    }
    whole_.unlock();
  }
  // Holding the whole world: whether calls on pairs alone are on once it is let go.
  void set_pair_calls(bool on) { next_pair_calls_on_ = on; }
  // Holding a call's stripes (or not, for a first look): whether it may go ahead on them.
  // Off: it lets them go and holds the whole world instead.
  bool pair_calls_on() const { return pair_calls_on_.load(std::memory_order_acquire); }

  // Holds `stripes` (non-empty) until destroyed or release()d.
  class Held {
   public:
    Held(WorldLocks& locks, StripeSet stripes) : locks_(&locks), stripes_(stripes) {
      for (StripeSet left = stripes_; left != 0; left &= left - 1) locks_->stripes_[std::countr_zero(left)].mu.lock();
    }
    Held(const Held&) = delete;
    Held& operator=(const Held&) = delete;
    ~Held() { release(); }
    void release() {
      for (StripeSet left = stripes_; left != 0; left &= left - 1) locks_->stripes_[std::countr_zero(left)].mu.unlock();
      stripes_ = 0;
    }

   private:
    WorldLocks* locks_;
    StripeSet stripes_;
  };

  // True while a waiter sleeps on some stripe or on the whole world, or is about to (for tests).
  bool has_sleepers() const {
    if (whole_.has_sleepers()) return true;
    for (const auto& s : stripes_) {
      if (s.mu.has_sleepers()) return true;
    }
    return false;
  }

  // Waits on any of the locks that outlasted their spin and slept, since construction.
  SpinningMutex::Sleeps sleeps() const {
    SpinningMutex::Sleeps total = whole_.sleeps();
    for (const auto& s : stripes_) {
      const auto one = s.mu.sleeps();
      total.count += one.count;
      total.total += one.total;
    }
    return total;
  }

 private:
  struct alignas(64) Stripe {
    SpinningMutex mu;
  };
  std::array<Stripe, kStripes> stripes_;
  SpinningMutex whole_;
  std::atomic<bool> pair_calls_on_{true};
  bool next_pair_calls_on_ = true;  // under whole_
  bool stripes_held_ = false;       // under whole_: whether its holder took the stripes
};

}  // namespace ebsmock::mock
