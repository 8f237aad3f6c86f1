// scenario_world_test.cpp: the mock serves the world a scenario file sets up with groups,
// drills and scheduled events, over real HTTP: the three group drills of the library,
// run the way their header comments tell a user to (Describe, /__admin/groups,
// /__admin/drills, clock moves), plus fault rules aimed at a group or at a drill status.
//  - [[group]] and [[drill]] exist from the first request, members in their group's status;
//  - an [[event]] fires exactly when the virtual clock passes it (not before), once, is
//    journaled as progress naming the event, drags a member's group along, and a reset
//    re-arms it; the journal then replays to the server's world;
//  - `group = "pg-..."` matches calls naming that group only; a drill status in
//    when_status is compared with the drill the call names.
// Each test owns its server; the wait clock is a ManualClock so no test sleeps.
#include <gtest/gtest.h>

#include <fstream>
#include <future>
#include <sstream>

#include "tests/support/journal_replay.h"
#include "tests/support/mock_server_fixture.h"

namespace ebsmock::testing {
namespace {

std::string library_text(std::string_view name) {
  std::ifstream in(std::string(EBSMOCK_SOURCE_DIR "/scenarios/") + std::string(name));
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Status by id from an admin view ("/__admin/groups" -> {"groups": [...]}).
std::map<std::string, std::string> statuses(const MockServer& s, const std::string& view, const std::string& list,
                                            const std::string& id_key) {
  auto r = s.admin_get("/__admin/" + view);
  EXPECT_EQ(r.status, 200) << r.body;
  std::map<std::string, std::string> out;
  for (const auto& item : r.json.value(list, Json::array())) out[item.value(id_key, "")] = item.value("Status", "");
  return out;
}

std::map<std::string, std::string> group_statuses(const MockServer& s) {
  return statuses(s, "groups", "groups", "ReplicaGroupId");
}
std::map<std::string, std::string> drill_statuses(const MockServer& s) {
  return statuses(s, "drills", "drills", "DrillId");
}

std::vector<Json> event_entries(const Json& journal) {
  std::vector<Json> out;
  for (const auto& e : journal) {
    if (e.value("kind", "") == "progress" && e.contains("event")) out.push_back(e);
  }
  return out;
}

// The journal chains, and replayed on a fresh model ends in the server's world.
void expect_journal_replays(MockServer& s, const scenarios::Scenario& scenario) {
  const auto entries = s.service().journal().since(0);
  expect_transitions_chain(entries, model_of(scenario));
  const auto replayed = replay_journal(entries, model_of(scenario));
  const contracts::World served = s.service().inspect([](const mock::WorldState& w) { return w.world; });
  EXPECT_EQ(replayed.world.pairs(), served.pairs()) << "the replayed journal ends with other pairs";
  EXPECT_EQ(replayed.world.groups(), served.groups()) << "the replayed journal ends with other groups";
  EXPECT_EQ(replayed.world.drills(), served.drills()) << "the replayed journal ends with other drills";
}

// A library scenario served with a wait clock the test moves (the rules' delays and hangs).
struct LibraryWorld {
  explicit LibraryWorld(std::string_view name)
      : text(library_text(name)),
        scenario(scenarios::load_scenario_string(text, "test.toml")),
        server(text, [this] {
          ServerOptions options;
          options.wait_clock = wait;
          return options;
        }()) {}
  std::shared_ptr<mock::ManualClock> wait = std::make_shared<mock::ManualClock>();
  std::string text;
  scenarios::Scenario scenario;
  MockServer server;
};

TEST(ScenarioWorld, AMemberGoingInvalidMidDrillMakesItsGroupInvalidExactlyAtTheEventAndOnce) {
  const std::string text = library_text("group-member-invalid-mid-drill.toml");
  MockServer s(text);
  const auto scenario = scenarios::load_scenario_string(text, "test.toml");

  // The world of the file, from the first request on.
  auto groups = s.call("DescribeDiskReplicaGroups", {{"RegionId", "cn-hangzhou"}});
  ASSERT_EQ(groups.status, 200) << groups;
  ASSERT_EQ(groups.json["ReplicaGroups"].size(), 1u) << groups;
  EXPECT_EQ(groups.json["ReplicaGroups"][0].value("Status", ""), "normal");
  EXPECT_EQ(drill_statuses(s), (std::map<std::string, std::string>{{"pg-drill-billing01", "executing"}}));
  EXPECT_EQ(s.status_of("pair-cn-billing0logs02"), "normal");

  // One second before the event: nothing yet.
  s.advance("29s");
  EXPECT_EQ(s.status_of("pair-cn-billing0logs02"), "normal");
  EXPECT_TRUE(event_entries(s.journal()).empty());

  s.advance("1s");
  EXPECT_EQ(s.status_of("pair-cn-billing0logs02"), "invalid");
  EXPECT_EQ(s.status_of("pair-cn-billing0data01"), "normal");  // only the broken member
  EXPECT_EQ(group_statuses(s), (std::map<std::string, std::string>{{"pg-billing4h8s2w", "invalid"}}));
  EXPECT_EQ(drill_statuses(s), (std::map<std::string, std::string>{{"pg-drill-billing01", "executing"}}));
  auto events = event_entries(s.journal());
  ASSERT_EQ(events.size(), 2u) << s.journal().dump(1);
  EXPECT_EQ(events[0]["transition"].value("pair", ""), "pair-cn-billing0logs02");
  EXPECT_EQ(events[0]["transition"].value("to", ""), "invalid");
  EXPECT_EQ(events[1]["transition"].value("group", ""), "pg-billing4h8s2w");
  EXPECT_EQ(events[1]["transition"].value("to", ""), "invalid");
  EXPECT_EQ(events[0].value("time", ""), "2024-01-01T00:00:30.000Z");
  EXPECT_NE(events[0].value("event", "").find("test.toml:"), std::string::npos) << events[0];
  EXPECT_NE(events[0].value("event", "").find("the logs disk was released"), std::string::npos) << events[0];

  // The group refuses a failover now; the drill runs on and is executed at 60 s.
  auto failover = s.call("FailoverDiskReplicaGroup", {{"RegionId", "cn-hangzhou"}, {"ReplicaGroupId", "pg-billing4h8s2w"}});
  EXPECT_EQ(failover.status, 403) << failover;
  s.advance("30s");
  EXPECT_EQ(drill_statuses(s), (std::map<std::string, std::string>{{"pg-drill-billing01", "executed"}}));
  EXPECT_EQ(event_entries(s.journal()).size(), 2u) << "an event fires once";

  // Removing the broken member makes the group normal again.
  auto removed = s.call("RemoveDiskReplicaPair", {{"RegionId", "cn-hangzhou"},
                                                  {"ReplicaGroupId", "pg-billing4h8s2w"},
                                                  {"ReplicaPairId", "pair-cn-billing0logs02"}});
  EXPECT_EQ(removed.status, 200) << removed;
  EXPECT_EQ(group_statuses(s), (std::map<std::string, std::string>{{"pg-billing4h8s2w", "normal"}}));
  expect_journal_replays(s, scenario);

  // A reset re-arms the event.
  ASSERT_EQ(s.admin_post("/__admin/reset").status, 200);
  EXPECT_EQ(group_statuses(s), (std::map<std::string, std::string>{{"pg-billing4h8s2w", "normal"}}));
  s.advance("30s");
  EXPECT_EQ(group_statuses(s), (std::map<std::string, std::string>{{"pg-billing4h8s2w", "invalid"}}));
  EXPECT_EQ(event_entries(s.journal()).size(), 2u);
}

TEST(ScenarioWorld, AnAmbiguousGroupFailoverRetriedWithItsTokenFailsTheGroupOverOnce) {
  LibraryWorld world("group-ambiguous-failover.toml");
  auto& s = world.server;
  auto& wait = world.wait;
  const auto& scenario = world.scenario;
  const contracts::ParamList failover = {
      {"RegionId", "cn-hangzhou"}, {"ReplicaGroupId", "pg-orders7x2k9m1q"}, {"ClientToken", "tf-failover-1"}};

  // The rule is aimed at the group: a failover naming another group is not matched.
  auto other = s.call("FailoverDiskReplicaGroup", {{"RegionId", "cn-hangzhou"}, {"ReplicaGroupId", "pg-nosuch"}});
  EXPECT_EQ(other.code(), "NoSuchResource") << other;

  auto first = std::async(std::launch::async, [&] { return s.call("FailoverDiskReplicaGroup", failover); });
  ASSERT_TRUE(wait->wait_for_sleepers(1));  // the rule's 3 s delay
  wait->advance(std::chrono::seconds(3));
  auto seen = first.get();
  EXPECT_EQ(seen.status, 504) << seen;
  EXPECT_EQ(seen.code(), "RequestTimeout") << seen;
  // Applied although the client saw an error: group and every member are failovering.
  EXPECT_EQ(group_statuses(s), (std::map<std::string, std::string>{{"pg-orders7x2k9m1q", "failovering"}}));
  for (const char* p : {"pair-cn-orders0data01", "pair-cn-orders0logs02", "pair-cn-orders0temp03"}) {
    EXPECT_EQ(s.status_of(p), "failovering") << p;
  }

  auto retry = s.call("FailoverDiskReplicaGroup", failover);
  EXPECT_EQ(retry.status, 200) << retry;
  s.advance("5s");
  EXPECT_EQ(group_statuses(s), (std::map<std::string, std::string>{{"pg-orders7x2k9m1q", "failovered"}}));
  int group_moves = 0;
  for (const auto& e : s.journal()) {
    if (e.value("action", "") == "FailoverDiskReplicaGroup" && e["transition"].is_object()) ++group_moves;
  }
  EXPECT_EQ(group_moves, 1) << s.journal().dump(1);
  expect_journal_replays(s, scenario);
}

TEST(ScenarioWorld, ADrillClearThatHangsClearsThenTheEventMakesItClearFailed) {
  LibraryWorld world("group-drill-clear-timeout.toml");
  auto& s = world.server;
  auto& wait = world.wait;
  const auto& scenario = world.scenario;
  const contracts::ParamList clear = {
      {"RegionId", "cn-shanghai"}, {"GroupId", "pg-inventory5t3n8c"}, {"DrillId", "pg-drill-inventory01"}};
  EXPECT_EQ(drill_statuses(s), (std::map<std::string, std::string>{{"pg-drill-inventory01", "executed"}}));

  auto first = std::async(std::launch::async, [&] { return s.call("ClearReplicaGroupDrill", clear); });
  ASSERT_TRUE(wait->wait_for_sleepers(1));  // held, up to hang_cap
  wait->advance(std::chrono::seconds(20));
  EXPECT_EQ(first.get().status, 0) << "the hang ends without an answer";
  EXPECT_EQ(drill_statuses(s), (std::map<std::string, std::string>{{"pg-drill-inventory01", "clearing"}}));

  s.advance("30s");
  EXPECT_EQ(drill_statuses(s), (std::map<std::string, std::string>{{"pg-drill-inventory01", "clear_failed"}}));
  s.advance("120s");
  EXPECT_EQ(drill_statuses(s), (std::map<std::string, std::string>{{"pg-drill-inventory01", "clear_failed"}}))
      << "clear_failed never vanishes on its own";
  auto again = s.call("ClearReplicaGroupDrill", clear);
  EXPECT_EQ(again.status, 200) << again;
  s.advance("60s");
  EXPECT_TRUE(drill_statuses(s).empty());
  expect_journal_replays(s, scenario);
}

// A drill status in when_status is compared with the drill the call names, not its group.
TEST(ScenarioWorld, AFaultRuleOnADrillStatusMatchesThatDrillsCallsOnly) {
  std::string text = library_text("group-drill-clear-timeout.toml");
  text = text.substr(0, text.find("[[fault]]")) +
         "[[fault]]\nid = \"refuse-while-clear-failed\"\naction = \"ClearReplicaGroupDrill\"\n"
         "when_status = \"clear_failed\"\nerror = \"InternalError\"\ntimes = 1\n";
  MockServer s(text);
  const contracts::ParamList clear = {
      {"RegionId", "cn-shanghai"}, {"GroupId", "pg-inventory5t3n8c"}, {"DrillId", "pg-drill-inventory01"}};
  s.advance("30s");  // the event: clear_failed
  auto refused = s.call("ClearReplicaGroupDrill", clear);
  EXPECT_EQ(refused.code(), "InternalError") << refused;
  auto cleared = s.call("ClearReplicaGroupDrill", clear);
  EXPECT_EQ(cleared.status, 200) << cleared;
}

}  // namespace
}  // namespace ebsmock::testing
