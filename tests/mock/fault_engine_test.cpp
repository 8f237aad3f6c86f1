// fault_engine_test.cpp: FaultEngine selection semantics without HTTP: conditions,
// calls/after/times, first-firing-rule-wins with later rules still counting, seeded
// probability (10,000 requests within 3 standard deviations; same seed, same sequence),
// and delay distributions.
#include <gtest/gtest.h>

#include <cmath>

#include "mock/fault_engine.h"

namespace ebsmock::mock {
namespace {

using scenarios::FaultSpec;

CallContext stop_call(std::string pair = "pair-cn-a", std::string token = "") {
  static const contracts::Params kParams;
  CallContext c;
  c.action = "StopDiskReplicaPair";
  c.params = &kParams;
  c.pair_id = std::move(pair);
  c.region = "cn-hangzhou";
  c.access_key_id = "testid";
  c.client_token = std::move(token);
  c.target_status = contracts::Status::Normal;
  return c;
}

FaultSpec error_rule(std::string error = "InternalError") {
  FaultSpec f;
  f.error = std::move(error);
  return f;
}

std::vector<bool> fired_sequence(FaultEngine& engine, int n, const CallContext& call) {
  std::vector<bool> out;
  for (int i = 0; i < n; ++i) out.push_back(engine.decide(call).has_value());
  return out;
}

TEST(FaultEngine, ConditionsMustAllHold) {
  contracts::ErrorCatalogue errors;
  FaultSpec f = error_rule();
  f.actions = {"StopDiskReplicaPair"};
  f.pair = "pair-cn-a";
  f.when_status = {contracts::Status::Normal};
  FaultEngine engine({f}, 1, errors);
  EXPECT_TRUE(engine.decide(stop_call()));
  EXPECT_FALSE(engine.decide(stop_call("pair-cn-b")));
  auto describe = stop_call();
  describe.action = "DescribeDiskReplicaPairs";
  EXPECT_FALSE(engine.decide(describe));
  auto stopped = stop_call();
  stopped.target_status = contracts::Status::Stopped;
  EXPECT_FALSE(engine.decide(stopped));
  EXPECT_EQ(engine.to_json()["rules"][0]["matched"], 1);
}

TEST(FaultEngine, CallsAfterAndTimesSelectAmongMatchingCalls) {
  contracts::ErrorCatalogue errors;
  FaultSpec calls = error_rule();
  calls.calls = {1, 3};
  FaultEngine a({calls}, 1, errors);
  EXPECT_EQ(fired_sequence(a, 4, stop_call()), (std::vector<bool>{true, false, true, false}));

  FaultSpec after = error_rule();
  after.after = 2;
  after.times = 1;
  FaultEngine b({after}, 1, errors);
  EXPECT_EQ(fired_sequence(b, 5, stop_call()), (std::vector<bool>{false, false, true, false, false}));
  EXPECT_EQ(b.to_json()["rules"][0]["fired"], 1);
  EXPECT_EQ(b.to_json()["rules"][0]["matched"], 5);
}

TEST(FaultEngine, FirstFiringRuleWinsAndLaterRulesStillCount) {
  contracts::ErrorCatalogue errors;
  FaultSpec first = error_rule("InternalError");
  first.calls = {1};
  FaultSpec second = error_rule("RequestTimeout");
  second.calls = {2};
  FaultEngine engine({first, second}, 1, errors);
  auto d1 = engine.decide(stop_call());
  ASSERT_TRUE(d1);
  EXPECT_EQ(d1->rule_id, "f1");
  // The second rule counted call 1 too, so its call 2 is the second request.
  auto d2 = engine.decide(stop_call());
  ASSERT_TRUE(d2);
  EXPECT_EQ(d2->rule_id, "f2");
  EXPECT_EQ(d2->error->code, "RequestTimeout");
  EXPECT_EQ(d2->error->http_status, 504);
}

TEST(FaultEngine, ReusedTokenMatchesOnlyRetries) {
  contracts::ErrorCatalogue errors;
  FaultSpec f = error_rule();
  f.client_token = "reused";
  FaultEngine engine({f}, 1, errors);
  auto first = stop_call("pair-cn-a", "tok");
  EXPECT_FALSE(engine.decide(first));
  auto retry = first;
  retry.token_reused = true;
  EXPECT_TRUE(engine.decide(retry));
}

TEST(FaultEngine, ProbabilityOverTenThousandRequestsIsWithinThreeSigma) {
  contracts::ErrorCatalogue errors;
  for (double p : {0.1, 0.25, 0.5}) {
    FaultSpec f = error_rule();
    f.probability = p;
    FaultEngine engine({f}, 42, errors);
    const int n = 10'000;
    auto seq = fired_sequence(engine, n, stop_call());
    double fired = static_cast<double>(std::count(seq.begin(), seq.end(), true));
    double sigma = std::sqrt(n * p * (1 - p));
    EXPECT_NEAR(fired, n * p, 3 * sigma) << "p=" << p;
  }
}

TEST(FaultEngine, SameSeedSameFiredSequenceDifferentSeedDifferent) {
  contracts::ErrorCatalogue errors;
  FaultSpec f = error_rule();
  f.probability = 0.25;
  FaultEngine a({f}, 42, errors), b({f}, 42, errors), c({f}, 43, errors);
  auto sa = fired_sequence(a, 2000, stop_call());
  EXPECT_EQ(sa, fired_sequence(b, 2000, stop_call()));
  EXPECT_NE(sa, fired_sequence(c, 2000, stop_call()));
}

TEST(FaultEngine, ARulesSequenceDoesNotDependOnOtherRulesTraffic) {
  contracts::ErrorCatalogue errors;
  FaultSpec f = error_rule();
  f.id = "flaky";
  f.probability = 0.3;
  f.actions = {"StopDiskReplicaPair"};
  FaultSpec other = error_rule();
  other.id = "describe";
  other.probability = 0.5;
  other.actions = {"DescribeDiskReplicaPairs"};
  FaultEngine alone({f}, 9, errors), mixed({other, f}, 9, errors);
  auto describe = stop_call();
  describe.action = "DescribeDiskReplicaPairs";
  std::vector<bool> a, b;
  for (int i = 0; i < 500; ++i) {
    a.push_back(alone.decide(stop_call()).has_value());
    mixed.decide(describe);
    b.push_back(mixed.decide(stop_call()).has_value());
  }
  EXPECT_EQ(a, b);
}

TEST(FaultEngine, DelayDistributionsStayInRangeAndAreSeeded) {
  contracts::SeededRandom r1(5), r2(5);
  scenarios::DelaySpec uniform{.kind = scenarios::DelaySpec::Kind::Uniform,
                               .low = contracts::Duration{50}, .high = contracts::Duration{300}};
  for (int i = 0; i < 1000; ++i) {
    auto d = scenarios::sample_delay(uniform, r1);
    EXPECT_GE(d.count(), 50);
    EXPECT_LE(d.count(), 300);
    EXPECT_EQ(d, scenarios::sample_delay(uniform, r2));
  }
  scenarios::DelaySpec lognormal{.kind = scenarios::DelaySpec::Kind::LogNormal,
                                 .median = contracts::Duration{80}, .sigma = 0.5};
  std::vector<long> samples;
  for (int i = 0; i < 4001; ++i) samples.push_back(scenarios::sample_delay(lognormal, r1).count());
  std::nth_element(samples.begin(), samples.begin() + 2000, samples.end());
  EXPECT_NEAR(samples[2000], 80, 8);  // the median of a lognormal is its `median`
}

TEST(FaultEngine, AddRemoveAndDuplicateIds) {
  contracts::ErrorCatalogue errors;
  FaultEngine engine({}, 1, errors);
  auto id = engine.add(error_rule());
  ASSERT_TRUE(id);
  EXPECT_EQ(*id, "f1");
  FaultSpec named = error_rule();
  named.id = "f1";
  EXPECT_FALSE(engine.add(named));
  EXPECT_TRUE(engine.decide(stop_call()));
  EXPECT_TRUE(engine.remove("f1"));
  EXPECT_FALSE(engine.remove("f1"));
  EXPECT_FALSE(engine.decide(stop_call()));
}

TEST(FaultEngine, StatusAndMessageOverrideTheCatalogue) {
  contracts::ErrorCatalogue errors;
  FaultSpec f = error_rule("Throttling.User");
  f.status = 429;
  f.message = "slow down";
  f.retry_after_ms = 1500;
  FaultEngine engine({f}, 1, errors);
  auto d = engine.decide(stop_call());
  ASSERT_TRUE(d);
  EXPECT_EQ(d->error->http_status, 429);
  EXPECT_EQ(d->error->message, "slow down");
  EXPECT_EQ(d->retry_after_ms, 1500);
}

}  // namespace
}  // namespace ebsmock::mock
