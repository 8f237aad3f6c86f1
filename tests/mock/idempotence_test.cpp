// idempotence_test.cpp: ClientToken semantics over real HTTP (ebs-api.md §6,
// contracts/idempotence.h): a retry with the same token and parameters answers the first
// result (new RequestId by default, byte-identical with token_replay_request_id =
// "original") and changes nothing again, even when 16 retries race; the same token with
// other parameters is IdempotentParameterMismatch; a failed call does not use up its
// token; malformed tokens are InvalidParameter; tokens are per AccessKeyId and expire
// after token_ttl of world time; past the store's capacity the oldest token is forgotten
// and counted. Each test owns its server.
#include <gtest/gtest.h>

#include <barrier>
#include <latch>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "tests/support/mock_server_fixture.h"

namespace ebsmock::testing {
namespace {

constexpr const char* kNormal = "pair-cn-idemnormal000001";
constexpr const char* kOther = "pair-cn-idemnormal000002";
constexpr const char* kStopped = "pair-cn-idemstopped00001";

std::string world(bool verify = false, std::string_view contract = {}) {
  std::string rest;
  if (!contract.empty()) rest += "[contract]\n" + std::string(contract) + "\n\n";
  rest += pair_toml(kNormal, "normal") + pair_toml(kOther, "normal") + pair_toml(kStopped, "stopped");
  return world_toml(verify, rest);
}

contracts::ParamList stop(const std::string& pair, const std::string& token) {
  return {{"RegionId", "cn-hangzhou"}, {"ReplicaPairId", pair}, {"ClientToken", token}};
}

std::size_t count_transitions(const Json& journal) { return request_transitions(journal).size(); }

TEST(Idempotence, SameTokenSameParamsReplaysTheFirstAnswer) {
  MockServer s(world());
  auto first = s.call("StopDiskReplicaPair", stop(kNormal, "tok-replay-1"));
  auto second = s.call("StopDiskReplicaPair", stop(kNormal, "tok-replay-1"));
  expect_success_envelope(first);
  expect_success_envelope(second);
  EXPECT_EQ(first.without_request_id(), second.without_request_id());
  // Default policy "fresh": each HTTP exchange has its own RequestId.
  EXPECT_NE(first.json["RequestId"], second.json["RequestId"]);
  EXPECT_EQ(second.header("x-acs-request-id"), second.json["RequestId"].get<std::string>());

  auto journal = s.journal();
  EXPECT_EQ(count_transitions(journal), 1u);
  auto reqs = request_entries(journal);
  ASSERT_EQ(reqs.size(), 2u);
  EXPECT_EQ(reqs[0]["idempotence"], "executed");
  EXPECT_EQ(reqs[0]["client_token"], "tok-replay-1");
  EXPECT_EQ(reqs[1]["idempotence"], "replayed");
  EXPECT_TRUE(reqs[1]["transition"].is_null());
  EXPECT_EQ(s.status_of(kNormal), "stopping");

  // Still the first answer once the pair has moved on (a fresh Stop would be refused).
  s.advance("1m");
  ASSERT_EQ(s.status_of(kNormal), "stopped");
  auto third = s.call("StopDiskReplicaPair", stop(kNormal, "tok-replay-1"));
  expect_success_envelope(third);
  EXPECT_EQ(third.without_request_id(), first.without_request_id());
  EXPECT_EQ(s.status_of(kNormal), "stopped");
  EXPECT_EQ(count_transitions(s.journal()), 1u);
}

TEST(Idempotence, CreateRetryReturnsTheSamePairAndCreatesOne) {
  MockServer s(world());
  contracts::ParamList create{{"RegionId", "cn-hangzhou"},       {"SourceZoneId", "cn-hangzhou-h"},
                              {"DiskId", "d-source0001"},        {"DestinationRegionId", "cn-shanghai"},
                              {"DestinationZoneId", "cn-shanghai-l"}, {"DestinationDiskId", "d-dest0001"},
                              {"ClientToken", "TF-CreateDiskReplicaPair-1704067200-abc"}};
  auto a = s.call("CreateDiskReplicaPair", create);
  auto b = s.call("CreateDiskReplicaPair", create);
  expect_success_envelope(a);
  expect_success_envelope(b);
  EXPECT_EQ(a.without_request_id(), b.without_request_id());
  EXPECT_EQ(a.json["ReplicaPairId"], b.json["ReplicaPairId"]);
  EXPECT_EQ(a.json["OrderId"], b.json["OrderId"]);
  auto list = s.call("DescribeDiskReplicaPairs", {{"RegionId", "cn-hangzhou"}});
  EXPECT_EQ(list.json["TotalCount"], 4) << "3 scenario pairs + exactly one created";
  EXPECT_EQ(count_transitions(s.journal()), 1u);
}

// Signature nonce, timestamp and signature differ between retries (V1: they are
// parameters) and must not count as "different parameters".
TEST(Idempotence, SignedRetriesWithNewNoncesStillReplay) {
  MockServer s(world(/*verify=*/true));
  SignOptions v1 = s.default_signing();
  v1.scheme = Scheme::V1;
  v1.placement = Placement::Form;
  auto first = s.call("StopDiskReplicaPair", stop(kNormal, "tok-signed"), v1);
  auto second = s.call("StopDiskReplicaPair", stop(kNormal, "tok-signed"), v1);
  auto third = s.call("StopDiskReplicaPair", stop(kNormal, "tok-signed"));  // V3 this time
  expect_success_envelope(first);
  expect_success_envelope(second);
  expect_success_envelope(third);
  EXPECT_EQ(first.without_request_id(), second.without_request_id());
  EXPECT_EQ(first.without_request_id(), third.without_request_id());
  auto reqs = request_entries(s.journal());
  ASSERT_EQ(reqs.size(), 3u);
  EXPECT_EQ(reqs[1]["idempotence"], "replayed");
  EXPECT_EQ(reqs[2]["idempotence"], "replayed");
  EXPECT_EQ(count_transitions(s.journal()), 1u);
}

TEST(Idempotence, SixteenConcurrentRetriesExecuteOnce) {
  MockServer s(world());
  constexpr int kThreads = 16;
  std::vector<Response> answers(kThreads);
  std::latch ready(kThreads);
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&, i] {
      ready.arrive_and_wait();  // all 16 send at once
      answers[i] = s.call("StopDiskReplicaPair", stop(kNormal, "tok-concurrent"));
    });
  }
  for (auto& t : threads) t.join();

  std::set<std::string> request_ids;
  for (int i = 0; i < kThreads; ++i) {
    SCOPED_TRACE("thread " + std::to_string(i));
    expect_success_envelope(answers[i]);
    EXPECT_EQ(answers[i].without_request_id(), answers[0].without_request_id());
    if (answers[i].json.is_object()) request_ids.insert(answers[i].json.value("RequestId", ""));
  }
  EXPECT_EQ(request_ids.size(), static_cast<std::size_t>(kThreads));
  auto journal = s.journal();
  EXPECT_EQ(count_transitions(journal), 1u);
  auto reqs = request_entries(journal);
  ASSERT_EQ(reqs.size(), static_cast<std::size_t>(kThreads));
  int executed = 0, replayed = 0;
  for (const auto& e : reqs) {
    executed += e["idempotence"] == "executed";
    replayed += e["idempotence"] == "replayed";
  }
  EXPECT_EQ(executed, 1);
  EXPECT_EQ(replayed, kThreads - 1);
  EXPECT_EQ(s.status_of(kNormal), "stopping");
}

