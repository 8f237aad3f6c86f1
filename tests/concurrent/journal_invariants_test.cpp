// journal_invariants_test.cpp: the token facts the journal proves without a search:
// logical calls sharing a token, a token or a logical call that took effect twice; and
// none of them for a call retried with its own token.
#include <gtest/gtest.h>

#include "harness/concurrent/journal_invariants.h"
#include "tests/concurrent/support/history_builders.h"

namespace ebsmock::testing::concurrent {
namespace {

using namespace harness::concurrent;
using contracts::Operation;
using contracts::Status;

std::vector<std::string> rules(const History& h) {
  std::vector<std::string> out;
  for (const auto& v : check_journal_invariants(h)) out.push_back(v.rule);
  return out;
}

TEST(JournalInvariants, ARetryWithItsOwnTokenIsClean) {
  History h = history_on({{kP1, Status::Normal}});
  add(h, 0, Operation::StopDiskReplicaPair, on(kP1, "tok"), 0, 5, ambiguous(), 7);
  h.ops[0].journal = JournalView{3, {{3, true}}};
  add(h, 0, Operation::StopDiskReplicaPair, on(kP1, "tok"), 10, 20, ok(), 7);
  h.ops[1].journal = JournalView{3, {{3, true}, {5, false}}};  // the same attempt listed again, and a replay
  EXPECT_TRUE(rules(h).empty());
}

TEST(JournalInvariants, TwoLogicalCallsSharingATokenAreFound) {
  History h = history_on({{kP1, Status::Normal}});
  add(h, 0, Operation::StopDiskReplicaPair, on(kP1, "tok"), 0, 5, ok(), 1);
  add(h, 1, Operation::StartDiskReplicaPair, on(kP1, "tok"), 0, 5, refused("IdempotentParameterMismatch"), 2);
  EXPECT_EQ(rules(h), (std::vector<std::string>{"shared-token"}));
  EXPECT_EQ(check_journal_invariants(h)[0].ops, (std::vector<std::size_t>{0, 1}));
}

TEST(JournalInvariants, ATokenOrACallTakingEffectTwiceIsFound) {
  History h = history_on({{kP1, Status::Normal}});
  // A retry whose token check failed: both attempts of call 4 executed.
  add(h, 0, Operation::StopDiskReplicaPair, on(kP1, "tok"), 0, 20, ok(), 4);
  h.ops[0].journal = JournalView{3, {{3, true}, {6, true}}};
  EXPECT_EQ(rules(h), (std::vector<std::string>{"token-took-effect-twice", "call-took-effect-twice"}));
  // A fresh token per attempt: only the call rule can see it.
  History fresh = history_on({{kP1, Status::Normal}});
  add(fresh, 0, Operation::StopDiskReplicaPair, on(kP1, "t1"), 0, 5, ambiguous(), 4);
  fresh.ops[0].journal = JournalView{3, {{3, true}}};
  add(fresh, 0, Operation::StopDiskReplicaPair, on(kP1, "t2"), 10, 20, ok(), 4);
  fresh.ops[1].journal = JournalView{6, {{6, true}}};
  EXPECT_EQ(rules(fresh), (std::vector<std::string>{"call-took-effect-twice"}));
}

}  // namespace
}  // namespace ebsmock::testing::concurrent
