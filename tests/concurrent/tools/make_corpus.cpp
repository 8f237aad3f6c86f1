// make_corpus.cpp: writes the checker's corpus (tests/concurrent/corpus/histories.jsonl,
// format in corpus.h) to stdout:
//   ninja -C build concurrent_corpus
//   build/tests/concurrent_corpus > tests/concurrent/corpus/histories.jsonl
// Shapes (concurrency.md §8.5): 3 clients x 10 calls on one pair with 0-20% ambiguous
// calls (every 4th in the client direction, with journal views), and 8 clients x 25 calls
// over 4 pairs with 10-20% (every other one at 10% with two of the pairs in a group: the
// group and its members are one part of ~130 calls, where 20% ambiguous calls can take the
// checker past its budget, concurrency.md §7); half valid, half corrupted.
// Every history is given to the brute force (capped); the steps it took are recorded when
// it decided. A corrupted history's verdict comes from the brute force when it decided,
// else from the checker with a 10 s budget ("checker": a pinned regression value); one the
// checker cannot decide either is replaced by another corruption.
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
using harness::concurrent::Verdict;

constexpr std::uint64_t kSeed = 20261205;
constexpr std::uint64_t kBruteForceSteps = 200'000;

CorpusEntry entry(std::string name, const std::string& shape, const WorldSpec& spec,
                  const harness::concurrent::History& h) {
  CorpusEntry e{std::move(name), shape, Verdict::Linearizable, "", "", std::nullopt, spec, h.ops};
  const BruteForceResult brute = brute_force_linearizable(h, kBruteForceSteps);
  if (brute.linearizable) {
    e.brute_force_steps = brute.steps;
    e.expected = *brute.linearizable ? Verdict::Linearizable : Verdict::NotLinearizable;
    e.expected_by = "brute-force";
  }
  return e;
}

void emit(const std::string& shape, int index, const GeneratorConfig& cfg, contracts::Random& r) {
  Generated g = generate_valid(cfg, r);
  CorpusEntry valid = entry(shape + "-valid-" + std::to_string(index), shape, g.spec, g.history);
  if (valid.expected != Verdict::Linearizable) {
    std::cerr << valid.name << ": the brute force refutes a valid history\n";
    std::exit(1);
  }
  valid.expected_by = "construction";
  std::cout << to_json(valid).dump() << "\n";
  harness::concurrent::CheckOptions budget;
  budget.time_budget = std::chrono::seconds(10);
  while (true) {
    std::optional<Corrupted> bad = corrupt(g.history, r);
    if (!bad) continue;
    CorpusEntry e = entry(shape + "-corrupted-" + std::to_string(index), shape, g.spec, bad->history);
    e.corruption = bad->what;
    if (!e.brute_force_steps) {
      e.expected = harness::concurrent::check_linearizable(bad->history, budget).verdict;
      if (e.expected == Verdict::Unknown) continue;
      e.expected_by = "checker";
    }
    std::cout << to_json(e).dump() << "\n";
    return;
  }
}

}  // namespace

int main() {
  contracts::SeededRandom r(kSeed);
  const double ambiguous[] = {0.0, 0.1, 0.2};
  for (int i = 0; i < 60; ++i) {
    GeneratorConfig cfg;
    cfg.ambiguous = ambiguous[i % 3];
    cfg.journal = i % 4 == 3;
    emit("3x10-1pair", i, cfg, r);
  }
  for (int i = 0; i < 10; ++i) {
    GeneratorConfig cfg;
    cfg.clients = 8;
    cfg.calls_per_client = 25;
    cfg.pairs = 4;
    cfg.group = i % 2 == 1;
    cfg.ambiguous = cfg.group ? 0.1 : 0.2;
    emit("8x25-4pairs", i, cfg, r);
  }
  return 0;
}
