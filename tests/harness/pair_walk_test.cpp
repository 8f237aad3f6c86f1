// pair_walk_test.cpp: the walk `ebsmock demo` shows, against an embedded mock, in-process:
// it succeeds, prints each status the pair goes through and the documented refusal, and
// its journal listing interleaves the calls and the service's own changes in seq order.
// With a planted server bug (stop-from-stopped) the walk must say a step misbehaved.
#include <gtest/gtest.h>

#include <sstream>

#include "contracts/random.h"
#include "harness/client/reference_client.h"
#include "harness/demo/pair_walk.h"
#include "mock/embedded_server.h"
#include "scenarios/loader/scenario_loader.h"

namespace ebsmock::harness {
namespace {

struct Walked {
  bool ok;
  std::string text;
};

Walked walk(mock::ServerMutant mutant = mock::ServerMutant::None) {
  auto world = scenarios::default_scenario();
  world.clock.mode = scenarios::ClockMode::Virtual;
  const auto credential = world.credentials.front();
  mock::EmbeddedServerOptions options;
  options.service.seed = 1;
  options.service.mutant = mutant;
  mock::EmbeddedServer server(std::move(world), options);
  contracts::SeededRandom random(contracts::client_seed(1));
  ReferenceClient client({.endpoint = server.endpoint(),
                          .access_key_id = credential.access_key_id,
                          .access_key_secret = credential.access_key_secret},
                         random);
  AdminClient admin(server.endpoint());
  std::ostringstream out;
  const bool ok = walk_one_pair(client, admin, {}, out);
  return {ok, out.str()};
}

TEST(PairWalk, WalksOnePairThroughItsLifeAndShowsTheJournal) {
  auto w = walk();
  ASSERT_TRUE(w.ok) << w.text;
  for (const char* expected : {"-> CreateDiskReplicaPair", "status creating", "status created", "status initial_syncing",
                               "status normal (LastRecoverPoint", "status stopping", "status stopped",
                               "OperationDenied.InvalidStatus", "Journal (what the mock saw):", "(service) pair-cn-",
                               "created -> initial_syncing", "demo: every step behaved as documented"}) {
    EXPECT_NE(w.text.find(expected), std::string::npos) << expected << "\n" << w.text;
  }
  // The journal listing is in seq order.
  std::uint64_t last = 0;
  std::istringstream lines(w.text.substr(w.text.find("Journal (what the mock saw):")));
  for (std::string line; std::getline(lines, line);) {
    if (!line.starts_with("  #")) continue;
    const auto seq = std::stoull(line.substr(3));
    EXPECT_GT(seq, last) << line;
    last = seq;
  }
  EXPECT_GT(last, 0u);
}

TEST(PairWalk, APlantedServerBugMakesTheWalkSaySo) {
  auto w = walk(mock::ServerMutant::StopFromStopped);
  EXPECT_FALSE(w.ok) << w.text;
  EXPECT_NE(w.text.find("demo: a step did NOT behave as documented"), std::string::npos) << w.text;
}

}  // namespace
}  // namespace ebsmock::harness
