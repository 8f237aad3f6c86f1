// world_locks.h: the locks the Service's world is held by: one SpinningMutex per stripe,
// a stripe being one of the World's pair partitions (contracts::World::pair_partition). A call that touches
// only pairs (most of what clients send: Start, Stop, Describe by id, ...) holds the
// stripes of its pairs, so calls on different pairs run at the same time; anything else
// (groups, drills, a Describe of every pair, the clock's catch-up, the admin API) holds
// the whole world, which is every stripe, taken in stripe order.
// Why stripes and not one lock: a holder preempted inside its hold stops every call
// queued behind it, which put ebsmock's p99 at 1.5-2.6x cpp-httplib's alone at the same
// CPU; spread over one lock per pair or so, the same work read 0.85-1.24x
// (tests/bench/RESULTS.md, twenty-ninth and thirtieth sessions).
// Thread-safe. Deadlock-free as long as every holder takes stripes in ascending order,
// which both ways of holding here do; a call never holds stripes when it asks for more.
#pragma once

#include <array>
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
    for (auto& s : stripes_) s.mu.lock();
  }
  void unlock() {
    for (auto& s : stripes_) s.mu.unlock();
  }

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

  // True while a waiter sleeps on some stripe, or is about to (for tests).
  bool has_sleepers() const {
    for (const auto& s : stripes_) {
      if (s.mu.has_sleepers()) return true;
    }
    return false;
  }

  // Waits on any stripe that outlasted its spin and slept, since construction.
  SpinningMutex::Sleeps sleeps() const {
    SpinningMutex::Sleeps total;
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
};

}  // namespace ebsmock::mock
