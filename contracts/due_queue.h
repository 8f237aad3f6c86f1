// due_queue.h: the World's schedule: every time-driven change as (due, kind, id), earliest
// first, so World::advance touches only what is due. An entry whose resource no longer
// has that due time is stale and is dropped when it comes up (the World decides that).
// Thread-safety: push() and earliest() may be called from any thread at any time, so
// calls that touch different pairs can run World::execute at the same time (the mock's
// per-pair locks, mock/world_locks.h); everything else (pop, compaction, copies) needs
// the World exclusively, with no push running.
#pragma once

#include <algorithm>
#include <atomic>
#include <functional>
#include <mutex>
#include <string>
#include <tuple>
#include <vector>

#include "contracts/operation.h"
#include "contracts/time.h"

namespace ebsmock::contracts {

class DueQueue {
 public:
  // Ties: pairs before groups before drills, then the smaller id, as a scan of the world
  // in that order would.
  using Entry = std::tuple<Instant, ResourceKind, std::string>;

  DueQueue() = default;
  // A World is copied per step by the harness's checkers: the copy has its own lock.
  DueQueue(const DueQueue& other) : heap_(other.heap_) { refresh_summary(); }
  DueQueue& operator=(const DueQueue& other) {
    if (this != &other) {
      heap_ = other.heap_;
      refresh_summary();
    }
    return *this;
  }
  DueQueue(DueQueue&& other) noexcept : heap_(std::move(other.heap_)) { refresh_summary(); }
  DueQueue& operator=(DueQueue&& other) noexcept {
    heap_ = std::move(other.heap_);
    refresh_summary();
    return *this;
  }

  // Thread-safe. The id is copied before the lock, so the lock covers only the heap's
  // own steps.
  void push(Instant due, ResourceKind kind, const std::string& id) {
    Entry entry{due, kind, id};
    {
      std::lock_guard lock(mu_);
      heap_.push_back(std::move(entry));
      std::push_heap(heap_.begin(), heap_.end(), std::greater<>());
      size_.store(heap_.size(), std::memory_order_relaxed);
    }
    lower_earliest(due);
  }
  // Thread-safe: the earliest due time pushed and not yet popped (it may be a stale
  // entry's, so nothing may actually change then), or Instant::max() when none.
  Instant earliest() const { return Instant(Duration(earliest_.load(std::memory_order_acquire))); }

  // --- The World held exclusively.
  bool empty() const { return heap_.empty(); }
  // Thread-safe (a moment's count while pushes run).
  std::size_t size() const { return size_.load(std::memory_order_relaxed); }
  const Entry& front() const { return heap_.front(); }
  Entry pop() {
    std::pop_heap(heap_.begin(), heap_.end(), std::greater<>());
    Entry e = std::move(heap_.back());
    heap_.pop_back();
    refresh_summary();
    return e;
  }
  // Replaces every entry (a compaction: the live ones only).
  void assign(std::vector<Entry> entries) {
    heap_ = std::move(entries);
    std::make_heap(heap_.begin(), heap_.end(), std::greater<>());
    refresh_summary();
  }

 private:
  void lower_earliest(Instant due) {
    const auto ticks = due.time_since_epoch().count();
    auto seen = earliest_.load(std::memory_order_relaxed);
    while (ticks < seen && !earliest_.compare_exchange_weak(seen, ticks, std::memory_order_release)) {
    }
  }
  void refresh_summary() {
    size_.store(heap_.size(), std::memory_order_relaxed);
    earliest_.store(heap_.empty() ? Instant::max().time_since_epoch().count()
                                  : std::get<0>(heap_.front()).time_since_epoch().count(),
                    std::memory_order_release);
  }

  mutable std::mutex mu_;  // guards heap_ against concurrent pushes
  // A min-heap (std::push_heap/pop_heap with std::greater): a priority_queue's top() is
  // const, so taking an entry out would copy its id.
  std::vector<Entry> heap_;
  std::atomic<std::size_t> size_{0};
  std::atomic<Duration::rep> earliest_{Instant::max().time_since_epoch().count()};
};

}  // namespace ebsmock::contracts
