// concurrency_mutants_test.cpp: the concurrency mutants M1-M7 of `serve --mutant`
// (mock/server_mutants.h, concurrency.md §8.6). Each runs one two-request schedule that a
// hold_until fault makes deterministic (the first request is parked, inside the mutant's
// race window, until the second has been journaled), on the mutant and on the correct
// server: the mutant shows its wrong observable outcome, the correct server does not.
// The wait clock is a ManualClock and the race window is 0 (a window still lets the lock
// go; the hold alone orders the requests), so nothing waits on wall time.
// Each schedule owns its server; servers run in-process on 127.0.0.1:0.
#include <gtest/gtest.h>

#include <future>
#include <memory>
#include <string>

#include "contracts/journal_terms.h"
#include "mock/clock.h"
#include "tests/support/mock_server_fixture.h"

namespace ebsmock::testing {
namespace {

using namespace std::chrono_literals;
using mock::ServerMutant;

constexpr const char* kPair = "pair-cn-racemutant000001";
constexpr const char* kRegion = "cn-hangzhou";

// Request "a" waits, wherever the server parks it, until request "b" has been journaled.
constexpr const char* kAWaitsForB = R"(
[[fault]]
call_id = "a"
hold_until = { call_id = "b" }
)";

struct RaceServer {
  RaceServer(ServerMutant mutant, const std::string& status, const std::string& rules = kAWaitsForB)
      : wait(std::make_shared<mock::ManualClock>()),
        server(world_toml(false, pair_toml(kPair, status) + rules),
               {.wait_clock = wait, .mutant = mutant, .race_window = contracts::Duration{0}}) {}

  Response call(const std::string& call_id, std::string_view action, contracts::ParamList params) const {
    SignOptions o = server.default_signing();
    if (!call_id.empty()) o.extra_headers = {{std::string(contracts::kCallIdHeader), call_id}};
    params.emplace_back("RegionId", kRegion);
    return server.call(action, params, o);
  }
  std::future<Response> call_async(const std::string& call_id, std::string action, contracts::ParamList params) const {
    return std::async(std::launch::async, [this, call_id, action, params] { return call(call_id, action, params); });
  }
  // The pair as Describe lists it; {} (and a failure) when the answer lists none. Never
  // throws: a test that has parked a call must go on to release it, or it hangs.
  Json pair() const {
    const Response r = call("", "DescribeDiskReplicaPairs", {{"PairIds", kPair}});
    const Json* pair = first_listed_pair(r);
    return pair ? *pair : Json::object();
  }
  // Requests with this ClientToken that the server executed (its journal's word).
  int executed(const std::string& token) const {
    int n = 0;
    for (const auto& e : server.journal()) {
      if (e.value("client_token", "") == token && e.value("idempotence", "") == "executed") ++n;
    }
    return n;
  }
  // Runs the schedule: `a` is sent and parked, then `b` runs to completion, then `a` ends.
  std::pair<Response, Response> schedule(std::string a_action, contracts::ParamList a_params, std::string b_action,
                                         contracts::ParamList b_params) {
    auto a = call_async("a", std::move(a_action), std::move(a_params));
    EXPECT_TRUE(wait->wait_for_sleepers(1)) << "request a was not parked";
    Response b = call("b", b_action, std::move(b_params));
    return {a.get(), b};
  }

