// hold_until_test.cpp: the `hold_until` fault (mock/hold_board.h) over real HTTP, with a
// ManualClock as the wait clock, so no test waits on wall time: a held request is parked
// until the request it names (by x-ebsmock-call-id or ClientToken) has been journaled, or
// its budget passes when the test advances the wait clock; a releaser journaled before the
// hold began means no wait; a reset or the server's stop wake it; the outcome is journaled
// (held_ms, released_by); a hold composes with commit = "after" and an error.
// Each test owns its server; servers run in-process on 127.0.0.1:0.
#include <gtest/gtest.h>

#include <algorithm>
#include <future>
#include <memory>
#include <string>

#include "contracts/journal_terms.h"
#include "mock/clock.h"
#include "tests/support/mock_server_fixture.h"

namespace ebsmock::testing {
namespace {

using namespace std::chrono_literals;

constexpr const char* kPair = "pair-cn-holduntil0000001";
constexpr const char* kOther = "pair-cn-holduntil0000002";

struct HeldServer {
  explicit HeldServer(const std::string& rules)
      : wait(std::make_shared<mock::ManualClock>()),
        server(world_toml(false, pair_toml(kPair, "normal") + pair_toml(kOther, "stopped") + rules),
               {.wait_clock = wait}) {}

  Response call(const std::string& call_id, std::string_view action, contracts::ParamList params) const {
    SignOptions o = server.default_signing();
    if (!call_id.empty()) o.extra_headers = {{std::string(contracts::kCallIdHeader), call_id}};
    params.emplace_back("RegionId", "cn-hangzhou");
    return server.call(action, params, o);
  }
  std::future<Response> call_async(const std::string& call_id, std::string action, contracts::ParamList params) const {
    return std::async(std::launch::async,
                      [this, call_id, action, params] { return call(call_id, action, params); });
  }
  Response stop(const std::string& call_id, const std::string& pair = kPair) const {
    return call(call_id, "StopDiskReplicaPair", {{"ReplicaPairId", pair}});
  }
  // The pair's Status as Describe lists it; "<absent>" (and a failure) when it lists none.
  // Never throws: a test that has parked a call must go on to release it, or it hangs.
  std::string status(const std::string& pair = kPair) const {
    const Response r = call("", "DescribeDiskReplicaPairs", {{"PairIds", pair}});
    const Json* listed = first_listed_pair(r);
    return listed ? listed->value("Status", "") : "<absent>";
  }
  // The request entry with this call id.
  Json entry(const std::string& call_id) const {
    for (const auto& e : server.journal()) {
      if (e.value("call_id", "") == call_id) return e;
    }
    return Json();
  }

