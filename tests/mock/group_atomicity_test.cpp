// group_atomicity_test.cpp: a group acts on its member pairs in one step of the model,
// and the journal stays the model's linearization with groups in it. 32 clients hammer a
// group of 8 pairs over real HTTP with group operations (Start, Stop, Failover, Reprotect)
// and pair-level calls on members (refused: the group owns them), under fault rules
// (ambiguous commit-after timeouts, commit-before errors, resets), while one thread moves
// the virtual clock and another takes snapshots of the world. Then:
//  - no Describe of the group's pairs ever showed two members in different statuses, and
//    no snapshot showed a member in another status than its group;
//  - every pair-level call on a member was refused and changed nothing;
//  - per resource the journal's transitions chain, and replaying the journal on a fresh
//    model ends in exactly the server's pairs and groups.
#include <gtest/gtest.h>

#include <atomic>
#include <latch>
#include <set>
#include <thread>
#include <vector>

#include "tests/support/journal_replay.h"
#include "tests/support/mock_server_fixture.h"

namespace ebsmock::testing {
namespace {

constexpr int kClients = 32;
constexpr int kMembers = 8;
constexpr int kCallsPerClient = 12;

std::string member(int i) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "pair-cn-member%010d", i);
  return buf;
}

std::string world() {
  std::string rest =
      "[timing]\ncreate = \"1s\"\ninitial_sync = \"3s\"\nsync = \"1s\"\nstop = \"1s\"\nfailover = \"1s\"\n"
      "reprotect = \"1s\"\n\n"
      // Ambiguous failures: the group operation happens, the client sees a 504.
      "[[fault]]\naction = [\"StartDiskReplicaGroup\", \"StopDiskReplicaGroup\", \"FailoverDiskReplicaGroup\", "
      "\"ReprotectDiskReplicaGroup\"]\nprobability = 0.2\ncommit = \"after\"\nerror = \"RequestTimeout\"\n\n"
      "[[fault]]\naction = [\"StopDiskReplicaGroup\", \"FailoverDiskReplicaGroup\"]\nprobability = 0.1\n"
      "error = \"InternalError\"\n\n"
      "[[fault]]\naction = \"DescribeDiskReplicaGroups\"\nprobability = 0.1\ntransport = \"reset\"\n\n";
  for (int i = 0; i < kMembers; ++i) {
    rest += pair_toml(member(i), "created", "cn-hangzhou", "cn-shanghai",
                      "source_zone_id = \"cn-hangzhou-h\"\ndestination_zone_id = \"cn-shanghai-e\"");
  }
  return world_toml(/*verify_signatures=*/false, rest, /*seed=*/32);
}

// Creates the group, adds every member, starts it and waits until it is normal.
std::string set_up_group(const MockServer& s) {
  auto created = s.call("CreateDiskReplicaGroup", {{"RegionId", "cn-hangzhou"},
                                                   {"SourceZoneId", "cn-hangzhou-h"},
                                                   {"DestinationRegionId", "cn-shanghai"},
                                                   {"DestinationZoneId", "cn-shanghai-e"},
                                                   {"GroupName", "atomicity"}});
  EXPECT_EQ(created.status, 200) << created;
  const std::string group = created.json.value("ReplicaGroupId", "");
  s.advance("1s");
  for (int i = 0; i < kMembers; ++i) {
    auto added = s.call("AddDiskReplicaPair",
                        {{"RegionId", "cn-hangzhou"}, {"ReplicaGroupId", group}, {"ReplicaPairId", member(i)}});
    EXPECT_EQ(added.status, 200) << added;
  }
  auto started = s.call("StartDiskReplicaGroup", {{"RegionId", "cn-hangzhou"}, {"ReplicaGroupId", group}});
  EXPECT_TRUE(started.status == 200 || started.code() == "RequestTimeout") << started;
  s.advance("5s");
  return group;
}

