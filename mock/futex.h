// futex.h: the two Linux futex calls ebsmock waits with, on a process-private 32-bit
// word. std::atomic::wait has no timeout and std::condition_variable needs a mutex whose
// unlock after a timed wait always makes a futex_wake system call (glibc re-takes a
// condition variable's mutex as contended, since it cannot know it is not), so the
// SpinningMutex and RealClock's sleep use the kernel's calls directly.
// Stateless functions; thread-safe.
#pragma once

#include <linux/futex.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <climits>
#include <cstdint>

namespace ebsmock::mock {

static_assert(sizeof(std::atomic<std::uint32_t>) == sizeof(std::uint32_t) &&
              std::atomic<std::uint32_t>::is_always_lock_free,
              "a futex word must be a plain 32-bit integer");

// Sleeps while `word` holds `expected`, until woken, or until `deadline` on
// CLOCK_MONOTONIC (nullptr: no deadline). Returns false only when the deadline passed;
// true may also be a spurious wake-up, a signal, or a word that no longer held
// `expected`: callers check their condition again.
inline bool futex_wait(std::atomic<std::uint32_t>& word, std::uint32_t expected,
                       const timespec* deadline = nullptr) {
  // FUTEX_WAIT_BITSET takes an absolute deadline (plain FUTEX_WAIT a relative one), so
  // a wait resumed after a spurious wake-up does not stretch.
  const long r = syscall(SYS_futex, reinterpret_cast<std::uint32_t*>(&word), FUTEX_WAIT_BITSET_PRIVATE,
                         expected, deadline, nullptr, FUTEX_BITSET_MATCH_ANY);
  return !(r == -1 && errno == ETIMEDOUT);
}

// Wakes up to `count` threads sleeping in futex_wait on `word`.
inline void futex_wake(std::atomic<std::uint32_t>& word, int count = INT_MAX) {
  syscall(SYS_futex, reinterpret_cast<std::uint32_t*>(&word), FUTEX_WAKE_PRIVATE, count, nullptr, nullptr, 0);
}

}  // namespace ebsmock::mock
