// due_queue.h: a schedule of time-driven changes as (due, kind, id), earliest first, so
// World::advance touches only what is due. An entry whose resource no longer has that
// due time is stale and is dropped when it comes up (the World decides that).
// A min-heap (std::push_heap/pop_heap with std::greater): a priority_queue's top() is
// const, so taking an entry out would copy its id. Ties: pairs before groups before
// drills, then the smaller id, as a scan of the world in that order would.
// Not thread-safe (a plain value); the World says who may touch which of its queues.
#pragma once

#include <algorithm>
#include <functional>
#include <string>
#include <tuple>
#include <vector>

#include "contracts/operation.h"
#include "contracts/time.h"

namespace ebsmock::contracts {

class DueQueue {
 public:
  using Entry = std::tuple<Instant, ResourceKind, std::string>;

  void push(Instant due, ResourceKind kind, const std::string& id) {
    heap_.emplace_back(due, kind, id);
    std::push_heap(heap_.begin(), heap_.end(), std::greater<>());
  }
  bool empty() const { return heap_.empty(); }
  std::size_t size() const { return heap_.size(); }
  const Entry& front() const { return heap_.front(); }
  // Whether the earliest entry is due at `now`.
  bool due_by(Instant now) const { return !heap_.empty() && std::get<0>(heap_.front()) <= now; }
  Entry pop() {
    std::pop_heap(heap_.begin(), heap_.end(), std::greater<>());
    Entry e = std::move(heap_.back());
    heap_.pop_back();
    return e;
  }
  // Replaces every entry (a compaction: the live ones only).
  void assign(std::vector<Entry> entries) {
    heap_ = std::move(entries);
    std::make_heap(heap_.begin(), heap_.end(), std::greater<>());
  }

 private:
  std::vector<Entry> heap_;
};

}  // namespace ebsmock::contracts
