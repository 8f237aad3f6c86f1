// spinning_mutex.h: a mutex that spins before it sleeps. For a lock held a few
// microseconds at a time by busy workers, a waiter that sleeps pays a futex wait, a
// wake-up and two context switches (several microseconds of CPU) to wait out a section
// shorter than that; a spin usually sees the lock free first.
// It is Drepper's three-state futex mutex ("Futexes Are Tricky", mutex3) with a spin in
// front. The spin lasts while the lock changes hands, and stops once one hold has
// lasted several usual ones, its holder then most likely descheduled inside it, or fewer
// when another waiter already sleeps. glibc's PTHREAD_MUTEX_ADAPTIVE_NP spins too, but
// at most 100 pauses (~2.4 us on the AMD EPYC it was measured on) unless the whole
// process is started with a GLIBC_TUNABLES setting; under the throughput load its waiters
// still slept often enough to cost ~0.8 ms of CPU per 1,000 requests more than this
// one's budget (tests/bench/RESULTS.md, fourteenth session).
// Unlike mutex3, an unlock wakes every sleeper, not one, and a woken waiter spins again
// like any other instead of taking the lock as contended. With one woken per unlock, the
// sleepers behind a descheduled holder were a queue: each waited for the one before it
// to be woken, scheduled, and to unlock, a scheduling delay per place on two busy cores.
// Woken together, each waits only for its own: under the throughput load the mean sleep
// fell from ~3 ms to ~0.6 ms at the same CPU (tests/bench/RESULTS.md, twenty-fourth
// session). It stays correct because the lock is free only after an unlock that wakes
// every sleeper: a waiter that takes a free lock as plain "locked" strands nobody, and
// whoever sleeps later marks it contended first.
// Meets the standard Lockable requirements, so std::lock_guard, std::unique_lock and
// std::condition_variable_any take it. Thread-safe.
// It counts the waits that outlasted the spin and slept, and how long they slept. A lock
// held a few microseconds is slept on only when its holder was descheduled inside it, so
// these are the latency the lock itself added (the Service's lock reports them in
// /__admin/health; tests/bench/RESULTS.md, nineteenth session). That time is read from
// std::chrono::steady_clock, not an injected Clock: it measures, and decides nothing.
#pragma once

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <optional>

#include "mock/futex.h"

