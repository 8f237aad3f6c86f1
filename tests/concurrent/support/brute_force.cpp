// brute_force.cpp: see brute_force.h. Test code only.
#include "tests/concurrent/support/brute_force.h"

#include <vector>

#include "harness/concurrent/linearizability_checker.h"
#include "harness/concurrent/sequential_spec.h"

namespace ebsmock::testing::concurrent {
namespace {

using namespace harness::concurrent;

struct TooBig {};

class Enumeration {
 public:
  Enumeration(const History& h, std::uint64_t max_steps) : h_(h), max_steps_(max_steps) {}

  std::uint64_t steps() const { return steps_; }

  bool run() {
    for (std::size_t i = 0; i < h_.ops.size(); ++i) {
      const HistoryOp& o = h_.ops[i];
      if (o.observed.kind == OutcomeKind::Failed) continue;
      if (o.observed.kind == OutcomeKind::Ambiguous && o.journal && !o.journal->commit_seq) continue;
      if (in_flight_mismatch_explained(h_, i)) continue;
      if (is_last_token_processing(o)) {
        if (last_token_processing_explained(h_, i)) continue;
        return false;
      }
      ops_.push_back(i);
      const bool required = o.observed.kind != OutcomeKind::Ambiguous || o.journal.has_value();
      required_ += required ? 1 : 0;
    }
    placed_.assign(ops_.size(), false);
    return dfs(initial_state(h_.initial, h_.now), 0);
  }

 private:
  const HistoryOp& op(std::size_t k) const { return h_.ops[ops_[k]]; }

  // Whether op k may come next: no unplaced call returned before it was invoked, and no
  // unplaced call comes before it in journal order.
  bool may_come_next(std::size_t k) const {
    for (std::size_t j = 0; j < ops_.size(); ++j) {
      if (j == k || placed_[j]) continue;
      if (precedes(op(j), op(k))) return false;
      if (op(j).journal && op(k).journal && op(j).journal->commit_seq && op(k).journal->commit_seq &&
          *op(j).journal->commit_seq < *op(k).journal->commit_seq) {
        return false;
      }
    }
    return true;
  }

  bool dfs(const StatePtr& state, std::size_t required_placed) {
    if (required_placed == required_) return true;
    for (std::size_t k = 0; k < ops_.size(); ++k) {
      if (placed_[k] || !may_come_next(k)) continue;
      if (++steps_ > max_steps_) throw TooBig{};
      Prediction p = predict(state, op(k));
      if (!matches(p, op(k).observed)) continue;
      placed_[k] = true;
      const bool required = op(k).observed.kind != OutcomeKind::Ambiguous || op(k).journal.has_value();
      const bool found = dfs(p.next, required_placed + (required ? 1 : 0));
      placed_[k] = false;
      if (found) return true;
    }
    return false;
  }

  const History& h_;
  std::uint64_t max_steps_;
  std::uint64_t steps_ = 0;
  std::vector<std::size_t> ops_;
  std::vector<bool> placed_;
  std::size_t required_ = 0;
};

}  // namespace

BruteForceResult brute_force_linearizable(const History& history, std::uint64_t max_steps) {
  Enumeration e(history, max_steps);
  try {
    const bool linearizable = e.run();
    return {linearizable, e.steps()};
  } catch (const TooBig&) {
    return {std::nullopt, e.steps()};
  }
}

}  // namespace ebsmock::testing::concurrent
