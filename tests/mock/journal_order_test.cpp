// journal_order_test.cpp: the journal is the linearization of the model (journal.h).
// 64 clients create, stop, start and describe pairs (their own and two shared ones)
// while another thread keeps advancing the virtual clock, over real HTTP. Then:
//  - per pair, the journal's transitions in seq order form one chain: each starts where
//    the previous one ended, a pair's first transition is the Create that made it (or it
//    was in the scenario), so no progress entry ever precedes the request that caused it;
//  - replaying the journal in seq order on a fresh model (requests that ran, with their
//    journaled time and parameters; progress as the clock moves) reproduces every answer's
//    code and transition, and ends in exactly the world the server has.
// Several rounds, each with its own server: the property must hold in every run.
#include <gtest/gtest.h>

#include <atomic>
#include <latch>
#include <map>
#include <thread>
#include <vector>

#include "contracts/world.h"
#include "tests/support/journal_replay.h"
#include "tests/support/mock_server_fixture.h"

namespace ebsmock::testing {
namespace {

constexpr int kClients = 64;
// Twelve rounds: with the journal appended after the lock was let go (planted once), four
// rounds caught it in 6 of 10 runs, twelve in 9 of 10; a round takes about 0.1 s.
constexpr int kRounds = 12;
// Two shared pairs: many clients contend on each, so calls on one pair commit in quick
// succession and any gap between commit and journal would show as a broken chain.
const std::vector<std::string> kShared = {"pair-cn-shared0000000001", "pair-cn-shared0000000002"};

std::string world() {
  std::string rest = "[timing]\ncreate = \"2s\"\ninitial_sync = \"3s\"\nsync = \"1s\"\nstop = \"2s\"\n\n";
  for (const auto& id : kShared) rest += pair_toml(id, "normal", "cn-hangzhou", "cn-shanghai",
                                                   "last_recover_point = 2024-01-01T00:00:00Z");
  return world_toml(/*verify_signatures=*/false, rest, /*seed=*/2024);
}

// What one client does: create its own pair, then work on it and on a shared pair.
void client(const MockServer& s, int i, std::latch& go) {
  go.arrive_and_wait();
  auto r = s.call("CreateDiskReplicaPair", {{"RegionId", "cn-hangzhou"},
                                            {"SourceZoneId", "cn-hangzhou-h"},
                                            {"DiskId", "d-order" + std::to_string(i)},
                                            {"DestinationRegionId", "cn-shanghai"},
                                            {"DestinationZoneId", "cn-shanghai-e"},
                                            {"DestinationDiskId", "d-orderdst" + std::to_string(i)},
                                            {"ClientToken", "create-" + std::to_string(i)}});
  const std::string own = r.json.value("ReplicaPairId", "");
  const std::string shared = kShared[static_cast<std::size_t>(i) % kShared.size()];
  for (int k = 0; k < 6; ++k) {
    const std::string& target = k % 2 == 0 ? own : shared;
    const char* action = (k / 2) % 2 == 0 ? "StartDiskReplicaPair" : "StopDiskReplicaPair";
    s.call(action, {{"RegionId", "cn-hangzhou"}, {"ReplicaPairId", target}});
    if (target == shared) s.call(k % 4 == 0 ? "StopDiskReplicaPair" : "StartDiskReplicaPair",
                                 {{"RegionId", "cn-hangzhou"}, {"ReplicaPairId", shared}});
    s.call("DescribeDiskReplicaPairs", {{"RegionId", "cn-hangzhou"}, {"PairIds", target}});
  }
}

TEST(JournalOrder, SixtyFourClientsAndAMovingClockLeaveAJournalThatReplaysToTheSameWorld) {
  for (int round = 0; round < kRounds; ++round) {
    SCOPED_TRACE("round " + std::to_string(round));
    ServerOptions options;
    options.journal_capacity = 100'000;  // keep every entry
    MockServer s(world(), options);
    const auto scenario = scenarios::load_scenario_string(world() + "\n[clock]\nmode = \"virtual\"\n", "w.toml");

    std::latch go(kClients + 1);
    std::atomic<int> running{kClients};
    std::vector<std::thread> clients;
    for (int i = 0; i < kClients; ++i) {
      clients.emplace_back([&, i] {
        client(s, i, go);
        --running;
      });
    }
    go.arrive_and_wait();
    while (running > 0) s.advance("500ms");  // progress lands between the calls
    for (auto& t : clients) t.join();
    s.advance("30s");  // let everything settle, journaled as progress

    // The server's world, then the journal (inspect catches up first, journaling it).
    const auto served = s.service().inspect([](const mock::WorldState& w) { return w.world.pairs(); });
    const auto entries = s.service().journal().since(0);
    ASSERT_EQ(s.service().journal().dropped(), 0u);

    // 1. Per pair, one chain of transitions in seq order.
    const int chained = expect_transitions_chain(entries, model_of(scenario));
    // At least every client's Create and its creating -> created; how many Starts and Stops
    // found their pair in a status that allows them depends on the interleaving.
    EXPECT_GE(chained, kClients * 2);

    // 2. Replay on a fresh model.
    const Replayed replayed = replay_journal(entries, model_of(scenario));
    EXPECT_GT(replayed.requests, kClients * 6);
    EXPECT_EQ(replayed.world.pairs(), served) << "the replayed journal ends in another world";
  }
}

}  // namespace
}  // namespace ebsmock::testing
