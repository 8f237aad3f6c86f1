// drill_verdict_test.cpp: a drill's verdict (mock/drill_verdict.h) from its journal and
// fault counters: PASS when every expectation holds, FAIL when one is broken (a
// transition that does not start where the resource was, too many model errors, a rule
// that never fired once the drill is over), INCONCLUSIVE with too few requests or while
// an expected rule has not fired yet; and the [expect] section as the loader reads it.
#include <gtest/gtest.h>

#include "mock/drill_verdict.h"
#include "scenarios/loader/scenario_loader.h"

namespace ebsmock::testing {
namespace {

using Json = nlohmann::json;

Json request(int seq, int status, Json transition = nullptr, Json fault = nullptr) {
  return {{"seq", seq}, {"kind", "request"}, {"status", status}, {"transition", transition}, {"fault", fault}};
}
Json move(const std::string& id, Json from, const std::string& to) { return {{"pair", id}, {"from", from}, {"to", to}}; }

std::string verdict_of(const Json& drill, const std::string& id) {
  for (const auto& c : drill["checks"]) {
    if (c["id"] == id) return c["verdict"];
  }
  return "absent";
}

TEST(DrillVerdict, PassesWhenEveryExpectationHolds) {
  scenarios::DrillExpectations e{.consistent_transitions = true, .max_error_percent = 50, .rules_fire = {"r1"}};
  mock::DrillFacts f{.scenario = "s", .seed = 3};
  f.journal = Json::array({request(1, 200, move("pair-1", "normal", "stopping")),
                           {{"seq", 2}, {"kind", "progress"}, {"transition", move("pair-1", "stopping", "stopped")}},
                           request(3, 500, nullptr, {{"rule", "r1"}})});
  f.fault_rules = Json::array({{{"id", "r1"}, {"commit", "before"}, {"fired", 1}}});
  auto d = mock::judge_drill(e, f, true);
  EXPECT_EQ(d["verdict"], "pass") << d.dump(2);
  EXPECT_EQ(verdict_of(d, "S1"), "pass");
  EXPECT_EQ(verdict_of(d, "D1"), "pass") << "a fault's 500 is not a model error";
  EXPECT_EQ(d["coverage"]["pair"]["stopping -> stopped"], 1);
  EXPECT_EQ(d["client"], "drill: s");
}

TEST(DrillVerdict, FailsOnABrokenChainOrTooManyModelErrors) {
  mock::DrillFacts f;
  f.journal = Json::array({request(1, 200, move("pair-1", "normal", "stopping")),
                           request(2, 200, move("pair-1", "normal", "failovering")), request(3, 503)});
  auto chain = mock::judge_drill({.consistent_transitions = true}, f, false);
  EXPECT_EQ(chain["verdict"], "fail");
  EXPECT_NE(chain["checks"][0]["first_violation"].get<std::string>().find("seq 2"), std::string::npos);
  auto errors = mock::judge_drill({.max_error_percent = 10}, f, false);
  EXPECT_EQ(errors["verdict"], "fail") << "1 of 3 model answers is a 5xx: over 10%";
  EXPECT_EQ(mock::judge_drill({.max_error_percent = 40}, f, false)["verdict"], "pass");
}

TEST(DrillVerdict, AnUnfiredRuleIsPendingWhileTheDrillRunsAndFailsOnceItIsOver) {
  mock::DrillFacts f;
  f.journal = Json::array({request(1, 200)});
  f.fault_rules = Json::array({{{"id", "amb"}, {"commit", "after"}, {"fired", 0}}, {{"id", "plain"}, {"fired", 0}}});
  scenarios::DrillExpectations e{.ambiguous_rules_fire = true};
  EXPECT_EQ(mock::judge_drill(e, f, false)["verdict"], "inconclusive");
  EXPECT_EQ(mock::judge_drill(e, f, true)["verdict"], "fail");
  f.fault_rules[0]["fired"] = 2;
  EXPECT_EQ(mock::judge_drill(e, f, true)["verdict"], "pass") << "only commit = \"after\" rules are expected";
}

TEST(DrillVerdict, TooFewRequestsIsInconclusive) {
  mock::DrillFacts f;
  EXPECT_EQ(mock::judge_drill({}, f, true)["verdict"], "inconclusive") << "no samples";
  f.journal = Json::array({request(1, 200), request(2, 200)});
  EXPECT_EQ(mock::judge_drill({.min_requests = 3}, f, true)["verdict"], "inconclusive");
  EXPECT_EQ(mock::judge_drill({.min_requests = 2}, f, true)["verdict"], "pass");
}

TEST(DrillVerdict, TheExpectSectionLoadsAndItsMistakesArePlaced) {
  auto s = scenarios::load_scenario_string(
      "[expect]\nconsistent_transitions = true\nmax_error_percent = 5\nambiguous_rules_fire = true\n"
      "rules_fire = [\"a\", \"b\"]\nmin_requests = 4\nrequests = 20\nduration = \"30s\"\n",
      "x.toml");
  ASSERT_TRUE(s.expect);
  EXPECT_EQ(*s.expect, (scenarios::DrillExpectations{.consistent_transitions = true,
                                                      .max_error_percent = 5,
                                                      .ambiguous_rules_fire = true,
                                                      .rules_fire = {"a", "b"},
                                                      .min_requests = 4,
                                                      .requests = 20,
                                                      .duration = std::chrono::seconds(30)}));
  EXPECT_FALSE(scenarios::load_scenario_string("[scenario]\nname = \"n\"\n", "x.toml").expect);
  try {
    scenarios::load_scenario_string("[expect]\nmax_error_percent = 5\nrules_fire = [1]\n", "x.toml");
    FAIL() << "rules_fire of integers loaded";
  } catch (const scenarios::ScenarioError& e) {
    EXPECT_NE(std::string(e.what()).find("x.toml:3:"), std::string::npos) << e.what();
  }
  EXPECT_THROW(scenarios::load_scenario_string("[expect]\nrequest = 3\n", "x.toml"), scenarios::ScenarioError)
      << "unknown keys are refused";
}

}  // namespace
}  // namespace ebsmock::testing
