// linearizability_checker_test.cpp: the checker on hand-written histories whose verdict
// follows from the contract: real-time order, overlapping calls, ambiguous calls (placed
// anywhere after their invocation, or never), ClientToken retries in either order, the
// journal's commit order and "never committed", LastTokenProcessing, a mismatch against a
// token in flight, a clock advance among the calls, the failure report,
// and the budget's Unknown (a step budget and an injected clock, never the machine's speed).
#include <gtest/gtest.h>

#include "harness/concurrent/linearizability_checker.h"
#include "tests/concurrent/support/history_builders.h"

namespace ebsmock::testing::concurrent {
namespace {

using namespace harness::concurrent;
using contracts::Operation;
using contracts::Status;

Verdict verdict(const History& h) { return check_linearizable(h).verdict; }

TEST(LinearizabilityChecker, SequentialCallsInTheirOnlyOrderAreLinearizable) {
  History h = history_on({{kP1, Status::Normal}});
  add(h, 0, Operation::StopDiskReplicaPair, on(kP1), 0, 10, ok());
  add(h, 0, Operation::DescribeDiskReplicaPairs, describe(kP1), 20, 30, shows(kP1, "stopped"));
  add(h, 1, Operation::StartDiskReplicaPair, on(kP1), 40, 50, ok());
  add(h, 1, Operation::DescribeDiskReplicaPairs, describe(kP1), 60, 70, shows(kP1, "normal"));
  CheckResult r = check_linearizable(h);
  ASSERT_EQ(r.verdict, Verdict::Linearizable) << to_text(h, r);
  ASSERT_EQ(r.parts.size(), 1U);
  EXPECT_EQ(r.parts[0].witness, (std::vector<std::size_t>{0, 1, 2, 3}));
}

TEST(LinearizabilityChecker, AReadAfterAWriteReturnedMustSeeIt) {
  History h = history_on({{kP1, Status::Normal}});
  add(h, 0, Operation::StopDiskReplicaPair, on(kP1), 0, 10, ok());
  add(h, 1, Operation::DescribeDiskReplicaPairs, describe(kP1), 11, 20, shows(kP1, "normal"));
  CheckResult r = check_linearizable(h);
  ASSERT_EQ(r.verdict, Verdict::NotLinearizable);
  const PartResult* bad = r.failing();
  ASSERT_NE(bad, nullptr);
  // The longest partial linearization is the Stop, then the Describe cannot follow.
  ASSERT_EQ(bad->longest.size(), 1U);
  EXPECT_EQ(bad->longest[0].op, 0U);
  EXPECT_EQ(describe_state(*bad->longest[0].state_after)["pairs"][kP1]["Status"], "stopped");
  ASSERT_TRUE(bad->stuck);
  EXPECT_EQ(bad->stuck->op, 1U);
  EXPECT_NE(bad->stuck->expected.find("\"stopped\""), std::string::npos) << bad->stuck->expected;
  EXPECT_NE(bad->stuck->observed.find("\"normal\""), std::string::npos) << bad->stuck->observed;
  const std::string text = to_text(h, r);
  EXPECT_NE(text.find("cannot place #1"), std::string::npos) << text;
}

TEST(LinearizabilityChecker, OverlappingCallsMayTakeEffectInEitherOrder) {
  History h = history_on({{kP1, Status::Normal}});
  add(h, 0, Operation::StopDiskReplicaPair, on(kP1), 0, 100, ok());
  add(h, 1, Operation::DescribeDiskReplicaPairs, describe(kP1), 50, 60, shows(kP1, "normal"));
  add(h, 2, Operation::DescribeDiskReplicaPairs, describe(kP1), 70, 80, shows(kP1, "stopped"));
  EXPECT_EQ(verdict(h), Verdict::Linearizable);
  // ...but once the Stop is seen, it cannot be unseen.
  History h2 = history_on({{kP1, Status::Normal}});
  add(h2, 0, Operation::StopDiskReplicaPair, on(kP1), 0, 100, ok());
  add(h2, 1, Operation::DescribeDiskReplicaPairs, describe(kP1), 50, 60, shows(kP1, "stopped"));
  add(h2, 2, Operation::DescribeDiskReplicaPairs, describe(kP1), 70, 80, shows(kP1, "normal"));
  EXPECT_EQ(verdict(h2), Verdict::NotLinearizable);
}

TEST(LinearizabilityChecker, RefusalsAreObservationsOfTheState) {
  History h = history_on({{kP1, Status::Normal}});
  // Start from normal is refused, so a Start answered InvalidStatus is consistent...
  add(h, 0, Operation::StartDiskReplicaPair, on(kP1), 0, 10, refused("OperationDenied.InvalidStatus"));
  EXPECT_EQ(verdict(h), Verdict::Linearizable);
  // ...and a Stop answered InvalidStatus from normal is not.
  add(h, 0, Operation::StopDiskReplicaPair, on(kP1), 20, 30, refused("OperationDenied.InvalidStatus"));
  EXPECT_EQ(verdict(h), Verdict::NotLinearizable);
}

TEST(LinearizabilityChecker, AnAmbiguousCallMayTakeEffectLateOrNever) {
  History h = history_on({{kP1, Status::Normal}});
  add(h, 0, Operation::StopDiskReplicaPair, on(kP1), 0, 10, ambiguous());
  add(h, 1, Operation::DescribeDiskReplicaPairs, describe(kP1), 100, 110, shows(kP1, "normal"));
  add(h, 1, Operation::DescribeDiskReplicaPairs, describe(kP1), 200, 210, shows(kP1, "stopped"));
  EXPECT_EQ(verdict(h), Verdict::Linearizable);  // it took effect between the two reads
  History never = history_on({{kP1, Status::Normal}});
  add(never, 0, Operation::StopDiskReplicaPair, on(kP1), 0, 10, ambiguous());
  add(never, 1, Operation::DescribeDiskReplicaPairs, describe(kP1), 100, 110, shows(kP1, "normal"));
  EXPECT_EQ(verdict(never), Verdict::Linearizable);  // it never did
  // Not before its invocation.
  History early = history_on({{kP1, Status::Normal}});
  add(early, 1, Operation::DescribeDiskReplicaPairs, describe(kP1), 0, 10, shows(kP1, "stopped"));
  add(early, 0, Operation::StopDiskReplicaPair, on(kP1), 20, 30, ambiguous());
  EXPECT_EQ(verdict(early), Verdict::NotLinearizable);
}

// Client A's Stop gets no answer; B starts the pair; A retries its Stop. With the same
// ClientToken the retry replays the first Stop (which came before B's Start): the pair
// ends normal. With a fresh token the retry stops the pair again: it cannot end normal.
History retry_over_anothers_start(const std::string& retry_token) {
  History h = history_on({{kP1, Status::Normal}});
  add(h, 0, Operation::StopDiskReplicaPair, on(kP1, "tok-a"), 0, 5, ambiguous(), 0);
  add(h, 1, Operation::StartDiskReplicaPair, on(kP1, "tok-b"), 10, 20, ok());
  add(h, 0, Operation::StopDiskReplicaPair, on(kP1, retry_token), 30, 40, ok(), 0);
  add(h, 2, Operation::DescribeDiskReplicaPairs, describe(kP1), 50, 60, shows(kP1, "normal"));
  return h;
}

TEST(LinearizabilityChecker, ASameTokenRetryReplaysTheFirstAnswerInEitherOrder) {
  EXPECT_EQ(verdict(retry_over_anothers_start("tok-a")), Verdict::Linearizable);
  EXPECT_EQ(verdict(retry_over_anothers_start("tok-fresh")), Verdict::NotLinearizable);
}

TEST(LinearizabilityChecker, ATokenWithOtherParametersIsAMismatchOnlyAfterItsFirstSuccess) {
  History h = history_on({{kP1, Status::Normal}, {kP2, Status::Normal}});
  add(h, 0, Operation::StopDiskReplicaPair, on(kP1, "tok"), 0, 10, ok());
  add(h, 0, Operation::StopDiskReplicaPair, on(kP2, "tok"), 20, 30, refused("IdempotentParameterMismatch"));
  EXPECT_EQ(verdict(h), Verdict::Linearizable);
  History before = history_on({{kP1, Status::Normal}, {kP2, Status::Normal}});
  add(before, 0, Operation::StopDiskReplicaPair, on(kP2, "tok"), 0, 10, refused("IdempotentParameterMismatch"));
  add(before, 0, Operation::StopDiskReplicaPair, on(kP1, "tok"), 20, 30, ok());
  EXPECT_EQ(verdict(before), Verdict::NotLinearizable);
  // A refused first call is not remembered: its token executes again.
  History refused_first = history_on({{kP1, Status::Normal}});
  add(refused_first, 0, Operation::StartDiskReplicaPair, on(kP1, "tok"), 0, 10, refused("OperationDenied.InvalidStatus"));
  add(refused_first, 0, Operation::StopDiskReplicaPair, on(kP1, "x"), 20, 30, ok());
  add(refused_first, 0, Operation::StartDiskReplicaPair, on(kP1, "tok"), 40, 50, ok());
  add(refused_first, 0, Operation::DescribeDiskReplicaPairs, describe(kP1), 60, 70, shows(kP1, "normal"));
  EXPECT_EQ(verdict(refused_first), Verdict::Linearizable);
}

TEST(LinearizabilityChecker, LastTokenProcessingNeedsAnOverlappingCallWithTheToken) {
  History h = history_on({{kP1, Status::Normal}});
  add(h, 0, Operation::StopDiskReplicaPair, on(kP1, "tok"), 0, 100, ok(), 0);
  add(h, 1, Operation::StopDiskReplicaPair, on(kP1, "tok"), 50, 60, refused("LastTokenProcessing"), 1);
  EXPECT_EQ(verdict(h), Verdict::Linearizable);
  History late = history_on({{kP1, Status::Normal}});
  add(late, 0, Operation::StopDiskReplicaPair, on(kP1, "tok"), 0, 10, ok(), 0);
  add(late, 1, Operation::StopDiskReplicaPair, on(kP1, "tok"), 50, 60, refused("LastTokenProcessing"), 1);
  CheckResult r = check_linearizable(late);
  ASSERT_EQ(r.verdict, Verdict::NotLinearizable);
  ASSERT_TRUE(r.failing()->stuck);
  EXPECT_EQ(r.failing()->stuck->op, 1U);
}

// The service answers IdempotentParameterMismatch while another call with the token and
// other parameters holds it, and forgets the token when that call is refused.
TEST(LinearizabilityChecker, AMismatchIsExplainedByAnOverlappingCallWithOtherParameters) {
  History h = history_on({{kP1, Status::Normal}});
  add(h, 0, Operation::StartDiskReplicaPair, on(kP1, "tok"), 0, 100, refused("OperationDenied.InvalidStatus"), 0);
  add(h, 1, Operation::StopDiskReplicaPair, on(kP1, "tok"), 50, 60, refused("IdempotentParameterMismatch"), 1);
  EXPECT_EQ(verdict(h), Verdict::Linearizable);
  // Not overlapping: nothing held the token then, so the Stop should have executed.
  History late = history_on({{kP1, Status::Normal}});
  add(late, 0, Operation::StartDiskReplicaPair, on(kP1, "tok"), 0, 10, refused("OperationDenied.InvalidStatus"), 0);
  add(late, 1, Operation::StopDiskReplicaPair, on(kP1, "tok"), 50, 60, refused("IdempotentParameterMismatch"), 1);
  EXPECT_EQ(verdict(late), Verdict::NotLinearizable);
  // Overlapping, but the same request: that is LastTokenProcessing's case, not a mismatch.
  History same = history_on({{kP1, Status::Normal}});
  add(same, 0, Operation::StopDiskReplicaPair, on(kP1, "tok"), 0, 100, refused("OperationDenied.InvalidStatus"), 0);
  add(same, 1, Operation::StopDiskReplicaPair, on(kP1, "tok"), 50, 60, refused("IdempotentParameterMismatch"), 1);
  EXPECT_EQ(verdict(same), Verdict::NotLinearizable);
}

// A Start (initial_syncing, 5 s), then a 10 s clock advance overlapping a Stop, then a
// Describe showing `seen`; with the default timing, so transitions take time.
History stop_during_an_advance(const std::string& seen, bool advance = true) {
  History h{build_world({{{kP1, Status::Stopped}}, {}, /*instant=*/false}), program_time(), {}};
  add(h, 0, Operation::StartDiskReplicaPair, on(kP1), 0, 10, ok());
  if (advance) {
    const std::size_t i = add(h, 1, Operation::DescribeRegions, {}, 20, 100, ok());
    h.ops[i].clock_advance = std::chrono::seconds(10);
    h.ops[i].params.clear();
  }
  add(h, 0, Operation::StopDiskReplicaPair, on(kP1), 30, 40, ok());
  add(h, 0, Operation::DescribeDiskReplicaPairs, describe(kP1), 200, 210, shows(kP1, seen));
  return h;
}

// The advance is placed like a call: its step is the contract's due transitions.
TEST(LinearizabilityChecker, AClockAdvanceIsPlacedLikeACall) {
  EXPECT_EQ(verdict(stop_during_an_advance("stopping")), Verdict::Linearizable);  // advance, then Stop
  EXPECT_EQ(verdict(stop_during_an_advance("stopped")), Verdict::Linearizable);   // Stop, then advance
  // A background write of the stale `normal` over the acknowledged Stop (the M5 mutant).
  const History reverted = stop_during_an_advance("normal");
  const CheckResult r = check_linearizable(reverted);
  ASSERT_EQ(r.verdict, Verdict::NotLinearizable);
  EXPECT_NE(to_text(reverted, r).find("clock advance by 10s"), std::string::npos) << to_text(reverted, r);
  // Without the advance the clock stays where the program began: nothing completes.
  EXPECT_EQ(verdict(stop_during_an_advance("stopping", false)), Verdict::Linearizable);
  EXPECT_EQ(verdict(stop_during_an_advance("stopped", false)), Verdict::NotLinearizable);
}

TEST(LinearizabilityChecker, FailedCallsAreLeftOut) {
  History h = history_on({{kP1, Status::Normal}});
  add(h, 0, Operation::StopDiskReplicaPair, on(kP1), 0, 10, failed());
  add(h, 1, Operation::DescribeDiskReplicaPairs, describe(kP1), 20, 30, shows(kP1, "normal"));
  EXPECT_EQ(verdict(h), Verdict::Linearizable);
}

// Start and Stop overlap, both succeed; a later Describe shows `stopped`. Only "Start
// first" explains it. The journal can say which came first.
History start_stop_race(std::optional<std::uint64_t> start_seq, std::optional<std::uint64_t> stop_seq) {
  History h = history_on({{kP1, Status::Stopped}});
  add(h, 0, Operation::StartDiskReplicaPair, on(kP1), 0, 100, ok());
  add(h, 1, Operation::StopDiskReplicaPair, on(kP1), 0, 100, ok());
  add(h, 2, Operation::DescribeDiskReplicaPairs, describe(kP1), 200, 210, shows(kP1, "stopped"));
  if (start_seq) h.ops[0].journal = JournalView{start_seq, {{*start_seq, true}}};
  if (stop_seq) h.ops[1].journal = JournalView{stop_seq, {{*stop_seq, true}}};
  return h;
}

TEST(LinearizabilityChecker, CallsWithACommitSeqArePlacedInJournalOrder) {
  EXPECT_EQ(verdict(start_stop_race(std::nullopt, std::nullopt)), Verdict::Linearizable);
  EXPECT_EQ(verdict(start_stop_race(1, 2)), Verdict::Linearizable);
  CheckResult r = check_linearizable(start_stop_race(2, 1));
  EXPECT_EQ(r.verdict, Verdict::NotLinearizable);
}

TEST(LinearizabilityChecker, TheJournalResolvesAmbiguousCalls) {
  auto h = [](std::optional<JournalView> journal) {
    History x = history_on({{kP1, Status::Normal}});
    add(x, 0, Operation::StopDiskReplicaPair, on(kP1), 0, 10, ambiguous());
    x.ops[0].journal = std::move(journal);
    add(x, 1, Operation::DescribeDiskReplicaPairs, describe(kP1), 100, 110, shows(kP1, "stopped"));
    x.ops[1].journal = JournalView{5, {{5, false}}};
    return x;
  };
  EXPECT_EQ(verdict(h(std::nullopt)), Verdict::Linearizable);  // server direction: it may have
  EXPECT_EQ(verdict(h(JournalView{3, {{3, true}}})), Verdict::Linearizable);  // committed before
  EXPECT_EQ(verdict(h(JournalView{})), Verdict::NotLinearizable);  // never committed
  EXPECT_EQ(verdict(h(JournalView{7, {{7, true}}})), Verdict::NotLinearizable);  // after the read
}

TEST(LinearizabilityChecker, ACommittedAmbiguousCallMustBePlacedWhereTheJournalSays) {
  auto h = [](bool journaled) {
    History x = history_on({{kP1, Status::Normal}});
    add(x, 0, Operation::StopDiskReplicaPair, on(kP1), 0, 10, ambiguous());
    add(x, 1, Operation::StartDiskReplicaPair, on(kP1), 20, 30, refused("OperationDenied.InvalidStatus"));
    if (journaled) {
      x.ops[0].journal = JournalView{3, {{3, true}}};
      x.ops[1].journal = JournalView{5, {{5, false}}};
    }
    return x;
  };
  // Without the journal the Stop may come after the Start (refused from normal)...
  EXPECT_EQ(verdict(h(false)), Verdict::Linearizable);
  // ...with it, the Stop committed first, so the Start would have found the pair stopped.
  EXPECT_EQ(verdict(h(true)), Verdict::NotLinearizable);
}

History contended(int calls) {
  History h = history_on({{kP1, Status::Normal}});
  for (int i = 0; i < calls; ++i) {
    const auto action = i % 2 == 0 ? Operation::StopDiskReplicaPair : Operation::StartDiskReplicaPair;
    add(h, i, action, on(kP1, "t" + std::to_string(i)), 0, 100, ambiguous());
  }
  add(h, calls, Operation::DescribeDiskReplicaPairs, describe(kP1), 200, 210, shows(kP1, "failovered"));
  return h;
}

TEST(LinearizabilityChecker, AStepBudgetEndsInUnknownNotAPass) {
  const History h = contended(10);
  CheckOptions small;
  small.max_steps = 5;
  CheckResult r = check_linearizable(h, small);
  EXPECT_EQ(r.verdict, Verdict::Unknown);
  EXPECT_NE(r.verdict, Verdict::Linearizable);
  EXPECT_EQ(check_linearizable(h).verdict, Verdict::NotLinearizable);  // no budget: decided
}

TEST(LinearizabilityChecker, ATimeBudgetReadsTheInjectedClock) {
  const History h = contended(10);
  auto fake = std::chrono::steady_clock::time_point{};
  CheckOptions options;
  options.time_budget = std::chrono::milliseconds(1);
  // Every reading is a second later: the budget is spent at the first look.
  options.clock = [&fake] { return fake += std::chrono::seconds(1); };
  EXPECT_EQ(check_linearizable(h, options).verdict, Verdict::Unknown);
  // A clock that never moves never ends the search.
  options.clock = [] { return std::chrono::steady_clock::time_point{}; };
  EXPECT_EQ(check_linearizable(h, options).verdict, Verdict::NotLinearizable);
}

TEST(LinearizabilityChecker, IndependentPairsAreCheckedApart) {
  History h = history_on({{kP1, Status::Normal}, {kP2, Status::Normal}});
  add(h, 0, Operation::StopDiskReplicaPair, on(kP1), 0, 10, ok());
  add(h, 1, Operation::StopDiskReplicaPair, on(kP2), 0, 10, ok());
  add(h, 0, Operation::DescribeDiskReplicaPairs, describe(kP1), 20, 30, shows(kP1, "stopped"));
  add(h, 1, Operation::DescribeDiskReplicaPairs, describe(kP2), 20, 30, shows(kP2, "normal"));
  CheckResult r = check_linearizable(h);
  ASSERT_EQ(r.verdict, Verdict::NotLinearizable);
  ASSERT_EQ(r.parts.size(), 2U);
  EXPECT_EQ(r.parts[0].verdict, Verdict::Linearizable);
  EXPECT_EQ(r.parts[1].verdict, Verdict::NotLinearizable);
  EXPECT_EQ(r.parts[1].ops, (std::vector<std::size_t>{1, 3}));
  CheckOptions whole;
  whole.partition = false;
  EXPECT_EQ(check_linearizable(h, whole).verdict, Verdict::NotLinearizable);
}

}  // namespace
}  // namespace ebsmock::testing::concurrent