  std::shared_ptr<mock::ManualClock> wait;
  MockServer server;
};

contracts::ParamList create_params(const std::string& token, const std::string& destination_disk = "d-racedest0000001") {
  return {{"SourceZoneId", "cn-hangzhou-h"},       {"DiskId", "d-racesource000001"},
          {"DestinationRegionId", "cn-shanghai"},  {"DestinationZoneId", "cn-shanghai-l"},
          {"DestinationDiskId", destination_disk}, {"ClientToken", token}};
}

std::string code_of(const Response& r) { return r.json.is_object() ? r.json.value("Code", "") : ""; }

// M1: two Creates with one token and the same parameters make two pairs.
TEST(ConcurrencyMutants, TokenCheckRaceExecutesASameTokenDuplicateTwice) {
  for (ServerMutant m : {ServerMutant::TokenCheckRace, ServerMutant::None}) {
    SCOPED_TRACE(std::string(mock::to_string(m)));
    RaceServer s(m, "normal");
    auto [a, b] = s.schedule("CreateDiskReplicaPair", create_params("tok-1"), "CreateDiskReplicaPair",
                             create_params("tok-1"));
    if (m == ServerMutant::TokenCheckRace) {
      EXPECT_EQ(b.status, 200) << b.body;
      EXPECT_EQ(s.executed("tok-1"), 2) << "one token, executed twice";
      EXPECT_NE(a.json["ReplicaPairId"], b.json["ReplicaPairId"]) << "not a replay of the first answer";
    } else {
      EXPECT_EQ(s.executed("tok-1"), 1);
      // The first holds the token in flight: the duplicate is told so, one pair is made.
      EXPECT_EQ(a.status, 200) << a.body;
      EXPECT_EQ(code_of(b), "LastTokenProcessing") << b.body;
    }
  }
}

// M6: one token, other parameters: both Ok instead of IdempotentParameterMismatch.
TEST(ConcurrencyMutants, MismatchCheckRaceAcceptsOneTokenWithOtherParameters) {
  for (ServerMutant m : {ServerMutant::MismatchCheckRace, ServerMutant::None}) {
    SCOPED_TRACE(std::string(mock::to_string(m)));
    RaceServer s(m, "normal");
    auto [a, b] = s.schedule("CreateDiskReplicaPair", create_params("tok-1"), "CreateDiskReplicaPair",
                             create_params("tok-1", "d-racedest0000002"));
    EXPECT_EQ(a.status, 200) << a.body;
    if (m == ServerMutant::MismatchCheckRace) {
      EXPECT_EQ(b.status, 200) << b.body;
    } else {
      EXPECT_EQ(code_of(b), "IdempotentParameterMismatch") << b.body;
    }
  }
  // M6 is specific: a same-params duplicate is still not executed twice.
  RaceServer s(ServerMutant::MismatchCheckRace, "normal");
  auto [a, b] = s.schedule("CreateDiskReplicaPair", create_params("tok-1"), "CreateDiskReplicaPair",
                           create_params("tok-1"));
  EXPECT_EQ(a.json["ReplicaPairId"], b.json["ReplicaPairId"]) << a.body << b.body;
}

// M7: a duplicate of an in-flight call waits, then executes again.
TEST(ConcurrencyMutants, NoLastTokenProcessingReExecutesTheDuplicate) {
  // "a" is parked at the wait stage (the token is in flight) until "go"; the duplicate
  // "b" is parked, in M7's window, until "a" has been journaled.
  const std::string rules = R"(
[[fault]]
call_id = "a"
hold_until = { call_id = "go" }

[[fault]]
call_id = "b"
hold_until = { call_id = "a" }
)";
  for (ServerMutant m : {ServerMutant::NoLastTokenProcessing, ServerMutant::None}) {
    SCOPED_TRACE(std::string(mock::to_string(m)));
    RaceServer s(m, "normal", rules);
    auto a = s.call_async("a", "CreateDiskReplicaPair", create_params("tok-1"));
    ASSERT_TRUE(s.wait->wait_for_sleepers(1));
    auto b = s.call_async("b", "CreateDiskReplicaPair", create_params("tok-1"));
    ASSERT_TRUE(s.wait->wait_for_sleepers(2));
    EXPECT_EQ(s.call("go", "DescribeDiskReplicaPairs", {}).status, 200);
    Response ra = a.get(), rb = b.get();
    EXPECT_EQ(ra.status, 200) << ra.body;
    if (m == ServerMutant::NoLastTokenProcessing) {
      EXPECT_EQ(s.executed("tok-1"), 2) << "the duplicate re-executed";
      EXPECT_NE(code_of(rb), "LastTokenProcessing") << rb.body;
      EXPECT_NE(ra.json["ReplicaPairId"], rb.json["ReplicaPairId"]) << "not a replay of the first answer";
    } else {
      EXPECT_EQ(s.executed("tok-1"), 1);
      EXPECT_EQ(code_of(rb), "LastTokenProcessing") << rb.body;
    }
  }
}

