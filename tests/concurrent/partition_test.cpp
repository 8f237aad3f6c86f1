// partition_test.cpp: which calls the checker may search apart (partition.h): independent
// pairs apart; a group with its members (at the start, or joined by Add); a ClientToken
// shared across pairs; region-wide reads join everything; Failed calls are in no part.
#include <gtest/gtest.h>

#include "harness/concurrent/partition.h"
#include "tests/concurrent/support/history_builders.h"

namespace ebsmock::testing::concurrent {
namespace {

using namespace harness::concurrent;
using contracts::Operation;
using contracts::Status;
using Parts = std::vector<std::vector<std::size_t>>;

const std::string kP3 = "pair-lin2";
const std::string kGroup = "pg-lin1";

TEST(Partition, IndependentPairsArePartsOfTheirOwn) {
  History h = history_on({{kP1, Status::Normal}, {kP2, Status::Normal}});
  add(h, 0, Operation::StopDiskReplicaPair, on(kP1), 0, 1, ok());
  add(h, 1, Operation::StopDiskReplicaPair, on(kP2), 0, 1, ok());
  add(h, 0, Operation::DescribeDiskReplicaPairs, describe(kP1), 2, 3, ok());
  add(h, 2, Operation::DescribeRegions, {}, 2, 3, ok());
  add(h, 2, Operation::StopDiskReplicaPair, on(kP2), 4, 5, failed());
  EXPECT_EQ(partition(h), (Parts{{0, 2}, {1}, {3}}));
}

TEST(Partition, ARegionWideReadJoinsEverything) {
  History h = history_on({{kP1, Status::Normal}, {kP2, Status::Normal}});
  add(h, 0, Operation::StopDiskReplicaPair, on(kP1), 0, 1, ok());
  add(h, 1, Operation::StopDiskReplicaPair, on(kP2), 0, 1, ok());
  add(h, 2, Operation::DescribeDiskReplicaPairs, {}, 2, 3, ok());
  EXPECT_EQ(partition(h), (Parts{{0, 1, 2}}));
}

TEST(Partition, AGroupIsOnePartWithItsMembers) {
  History h = history_on({{kP1, Status::Normal}, {kP2, Status::Normal}, {kP3, Status::Normal}},
                         {{kGroup, Status::Normal, {kP1, kP2}}});
  add(h, 0, Operation::StopDiskReplicaPair, on(kP1), 0, 1, ok());
  add(h, 1, Operation::DescribeDiskReplicaPairs, describe(kP2), 0, 1, ok());
  add(h, 2, Operation::StopDiskReplicaPair, on(kP3), 0, 1, ok());
  add(h, 3, Operation::StopDiskReplicaGroup, {{"ReplicaGroupId", kGroup}}, 0, 1, ok());
  EXPECT_EQ(partition(h), (Parts{{0, 1, 3}, {2}}));
  // An Add names the group and the pair: from then on they are one part.
  add(h, 2, Operation::AddDiskReplicaPair, {{"ReplicaGroupId", kGroup}, {"ReplicaPairId", kP3}}, 2, 3, ok());
  EXPECT_EQ(partition(h), (Parts{{0, 1, 2, 3, 4}}));
}

TEST(Partition, ASharedClientTokenJoinsItsCalls) {
  History h = history_on({{kP1, Status::Normal}, {kP2, Status::Normal}});
  add(h, 0, Operation::StopDiskReplicaPair, on(kP1, "tok"), 0, 1, ok());
  add(h, 1, Operation::StopDiskReplicaPair, on(kP2, "tok"), 0, 1, ok());
  EXPECT_EQ(partition(h), (Parts{{0, 1}}));
  // Scoped per AccessKeyId: another key's token is another token.
  h.ops[1].access_key_id = "other";
  EXPECT_EQ(partition(h), (Parts{{0}, {1}}));
}

TEST(Partition, ACreateIsInThePartOfTheIdItDrew) {
  History h = history_on({{kP1, Status::Normal}});
  add(h, 0, Operation::CreateDiskReplicaPair, {}, 0, 1, ok());
  h.ops[0].ids.pair_id = "pair-cn-new0000000001";
  add(h, 1, Operation::StopDiskReplicaPair, on("pair-cn-new0000000001"), 2, 3, ok());
  add(h, 2, Operation::StopDiskReplicaPair, on(kP1), 2, 3, ok());
  EXPECT_EQ(partition(h), (Parts{{0, 1}, {2}}));
}

}  // namespace
}  // namespace ebsmock::testing::concurrent
