// replay_engine_test.cpp: mock/replay_engine.h on its own (no server): steps answered in
// order with their recorded answer, param matchers, strict mismatches (reason, step not
// consumed, after the end), lenient fall-through, the mismatch record and status_json,
// and delay sampling that depends only on the seed.
#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include "mock/replay_engine.h"

namespace ebsmock::mock {
namespace {

using namespace std::chrono_literals;
using scenarios::DelaySpec;
using scenarios::ReplayMode;
using scenarios::ReplaySpec;
using scenarios::ReplayStep;

constexpr const char* kPair = "pair-cn-5rz8w2k4m1x7q9b3";

ReplayStep step(std::string action, contracts::Params params, int status = 200,
                std::string code = "") {
  ReplayStep s;
  s.action = std::move(action);
  s.params = std::move(params);
  s.status = status;
  s.code = std::move(code);
  return s;
}

// The example trace's shape: a success, an ambiguous failure, a refusal.
ReplaySpec three_steps(ReplayMode mode = ReplayMode::Strict) {
  ReplaySpec spec;
  spec.mode = mode;
  spec.steps.push_back(step("StartDiskReplicaPair", {{"RegionId", "cn-hangzhou"}, {"ReplicaPairId", kPair}}));
  spec.steps.push_back(step("StopDiskReplicaPair", {{"RegionId", "cn-hangzhou"}, {"ReplicaPairId", kPair}},
                            504, "RequestTimeout"));
  spec.steps.push_back(step("StopDiskReplicaPair", {{"ReplicaPairId", kPair}}, 403,
                            "OperationDenied.InvalidStatus"));
  spec.steps.back().message = "The operation is not allowed in current status.";
  return spec;
}

// A request as the Service hands it over; owns its params.
struct Call {
  contracts::Params params;
  CallContext ctx;
  Call(std::string action, contracts::Params p) : params(std::move(p)) {
    ctx.action = std::move(action);
    ctx.params = &params;
  }
};

Call start_call() {
  return Call("StartDiskReplicaPair",
              {{"RegionId", "cn-hangzhou"}, {"ReplicaPairId", kPair}, {"ClientToken", "t-1"}});
}
Call stop_call(std::string pair = kPair) {
  return Call("StopDiskReplicaPair", {{"RegionId", "cn-hangzhou"}, {"ReplicaPairId", std::move(pair)}});
}

const contracts::ErrorCatalogue kErrors;

TEST(ReplayEngine, NoStepsIsInactive) {
  ReplayEngine engine(ReplaySpec{}, kErrors);
  auto c = stop_call();
  auto r = engine.next(c.ctx);
  EXPECT_FALSE(r.decision);
  EXPECT_FALSE(r.mismatch);
  EXPECT_EQ(r.step, 0);
  EXPECT_FALSE(engine.active());
  EXPECT_TRUE(engine.mismatches().empty());
}

TEST(ReplayEngine, StepsAnsweredInOrder) {
  ReplayEngine engine(three_steps(), kErrors);
  EXPECT_TRUE(engine.active());
  EXPECT_FALSE(engine.finished());

  auto c1 = start_call();
  auto r1 = engine.next(c1.ctx);
  ASSERT_TRUE(r1.decision);
  EXPECT_FALSE(r1.mismatch);
  EXPECT_EQ(r1.step, 1);
  EXPECT_EQ(r1.decision->rule_id, "replay:1");
  EXPECT_EQ(r1.decision->status, 200);
  EXPECT_FALSE(r1.decision->error);
  EXPECT_FALSE(r1.decision->body);
  // A recorded success without a body: the model runs and answers.
  EXPECT_TRUE(r1.decision->answer_from_model);
  EXPECT_TRUE(r1.decision->applies_effect());

  auto c2 = stop_call();
  auto r2 = engine.next(c2.ctx);
  ASSERT_TRUE(r2.decision);
  EXPECT_EQ(r2.step, 2);
  EXPECT_EQ(r2.decision->rule_id, "replay:2");
  ASSERT_TRUE(r2.decision->error);
  // No recorded message: the catalogue's.
  EXPECT_EQ(*r2.decision->error,
            (contracts::ApiError{"RequestTimeout", 504, "The request is timeout, please try again later."}));
  EXPECT_FALSE(r2.decision->answer_from_model);
  EXPECT_FALSE(r2.decision->applies_effect());

  auto c3 = stop_call();
  auto r3 = engine.next(c3.ctx);
  ASSERT_TRUE(r3.decision);
  EXPECT_EQ(r3.step, 3);
  ASSERT_TRUE(r3.decision->error);
  EXPECT_EQ(r3.decision->error->code, "OperationDenied.InvalidStatus");
  EXPECT_EQ(r3.decision->error->http_status, 403);
  EXPECT_EQ(r3.decision->error->message, "The operation is not allowed in current status.");

  EXPECT_TRUE(engine.finished());
  EXPECT_EQ(engine.consumed(), 3u);
  EXPECT_TRUE(engine.mismatches().empty());
}

TEST(ReplayEngine, RecordedAnswerIsCarriedVerbatim) {
  ReplaySpec spec;
  ReplayStep s = step("DescribeDiskReplicaPairs", {{"RegionId", "cn-hangzhou"}}, 200, "");
  s.body = R"({"RequestId":"ORIGINAL","ReplicaPairs":[],"TotalCount":0})";
  s.headers = {{"x-acs-trace", "abc"}};
  s.commit = scenarios::Commit::After;
  s.transport = scenarios::Transport::Truncate;
  s.delay = DelaySpec{.kind = DelaySpec::Kind::Fixed, .fixed = 1500ms};
  spec.steps.push_back(s);
  // A code with a body: the body is the whole answer, so no error is built.
  ReplayStep e = step("StopDiskReplicaPair", {}, 500, "InternalError");
  e.body = R"({"Code":"InternalError","Message":"boom"})";
  spec.steps.push_back(e);
  // A code the catalogue does not know, with a status the catalogue would not give.
  spec.steps.push_back(step("StopDiskReplicaPair", {}, 418, "Customer.Specific"));
  ReplayEngine engine(spec, kErrors);

  Call describe("DescribeDiskReplicaPairs", {{"RegionId", "cn-hangzhou"}});
  auto r = engine.next(describe.ctx);
  ASSERT_TRUE(r.decision);
  EXPECT_EQ(r.decision->body, s.body);
  EXPECT_EQ(r.decision->headers, s.headers);
  EXPECT_EQ(r.decision->commit, scenarios::Commit::After);
  EXPECT_EQ(r.decision->transport, scenarios::Transport::Truncate);
  EXPECT_EQ(r.decision->delay, 1500ms);
  EXPECT_FALSE(r.decision->answer_from_model);
  EXPECT_FALSE(r.decision->error);

  auto c2 = stop_call();
  auto r2 = engine.next(c2.ctx);
  ASSERT_TRUE(r2.decision);
  EXPECT_FALSE(r2.decision->error);
  EXPECT_EQ(r2.decision->status, 500);
  EXPECT_EQ(r2.decision->body, e.body);

  auto c3 = stop_call();
  auto r3 = engine.next(c3.ctx);
  ASSERT_TRUE(r3.decision && r3.decision->error);
  EXPECT_EQ(*r3.decision->error, (contracts::ApiError{"Customer.Specific", 418, ""}));
}

TEST(ReplayEngine, ParamMatchers) {
  ReplaySpec spec;
  spec.steps.push_back(step("StartDiskReplicaPair", {{"ReplicaPairId", "*"}, {"OneShot", "true"}}));
  spec.steps.push_back(step("StartDiskReplicaPair", {{"ReplicaPairId", "*"}}));

  {
    // "*" needs the parameter to be there.
    ReplayEngine engine(spec, kErrors);
    Call c("StartDiskReplicaPair", {{"OneShot", "true"}});
    auto r = engine.next(c.ctx);
    EXPECT_TRUE(r.mismatch);
    EXPECT_EQ(r.mismatch_reason,
              "ebsmock replay: expected StartDiskReplicaPair (step 1 of 2) but got "
              "StartDiskReplicaPair; param ReplicaPairId expected '*' but it is missing");
  }
  {
    // Exact values are compared as decoded strings; extra request params do not matter.
    ReplayEngine engine(spec, kErrors);
    Call c("StartDiskReplicaPair", {{"ReplicaPairId", "pair-anything"}, {"OneShot", "false"},
                                    {"RegionId", "cn-hangzhou"}});
    auto r = engine.next(c.ctx);
    EXPECT_TRUE(r.mismatch);
    EXPECT_EQ(r.mismatch_reason,
              "ebsmock replay: expected StartDiskReplicaPair (step 1 of 2) but got "
              "StartDiskReplicaPair; param OneShot expected 'true' got 'false'");
    Call ok("StartDiskReplicaPair", {{"ReplicaPairId", "pair-anything"}, {"OneShot", "true"},
                                     {"RegionId", "cn-hangzhou"}});
    EXPECT_EQ(engine.next(ok.ctx).step, 1);
    Call any("StartDiskReplicaPair", {{"ReplicaPairId", "pair-other"}});
    EXPECT_EQ(engine.next(any.ctx).step, 2);
  }
  {
    // A call without params at all (nullptr) is a call with none.
    ReplayEngine engine(spec, kErrors);
    CallContext bare;
    bare.action = "StartDiskReplicaPair";
    auto r = engine.next(bare);
    EXPECT_TRUE(r.mismatch);
    EXPECT_NE(r.mismatch_reason.find("param OneShot expected 'true' but it is missing"),
              std::string::npos);
  }
}

TEST(ReplayEngine, StrictMismatchIsAnErrorAndDoesNotConsume) {
  ReplayEngine engine(three_steps(), kErrors);
  // Wrong action first.
  Call describe("DescribeDiskReplicaPairs", {{"RegionId", "cn-hangzhou"}});
  auto r = engine.next(describe.ctx);
  EXPECT_TRUE(r.mismatch);
  EXPECT_EQ(r.step, 0);
  const std::string reason =
      "ebsmock replay: expected StartDiskReplicaPair (step 1 of 3) but got DescribeDiskReplicaPairs";
  EXPECT_EQ(r.mismatch_reason, reason);
  ASSERT_TRUE(r.decision);
  ASSERT_TRUE(r.decision->error);
  EXPECT_EQ(*r.decision->error, (contracts::ApiError{"Mock.ReplayMismatch", 400, reason}));
  EXPECT_NE(r.decision->rule_id, "replay:1");  // nothing was answered from a step
  EXPECT_FALSE(r.decision->applies_effect());
  EXPECT_EQ(engine.consumed(), 0u);

  // The step is still next: the right request gets it.
  auto c1 = start_call();
  EXPECT_EQ(engine.next(c1.ctx).step, 1);

  // Right action, wrong pair.
  auto wrong = stop_call("pair-cn-somethingelse000");
  auto r2 = engine.next(wrong.ctx);
  EXPECT_TRUE(r2.mismatch);
  EXPECT_EQ(r2.mismatch_reason,
            "ebsmock replay: expected StopDiskReplicaPair (step 2 of 3) but got "
            "StopDiskReplicaPair; param ReplicaPairId expected 'pair-cn-5rz8w2k4m1x7q9b3' got "
            "'pair-cn-somethingelse000'");
  EXPECT_EQ(engine.consumed(), 1u);

  ASSERT_EQ(engine.mismatches().size(), 2u);
  EXPECT_EQ(engine.mismatches()[0].step, 1);
  EXPECT_EQ(engine.mismatches()[0].expected, "StartDiskReplicaPair");
  EXPECT_EQ(engine.mismatches()[0].got, "DescribeDiskReplicaPairs");
  EXPECT_EQ(engine.mismatches()[0].reason, reason);
  EXPECT_EQ(engine.mismatches()[1].step, 2);
}

TEST(ReplayEngine, StrictAfterTheLastStepEverythingMismatches) {
  ReplayEngine engine(three_steps(), kErrors);
  auto c1 = start_call();
  auto c2 = stop_call();
  engine.next(c1.ctx);
  engine.next(c2.ctx);
  engine.next(c2.ctx);
  ASSERT_TRUE(engine.finished());

  auto again = start_call();
  auto r = engine.next(again.ctx);
  EXPECT_TRUE(r.mismatch);
  EXPECT_EQ(r.mismatch_reason,
            "ebsmock replay: got StartDiskReplicaPair but the replay finished after 3 steps");
  ASSERT_TRUE(r.decision && r.decision->error);
  EXPECT_EQ(r.decision->error->code, "Mock.ReplayMismatch");
  EXPECT_EQ(r.decision->error->http_status, 400);
  ASSERT_EQ(engine.mismatches().size(), 1u);
  EXPECT_EQ(engine.mismatches()[0].step, 0);
  EXPECT_EQ(engine.mismatches()[0].expected, "");
  EXPECT_TRUE(engine.finished());
}

TEST(ReplayEngine, LenientFallsThroughAndRecords) {
  ReplayEngine engine(three_steps(ReplayMode::Lenient), kErrors);
  Call describe("DescribeDiskReplicaPairs", {{"RegionId", "cn-hangzhou"}});
  auto r = engine.next(describe.ctx);
  EXPECT_FALSE(r.decision);  // the normal model answers
  EXPECT_TRUE(r.mismatch);
  EXPECT_EQ(r.mismatch_reason,
            "ebsmock replay: expected StartDiskReplicaPair (step 1 of 3) but got DescribeDiskReplicaPairs");
  EXPECT_EQ(engine.consumed(), 0u);

  auto c1 = start_call();
  auto r1 = engine.next(c1.ctx);
  ASSERT_TRUE(r1.decision);
  EXPECT_EQ(r1.step, 1);

  auto c2 = stop_call();
  engine.next(c2.ctx);
  engine.next(c2.ctx);
  ASSERT_TRUE(engine.finished());
  auto after = engine.next(describe.ctx);
  EXPECT_FALSE(after.decision);
  EXPECT_TRUE(after.mismatch);
  EXPECT_EQ(engine.mismatches().size(), 2u);
}

TEST(ReplayEngine, StatusJson) {
  ReplayEngine engine(three_steps(), kErrors);
  auto j = engine.status_json();
  EXPECT_EQ(j["mode"], "strict");
  EXPECT_EQ(j["steps"], 3);
  EXPECT_EQ(j["consumed"], 0);
  EXPECT_EQ(j["finished"], false);
  EXPECT_EQ(j["next"]["step"], 1);
  EXPECT_EQ(j["next"]["action"], "StartDiskReplicaPair");
  EXPECT_TRUE(j["mismatches"].is_array() && j["mismatches"].empty());

  Call describe("DescribeDiskReplicaPairs", {});
  engine.next(describe.ctx);
  auto c1 = start_call();
  engine.next(c1.ctx);
  j = engine.status_json();
  EXPECT_EQ(j["consumed"], 1);
  EXPECT_EQ(j["next"]["step"], 2);
  ASSERT_EQ(j["mismatches"].size(), 1u);
  EXPECT_EQ(j["mismatches"][0]["step"], 1);
  EXPECT_EQ(j["mismatches"][0]["expected"], "StartDiskReplicaPair");
  EXPECT_EQ(j["mismatches"][0]["got"], "DescribeDiskReplicaPairs");
  EXPECT_NE(j["mismatches"][0]["reason"].get<std::string>().find("step 1 of 3"), std::string::npos);

  EXPECT_EQ(ReplayEngine(three_steps(ReplayMode::Lenient), kErrors).status_json()["mode"], "lenient");
}

TEST(ReplayEngine, ClientBytesInReasonsStayValidJson) {
  ReplayEngine engine(three_steps(), kErrors);
  // Invalid UTF-8 and a control character from the client; and a very long value.
  auto bad = stop_call(std::string("pair-\xFF\x01") + std::string(5000, 'x'));
  auto c1 = start_call();
  engine.next(c1.ctx);
  auto r = engine.next(bad.ctx);
  ASSERT_TRUE(r.mismatch);
  EXPECT_NE(r.mismatch_reason.find("got 'pair-\\xFF\\x01xxx"), std::string::npos) << r.mismatch_reason;
  EXPECT_LT(r.mismatch_reason.size(), 400u);
  EXPECT_NO_THROW(engine.status_json().dump());
  nlohmann::json body = {{"Message", r.decision->error->message}};
  EXPECT_NO_THROW(body.dump());
}

TEST(ReplayEngine, MismatchRecordIsBounded) {
  ReplayEngine engine(three_steps(ReplayMode::Lenient), kErrors);
  Call describe("DescribeDiskReplicaPairs", {});
  const std::size_t extra = 5;
  for (std::size_t i = 0; i < ReplayEngine::kMaxRecordedMismatches + extra; ++i) {
    EXPECT_TRUE(engine.next(describe.ctx).mismatch);
  }
  EXPECT_EQ(engine.mismatches().size(), ReplayEngine::kMaxRecordedMismatches);
  EXPECT_EQ(engine.status_json()["mismatches_dropped"], extra);
}

// Steps with the same sampled delay kind, so a run's delays are a sequence to compare.
std::vector<contracts::Duration> delays(std::uint64_t seed, DelaySpec d, int n) {
  ReplaySpec spec;
  for (int i = 0; i < n; ++i) {
    spec.steps.push_back(step("DescribeDiskReplicaPairs", {}));
    spec.steps.back().delay = d;
  }
  ReplayEngine engine(spec, kErrors, seed);
  std::vector<contracts::Duration> out;
  Call c("DescribeDiskReplicaPairs", {});
  for (int i = 0; i < n; ++i) out.push_back(engine.next(c.ctx).decision->delay);
  return out;
}

TEST(ReplayEngine, DelaySamplingIsDeterministicPerSeed) {
  const DelaySpec uniform{.kind = DelaySpec::Kind::Uniform, .low = 100ms, .high = 200ms};
  const auto a = delays(42, uniform, 50);
  EXPECT_EQ(a, delays(42, uniform, 50));
  EXPECT_NE(a, delays(43, uniform, 50));
  std::set<std::int64_t> distinct;
  for (auto d : a) {
    EXPECT_GE(d, 100ms);
    EXPECT_LE(d, 200ms);
    distinct.insert(d.count());
  }
  EXPECT_GT(distinct.size(), 10u);  // actually random, not a constant

  const DelaySpec lognormal{.kind = DelaySpec::Kind::LogNormal, .median = 300ms, .sigma = 0.5};
  const auto b = delays(7, lognormal, 200);
  EXPECT_EQ(b, delays(7, lognormal, 200));
  EXPECT_NE(b, delays(8, lognormal, 200));
  std::vector<std::int64_t> sorted;
  for (auto d : b) {
    EXPECT_GT(d, 0ms);
    sorted.push_back(d.count());
  }
  std::sort(sorted.begin(), sorted.end());
  // The median of 200 draws is near the configured one (sigma 0.5: within ~15%).
  EXPECT_NEAR(static_cast<double>(sorted[100]), 300.0, 60.0);

  // Fixed and None draw nothing and do not depend on the seed.
  const DelaySpec fixed{.kind = DelaySpec::Kind::Fixed, .fixed = 3012ms};
  EXPECT_EQ(delays(1, fixed, 3), (std::vector<contracts::Duration>{3012ms, 3012ms, 3012ms}));
  EXPECT_EQ(delays(1, DelaySpec{}, 2), (std::vector<contracts::Duration>{0ms, 0ms}));
  // A degenerate range is its one value.
  const DelaySpec point{.kind = DelaySpec::Kind::Uniform, .low = 5ms, .high = 5ms};
  EXPECT_EQ(delays(9, point, 2), (std::vector<contracts::Duration>{5ms, 5ms}));
}

TEST(ReplayEngine, IsMovable) {
  // The Service replaces its engine on reset and load.
  ReplayEngine a(three_steps(), kErrors, 3);
  ReplayEngine b(ReplaySpec{}, kErrors);
  b = std::move(a);
  auto c1 = start_call();
  EXPECT_EQ(b.next(c1.ctx).step, 1);
}

}  // namespace
}  // namespace ebsmock::mock
