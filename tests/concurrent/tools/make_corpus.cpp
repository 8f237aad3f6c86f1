// make_corpus.cpp: writes the checker's corpus (tests/concurrent/corpus/histories.jsonl,
// format in corpus.h) to stdout:
//   ninja -C build concurrent_corpus
//   build/tests/concurrent_corpus > tests/concurrent/corpus/histories.jsonl
// Shapes (concurrency.md §8.5): 3 clients x 10 calls on one pair with 0-20% ambiguous
// calls (every 4th in the client direction, with journal views), and 8 clients x 25 calls
// over 4 pairs (every other one with two of them in a group); half valid, half corrupted.
// A corrupted history's verdict comes from the brute force when it decides within its
// budget, else from the checker without a budget ("checker": a pinned regression value).
// Deterministic: a fixed seed. Test tool only.
#include <iostream>
#include <string>

#include "contracts/random.h"
#include "harness/concurrent/linearizability_checker.h"
#include "tests/concurrent/support/brute_force.h"
#include "tests/concurrent/support/corpus.h"
#include "tests/concurrent/support/history_generator.h"

namespace {

using namespace ebsmock;
using namespace ebsmock::testing::concurrent;

constexpr std::uint64_t kSeed = 20261205;
constexpr std::uint64_t kBruteForceSteps = 2'000'000;

void emit(const std::string& shape, int index, const GeneratorConfig& cfg, contracts::Random& r) {
  Generated g = generate_valid(cfg, r);
  CorpusEntry valid{shape + "-valid-" + std::to_string(index), shape, harness::concurrent::Verdict::Linearizable,
                    "construction", "", g.spec, g.history.ops};
  std::cout << to_json(valid).dump() << "\n";
  std::optional<Corrupted> bad;
  while (!(bad = corrupt(g.history, r))) {
  }
  CorpusEntry candidate{shape + "-corrupted-" + std::to_string(index), shape, {}, "", bad->what, g.spec,
                        bad->history.ops};
  if (auto brute = brute_force_linearizable(bad->history, kBruteForceSteps)) {
    candidate.expected = *brute ? harness::concurrent::Verdict::Linearizable : harness::concurrent::Verdict::NotLinearizable;
    candidate.expected_by = "brute-force";
  } else {
    candidate.expected = harness::concurrent::check_linearizable(bad->history).verdict;
    candidate.expected_by = "checker";
  }
  std::cout << to_json(candidate).dump() << "\n";
}

}  // namespace

int main() {
  contracts::SeededRandom r(kSeed);
  const double ambiguous[] = {0.0, 0.1, 0.2};
  for (int i = 0; i < 100; ++i) {
    GeneratorConfig cfg;
    cfg.ambiguous = ambiguous[i % 3];
    cfg.journal = i % 4 == 3;
    emit("3x10-1pair", i, cfg, r);
  }
  for (int i = 0; i < 20; ++i) {
    GeneratorConfig cfg;
    cfg.clients = 8;
    cfg.calls_per_client = 25;
    cfg.pairs = 4;
    cfg.group = i % 2 == 1;
    cfg.ambiguous = ambiguous[1 + i % 2];
    emit("8x25-4pairs", i, cfg, r);
  }
  return 0;
}
