// call_command_test.cpp: `ebsmock call`, the binary, against an in-process mock serving
// the library's ambiguous group failover drill (README's tour runs these same commands):
// the first failover is applied but answers 504, the same ClientToken again is replayed
// with 200 and the group fails over once, a fresh token is answered 200 and does nothing
// (as the tour says); every signing is accepted and a wrong secret is
// SignatureDoesNotMatch; bad usage exits 2. The mock's delay waits on a ManualClock that
// the test advances once the call is parked, so nothing sleeps.
#include <gtest/gtest.h>

#include <future>

#include "tests/support/command_line.h"
#include "tests/support/mock_server_fixture.h"

namespace ebsmock::testing {
namespace {

using test::run_ebsmock;

constexpr const char* kGroup = "pg-orders7x2k9m1q";

std::string group_status(const MockServer& s) {
  for (const auto& g : s.admin_get("/__admin/groups").json.value("groups", Json::array())) {
    if (g.value("ReplicaGroupId", "") == kGroup) return g.value("Status", "");
  }
  return "(absent)";
}

TEST(CallCommand, AnAmbiguousGroupFailoverRetriedWithItsTokenAsInTheTour) {
  ServerOptions options;
  auto wait = std::make_shared<mock::ManualClock>();
  options.wait_clock = wait;
  MockServer s(test::read_text(EBSMOCK_SOURCE_DIR "/scenarios/group-ambiguous-failover.toml"), options);
  const std::string call = "call --endpoint http://" + s.host() +
                           " FailoverDiskReplicaGroup RegionId=cn-hangzhou ReplicaGroupId=" + kGroup +
                           " ClientToken=drill-1";

  auto first = std::async(std::launch::async, [&] { return run_ebsmock(call); });
  ASSERT_TRUE(wait->wait_for_sleepers(1));  // the rule's 3 s delay
  wait->advance(std::chrono::seconds(3));
  const auto seen = first.get();
  EXPECT_EQ(seen.exit_code, 1) << seen.output;
  EXPECT_NE(seen.output.find("HTTP 504 RequestTimeout RequestId="), std::string::npos) << seen.output;
  EXPECT_NE(seen.output.find("(1 attempt, ClientToken drill-1)"), std::string::npos) << seen.output;
  EXPECT_EQ(group_status(s), "failovering") << "applied although the client saw an error";

  const auto retried = run_ebsmock(call);
  EXPECT_EQ(retried.exit_code, 0) << retried.output;
  EXPECT_NE(retried.output.find("HTTP 200 ok"), std::string::npos) << retried.output;
  EXPECT_NE(retried.output.find("\"RequestId\""), std::string::npos) << "the body on stdout: " << retried.output;

  const auto journal = s.journal();
  ASSERT_EQ(journal.size(), 2u) << journal.dump(1);
  EXPECT_EQ(journal[0]["signature"].value("verdict", ""), "ok") << journal[0];
  EXPECT_TRUE(journal[0]["transition"].is_object()) << journal[0];
  EXPECT_EQ(journal[1].value("idempotence", ""), "replayed") << journal[1];
  EXPECT_TRUE(journal[1]["transition"].is_null()) << "the group failed over once: " << journal[1];

  // README's tour: a fresh token is a new request, answered 200 while the group is still
  // failing over, and it does nothing (not a refusal, not a second failover).
  const auto fresh = run_ebsmock("call --endpoint http://" + s.host() + " FailoverDiskReplicaGroup " +
                                 "RegionId=cn-hangzhou ReplicaGroupId=" + kGroup + " ClientToken=drill-2");
  EXPECT_EQ(fresh.exit_code, 0) << fresh.output;
  EXPECT_NE(fresh.output.find("HTTP 200 ok"), std::string::npos) << fresh.output;
  EXPECT_EQ(group_status(s), "failovering");
  const auto after_fresh = s.journal();
  ASSERT_EQ(after_fresh.size(), 3u) << after_fresh.dump(1);
  EXPECT_EQ(after_fresh[2].value("idempotence", ""), "executed") << after_fresh[2];
  EXPECT_TRUE(after_fresh[2]["transition"].is_null()) << after_fresh[2];
  EXPECT_TRUE(after_fresh[2].value("member_transitions", Json::array()).empty()) << after_fresh[2];
}

TEST(CallCommand, SignsEveryWayTheSdksDoAndAWrongSecretIsRefused) {
  MockServer s(test::read_text(EBSMOCK_SOURCE_DIR "/scenarios/group-ambiguous-failover.toml"));
  const std::string endpoint = " --endpoint http://" + s.host();
  for (const char* signing : {"v3", "v1-query", "v1-form"}) {
    const auto ok = run_ebsmock(std::string("call --signing ") + signing + endpoint +
                                " DescribeDiskReplicaGroups RegionId=cn-hangzhou 'GroupIds=" + kGroup + "'");
    EXPECT_EQ(ok.exit_code, 0) << signing << ": " << ok.output;
    EXPECT_NE(ok.output.find(kGroup), std::string::npos) << signing << ": " << ok.output;
  }
  const auto wrong = run_ebsmock("call --access-key-secret nope" + endpoint + " DescribeRegions");
  EXPECT_EQ(wrong.exit_code, 1) << wrong.output;
  EXPECT_NE(wrong.output.find("SignatureDoesNotMatch"), std::string::npos) << wrong.output;
  EXPECT_EQ(s.journal_text().find("nope"), std::string::npos) << "the secret never reaches the journal";
}

TEST(CallCommand, BadUsageExitsTwoAndSaysWhy) {
  const auto bad_param = run_ebsmock("call --endpoint http://127.0.0.1:1 DescribeRegions RegionId");
  EXPECT_EQ(bad_param.exit_code, 2) << bad_param.output;
  EXPECT_NE(bad_param.output.find("'RegionId' is not Name=Value"), std::string::npos) << bad_param.output;
  const auto bad_signing = run_ebsmock("call --signing v2 DescribeRegions");
  EXPECT_NE(bad_signing.exit_code, 0) << bad_signing.output;
  EXPECT_NE(bad_signing.output.find("--signing"), std::string::npos) << bad_signing.output;
  const auto refused = run_ebsmock("call --endpoint http://127.0.0.1:1 --timeout-ms 2000 DescribeRegions");
  EXPECT_EQ(refused.exit_code, 1) << refused.output;
  EXPECT_NE(refused.output.find("no HTTP answer ECONNREFUSED"), std::string::npos) << refused.output;
}

}  // namespace
}  // namespace ebsmock::testing