  std::shared_ptr<mock::ManualClock> wait;
  MockServer server;
};

constexpr const char* kHoldAForB = R"(
[[fault]]
id = "a-waits-for-b"
call_id = "a"
hold_until = { call_id = "b" }
)";

TEST(HoldUntil, ReleasedWhenTheNamedCallIsJournaled) {
  HeldServer s(kHoldAForB);
  auto a = s.call_async("a", "StopDiskReplicaPair", {{"ReplicaPairId", kPair}});
  ASSERT_TRUE(s.wait->wait_for_sleepers(1));
  EXPECT_EQ(a.wait_for(0ms), std::future_status::timeout);
  EXPECT_EQ(s.status(), "normal") << "the held Stop acted before its release";
  // Another call id does not release it.
  EXPECT_EQ(s.call("b2", "DescribeDiskReplicaPairs", {}).status, 200);
  EXPECT_EQ(s.wait->sleepers(), 1u);
  EXPECT_EQ(s.call("b", "DescribeDiskReplicaPairs", {}).status, 200);
  EXPECT_EQ(a.get().status, 200);
  const Json held = s.entry("a");
  const Json releaser = s.entry("b");
  EXPECT_GT(held["seq"], releaser["seq"]) << "the held call committed before its releaser";
  EXPECT_EQ(held["released_by"], releaser["seq"]);
  EXPECT_EQ(held["held_ms"], 0);  // the wait clock never moved
  EXPECT_EQ(held["fault"]["rule"], "a-waits-for-b");
  EXPECT_FALSE(releaser.contains("held_ms"));
  EXPECT_EQ(s.status(), "stopping");
}

TEST(HoldUntil, ReleasedByAClientToken) {
  HeldServer s(R"(
[[fault]]
call_id = "a"
hold_until = { client_token = "start-other" }
)");
  auto a = s.call_async("a", "StopDiskReplicaPair", {{"ReplicaPairId", kPair}});
  ASSERT_TRUE(s.wait->wait_for_sleepers(1));
  EXPECT_EQ(s.call("", "StartDiskReplicaPair", {{"ReplicaPairId", kOther}, {"ClientToken", "other-token"}}).status,
            200);
  EXPECT_EQ(s.wait->sleepers(), 1u);
  s.call("", "StopDiskReplicaPair", {{"ReplicaPairId", kOther}, {"ClientToken", "start-other"}});
  EXPECT_EQ(a.get().status, 200);
  const Json held = s.entry("a");
  EXPECT_EQ(held["released_by"], held["seq"].get<int>() - 1);
}

TEST(HoldUntil, BudgetRunsOutOnTheWaitClock) {
  HeldServer s(R"(
[[fault]]
call_id = "a"
hold_until = { call_id = "never", budget_ms = 500 }
)");
  auto a = s.call_async("a", "StopDiskReplicaPair", {{"ReplicaPairId", kPair}});
  ASSERT_TRUE(s.wait->wait_for_sleepers(1));
  s.wait->advance(499ms);
  EXPECT_EQ(a.wait_for(50ms), std::future_status::timeout);
  s.wait->advance(1ms);
  EXPECT_EQ(a.get().status, 200);
  EXPECT_EQ(s.entry("a")["released_by"], "budget");
  EXPECT_EQ(s.entry("a")["held_ms"], 500);
}

TEST(HoldUntil, NoWaitWhenTheReleaserWasJournaledBefore) {
  HeldServer s(kHoldAForB);
  EXPECT_EQ(s.call("b", "DescribeDiskReplicaPairs", {}).status, 200);
  EXPECT_EQ(s.stop("a").status, 200);  // on this thread: it would block if it waited
  EXPECT_EQ(s.entry("a")["released_by"], s.entry("b")["seq"]);
  EXPECT_EQ(s.entry("a")["held_ms"], 0);
}

TEST(HoldUntil, AResetWakesTheHoldAndItDoesNotActOnTheNewWorld) {
  HeldServer s(kHoldAForB);
  auto a = s.call_async("a", "StopDiskReplicaPair", {{"ReplicaPairId", kPair}});
  ASSERT_TRUE(s.wait->wait_for_sleepers(1));
  ASSERT_EQ(s.server.admin_post("/__admin/reset").status, 200);
  Response r = a.get();
  EXPECT_EQ(r.status, 503) << r.body;
  EXPECT_EQ(r.json.value("Code", ""), "ServiceUnavailable");
  EXPECT_EQ(s.status(), "normal");
  EXPECT_EQ(s.entry("a")["released_by"], "reset");
}

TEST(HoldUntil, StoppingTheServerEndsTheHold) {
  HeldServer s(kHoldAForB);
  auto a = s.call_async("a", "StopDiskReplicaPair", {{"ReplicaPairId", kPair}});
  ASSERT_TRUE(s.wait->wait_for_sleepers(1));
  s.server.server().stop();
  EXPECT_TRUE(s.wait->wait_for_no_sleepers()) << "the hold outlived the server's stop";
  a.get();
  EXPECT_EQ(s.wait->now(), contracts::Instant{});
  const auto entries = s.server.service().journal().since(0);
  EXPECT_TRUE(std::any_of(entries.begin(), entries.end(), [](const mock::JournalEntry& e) {
    return e.call_id == "a" && e.hold_end == "shutdown";
  }));
}

TEST(HoldUntil, ComposesWithCommitAfterAndAnError) {
  HeldServer s(R"(
[[fault]]
call_id = "a"
hold_until = { call_id = "b" }
commit = "after"
error = "ServiceUnavailable"
status = 504
)");
  auto a = s.call_async("a", "StopDiskReplicaPair", {{"ReplicaPairId", kPair}});
  ASSERT_TRUE(s.wait->wait_for_sleepers(1));
  EXPECT_EQ(s.status(), "normal");
  EXPECT_EQ(s.call("b", "DescribeDiskReplicaPairs", {}).status, 200);
  EXPECT_EQ(a.get().status, 504);
  EXPECT_EQ(s.status(), "stopping");  // committed after the hold, then the error
  EXPECT_TRUE(s.entry("a")["effect_applied"].get<bool>());
}

TEST(HoldUntil, AdminJsonRulesHoldAndAreListedBack) {
  HeldServer s("");
  auto added = s.server.raw_http("POST", "/__admin/faults", {{"content-type", "application/json"}},
                                 R"({"id": "held", "call_id": "a", "hold_until": {"call_id": "b", "budget_ms": 900}})");
  ASSERT_EQ(added.status, 201) << added.body;
  Json rule = s.server.admin_get("/__admin/faults").json["rules"][0];
  EXPECT_EQ(rule["hold_until"], (Json{{"call_id", "b"}, {"budget_ms", 900}}));
  auto a = s.call_async("a", "StopDiskReplicaPair", {{"ReplicaPairId", kPair}});
  ASSERT_TRUE(s.wait->wait_for_sleepers(1));
  EXPECT_EQ(s.call("b", "DescribeDiskReplicaPairs", {}).status, 200);
  EXPECT_EQ(a.get().status, 200);
  EXPECT_EQ(s.entry("a")["released_by"], s.entry("b")["seq"]);
  // Both ids, or neither, are refused like in a file.
  auto bad = s.server.raw_http("POST", "/__admin/faults", {{"content-type", "application/json"}},
                               R"({"hold_until": {"call_id": "b", "client_token": "t"}})");
  EXPECT_EQ(bad.status, 400) << bad.body;
  EXPECT_NE(bad.body.find("not both"), std::string::npos) << bad.body;
}

}  // namespace
}  // namespace ebsmock::testing