TEST(Idempotence, SameTokenDifferentParamsIsAMismatch) {
  MockServer s(world());
  expect_success_envelope(s.call("StopDiskReplicaPair", stop(kNormal, "tok-mismatch")));
  // Another pair.
  auto other_pair = s.call("StopDiskReplicaPair", stop(kOther, "tok-mismatch"));
  expect_error_envelope(other_pair, 400, "IdempotentParameterMismatch");
  EXPECT_EQ(s.status_of(kOther), "normal");
  // Another action, same parameters.
  auto other_action = s.call("FailoverDiskReplicaPair", stop(kNormal, "tok-mismatch"));
  expect_error_envelope(other_action, 400, "IdempotentParameterMismatch");
  // RegionId counts ("RegionId counts", idempotence.h).
  auto other_region = s.call("StopDiskReplicaPair",
                             {{"RegionId", "cn-shanghai"}, {"ReplicaPairId", kNormal}, {"ClientToken", "tok-mismatch"}});
  expect_error_envelope(other_region, 400, "IdempotentParameterMismatch");
  EXPECT_EQ(s.status_of(kNormal), "stopping");

  auto reqs = request_entries(s.journal());
  int mismatches = 0;
  for (const auto& e : reqs) mismatches += e["idempotence"] == "mismatch";
  EXPECT_EQ(mismatches, 3);
  EXPECT_EQ(count_transitions(s.journal()), 1u);
}

