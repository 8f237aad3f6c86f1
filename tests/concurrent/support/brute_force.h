// brute_force.h: the reference the linearizability checker is tested against: a plain
// depth-first enumeration of every order of the calls consistent with real time (and with
// journal seq order), with every choice for each ambiguous call (placed at any point after
// its invocation, or never), on the same sequential specification, with no cache, no
// partitioning and no token pruning. Exponential: only for small histories.
// Test code only; pure function, thread-safe.
#pragma once

#include <cstdint>
#include <optional>

#include "harness/concurrent/history.h"

namespace ebsmock::testing::concurrent {

struct BruteForceResult {
  std::optional<bool> linearizable;  // nullopt: not decided within max_steps model steps
  std::uint64_t steps = 0;           // model steps taken
};

BruteForceResult brute_force_linearizable(const harness::concurrent::History& history, std::uint64_t max_steps);

}  // namespace ebsmock::testing::concurrent
