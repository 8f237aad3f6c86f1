// sequential_spec_test.cpp: the checker's sequential specification: the model's answers
// through contracts::World, the ClientToken table in the state (replay of the first body,
// mismatch, refusals not remembered), states shared when nothing changes, equality and
// hashing, forgetting a token.
#include <gtest/gtest.h>

#include "harness/concurrent/sequential_spec.h"
#include "tests/concurrent/support/history_builders.h"

namespace ebsmock::testing::concurrent {
namespace {

using namespace harness::concurrent;
using contracts::Operation;
using contracts::Status;

HistoryOp call(Operation action, contracts::Params params, const std::string& ak = "") {
  History h = history_on({});
  add(h, 0, action, std::move(params), 0, 1, ok());
  h.ops[0].access_key_id = ak;
  return h.ops[0];
}

StatePtr start(Status status = Status::Normal) {
  return initial_state(history_on({{kP1, status}, {kP2, status}}).initial, program_time());
}

TEST(SequentialSpec, ReadsAndRefusalsShareTheState) {
  StatePtr s = start();
  Prediction read = predict(s, call(Operation::DescribeDiskReplicaPairs, describe(kP1)));
  EXPECT_EQ(read.next, s);
  EXPECT_TRUE(read.code.empty());
  EXPECT_EQ(read.body["ReplicaPairs"][0]["Status"], "normal");
  Prediction refused = predict(s, call(Operation::StartDiskReplicaPair, on(kP1)));
  EXPECT_EQ(refused.code, "OperationDenied.InvalidStatus");
  EXPECT_EQ(refused.next, s);
  Prediction invalid = predict(s, call(Operation::StopDiskReplicaPair, {}));
  EXPECT_EQ(invalid.how, "invalid parameters");
  EXPECT_EQ(invalid.code, "MissingParameter");
}

TEST(SequentialSpec, ASuccessIsRememberedUnderItsTokenAndReplayed) {
  StatePtr s = start();
  Prediction first = predict(s, call(Operation::StopDiskReplicaPair, on(kP1, "tok")));
  ASSERT_TRUE(first.code.empty());
  EXPECT_NE(first.next, s);
  EXPECT_EQ(describe_state(*first.next)["pairs"][kP1]["Status"], "stopped");  // instant timing
  ASSERT_EQ(first.next->tokens().size(), 1U);
  // Same token, same call: the first answer, no effect, even though Stop from stopped is
  // refused when executed.
  Prediction again = predict(first.next, call(Operation::StopDiskReplicaPair, on(kP1, "tok")));
  EXPECT_EQ(again.how, "replayed");
  EXPECT_TRUE(again.code.empty());
  EXPECT_EQ(again.next, first.next);
  // Same token, other parameters.
  Prediction other = predict(first.next, call(Operation::StopDiskReplicaPair, on(kP2, "tok")));
  EXPECT_EQ(other.code, "IdempotentParameterMismatch");
  // Tokens are scoped per AccessKeyId.
  Prediction elsewhere =
      predict(first.next, call(Operation::StopDiskReplicaPair, on(kP2, "tok"), "other-key"));
  EXPECT_EQ(elsewhere.how, "executed");
  EXPECT_TRUE(elsewhere.code.empty());
}

TEST(SequentialSpec, ARefusalIsNotRemembered) {
  StatePtr s = start();
  Prediction refused = predict(s, call(Operation::StartDiskReplicaPair, on(kP1, "tok")));
  ASSERT_EQ(refused.code, "OperationDenied.InvalidStatus");
  EXPECT_TRUE(refused.next->tokens().empty());
}

TEST(SequentialSpec, EqualStatesAreEqualAndHashAlike) {
  StatePtr a = start();
  StatePtr b = start();
  EXPECT_NE(a, b);
  EXPECT_EQ(*a, *b);
  EXPECT_EQ(a->hash(), b->hash());
  // Stop then Start with tokens: back to normal, but a token is remembered.
  auto stop = predict(a, call(Operation::StopDiskReplicaPair, on(kP1, "t1"))).next;
  auto back = predict(stop, call(Operation::StartDiskReplicaPair, on(kP1))).next;
  EXPECT_EQ(describe_state(*back)["pairs"][kP1]["Status"], "normal");
  EXPECT_FALSE(*back == *a);
  // The same calls without a token reach the state `back` is once its token is forgotten.
  auto stop2 = predict(b, call(Operation::StopDiskReplicaPair, on(kP1))).next;
  auto back2 = predict(stop2, call(Operation::StartDiskReplicaPair, on(kP1))).next;
  StatePtr forgotten = back->without_token(TokenKey{"", "t1"});
  EXPECT_TRUE(*forgotten == *back2);
  EXPECT_EQ(forgotten->hash(), back2->hash());
  // A Modify (allowed from stopped) makes a state that differs only in a name.
  auto renamed =
      predict(stop2, call(Operation::ModifyDiskReplicaPair, {{"ReplicaPairId", kP1}, {"PairName", "renamed-1"}})).next;
  ASSERT_NE(renamed, stop2);
  EXPECT_FALSE(*renamed == *stop2);
}

TEST(SequentialSpec, BodiesMatchAsASubDocument) {
  const nlohmann::json model = {{"TotalCount", 1}, {"ReplicaPairs", {{{"Status", "normal"}, {"PairName", "a"}}}}};
  EXPECT_TRUE(body_matches(model, nlohmann::json::object()));
  EXPECT_TRUE(body_matches(model, {{"ReplicaPairs", {{{"Status", "normal"}}}}}));
  EXPECT_FALSE(body_matches(model, {{"ReplicaPairs", {{{"Status", "stopped"}}}}}));
  EXPECT_FALSE(body_matches(model, {{"ReplicaPairs", nlohmann::json::array()}}));  // lengths differ
  EXPECT_FALSE(body_matches(model, {{"RequestId", "x"}}));
}

}  // namespace
}  // namespace ebsmock::testing::concurrent
