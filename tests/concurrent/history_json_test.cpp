// history_json_test.cpp: a history's calls survive JSON and back (every outcome, ids,
// journal views, a clock advance), and a bad call is refused with a message.
#include <gtest/gtest.h>

#include "harness/concurrent/history_json.h"
#include "tests/concurrent/support/history_builders.h"

namespace ebsmock::testing::concurrent {
namespace {

using namespace harness::concurrent;
using contracts::Operation;

TEST(HistoryJson, CallsRoundTrip) {
  History h = history_on({});
  add(h, 0, Operation::StopDiskReplicaPair, on(kP1, "tok"), 0, 5, ambiguous(), 3);
  h.ops[0].journal = JournalView{4, {{4, true}, {9, false}}};
  h.ops[0].access_key_id = "testid";
  add(h, 1, Operation::CreateDiskReplicaPair, {}, 1, 8, ok({{"ReplicaPairId", "pair-cn-x"}}));
  h.ops[1].ids.pair_id = "pair-cn-x";
  h.ops[1].ids.order_id = "123";
  add(h, 2, Operation::StartDiskReplicaPair, on(kP1), 2, 9, refused("OperationDenied.InvalidStatus"));
  h.ops[2].journal = JournalView{};
  add(h, 2, Operation::StartDiskReplicaPair, on(kP1), 10, 11, failed());
  add(h, 3, Operation::DescribeDiskReplicaPairs, {}, 12, 13, ok());
  h.ops[4].params.clear();
  h.ops[4].clock_advance = std::chrono::seconds(10);
  const std::vector<HistoryOp> back = ops_from_json(nlohmann::json::parse(ops_to_json(h.ops).dump()));
  ASSERT_EQ(back.size(), h.ops.size());
  // An ambiguous call has no response; it reads back as its invocation.
  h.ops[0].response = h.ops[0].invoke;
  for (std::size_t i = 0; i < back.size(); ++i) EXPECT_EQ(back[i], h.ops[i]) << i;
}

TEST(HistoryJson, ABadCallIsRefused) {
  nlohmann::json j = to_json(HistoryOp{});
  j["action"] = "NoSuchAction";
  EXPECT_THROW(op_from_json(j), std::invalid_argument);
  j = to_json(HistoryOp{});
  j.erase("invoke");
  EXPECT_THROW(op_from_json(j), std::invalid_argument);
}

}  // namespace
}  // namespace ebsmock::testing::concurrent
