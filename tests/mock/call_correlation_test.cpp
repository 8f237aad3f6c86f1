// call_correlation_test.cpp: the x-ebsmock-call-id header (contracts/journal_terms.h).
// Over real HTTP: a valid id lands on its request's journal entry as `call_id`, an
// invalid or absent one leaves the field out without failing the request; the header
// disturbs neither V1 nor V3 signatures (unsigned, or signed by the client); a fault rule
// with `call_id = "..."` fires on that call only, from TOML and from the admin API's
// JSON, and is listed back.
// Each test owns its server; servers run in-process on 127.0.0.1:0.
#include <gtest/gtest.h>

#include <string>

#include "contracts/journal_terms.h"
#include "tests/support/mock_server_fixture.h"

namespace ebsmock::testing {
namespace {

constexpr const char* kPair = "pair-cn-callid0000000001";

std::string signed_world(std::string_view rest = {}) {
  return world_toml(/*verify_signatures=*/true, pair_toml(kPair, "normal") + std::string(rest));
}

SignOptions with_call_id(const MockServer& server, Scheme scheme, std::string id, bool sign_it = false) {
  SignOptions o = server.default_signing();
  o.scheme = scheme;
  o.extra_headers = {{std::string(contracts::kCallIdHeader), std::move(id)}};
  o.sign_extra_headers = sign_it;
  return o;
}

Response describe(const MockServer& server, const SignOptions& sign) {
  return server.call("DescribeDiskReplicaPairs", {{"RegionId", "cn-hangzhou"}, {"PairIds", kPair}}, sign);
}

// The newest request entry of the journal.
Json last_request(const MockServer& server) {
  Json entries = server.journal();
  for (auto it = entries.rbegin(); it != entries.rend(); ++it) {
    if ((*it)["kind"] == "request") return *it;
  }
  return Json();
}

TEST(CallCorrelation, ValidIdIsJournaledUnderEverySigningScheme) {
  MockServer server(signed_world());
  for (Scheme scheme : {Scheme::V1, Scheme::V3}) {
    for (bool sign_it : {false, true}) {
      if (scheme == Scheme::V1 && sign_it) continue;  // V1 signs parameters, never headers
      const std::string id = std::string(scheme == Scheme::V1 ? "v1" : "v3") + (sign_it ? "-signed" : "-unsigned");
      SCOPED_TRACE(id);
      auto r = describe(server, with_call_id(server, scheme, id, sign_it));
      ASSERT_EQ(r.status, 200) << r.body;
      Json e = last_request(server);
      EXPECT_EQ(e.value("call_id", ""), id);
      EXPECT_EQ(e["signature"]["verdict"], "ok");
    }
  }
  // The id is not a secret signing input: tampering with a signed one breaks the signature,
  // as for any signed header.
  SignOptions o = with_call_id(server, Scheme::V3, "signed-then-changed", /*sign_it=*/true);
  WireRequest w = build_request({{"Action", "DescribeDiskReplicaPairs"},
                                 {"Version", std::string(contracts::kApiVersion)},
                                 {"RegionId", "cn-hangzhou"}},
                                server.host(), o);
  for (auto& h : w.headers) {
    if (h.first == contracts::kCallIdHeader) h.second = "changed";
  }
  auto r = server.send(w);
  EXPECT_NE(r.status, 200) << r.body;
  EXPECT_EQ(last_request(server)["signature"]["verdict"], "bad-signature");
}

TEST(CallCorrelation, InvalidOrAbsentIdLeavesTheFieldOutAndTheRequestAnswers) {
  MockServer server(signed_world());
  auto r = describe(server, server.default_signing());
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_FALSE(last_request(server).contains("call_id"));
  const std::string too_long(65, 'x');
  for (const std::string& bad : {std::string("has space"), too_long, std::string("tab\there"), std::string("\x7f")}) {
    SCOPED_TRACE(bad);
    r = describe(server, with_call_id(server, Scheme::V3, bad));
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_FALSE(last_request(server).contains("call_id"));
  }
  // The limits themselves are accepted.
  r = describe(server, with_call_id(server, Scheme::V3, std::string(64, '~')));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(last_request(server).value("call_id", ""), std::string(64, '~'));
}

TEST(CallCorrelation, FaultRuleMatchesTheCallIdExactly) {
  MockServer server(signed_world(
      "[[fault]]\nid = \"only-b\"\ncall_id = \"call-b\"\nerror = \"ServiceUnavailable\"\n"));
  EXPECT_EQ(describe(server, with_call_id(server, Scheme::V3, "call-a")).status, 200);
  EXPECT_EQ(describe(server, with_call_id(server, Scheme::V3, "call-b2")).status, 200);
  EXPECT_EQ(describe(server, server.default_signing()).status, 200);
  auto r = describe(server, with_call_id(server, Scheme::V3, "call-b"));
  EXPECT_EQ(r.status, 503) << r.body;
  EXPECT_EQ(last_request(server)["fault"]["rule"], "only-b");

  // The same condition through the admin API's JSON, listed back as written.
  auto added = server.raw_http("POST", "/__admin/faults", {{"content-type", "application/json"}},
                               R"({"id": "only-c", "call_id": "call-c", "error": "Throttling.User"})");
  ASSERT_EQ(added.status, 201) << added.body;
  EXPECT_EQ(describe(server, with_call_id(server, Scheme::V3, "call-c")).json.value("Code", ""), "Throttling.User");
  EXPECT_EQ(describe(server, with_call_id(server, Scheme::V3, "call-d")).status, 200);
  Json rules = server.admin_get("/__admin/faults").json["rules"];
  ASSERT_EQ(rules.size(), 2u);
  EXPECT_EQ(rules[1]["call_id"], "call-c");
  EXPECT_EQ(rules[1]["fired"], 1);

  // A call id a header could not carry is refused with its position.
  auto bad = server.raw_http("POST", "/__admin/faults", {{"content-type", "application/json"}},
                             R"({"call_id": "two words", "error": "Throttling.User"})");
  EXPECT_EQ(bad.status, 400) << bad.body;
  EXPECT_NE(bad.body.find("call_id"), std::string::npos) << bad.body;
}

}  // namespace
}  // namespace ebsmock::testing