namespace ebsmock::mock {

// The spin's limits are times; a pause's length differs by CPU (~24 ns on an AMD EPYC,
// ~11 ns on an Intel Xeon of the same cloud), so they become pause counts per machine.
struct SpinBudget {
  int spins;                // pauses before sleeping at most (~24 us)
  int stale;                // pauses one hold may last before a waiter sleeps (~10 us)
  int stale_with_sleepers;  // the same when another waiter already sleeps (~2.4 us)
};

constexpr SpinBudget spin_budget(double ns_per_pause) {
  const double ns = std::clamp(ns_per_pause, 1.0, 1000.0);
  auto pauses = [ns](double budget_ns) { return std::max(1, static_cast<int>(budget_ns / ns)); };
  return {pauses(24'000), pauses(9'600), pauses(2'400)};
}

// This CPU's budget, measured once: the shortest of a few timed runs of pauses, since a
// run that was descheduled or interrupted reads long.
inline const SpinBudget& calibrated_spin_budget() {
  static const SpinBudget budget = [] {
    double best = 1000.0;
    for (int run = 0; run < 8; ++run) {
      constexpr int kPauses = 256;
      const auto from = std::chrono::steady_clock::now();
      for (int i = 0; i < kPauses; ++i) __builtin_ia32_pause();
      const std::chrono::duration<double, std::nano> took = std::chrono::steady_clock::now() - from;
      best = std::min(best, took.count() / kPauses);
    }
    return spin_budget(best);
  }();
  return budget;
}

class SpinningMutex {
 public:
  SpinningMutex() = default;
  SpinningMutex(const SpinningMutex&) = delete;
  SpinningMutex& operator=(const SpinningMutex&) = delete;

  void lock() {
    std::uint32_t c = kFree;
    if (state_.compare_exchange_strong(c, kLocked, std::memory_order_acquire)) return took();
    std::optional<std::chrono::steady_clock::time_point> slept_from;
    for (;;) {
      if (spin()) break;
      // Sleep until woken: the state says "held, with waiters", so unlock wakes them.
      if (state_.exchange(kContended, std::memory_order_acquire) == kFree) break;
      if (!slept_from) slept_from = std::chrono::steady_clock::now();
      asleep_.fetch_add(1, std::memory_order_relaxed);
      futex_wait(state_, kContended);
      asleep_.fetch_sub(1, std::memory_order_relaxed);
      woken_.fetch_add(1, std::memory_order_relaxed);
      // Woken with every other sleeper: spin again with them (see the header comment).
    }
    took();
    if (!slept_from) return;
    // Counted once the lock is taken: a reader that saw this lock's release sees the count.
    const auto slept = std::chrono::steady_clock::now() - *slept_from;
    sleeps_.fetch_add(1, std::memory_order_relaxed);
    slept_ns_.fetch_add(static_cast<std::uint64_t>(std::chrono::nanoseconds(slept).count()),
                        std::memory_order_relaxed);
  }
  bool try_lock() {
    std::uint32_t c = kFree;
    if (!state_.compare_exchange_strong(c, kLocked, std::memory_order_acquire)) return false;
    took();
    return true;
  }
  // True while a waiter sleeps, or is about to (for tests).
  bool has_sleepers() const { return state_.load(std::memory_order_relaxed) == kContended; }
  // Waiters inside their sleep now, and the sleeps that have ended so far (for tests:
  // counted on the sleeping path only, around its system call).
  std::uint32_t asleep() const { return asleep_.load(std::memory_order_relaxed); }
  std::uint64_t wake_ups() const { return woken_.load(std::memory_order_relaxed); }
  // The waits so far that outlasted the spin and slept until the lock was theirs, and the
  // time they slept in all.
  struct Sleeps {
    std::uint64_t count = 0;
    std::chrono::nanoseconds total{0};
  };
  Sleeps sleeps() const {
    return {sleeps_.load(std::memory_order_relaxed),
            std::chrono::nanoseconds(slept_ns_.load(std::memory_order_relaxed))};
  }

  void unlock() {
    if (state_.exchange(kFree, std::memory_order_release) == kContended) {
      futex_wake(state_);
    }
  }

 private:
  // kContended: held, and a waiter may sleep, so unlock must wake them. kFree is written
  // only by unlock, which then wakes every sleeper, so any waiter may take a free lock as
  // kLocked.
  static constexpr std::uint32_t kFree = 0, kLocked = 1, kContended = 2;
  // The spin's budget (spin_budget above): at most ~24 us; 300, 600, 1,000, 1,500 and
  // 2,000 pauses of ~24 ns measured alike, 3,000 worse, 10,000 far worse (a waiter spins
  // on through a holder that was preempted). A waiter stops spinning once one hold has
  // lasted ~10 us, four times the Service's usual hold, or ~2.4 us, about one usual hold,
  // when a waiter already sleeps (the state is kContended; not at once then, since a
  // waiter whose exchange found the lock free holds it as kContended while it runs, as
  // every woken waiter did before the twenty-fourth session). Before, when
  // a holder was descheduled, every waiter that came spun the whole budget on the cores
  // the holder needed back: in the delay section (1,000 connections whose 200 ms delays
  // end together) the lock was slept on ~9 times per 100 requests, 1.5-6 ms each on
  // average, against 0.4-0.8 ms with these (tests/bench/RESULTS.md, nineteenth session).
  // These were counts of pauses until the twentieth session; on a CPU whose pause is half
  // as long they gave up twice as soon.

  // Spins while the lock changes hands; true once it took the lock. A hold that outlasts
  // the budget's stale time means its holder was descheduled inside it: give up then, so
  // the cores go to the holder rather than to a spin. With a waiter already asleep, a
  // shorter hold says so.
  bool spin() {
    const SpinBudget& budget = calibrated_spin_budget();
    std::uint64_t hold = holds_.load(std::memory_order_relaxed);
    int same_hold = 0;
    for (int i = 0; i < budget.spins && same_hold < budget.stale; ++i, ++same_hold) {
      __builtin_ia32_pause();
      const std::uint32_t seen = state_.load(std::memory_order_relaxed);
      if (seen == kFree) {
        std::uint32_t c = kFree;
        if (state_.compare_exchange_weak(c, kLocked, std::memory_order_acquire)) return true;
      } else if (seen == kContended && same_hold >= budget.stale_with_sleepers) {
        break;
      }
      if (const std::uint64_t now = holds_.load(std::memory_order_relaxed); now != hold) {
        hold = now;
        same_hold = 0;
      }
    }
    return false;
  }

  // Counts a hold: written only by the thread that has just taken the lock.
  void took() { holds_.store(holds_.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed); }

  std::atomic<std::uint32_t> state_{kFree};
  std::atomic<std::uint64_t> holds_{0};  // how many times the lock was taken: a waiter sees it change hands
  std::atomic<std::uint64_t> sleeps_{0}, slept_ns_{0};  // written only by waiters that slept
  std::atomic<std::uint32_t> asleep_{0};                // likewise
  std::atomic<std::uint64_t> woken_{0};                 // likewise
};

}  // namespace ebsmock::mock
