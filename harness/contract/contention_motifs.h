// contention_motifs.h: the contention shapes the planted concurrency bugs of
// concurrency.md §8.6 need, for the concurrent mode's generator (parallel_program.h).
// Random branches contain them only by luck, and mostly on calls the pair's status
// refuses (a refused call has nothing to double, lose or tear), so most programs get one
// or two motifs, each alone on its pair, built from what the model after the prefix says
// succeeds there:
//   - one request sent twice with one token (M1, M7), or one token with other
//     parameters (M6): server direction only, where the harness chooses tokens;
//   - two status calls that exclude each other (M2);
//   - two Modifies of different fields (M3), a Describe that a Modify of both fields
//     lands inside (M4);
//   - a Describe, another branch's write, then that branch reads back (C3).
// With hold_until on, each motif comes with the holds that pin its interleaving.
// Pure functions of the model and the Draw; thread-safe.
#pragma once

#include <utility>
#include <vector>

#include "harness/contract/parallel_program.h"
#include "harness/contract/steps.h"

namespace ebsmock::harness {

struct ContentionMotif {
  int slot = 0;                      // the pair it contends on
  std::vector<Step> prefix;          // appended to the program's prefix
  std::vector<ParallelCall> first;   // one branch
  std::vector<ParallelCall> second;  // another branch
  // hold_until: (held, target), `held` waits until `target` is journaled. Acyclic by
  // construction (set as they are, before the generator's random holds, which keep
  // clear of them); empty when holds are off.
  std::vector<std::pair<int, int>> holds;
};

// Up to `wanted` motifs, each on its own one of `slots` (fewer when the pairs' statuses
// leave none that can show). Call ids are drawn from `next_id`.
std::vector<ContentionMotif> draw_motifs(Draw& d, const GenModel& model, const std::vector<int>& slots, int wanted,
                                         const ParallelGenOptions& options, int& next_id);

}  // namespace ebsmock::harness