// M2: two Stops from normal both succeed; the contract denies Stop in stopping.
TEST(ConcurrencyMutants, StatusCheckRaceLetsTwoStopsFromNormalSucceed) {
  for (ServerMutant m : {ServerMutant::StatusCheckRace, ServerMutant::None}) {
    SCOPED_TRACE(std::string(mock::to_string(m)));
    RaceServer s(m, "normal");
    auto [a, b] = s.schedule("StopDiskReplicaPair", {{"ReplicaPairId", kPair}}, "StopDiskReplicaPair",
                             {{"ReplicaPairId", kPair}});
    EXPECT_EQ(b.status, 200) << b.body;
    if (m == ServerMutant::StatusCheckRace) {
      EXPECT_EQ(a.status, 200) << a.body;
    } else {
      EXPECT_EQ(code_of(a), "OperationDenied.InvalidStatus") << a.body;
    }
    EXPECT_EQ(s.pair()["Status"], "stopping");
  }
}

// M3: concurrent Modifies of different attributes: one is lost.
TEST(ConcurrencyMutants, ModifyLostUpdateLosesAConcurrentModify) {
  for (ServerMutant m : {ServerMutant::ModifyLostUpdate, ServerMutant::None}) {
    SCOPED_TRACE(std::string(mock::to_string(m)));
    RaceServer s(m, "stopped");
    // (M3 writes back attributes that have a value: an API call cannot send an empty one.)
    ASSERT_EQ(s.call("", "ModifyDiskReplicaPair", {{"ReplicaPairId", kPair}, {"PairName", "n0"}, {"Description", "d0"}})
                  .status,
              200);
    auto [a, b] = s.schedule("ModifyDiskReplicaPair", {{"ReplicaPairId", kPair}, {"Description", "desc-from-a"}},
                             "ModifyDiskReplicaPair", {{"ReplicaPairId", kPair}, {"PairName", "name-from-b"}});
    EXPECT_EQ(a.status, 200) << a.body;
    EXPECT_EQ(b.status, 200) << b.body;
    const Json p = s.pair();
    EXPECT_EQ(p["Description"], "desc-from-a");
    if (m == ServerMutant::ModifyLostUpdate) {
      EXPECT_EQ(p["PairName"], "n0") << "b's acknowledged change should be lost";
    } else {
      EXPECT_EQ(p["PairName"], "name-from-b");
    }
  }
}

// M4: a Describe overlapping a Modify of two fields sees one new and one old.
TEST(ConcurrencyMutants, TornDescribeShowsHalfAModify) {
  for (ServerMutant m : {ServerMutant::TornDescribe, ServerMutant::None}) {
    SCOPED_TRACE(std::string(mock::to_string(m)));
    RaceServer s(m, "stopped");
    ASSERT_EQ(s.call("", "ModifyDiskReplicaPair", {{"ReplicaPairId", kPair}, {"PairName", "n1"}, {"Description", "d1"}})
                  .status,
              200);
    auto [a, b] = s.schedule("DescribeDiskReplicaPairs", {{"PairIds", kPair}}, "ModifyDiskReplicaPair",
                             {{"ReplicaPairId", kPair}, {"PairName", "n2"}, {"Description", "d2"}});
    ASSERT_EQ(a.status, 200) << a.body;
    EXPECT_EQ(b.status, 200) << b.body;
    const Json seen = a.json["ReplicaPairs"][0];
    if (m == ServerMutant::TornDescribe) {
      EXPECT_EQ(seen["PairName"], "n2");
      EXPECT_EQ(seen["Description"], "d1") << "torn: new name, old description";
    } else {
      EXPECT_EQ(seen["PairName"], "n2");
      EXPECT_EQ(seen["Description"], "d2");
    }
  }
}

