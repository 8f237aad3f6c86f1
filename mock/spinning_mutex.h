// spinning_mutex.h: a mutex that spins before it sleeps. For a lock held a few
// microseconds at a time by busy workers, a waiter that sleeps pays a futex wait, a
// wake-up and two context switches (several microseconds of CPU) to wait out a section
// shorter than that; a spin usually sees the lock free first.
// It is Drepper's three-state futex mutex ("Futexes Are Tricky", mutex3) with a spin in
// front. glibc's PTHREAD_MUTEX_ADAPTIVE_NP spins too, but at most 100 pauses (~2.4 us
// here) unless the whole process is started with a GLIBC_TUNABLES setting; under the
// throughput load its waiters still slept often enough to cost ~0.8 ms of CPU per
// 1,000 requests more than this one's budget (tests/bench/RESULTS.md, fourteenth session).
// Meets the standard Lockable requirements, so std::lock_guard, std::unique_lock and
// std::condition_variable_any take it. Thread-safe.
#pragma once

#include <linux/futex.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <atomic>
#include <cstdint>

namespace ebsmock::mock {

class SpinningMutex {
 public:
  SpinningMutex() = default;
  SpinningMutex(const SpinningMutex&) = delete;
  SpinningMutex& operator=(const SpinningMutex&) = delete;

  void lock() {
    std::uint32_t c = kFree;
    if (state_.compare_exchange_strong(c, kLocked, std::memory_order_acquire)) return;
    for (int i = 0; i < kSpins; ++i) {
      __builtin_ia32_pause();
      if (state_.load(std::memory_order_relaxed) == kFree) {
        c = kFree;
        if (state_.compare_exchange_weak(c, kLocked, std::memory_order_acquire)) return;
      }
    }
    // Sleep until woken: the state says "held, with waiters", so unlock wakes one.
    c = state_.exchange(kContended, std::memory_order_acquire);
    while (c != kFree) {
      syscall(SYS_futex, &state_, FUTEX_WAIT_PRIVATE, kContended, nullptr, nullptr, 0);
      c = state_.exchange(kContended, std::memory_order_acquire);
    }
  }
  bool try_lock() {
    std::uint32_t c = kFree;
    return state_.compare_exchange_strong(c, kLocked, std::memory_order_acquire);
  }
  // True while a waiter sleeps, or is about to (for tests).
  bool has_sleepers() const { return state_.load(std::memory_order_relaxed) == kContended; }

  void unlock() {
    if (state_.exchange(kFree, std::memory_order_release) == kContended) {
      syscall(SYS_futex, &state_, FUTEX_WAKE_PRIVATE, 1, nullptr, nullptr, 0);
    }
  }

 private:
  // kContended: held, and a waiter may sleep, so unlock must wake one. A waiter that
  // wakes takes the lock as kContended too, since it cannot know whether others sleep.
  static constexpr std::uint32_t kFree = 0, kLocked = 1, kContended = 2;
  // Pauses before sleeping: ~24 us on the benchmark machine (a pause is ~24 ns on its
  // AMD EPYC). 300, 600, 1,000, 1,500 and 2,000 measured alike; 3,000 worse, 10,000 far
  // worse (a waiter spins on through a holder that was preempted).
  static constexpr int kSpins = 1000;
  std::atomic<std::uint32_t> state_{kFree};
};

}  // namespace ebsmock::mock
