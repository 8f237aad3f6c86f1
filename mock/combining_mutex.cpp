// combining_mutex.cpp: see combining_mutex.h.
#include "mock/combining_mutex.h"

namespace ebsmock::mock {

void CombiningMutex::execute(Request& r) noexcept {
  try {
    r.call(r.section);
  } catch (...) {
    r.error = std::current_exception();
  }
}

void CombiningMutex::run_queued(Wakes& wakes) {
  Request* newest = queue_.exchange(nullptr, std::memory_order_acquire);
  if (newest == nullptr) return;
  Request* oldest = nullptr;  // reversed: queued order
  while (newest != nullptr) {
    Request* next = newest->next;
    newest->next = oldest;
    oldest = newest;
    newest = next;
  }
  while (oldest != nullptr) {
    Request* r = oldest;
    oldest = r->next;  // read before Done: the caller may return and free r at once
    execute(*r);
    // Under the lock; each one, so the callers still queued see the holder move on.
    combined_.store(combined_.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
    // After this store the request belongs to its caller again; only its word's address
    // is kept, to wake it. A wake-up that comes after the caller left (it saw Done while it
    // still spun) lands on a futex word no one waits on, or is a spurious wake-up to
    // whoever waits there now, which every futex waiter here checks for.
    if (r->state.exchange(kDone, std::memory_order_acq_rel) == kSleeping) wakes.add(r->state);
  }
}

void CombiningMutex::unlock() noexcept {
  Wakes wakes;
  run_queued(wakes);
  mu_.unlock();
  // A caller that queued after run_queued looked, and then found the lock held, counts on
  // this unlock to run its section. The fence orders the release above before the queue's
  // read below, as the caller's fence orders its push before its look at the lock.
  std::atomic_thread_fence(std::memory_order_seq_cst);
  while (queue_.load(std::memory_order_relaxed) != nullptr && mu_.try_lock()) {
    run_queued(wakes);
    mu_.unlock();
    std::atomic_thread_fence(std::memory_order_seq_cst);
  }
  wakes.wake_all();
}

void CombiningMutex::queue_and_sleep(Request& r) {
  Request* head = queue_.load(std::memory_order_relaxed);
  do {
    r.next = head;
  } while (!queue_.compare_exchange_weak(head, &r, std::memory_order_release, std::memory_order_relaxed));
  // The holder's unlock reads the queue after it lets the lock go; this reads the lock
  // after the push. So either the holder sees this request, or this sees the lock free.
  std::atomic_thread_fence(std::memory_order_seq_cst);
  if (!mu_.held() && mu_.try_lock()) {
    unlock();  // runs the queue, this request among them: no holder took it without finishing it
    return;
  }
  // The lock was seen held since the push: that holder's unlock, or a later one, runs it.
  std::uint32_t expected = kQueued;
  if (!r.state.compare_exchange_strong(expected, kSleeping, std::memory_order_acq_rel)) return;  // Done meanwhile
  const auto slept_from = std::chrono::steady_clock::now();
  while (r.state.load(std::memory_order_acquire) != kDone) futex_wait(r.state, kSleeping);
  const auto slept = std::chrono::steady_clock::now() - slept_from;
  sleeps_.fetch_add(1, std::memory_order_relaxed);
  slept_ns_.fetch_add(static_cast<std::uint64_t>(std::chrono::nanoseconds(slept).count()), std::memory_order_relaxed);
}

CombiningMutex::Queued CombiningMutex::queued_locked() const {
  Queued q;
  for (const Request* r = queue_.load(std::memory_order_acquire); r != nullptr; r = r->next) {
    ++q.sections;
    if (r->state.load(std::memory_order_acquire) == kSleeping) ++q.sleeping;
  }
  return q;
}

SpinningMutex::Sleeps CombiningMutex::sleeps() const {
  SpinningMutex::Sleeps s = mu_.sleeps();
  s.count += sleeps_.load(std::memory_order_relaxed);
  s.total += std::chrono::nanoseconds(slept_ns_.load(std::memory_order_relaxed));
  return s;
}

}  // namespace ebsmock::mock
