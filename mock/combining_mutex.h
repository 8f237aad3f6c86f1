// combining_mutex.h: the Service's lock: a SpinningMutex whose waiters, where they would
// sleep on the lock, hand their critical section to its holder instead (flat combining:
// Hendler, Incze, Shavit and Tzafrir, SPAA 2010). A call passes its section to run(): it
// takes the lock as SpinningMutex does, spinning while the lock changes hands, and runs
// the section itself. When the spin gives up (the holder was most likely descheduled
// inside the lock), the section is queued and the caller sleeps on its own flag; the
// holder, once back, runs every queued section before it lets go, and their callers wake
// together.
// Why: on 2 cores under 64 connections a holder is often descheduled inside the lock.
// Its waiters outlast their spin and sleep, and a plain lock wakes them one per unlock,
// each wake-up waiting for its thread's turn on a core before the lock moves on: a serial
// chain of scheduling delays, the latency the lock added to ebsmock's throughput p99
// (tests/bench/RESULTS.md, ninth and twenty-second sessions). Only the waits that would
// sleep are combined: a section run by another thread touches its caller's data from
// another core, which costs more than a short spin (queuing every waiter measured ~4%
// more CPU).
// Also Lockable (lock, try_lock, unlock) for code that holds it plainly: the admin views,
// resets, the journal's readers, a call that waits out a delay. Every unlock runs the
// queued sections first, and looks at the queue again once the lock is free, so no
// queued section waits for a holder that has gone. A section may throw: its exception is
// rethrown on its caller's thread. A section must not lock or unlock this mutex, nor
// wait: it may run inside another thread's unlock. Queued sections run in the order they
// were queued.
// Thread-safe.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <exception>
#include <type_traits>

#include "mock/futex.h"
#include "mock/spinning_mutex.h"

namespace ebsmock::mock {

class CombiningMutex {
 public:
  CombiningMutex() = default;
  CombiningMutex(const CombiningMutex&) = delete;
  CombiningMutex& operator=(const CombiningMutex&) = delete;

  // Runs `section()` under the lock, on this thread or on the lock's holder, and returns
  // once it has run (rethrowing what it threw).
  template <class Section>
  void run(Section&& section) {
    using Callable = std::remove_reference_t<Section>;
    Request request;
    request.section = const_cast<void*>(static_cast<const void*>(&section));
    request.call = [](void* s) { (*static_cast<Callable*>(s))(); };
    if (mu_.try_lock_spinning()) {
      execute(request);
      unlock();
    } else {
      queue_and_sleep(request);
    }
    if (request.error) std::rethrow_exception(request.error);
  }

  void lock() { mu_.lock(); }
  bool try_lock() { return mu_.try_lock(); }
  // Runs the queued sections, lets the lock go, and runs those queued meanwhile if it can
  // take the lock back (when it cannot, its new holder will).
  void unlock() noexcept;

  // Waits that outlasted the spin and slept: on the lock itself (a plain lock()) and on a
  // queued section's flag; how long they slept in all.
  SpinningMutex::Sleeps sleeps() const;
  // True while a plain lock() waits asleep, or is about to (for tests).
  bool has_sleepers() const { return mu_.has_sleepers(); }
  // The sections queued and not yet taken by a holder, and how many of their callers
  // sleep. Only while holding the lock: a queued section's caller cannot leave until a
  // holder has run it, so the queue is safe to walk then (for tests).
  struct Queued {
    int sections = 0, sleeping = 0;
  };
  Queued queued_locked() const;
  // Sections run by a thread other than their caller's, since start (for tests and health).
  std::uint64_t combined() const { return combined_.load(std::memory_order_relaxed); }

 private:
  // One queued section, on its caller's stack; the caller waits until it is Done.
  struct Request {
    void (*call)(void*) = nullptr;
    void* section = nullptr;
    std::exception_ptr error;
    Request* next = nullptr;                   // toward older requests while queued
    std::atomic<std::uint32_t> state{kQueued};  // a futex word
  };
  static constexpr std::uint32_t kQueued = 0, kSleeping = 1, kDone = 2;

  // Threads to wake once the lock is free: a wake-up is a system call, and the woken
  // thread may preempt its waker. More sleepers than fit are woken at once.
  struct Wakes {
    static constexpr int kMax = 64;
    std::atomic<std::uint32_t>* words[kMax];
    int n = 0;
    void add(std::atomic<std::uint32_t>& word) {
      if (n == kMax) {
        futex_wake(word, 1);
        return;
      }
      words[n++] = &word;
    }
    void wake_all() {
      for (int i = 0; i < n; ++i) futex_wake(*words[i], 1);
      n = 0;
    }
  };

  static void execute(Request& r) noexcept;
  // Under the lock: takes every queued request and runs them, oldest first.
  void run_queued(Wakes& wakes);
  // Where a plain lock would sleep on the lock: queue the section and sleep on its flag.
  void queue_and_sleep(Request& r);

  SpinningMutex mu_;
  std::atomic<Request*> queue_{nullptr};      // a stack: the newest first
  // Sections run by a holder for another thread: also a waiter's sign of progress.
  std::atomic<std::uint64_t> combined_{0};
  std::atomic<std::uint64_t> sleeps_{0}, slept_ns_{0};  // written only by waiters that slept
};

}  // namespace ebsmock::mock
