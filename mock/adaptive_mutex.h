// adaptive_mutex.h: a mutex that spins briefly before it sleeps (glibc's
// PTHREAD_MUTEX_ADAPTIVE_NP). For a lock held a few microseconds at a time by a couple of
// busy workers, a waiter that sleeps pays a futex wait, a wake-up and two context
// switches (several microseconds of CPU) to wait out a section shorter than that; a
// short spin usually sees the lock free first. Meets the standard Lockable requirements,
// so std::lock_guard and std::unique_lock take it. Thread-safe.
#pragma once

#include <pthread.h>

namespace ebsmock::mock {

class AdaptiveMutex {
 public:
  AdaptiveMutex() {
    pthread_mutexattr_t attr;
    pthread_mutexattr_init(&attr);
    pthread_mutexattr_settype(&attr, PTHREAD_MUTEX_ADAPTIVE_NP);
    pthread_mutex_init(&mu_, &attr);
    pthread_mutexattr_destroy(&attr);
  }
  ~AdaptiveMutex() { pthread_mutex_destroy(&mu_); }
  AdaptiveMutex(const AdaptiveMutex&) = delete;
  AdaptiveMutex& operator=(const AdaptiveMutex&) = delete;

  void lock() { pthread_mutex_lock(&mu_); }
  bool try_lock() { return pthread_mutex_trylock(&mu_) == 0; }
  void unlock() { pthread_mutex_unlock(&mu_); }

 private:
  pthread_mutex_t mu_;
};

}  // namespace ebsmock::mock