// M5: a clock advance (POST /__admin/clock/advance with x-ebsmock-call-id "adv") is parked,
// inside the background writer's window, until a Stop has been journaled; the writer then
// stores the pair's stale syncing -> normal change over the acknowledged Stop.
TEST(ConcurrencyMutants, StaleBackgroundWriteRevertsAStopDuringAClockAdvance) {
  const std::string rules = R"(
[[fault]]
call_id = "adv"
hold_until = { call_id = "stop" }
)";
  for (ServerMutant m : {ServerMutant::StaleBackgroundWrite, ServerMutant::None}) {
    SCOPED_TRACE(std::string(mock::to_string(m)));
    RaceServer s(m, "syncing", rules);
    auto advance = std::async(std::launch::async, [&] {
      return s.server.raw_http("POST", "/__admin/clock/advance?by=1h",
                               {{std::string(contracts::kCallIdHeader), "adv"}}, "");
    });
    ASSERT_TRUE(s.wait->wait_for_sleepers(1)) << "the advance was not parked";
    EXPECT_EQ(s.pair()["Status"], "syncing");
    Response stop = s.call("stop", "StopDiskReplicaPair", {{"ReplicaPairId", kPair}});
    ASSERT_EQ(stop.status, 200) << stop.body;
    ASSERT_EQ(advance.get().status, 200);
    if (m == ServerMutant::StaleBackgroundWrite) {
      EXPECT_EQ(s.pair()["Status"], "normal") << "the acknowledged Stop should be reverted";
    } else {
      EXPECT_NE(s.pair()["Status"], "normal");
    }
  }
}

// Every concurrency mutant is the correct server for a sequential client that never
// overlaps calls (the unit form; the contract harness's negative control is in
// tests/harness): the same requests give the same answers and the same journal.
TEST(ConcurrencyMutants, SequentialRequestsCannotTellThemFromTheCorrectServer) {
  auto run = [](ServerMutant m) {
    RaceServer s(m, "syncing", "");
    std::vector<std::string> seen;
    auto note = [&](const Response& r) {
      Json body = r.json;
      if (body.is_object()) body.erase("HostId");  // the server's own port
      seen.push_back(std::to_string(r.status) + " " + body.dump());
    };
    note(s.call("", "CreateDiskReplicaPair", create_params("t1")));
    note(s.call("", "CreateDiskReplicaPair", create_params("t1")));
    note(s.call("", "CreateDiskReplicaPair", create_params("t1", "d-racedest0000002")));
    note(s.call("", "StopDiskReplicaPair", {{"ReplicaPairId", kPair}, {"ClientToken", "t2"}}));
    note(s.call("", "StopDiskReplicaPair", {{"ReplicaPairId", kPair}, {"ClientToken", "t2"}}));
    note(s.call("", "StopDiskReplicaPair", {{"ReplicaPairId", kPair}}));
    note(s.server.raw_http("POST", "/__admin/clock/advance?by=1h", {}, ""));
    note(s.call("", "ModifyDiskReplicaPair", {{"ReplicaPairId", kPair}, {"PairName", "n1"}}));
    note(s.call("", "ModifyDiskReplicaPair", {{"ReplicaPairId", kPair}, {"Description", "d1"}}));
    note(s.call("", "DescribeDiskReplicaPairs", {{"PairIds", kPair}}));
    note(s.call("", "StartDiskReplicaPair", {{"ReplicaPairId", kPair}}));
    note(s.server.raw_http("POST", "/__admin/clock/advance?by=1h", {}, ""));
    note(s.call("", "DescribeDiskReplicaPairs", {}));
    for (auto e : s.server.journal()) {
      e.erase("time");
      seen.push_back(e.dump());
    }
    return seen;
  };
  const auto correct = run(ServerMutant::None);
  for (ServerMutant m : {ServerMutant::TokenCheckRace, ServerMutant::StatusCheckRace, ServerMutant::ModifyLostUpdate,
                         ServerMutant::TornDescribe, ServerMutant::StaleBackgroundWrite,
                         ServerMutant::MismatchCheckRace, ServerMutant::NoLastTokenProcessing}) {
    SCOPED_TRACE(std::string(mock::to_string(m)));
    const auto mutated = run(m);
    ASSERT_EQ(mutated.size(), correct.size());
    for (std::size_t i = 0; i < correct.size(); ++i) EXPECT_EQ(mutated[i], correct[i]) << "line " << i;
  }
}

}  // namespace
}  // namespace ebsmock::testing
