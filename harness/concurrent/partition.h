// partition.h: splitting a history into sub-histories the checker can search one at a
// time (Herlihy & Wing locality / Horn & Kroening P-compositionality: a history is
// linearizable iff each independent part is). Checking parts separately turns one search
// over the product of every pair's interleavings into a sum of small ones.
//
// A call's footprint is the resources whose state its answer or effect depends on or
// changes. Two calls are in one part when their footprints are linked, transitively, by:
//  - sharing a resource;
//  - group membership, at the start (World::groups) or made by Add/RemoveDiskReplicaPair
//    (which name both): a pair call on a member is refused or answered by its group;
//  - a drill and the pair or group it drills (at the start, or the Start*Drill that made it);
//  - sharing a ClientToken (a token's record is state both calls read).
// Footprints, where unsure the whole world (`global`), which puts every call in one part:
//  - calls naming resources (operation.h's target_params): those; a Create: the id it drew;
//  - DescribeDiskReplicaPairs with PairIds, DescribeDiskReplicaGroups with GroupIds: those
//    (filters and paging only narrow what the named resources show);
//  - a Describe or ListTagResources of the whole region: global (it observes every resource
//    at one instant; splitting it into per-resource observations would be sound for
//    refutation but would miss torn multi-resource reads);
//  - CreateDiskReplicaGroup under a max_empty_groups limit: global (it counts every group);
//  - a clock advance (history.h): global (every resource's due transitions move at once);
//  - DescribeRegions, ListReplicaEdgeSupported: nothing (the static region table): a part
//    of their own.
// Failed calls (no effect, no information) are in no part.
// Pure functions; thread-safe.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "contracts/policy.h"
#include "harness/concurrent/history.h"

namespace ebsmock::harness::concurrent {

struct Footprint {
  bool global = false;
  std::vector<std::string> resources;  // "pair:<id>", "group:<id>", "drill:<id>"
};

Footprint footprint(const HistoryOp& op, const contracts::Policy& policy);

// Indices into History::ops, each part in history order, parts ordered by their first op.
std::vector<std::vector<std::size_t>> partition(const History& history);

}  // namespace ebsmock::harness::concurrent