TEST(Idempotence, TokensAreCaseSensitive) {
  MockServer s(world());
  expect_success_envelope(s.call("StopDiskReplicaPair", stop(kNormal, "tok-case")));
  // "TOK-CASE" is another token: with other parameters it is not a mismatch, it executes.
  auto r = s.call("StopDiskReplicaPair", stop(kOther, "TOK-CASE"));
  expect_success_envelope(r);
  EXPECT_EQ(count_transitions(s.journal()), 2u);
}

TEST(Idempotence, AFailedCallDoesNotUseUpItsToken) {
  MockServer s(world());
  // Start is refused while the pair replicates.
  contracts::ParamList start{{"RegionId", "cn-hangzhou"}, {"ReplicaPairId", kNormal}, {"ClientToken", "tok-retry-later"}};
  auto refused = s.call("StartDiskReplicaPair", start);
  expect_error_envelope(refused, 403, "OperationDenied.InvalidStatus");
  // Make Start allowed, then retry with the same token: it executes now.
  expect_success_envelope(s.call("StopDiskReplicaPair", stop(kNormal, "tok-other")));
  s.advance("1m");
  ASSERT_EQ(s.status_of(kNormal), "stopped");
  auto retried = s.call("StartDiskReplicaPair", start);
  expect_success_envelope(retried);
  auto reqs = request_entries(s.journal());
  ASSERT_FALSE(reqs.empty());
  const Json& last = reqs.back();
  EXPECT_EQ(last["action"], "StartDiskReplicaPair");
  EXPECT_EQ(last["idempotence"], "executed");
  ASSERT_FALSE(last["transition"].is_null());
  EXPECT_EQ(last["transition"]["from"], "stopped");
  // The scenario pair has no LastRecoverPoint, so this counts as the first sync.
  EXPECT_EQ(last["transition"]["to"], "initial_syncing");
  EXPECT_EQ(s.status_of(kNormal), "initial_syncing");
}

TEST(Idempotence, AParameterErrorDoesNotUseUpTheToken) {
  MockServer s(world());
  // Missing ReplicaPairId: refused before any effect.
  auto bad = s.call("StopDiskReplicaPair", {{"RegionId", "cn-hangzhou"}, {"ClientToken", "tok-param"}});
  expect_error_envelope(bad, 400, "MissingParameter");
  // The same token with a complete (different) request is not a mismatch.
  expect_success_envelope(s.call("StopDiskReplicaPair", stop(kNormal, "tok-param")));
}

TEST(Idempotence, MalformedTokensAreInvalidParameter) {
  MockServer s(world());
  const std::string max_len(64, 'a');
  const std::string too_long(65, 'a');
  auto r65 = s.call("StopDiskReplicaPair", stop(kNormal, too_long));
  expect_error_envelope(r65, 400, "InvalidParameter");
  EXPECT_NE(r65.message().find("ClientToken"), std::string::npos) << r65.message();
  auto non_ascii = s.call("StopDiskReplicaPair", stop(kNormal, "t\xC3\xB6ken"));  // "töken"
  expect_error_envelope(non_ascii, 400, "InvalidParameter");
  EXPECT_NE(non_ascii.message().find("ClientToken"), std::string::npos) << non_ascii.message();
  EXPECT_EQ(s.status_of(kNormal), "normal");
  EXPECT_EQ(count_transitions(s.journal()), 0u);
  // 64 ASCII characters is the documented maximum and is accepted.
  expect_success_envelope(s.call("StopDiskReplicaPair", stop(kNormal, max_len)));
}

TEST(Idempotence, OriginalPolicyReplaysTheByteIdenticalBody) {
  MockServer s(world(false, "token_replay_request_id = \"original\""));
  auto first = s.call("StopDiskReplicaPair", stop(kNormal, "tok-original"));
  auto second = s.call("StopDiskReplicaPair", stop(kNormal, "tok-original"));
  expect_success_envelope(first);
  expect_success_envelope(second);
  EXPECT_EQ(first.body, second.body);
  EXPECT_EQ(first.header("x-acs-request-id"), second.header("x-acs-request-id"));
  auto reqs = request_entries(s.journal());
  ASSERT_EQ(reqs.size(), 2u);
  EXPECT_EQ(reqs[1]["idempotence"], "replayed");
  EXPECT_EQ(reqs[1]["request_id"], reqs[0]["request_id"]);
  EXPECT_EQ(count_transitions(s.journal()), 1u);
}

