// fault_injection_test.cpp: every fault kind over real HTTP: the documented answer and
// the journal entry; commit = "after" (state changed, error returned, a retry with the
// same ClientToken gets the original success and no second transition); byte-identical
// journals for the same scenario, seed and requests; faults added and removed while 64
// clients send requests, with no lost or duplicated journal entries.
#include <gtest/gtest.h>

#include <atomic>
#include <latch>
#include <set>
#include <thread>

#include "tests/support/mock_server_fixture.h"

namespace ebsmock::testing {
namespace {

const std::string kPair = "pair-cn-faultpair000001";

std::string world_with(std::string_view faults, std::string_view status = "normal") {
  return world_toml(false, pair_toml(kPair, status) + std::string(faults));
}

contracts::ParamList stop(std::string token) {
  return {{"RegionId", "cn-hangzhou"}, {"ReplicaPairId", kPair}, {"ClientToken", std::move(token)}};
}

Json last_request(const MockServer& s) {
  Json last;
  for (const auto& e : s.journal()) {
    if (e["kind"] == "request") last = e;
  }
  return last;
}

TEST(FaultInjection, CommitAfterAppliesTheChangeThenFailsAndTheRetryGetsTheOriginalSuccess) {
  MockServer s(world_with(R"(
[[fault]]
action = "StopDiskReplicaPair"
calls = [1]
commit = "after"
error = "RequestTimeout"
)"));
  auto first = s.call("StopDiskReplicaPair", stop("tok-ambiguous"));
  expect_error_envelope(first, 504, "RequestTimeout");
  EXPECT_EQ(s.status_of(kPair), "stopping");  // the change was applied
  auto j1 = s.journal();
  Json entry;
  for (const auto& e : j1) {
    if (e["kind"] == "request" && e["action"] == "StopDiskReplicaPair") entry = e;
  }
  EXPECT_EQ(entry["fault"]["rule"], "f1");
  EXPECT_EQ(entry["fault"]["commit"], "after");
  EXPECT_EQ(entry["status"], 504);
  EXPECT_EQ(entry["code"], "RequestTimeout");
  EXPECT_EQ(entry["transition"]["from"], "normal");
  EXPECT_EQ(entry["transition"]["to"], "stopping");

  auto retry = s.call("StopDiskReplicaPair", stop("tok-ambiguous"));
  expect_success_envelope(retry);
  auto retry_entry = last_request(s);
  EXPECT_EQ(retry_entry["idempotence"], "replayed");
  EXPECT_TRUE(retry_entry["transition"].is_null());
  EXPECT_TRUE(retry_entry["fault"].is_null());
  // A retry with a NEW token is what breaks naive clients: now it is a definite refusal.
  s.advance("5s");
  expect_error_envelope(s.call("StopDiskReplicaPair", stop("tok-new")), 403, "OperationDenied.InvalidStatus");
}

TEST(FaultInjection, CommitBeforeFailsWithoutEffect) {
  MockServer s(world_with(R"(
[[fault]]
action = "StopDiskReplicaPair"
times = 1
error = "InternalError"
)"));
  expect_error_envelope(s.call("StopDiskReplicaPair", stop("tok-1")), 500, "InternalError");
  EXPECT_EQ(s.status_of(kPair), "normal");
  EXPECT_TRUE(last_request(s)["transition"].is_null());
  // The failed request did not burn its token: the retry executes.
  expect_success_envelope(s.call("StopDiskReplicaPair", stop("tok-1")));
  EXPECT_EQ(last_request(s)["idempotence"], "executed");
  EXPECT_EQ(s.status_of(kPair), "stopping");
}

struct ErrorCase {
  std::string name;
  std::string rule;
  int status;
  std::string code;
  std::string message_part;
};

class FaultErrorKinds : public ::testing::TestWithParam<ErrorCase> {};

TEST_P(FaultErrorKinds, AnswerWithTheDocumentedStatusCodeAndMessage) {
  const auto& c = GetParam();
  MockServer s(world_with("[[fault]]\naction = \"StopDiskReplicaPair\"\n" + c.rule));
  auto r = s.call("StopDiskReplicaPair", stop("tok"));
  expect_error_envelope(r, c.status, c.code);
  EXPECT_NE(r.message().find(c.message_part), std::string::npos) << r.message();
  EXPECT_EQ(last_request(s)["fault"]["error"], c.code);
}

INSTANTIATE_TEST_SUITE_P(
    Kinds, FaultErrorKinds,
    ::testing::Values(
        ErrorCase{"Forbidden403", "error = \"Forbidden\"", 403, "Forbidden", "not authorized"},
        ErrorCase{"NoSuchResource404", "error = \"NoSuchResource\"", 404, "NoSuchResource", "does not exist"},
        ErrorCase{"InternalError500", "error = \"InternalError\"", 500, "InternalError", "unknown error"},
        ErrorCase{"RequestTimeout504", "error = \"RequestTimeout\"", 504, "RequestTimeout", "timeout"},
        ErrorCase{"StatusOverride", "error = \"InternalError\"\nstatus = 503", 503, "InternalError", "unknown"},
        ErrorCase{"MessageOverride", "error = \"Forbidden\"\nmessage = \"RAM policy denies ebs:StopDiskReplicaPair\"",
                  403, "Forbidden", "RAM policy denies"}),
    [](const auto& info) { return info.param.name; });

TEST(FaultInjection, ThrottlingSendsRetryAfter) {
  MockServer s(world_with(R"(
[[fault]]
action = "StopDiskReplicaPair"
error = "Throttling.User"
retry_after_ms = 1500
)"));
  auto r = s.call("StopDiskReplicaPair", stop("tok"));
  expect_error_envelope(r, 400, "Throttling.User");
  EXPECT_EQ(r.header("x-acs-retry-after"), "1500");
}

// Delays and hangs wait on the server's wait clock: here a ManualClock the test holds and
// releases, so nothing races wall time (and the tests run under TSan unchanged).
TEST(FaultInjection, DelayHoldsTheAnswerAndATokenRetryMeanwhileIsLastTokenProcessing) {
  auto wait = std::make_shared<mock::ManualClock>();
  MockServer s(world_with(R"(
[[fault]]
action = "StopDiskReplicaPair"
calls = [1]
delay = "400ms"
)"),
               {.wait_clock = wait});
  std::atomic<bool> answered{false};
  Response slow;
  std::thread first([&] {
    slow = s.call("StopDiskReplicaPair", stop("tok-slow"));
    answered = true;
  });
  ASSERT_TRUE(wait->wait_for_sleepers(1)) << "the first call never reached its delay";
  Response meanwhile = s.call("StopDiskReplicaPair", stop("tok-slow"));
  EXPECT_FALSE(answered) << "the delayed call was answered before its 400 ms passed";
  wait->advance(std::chrono::milliseconds(399));
  EXPECT_FALSE(answered);
  wait->advance(std::chrono::milliseconds(1));
  first.join();
  expect_success_envelope(slow);
  expect_error_envelope(meanwhile, 403, "LastTokenProcessing");
  EXPECT_EQ(s.status_of(kPair), "stopping");
}

TEST(FaultInjection, TransportFaultsGiveNoUsableAnswerAndAreJournaled) {
  struct Case {
    std::string transport;
    int journal_status;
  };
  for (const auto& c : {Case{"reset", 0}, Case{"close", 0}, Case{"truncate", 200}}) {
    MockServer s(world_with("[[fault]]\naction = \"StopDiskReplicaPair\"\ntransport = \"" + c.transport + "\"\n"));
    auto r = s.call("StopDiskReplicaPair", stop("tok"));
    EXPECT_FALSE(r.transport_ok && r.json.is_object()) << c.transport << ": " << r.body;
    auto e = last_request(s);
    EXPECT_EQ(e["fault"]["transport"], c.transport);
    EXPECT_EQ(e["status"], c.journal_status) << c.transport;
    EXPECT_EQ(s.status_of(kPair), "normal") << c.transport << " with commit before changes nothing";
    // The server still answers normally afterwards.
    EXPECT_EQ(s.call("DescribeDiskReplicaPairs", {{"RegionId", "cn-hangzhou"}}).status, 200);
  }
}

// A Describe's page is written after the commit (outside the Service's lock) into the
// answer that is sent: cut short, it is still the real body's first half under the full
// Content-Length.
TEST(FaultInjection, ATruncatedDescribeSendsTheFirstHalfOfItsRealBody) {
  MockServer s(world_with("[[fault]]\naction = \"DescribeDiskReplicaPairs\"\ntransport = \"truncate\"\n"
                          "times = 1\n"));
  const std::string raw = "GET /?Action=DescribeDiskReplicaPairs&Version=2021-07-30&RegionId=cn-hangzhou HTTP/1.1\r\n"
                          "Host: 127.0.0.1\r\n\r\n";
  Socket c = Socket::connect(s.port());
  ASSERT_TRUE(c.valid());
  ASSERT_TRUE(c.send_all(raw));
  std::string in;
  char buf[4096];
  for (int err = 0;;) {
    const ssize_t n = c.receive_once(buf, sizeof buf, &err);
    if (n <= 0) break;
    in.append(buf, static_cast<std::size_t>(n));
  }
  const auto head_end = in.find("\r\n\r\n");
  ASSERT_NE(head_end, std::string::npos) << in;
  const std::string head = in.substr(0, head_end);
  const std::string got = in.substr(head_end + 4);
  const auto length_at = head.find("Content-Length: ");
  ASSERT_NE(length_at, std::string::npos) << head;
  const std::size_t length = std::stoul(head.substr(length_at + 16));
  // The rule fired once: the next Describe is whole, and its body is as long (one pair,
  // a RequestId of the same length) and the same up to the RequestId.
  const auto whole = s.call("DescribeDiskReplicaPairs", {{"RegionId", "cn-hangzhou"}});
  ASSERT_EQ(whole.status, 200);
  ASSERT_TRUE(whole.json.contains("ReplicaPairs")) << whole.body;
  EXPECT_EQ(length, whole.body.size());
  EXPECT_EQ(got.size(), length / 2);
  const auto id_at = whole.body.find("\"RequestId\"");
  ASSERT_NE(id_at, std::string::npos);
  EXPECT_EQ(got.substr(0, std::min(got.size(), id_at)), whole.body.substr(0, std::min(got.size(), id_at)));
  EXPECT_NE(got.find("\"ReplicaPairs\":[{\"Bandwidth\":"), std::string::npos) << "the pair's text: " << got;
}

TEST(FaultInjection, ResetIsAnRstAndCloseIsAFin) {
  for (std::string transport : {"reset", "close"}) {
    MockServer s(world_with("[[fault]]\ntransport = \"" + transport + "\"\n"));
    std::string raw = "GET /?Action=DescribeDiskReplicaPairs&Version=2021-07-30&RegionId=cn-hangzhou HTTP/1.1\r\n"
                      "Host: 127.0.0.1\r\n\r\n";
    Socket c = Socket::connect(s.port());
    ASSERT_TRUE(c.valid());
    ASSERT_TRUE(c.send_all(raw));
    char buf[256];
    int err = 0;
    ssize_t n = c.receive_once(buf, sizeof buf, &err);
    if (transport == "reset") {
      EXPECT_EQ(n, -1);
      EXPECT_EQ(err, ECONNRESET);
    } else {
      EXPECT_EQ(n, 0) << "expected an orderly close with no bytes";
    }
  }
}

const std::string kHangRule = R"(
[[fault]]
action = "StopDiskReplicaPair"
transport = "hang"
hang_cap = "300ms"
)";

TEST(FaultInjection, HangHoldsUntilTheCapThenCloses) {
  auto wait = std::make_shared<mock::ManualClock>();
  MockServer s(world_with(kHangRule), {.wait_clock = wait});
  std::atomic<bool> answered{false};
  Response r;
  std::thread caller([&] {
    r = s.call("StopDiskReplicaPair", stop("tok"));
    answered = true;
  });
  ASSERT_TRUE(wait->wait_for_sleepers(1));
  // Journaled before the hold: the journal never waits for the client.
  EXPECT_EQ(last_request(s)["fault"]["transport"], "hang");
  EXPECT_EQ(last_request(s)["status"], 0);
  wait->advance(std::chrono::milliseconds(299));
  EXPECT_FALSE(answered);
  wait->advance(std::chrono::milliseconds(1));
  caller.join();
  EXPECT_FALSE(r.transport_ok) << r;
}

TEST(FaultInjection, AHangEndsWhenThePeerGivesUp) {
  auto wait = std::make_shared<mock::ManualClock>();
  MockServer s(world_with(kHangRule), {.wait_clock = wait});
  Socket client = Socket::connect(s.port());
  ASSERT_TRUE(client.send_all("POST /?Action=StopDiskReplicaPair&Version=2021-07-30&RegionId=cn-hangzhou&ReplicaPairId=" +
                              kPair + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 0\r\n\r\n"));
  ASSERT_TRUE(wait->wait_for_sleepers(1));
  client.close();
  // The clock never moves: only the peer leaving can end the hold.
  EXPECT_TRUE(wait->wait_for_no_sleepers()) << "the hold outlived its client";
  EXPECT_EQ(wait->now(), contracts::Instant{});
}

TEST(FaultInjection, StoppingTheServerEndsHoldsAndDelays) {
  auto wait = std::make_shared<mock::ManualClock>();
  MockServer s(world_with(kHangRule + R"(
[[fault]]
action = "DescribeDiskReplicaPairs"
delay = "1h"
)"),
               {.wait_clock = wait});
  std::thread hanging([&] { s.call("StopDiskReplicaPair", stop("tok")); });
  std::thread delayed([&] { s.call("DescribeDiskReplicaPairs", {{"RegionId", "cn-hangzhou"}}); });
  ASSERT_TRUE(wait->wait_for_sleepers(2));
  s.server().stop();
  EXPECT_TRUE(wait->wait_for_no_sleepers()) << "a wait outlived the server's stop";
  hanging.join();
  delayed.join();
  EXPECT_EQ(wait->now(), contracts::Instant{});
}

TEST(FaultInjection, HtmlGatewayPageAndMalformedJson) {
  MockServer s(world_with(R"(
[[fault]]
action = "StopDiskReplicaPair"
transport = "html"

[[fault]]
action = "DescribeDiskReplicaPairs"
transport = "malformed-json"
)"));
  auto html = s.call("StopDiskReplicaPair", stop("tok"));
  EXPECT_EQ(html.status, 504);
  EXPECT_NE(html.content_type().find("text/html"), std::string::npos);
  EXPECT_NE(html.body.find("504 Gateway Time-out"), std::string::npos);
  auto bad = s.call("DescribeDiskReplicaPairs", {{"RegionId", "cn-hangzhou"}});
  EXPECT_EQ(bad.status, 200);
  EXPECT_TRUE(Json::parse(bad.body, nullptr, false).is_discarded()) << bad.body;
}

TEST(FaultInjection, SameScenarioSeedAndRequestsGiveByteIdenticalJournals) {
  const std::string world = world_with(R"(
[[fault]]
action = "*"
probability = 0.3
error = "InternalError"

[[fault]]
action = "DescribeDiskReplicaPairs"
delay = { uniform = ["1ms", "5ms"] }
)");
  auto run = [&] {
    // The drawn delays wait on a ManualClock that this thread releases as each one starts:
    // they are journaled as drawn, and the test never sleeps through them.
    auto wait = std::make_shared<mock::ManualClock>();
    MockServer s(world, {.wait_clock = wait});
    std::jthread releaser([wait](std::stop_token stop) {
      while (!stop.stop_requested()) {
        if (wait->wait_for_sleepers(1, std::chrono::milliseconds(20))) wait->release_all();
      }
    });
    for (int i = 0; i < 40; ++i) {
      s.call("CreateDiskReplicaPair", {{"RegionId", "cn-hangzhou"}, {"SourceZoneId", "cn-hangzhou-h"},
                                       {"DiskId", "d-src" + std::to_string(i)}, {"DestinationRegionId", "cn-shanghai"},
                                       {"DestinationZoneId", "cn-shanghai-e"}, {"DestinationDiskId", "d-dst"},
                                       {"ClientToken", "tok-" + std::to_string(i)}});
      s.call("DescribeDiskReplicaPairs", {{"RegionId", "cn-hangzhou"}});
      s.call("StopDiskReplicaPair", stop("stop-" + std::to_string(i)));
      if (i % 10 == 0) s.advance("3s");
    }
    return s.admin_get("/__admin/journal").body;
  };
  std::string a = run();
  std::string b = run();
  EXPECT_GT(a.size(), 1000u);
  EXPECT_EQ(a, b);
}

TEST(FaultInjection, RulesChangeUnderSixtyFourConcurrentClientsWithoutLosingJournalEntries) {
  MockServer s(world_with(""));
  const int clients = 64, per_client = 30;
  std::atomic<int> answered{0};
  std::latch go(clients + 1);
  std::vector<std::thread> threads;
  for (int c = 0; c < clients; ++c) {
    threads.emplace_back([&, c] {
      go.arrive_and_wait();
      for (int i = 0; i < per_client; ++i) {
        auto r = s.call("DescribeDiskReplicaPairs", {{"RegionId", "cn-hangzhou"}, {"PageSize", std::to_string(1 + (c + i) % 50)}});
        if (r.transport_ok) ++answered;
      }
    });
  }
  go.arrive_and_wait();
  for (int round = 0; round < 20; ++round) {
    auto added = s.raw_http("POST", "/__admin/faults", {{"Content-Type", "application/json"}},
                            R"({"action": "DescribeDiskReplicaPairs", "probability": 0.5, "error": "InternalError"})");
    ASSERT_EQ(added.status, 201) << added.body;
    std::string id = added.json["added"][0];
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
    ASSERT_EQ(s.raw_http("DELETE", "/__admin/faults/" + id, {}, "").status, 200);
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(answered.load(), clients * per_client);
  std::set<std::uint64_t> seqs;
  int requests = 0;
  for (const auto& e : s.journal()) {
    EXPECT_TRUE(seqs.insert(e["seq"].get<std::uint64_t>()).second) << "duplicate seq " << e["seq"];
    if (e["kind"] == "request") ++requests;
  }
  EXPECT_EQ(requests, clients * per_client);
  ASSERT_FALSE(seqs.empty());
  EXPECT_EQ(*seqs.rbegin() - *seqs.begin() + 1, seqs.size()) << "sequence numbers have gaps";
}

}  // namespace
}  // namespace ebsmock::testing
