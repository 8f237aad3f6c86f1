// corpus_test.cpp: the checker against the committed corpus of generated histories
// (tests/concurrent/corpus/histories.jsonl, corpus.h; regenerate with the
// concurrent_corpus tool): every history gets its stored verdict, and on every history
// the brute force decided when the corpus was made (within the steps stored), the brute
// force decides again and agrees with the checker. Also: the checker accepts fresh
// generated histories, and the witness it gives is an order consistent with real time in
// which every answer is the model's, checked here independently of the search.
#include <gtest/gtest.h>

#include <map>

#include "contracts/random.h"
#include "harness/concurrent/linearizability_checker.h"
#include "tests/concurrent/support/brute_force.h"
#include "tests/concurrent/support/corpus.h"
#include "tests/concurrent/support/history_generator.h"

namespace ebsmock::testing::concurrent {
namespace {

using namespace harness::concurrent;

const std::vector<CorpusEntry>& corpus() {
  static const std::vector<CorpusEntry> entries = read_corpus(corpus_path());
  return entries;
}

// A budget no corpus history comes near (the largest needs 0.3 M steps), so a search gone
// astray fails instead of hanging.
CheckOptions generous() {
  CheckOptions o;
  o.max_steps = 5'000'000;
  return o;
}

TEST(Corpus, HasValidAndInvalidHistoriesOfBothShapes) {
  std::map<std::pair<std::string, Verdict>, int> count;
  for (const auto& e : corpus()) ++count[{e.shape, e.expected}];
  for (const char* shape : {"3x10-1pair", "8x25-4pairs"}) {
    EXPECT_GE((count[{shape, Verdict::Linearizable}]), 10) << shape;
    EXPECT_GE((count[{shape, Verdict::NotLinearizable}]), 8) << shape;
  }
}

TEST(Corpus, EveryHistoryGetsItsStoredVerdict) {
  for (const auto& e : corpus()) {
    const History h = e.history();
    const CheckResult r = check_linearizable(h, generous());
    EXPECT_EQ(r.verdict, e.expected) << e.name << " (" << e.expected_by << ", " << e.corruption << ")\n"
                                     << to_text(h, r);
  }
}

TEST(Corpus, TheCheckerAgreesWithTheBruteForceWhereverItDecides) {
  int compared = 0;
  for (const auto& e : corpus()) {
    if (!e.brute_force_steps) continue;
    const History h = e.history();
    const BruteForceResult brute = brute_force_linearizable(h, *e.brute_force_steps);
    ASSERT_TRUE(brute.linearizable.has_value()) << e.name;
    const Verdict checker = check_linearizable(h, generous()).verdict;
    EXPECT_EQ(checker, *brute.linearizable ? Verdict::Linearizable : Verdict::NotLinearizable) << e.name;
    ++compared;
  }
  // Most 3x10 histories are small enough; a corpus without them would compare nothing.
  EXPECT_GE(compared, 100);
}

// Independently of the search: `order` respects real time (no call placed after one
// that it returned before the invocation of) and every answer in it is the model's.
::testing::AssertionResult is_witness(const History& h, const std::vector<std::size_t>& order) {
  StatePtr state = initial_state(h.initial, h.now);
  std::vector<bool> placed(h.ops.size(), false);
  for (std::size_t pos = 0; pos < order.size(); ++pos) {
    const std::size_t i = order[pos];
    for (std::size_t j = 0; j < h.ops.size(); ++j) {
      if (!placed[j] && j != i && precedes(h.ops[j], h.ops[i]) && h.ops[j].observed.kind != OutcomeKind::Failed) {
        return ::testing::AssertionFailure() << "#" << i << " placed before #" << j << ", which returned before it began";
      }
    }
    Prediction p = predict(state, h.ops[i]);
    if (!matches(p, h.ops[i].observed)) {
      return ::testing::AssertionFailure() << "#" << i << ": model " << describe(p) << ", observed "
                                           << describe(h.ops[i].observed);
    }
    state = p.next;
    placed[i] = true;
  }
  for (std::size_t j = 0; j < h.ops.size(); ++j) {
    const auto kind = h.ops[j].observed.kind;
    if (!placed[j] && (kind == OutcomeKind::Ok || kind == OutcomeKind::Error)) {
      return ::testing::AssertionFailure() << "#" << j << " is left out";
    }
  }
  return ::testing::AssertionSuccess();
}

TEST(Generator, ValidHistoriesAreLinearizableWithACheckableWitness) {
  contracts::SeededRandom r(77);
  GeneratorConfig cfg;
  for (int n = 0; n < 60; ++n) {
    cfg.journal = n % 3 == 0;
    const Generated g = generate_valid(cfg, r);
    ASSERT_TRUE(is_witness(g.history, g.witness)) << "generator, history " << n;
    CheckOptions whole = generous();
    whole.partition = false;
    const CheckResult res = check_linearizable(g.history, whole);
    ASSERT_EQ(res.verdict, Verdict::Linearizable) << n << "\n" << to_text(g.history, res);
    ASSERT_TRUE(is_witness(g.history, res.parts.at(0).witness)) << "checker, history " << n;
  }
}

}  // namespace
}  // namespace ebsmock::testing::concurrent