TEST(GroupAtomicity, ThirtyTwoClientsOnAGroupOfEightNeverSeeItsMembersApartAndTheJournalReplays) {
  ServerOptions options;
  options.journal_capacity = 100'000;
  MockServer s(world(), options);
  const auto scenario = scenarios::load_scenario_string(world() + "\n[clock]\nmode = \"virtual\"\n", "w.toml");
  const std::string group = set_up_group(s);
  ASSERT_FALSE(group.empty());

  std::atomic<int> running{kClients};
  std::atomic<int> apart{0}, member_calls_not_refused{0}, describes_checked{0};
  std::atomic<int> snapshots{0}, snapshots_apart{0};
  std::latch go(kClients + 2);
  std::vector<std::thread> threads;
  for (int c = 0; c < kClients; ++c) {
    threads.emplace_back([&, c] {
      go.arrive_and_wait();
      static const char* kGroupOps[] = {"StopDiskReplicaGroup", "StartDiskReplicaGroup", "FailoverDiskReplicaGroup",
                                        "ReprotectDiskReplicaGroup"};
      for (int k = 0; k < kCallsPerClient; ++k) {
        const std::string token = "c" + std::to_string(c) + "-" + std::to_string(k);
        switch ((c + k) % 4) {
          case 0:
          case 1: {
            contracts::ParamList p{{"RegionId", "cn-hangzhou"}, {"ReplicaGroupId", group}, {"ClientToken", token}};
            const char* op = kGroupOps[(c * 7 + k) % 4];
            if (std::string(op) == "ReprotectDiskReplicaGroup") p.emplace_back("ReverseReplicate", "false");
            s.call(op, p);
            break;
          }
          case 2: {  // a pair-level call on a member: the group owns it
            auto r = s.call(k % 2 ? "StopDiskReplicaPair" : "StartDiskReplicaPair",
                            {{"RegionId", "cn-hangzhou"}, {"ReplicaPairId", member((c + k) % kMembers)}, {"ClientToken", token}});
            if (r.status != 403 || r.code() != "OperationDenied") ++member_calls_not_refused;
            break;
          }
          case 3:
            s.call("DescribeDiskReplicaGroups", {{"RegionId", "cn-hangzhou"}, {"GroupIds", group}});
            break;
        }
        // What any client can observe: one Describe of the group's pairs.
        auto d = s.call("DescribeDiskReplicaPairs", {{"RegionId", "cn-hangzhou"}, {"ReplicaGroupId", group}});
        if (d.status == 200 && d.json.contains("ReplicaPairs")) {
          std::set<std::string> statuses;
          for (const auto& p : d.json["ReplicaPairs"]) statuses.insert(p.value("Status", ""));
          if (statuses.size() > 1 || d.json["ReplicaPairs"].size() != kMembers) ++apart;
          ++describes_checked;
        }
      }
      --running;
    });
  }
  threads.emplace_back([&] {  // the clock
    go.arrive_and_wait();
    while (running > 0) s.advance("500ms");
  });
  threads.emplace_back([&] {  // snapshots of the world, under the server's lock
    go.arrive_and_wait();
    while (running > 0) {
      const bool same = s.service().inspect([&](const mock::WorldState& w) {
        const auto* g = w.world.find_group(group);
        if (g == nullptr) return false;
        for (const auto& id : g->pair_ids) {
          if (w.world.find(id) == nullptr || w.world.find(id)->status != g->status) return false;
        }
        return g->pair_ids.size() == kMembers;
      });
      ++snapshots;
      if (!same) ++snapshots_apart;
    }
  });
  for (auto& t : threads) t.join();
  s.advance("30s");

  EXPECT_EQ(apart.load(), 0) << "a Describe showed the group's members apart";
  EXPECT_EQ(snapshots_apart.load(), 0) << "of " << snapshots.load() << " snapshots";
  EXPECT_GT(snapshots.load(), 0);
  EXPECT_EQ(describes_checked.load(), kClients * kCallsPerClient);
  EXPECT_EQ(member_calls_not_refused.load(), 0);

  const auto served = s.service().inspect([](const mock::WorldState& w) { return w.world; });
  const auto entries = s.service().journal().since(0);
  ASSERT_EQ(s.service().journal().dropped(), 0u);
  // The group moved, with its members, and the faults fired.
  int group_moves = 0, ambiguous = 0;
  for (const auto& e : entries) {
    if (e.kind == contracts::JournalKind::Request && e.transition &&
        e.transition->kind == contracts::ResourceKind::Group && e.transition->from) {
      ++group_moves;
      EXPECT_EQ(e.member_transitions.size(), static_cast<std::size_t>(kMembers)) << "#" << e.seq << " " << e.action;
    }
    if (e.fault && e.effect_applied && e.code == "RequestTimeout") ++ambiguous;
  }
  EXPECT_GT(group_moves, 4);
  EXPECT_GT(ambiguous, 0);

  const contracts::World initial = model_of(scenario);
  EXPECT_GT(expect_transitions_chain(entries, initial), kMembers * 2);
  const Replayed replayed = replay_journal(entries, initial);
  EXPECT_EQ(replayed.world.pairs(), served.pairs()) << "the replayed journal ends with other pairs";
  EXPECT_EQ(replayed.world.groups(), served.groups()) << "the replayed journal ends with another group";
}

}  // namespace
}  // namespace ebsmock::testing
