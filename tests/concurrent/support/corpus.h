// corpus.h: the committed corpus of generated histories the checker is tested against
// (tests/concurrent/corpus/histories.jsonl), one JSON object a line:
//   {"name", "shape", "expected": "linearizable"|"not-linearizable",
//    "expected_by": "construction" (a valid history: the simulation's order is a witness)
//                 | "brute-force" | "checker" (too big for brute force: a pinned verdict),
//    "corruption" (invalid candidates), "world" (world_spec.h), "ops" (history_json.h),
//    "brute_force_steps": the model steps the brute force took to decide it, absent when
//    it did not within the tool's cap (then the history is too big for brute force)}
// Test code only; pure functions, thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "harness/concurrent/history.h"
#include "harness/concurrent/linearizability_checker.h"
#include "tests/concurrent/support/world_spec.h"

namespace ebsmock::testing::concurrent {

struct CorpusEntry {
  std::string name;
  std::string shape;  // "3x10-1pair", "8x25-4pairs", ...
  harness::concurrent::Verdict expected = harness::concurrent::Verdict::Linearizable;
  std::string expected_by;
  std::string corruption;
  std::optional<std::uint64_t> brute_force_steps;
  WorldSpec world;
  std::vector<harness::concurrent::HistoryOp> ops;

  harness::concurrent::History history() const;
};

nlohmann::json to_json(const CorpusEntry& e);
CorpusEntry corpus_entry_from_json(const nlohmann::json& j);

// The committed corpus; throws std::runtime_error when it cannot be read.
std::vector<CorpusEntry> read_corpus(const std::string& path);
std::string corpus_path();  // under EBSMOCK_SOURCE_DIR

}  // namespace ebsmock::testing::concurrent