// "A token is scoped to the AccessKeyId that sent it" (idempotence.h).
TEST(Idempotence, TokensArePerAccessKeyId) {
  std::string toml = world_toml(true, "[[credential]]\naccess_key_id = \"otherid\"\naccess_key_secret = \"othersecret\"\n\n" +
                                          pair_toml(kNormal, "normal") + pair_toml(kOther, "normal"));
  MockServer s(toml);
  expect_success_envelope(s.call("StopDiskReplicaPair", stop(kNormal, "tok-shared")));
  SignOptions other = s.default_signing();
  other.access_key_id = "otherid";
  other.access_key_secret = "othersecret";
  auto r = s.call("StopDiskReplicaPair", stop(kOther, "tok-shared"), other);
  expect_success_envelope(r);
  EXPECT_EQ(s.status_of(kOther), "stopping");
  EXPECT_EQ(count_transitions(s.journal()), 2u);
}

// Records expire after token_ttl of world time ([contract] token_ttl).
TEST(Idempotence, TokensExpireAfterTheTtl) {
  MockServer s(world(false, "token_ttl = \"1h\""));
  expect_success_envelope(s.call("StopDiskReplicaPair", stop(kNormal, "tok-ttl")));
  s.advance("59m");
  expect_error_envelope(s.call("StopDiskReplicaPair", stop(kOther, "tok-ttl")), 400,
                        "IdempotentParameterMismatch");
  s.advance("2m");
  expect_success_envelope(s.call("StopDiskReplicaPair", stop(kOther, "tok-ttl")));
  EXPECT_EQ(s.status_of(kOther), "stopping");
}

// Memory is bounded (token_store.h): past the capacity the token seen longest ago is
// forgotten, and health counts it. A retry of a forgotten token executes again, which is
// what a retry after the real service's 24 h would do.
TEST(Idempotence, TokensPastTheCapacityAreForgottenOldestFirstAndCounted) {
  ServerOptions options;
  options.token_capacity = 2;
  MockServer s(world(), options);
  expect_success_envelope(s.call("StopDiskReplicaPair", stop(kNormal, "tok-cap-a")));
  expect_success_envelope(s.call("StopDiskReplicaPair", stop(kNormal, "tok-cap-a")));  // replayed
  expect_success_envelope(s.call("StopDiskReplicaPair", stop(kOther, "tok-cap-b")));
  auto health = s.admin_get("/__admin/health").json["tokens"];
  EXPECT_EQ(health["remembered"], 2);
  EXPECT_EQ(health["evicted"], 0);
  // A third token pushes out tok-cap-a, the oldest; tok-cap-b is still replayed.
  s.call("StartDiskReplicaPair",
         {{"RegionId", "cn-hangzhou"}, {"ReplicaPairId", kStopped}, {"ClientToken", "tok-cap-c"}});
  expect_success_envelope(s.call("StopDiskReplicaPair", stop(kOther, "tok-cap-b")));
  auto again = s.call("StopDiskReplicaPair", stop(kNormal, "tok-cap-a"));
  // Executed again: the pair is already stopping, so the model refuses it.
  expect_error_envelope(again, 403, "OperationDenied.InvalidStatus");

  auto reqs = request_entries(s.journal());
  ASSERT_EQ(reqs.size(), 6u);
  EXPECT_EQ(reqs[1]["idempotence"], "replayed");
  EXPECT_EQ(reqs[4]["idempotence"], "replayed");
  EXPECT_EQ(reqs[5]["idempotence"], "executed");
  health = s.admin_get("/__admin/health").json["tokens"];
  EXPECT_EQ(health["capacity"], 2);
  EXPECT_EQ(health["remembered"], 2);
  // tok-cap-a went for tok-cap-c; its return pushed out tok-cap-b.
  EXPECT_EQ(health["evicted"], 2);
}

// Describe calls are read-only: a ClientToken there is not remembered.
TEST(Idempotence, ReadOnlyCallsIgnoreTokens) {
  MockServer s(world());
  // ClientToken is not a DescribeDiskReplicaPairs parameter; whatever the answer, the
  // token must not be recorded, so a Stop may still use it.
  s.call("DescribeDiskReplicaPairs", {{"RegionId", "cn-hangzhou"}, {"ClientToken", "tok-read"}});
  expect_success_envelope(s.call("StopDiskReplicaPair", stop(kNormal, "tok-read")));
}

}  // namespace
}  // namespace ebsmock::testing
