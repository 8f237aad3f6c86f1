// effect_evidence_test.cpp: scenarios/trace/effect_evidence.h, and what import-trace does
// with it. Traces are built here line by line (the project's JSON-lines format, with
// recorded Describe bodies), each a small story: a Stop answered 504 and a later Describe
// that does or does not prove it took effect.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include <toml++/toml.h>

#include "scenarios/trace/effect_evidence.h"
#include "scenarios/trace/trace_import.h"

namespace ebsmock::scenarios {
namespace {

const std::string kPair = "pair-cn-evidence01";

std::string describe(const std::string& status) {
  return R"({"action":"DescribeDiskReplicaPairs","params":{"RegionId":"cn-hangzhou","PairIds":")" + kPair +
         R"("},"status":200,"body":{"RequestId":"R","TotalCount":1,"ReplicaPairs":[{"ReplicaPairId":")" + kPair +
         R"(","Status":")" + status + R"("}]}})" "\n";
}
std::string call(const std::string& action, int status, const std::string& code = "") {
  return R"({"action":")" + action + R"(","params":{"RegionId":"cn-hangzhou","ReplicaPairId":")" + kPair +
         R"("},"status":)" + std::to_string(status) + (code.empty() ? "" : R"(,"code":")" + code + "\"") + "}\n";
}
const std::string kStop504 = call("StopDiskReplicaPair", 504, "RequestTimeout");

std::vector<TraceRequest> requests(const std::string& text) {
  auto parsed = parse_trace(text, "t.jsonl");
  EXPECT_TRUE(parsed.problems.empty()) << parsed.problems.front().to_string();
  return parsed.requests;
}

TEST(EffectEvidence, ALaterDescribeShowingTheCallsTransitionProvesIt) {
  auto r = requests(describe("normal") + kStop504 + describe("stopping"));
  auto e = effect_evidence(r, 1, nullptr);
  ASSERT_TRUE(e);
  EXPECT_EQ(e->kind, EffectEvidence::Kind::Observed);
  EXPECT_EQ(e->step, 2u);
  EXPECT_EQ(e->text, "Step 3's Describe shows the pair stopping where step 1's Describe showed normal; "
                     "only this call explains that.");
  // The final status of the call's transition is as good as the transient one.
  EXPECT_TRUE(effect_evidence(requests(describe("normal") + kStop504 + describe("stopped")), 1, nullptr));
}

TEST(EffectEvidence, AnUnchangedOrUnexplainedStatusProvesNothing) {
  EXPECT_FALSE(effect_evidence(requests(describe("normal") + kStop504 + describe("normal")), 1, nullptr));
  // Stop cannot make a normal pair failovered.
  EXPECT_FALSE(effect_evidence(requests(describe("normal") + kStop504 + describe("failovered")), 1, nullptr));
  // No status before it: nothing to compare with.
  EXPECT_FALSE(effect_evidence(requests(kStop504 + describe("stopping")), 0, nullptr));
}

TEST(EffectEvidence, ATransientStatusBeforeMovesOnByItself) {
  // A one-shot sync (manual_syncing) returns to stopped by itself, which is also where
  // the Stop would have taken the pair: the later stopped proves nothing.
  EXPECT_FALSE(effect_evidence(requests(describe("manual_syncing") + kStop504 + describe("stopped")), 1, nullptr));
}

TEST(EffectEvidence, AnotherCallInBetweenThatCouldExplainItBlocksTheInference) {
  // A second ambiguous Stop could equally be the one that went through.
  auto twice = requests(describe("normal") + kStop504 + kStop504 + describe("stopping"));
  EXPECT_FALSE(effect_evidence(twice, 1, nullptr));
  // A definite success in between changed the pair: the later status proves nothing.
  auto changed = requests(describe("normal") + kStop504 + call("StopDiskReplicaPair", 200) + describe("stopping"));
  EXPECT_FALSE(effect_evidence(changed, 1, nullptr));
  // An ambiguous call in between that cannot explain it (Start is refused in normal) does not.
  auto start = requests(describe("normal") + kStop504 + call("StartDiskReplicaPair", 502, "InternalError") + describe("stopping"));
  ASSERT_TRUE(effect_evidence(start, 1, nullptr));
  EXPECT_EQ(effect_evidence(start, 1, nullptr)->kind, EffectEvidence::Kind::Observed);
}

TEST(EffectEvidence, TheBaseWorldGivesTheStatusBefore) {
  Scenario base;
  contracts::Pair p;
  p.id = kPair;
  p.status = contracts::Status::Normal;
  base.pairs.push_back(p);
  auto r = requests(kStop504 + describe("stopping"));
  auto e = effect_evidence(r, 0, &base);
  ASSERT_TRUE(e);
  EXPECT_NE(e->text.find("where the base world showed normal"), std::string::npos) << e->text;
}

TEST(EffectEvidence, ARefusedRetryIsOnlyAHint) {
  auto r = requests(describe("normal") + kStop504 + call("StopDiskReplicaPair", 403, "OperationDenied.InvalidStatus"));
  auto e = effect_evidence(r, 1, nullptr);
  ASSERT_TRUE(e);
  EXPECT_EQ(e->kind, EffectEvidence::Kind::RetryRefused);
}

TEST(EffectEvidence, ImportAppliesTheCallOnlyWithInferCommits) {
  const std::string text = describe("normal") + kStop504 + describe("stopping");
  auto plain = import_trace(text, {.source_name = "t.jsonl"});
  ASSERT_TRUE(plain.ok());
  EXPECT_EQ(plain.scenario.replay.steps.at(1).commit, Commit::Before);
  // Said in the comment, with the line to uncomment.
  EXPECT_NE(plain.toml.find("# Step 3's Describe shows the pair stopping"), std::string::npos) << plain.toml;
  EXPECT_NE(plain.toml.find("\n# commit = \"after\"\n"), std::string::npos) << plain.toml;

  auto inferred = import_trace(text, {.source_name = "t.jsonl", .infer_commits = true});
  ASSERT_TRUE(inferred.ok());
  EXPECT_EQ(inferred.scenario.replay.steps.at(1).commit, Commit::After);
  EXPECT_EQ(toml::parse(inferred.toml)["replay"][1]["commit"].value_or(std::string()), "after");
  EXPECT_NE(inferred.toml.find("(--infer-commits)"), std::string::npos);
  // Without evidence, --infer-commits changes nothing.
  auto none = import_trace(describe("normal") + kStop504 + describe("normal"),
                           {.source_name = "t.jsonl", .infer_commits = true});
  EXPECT_EQ(none.scenario.replay.steps.at(1).commit, Commit::Before);
}

}  // namespace
}  // namespace ebsmock::scenarios
