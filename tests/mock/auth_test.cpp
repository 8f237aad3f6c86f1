// auth_test.cpp: signature verification over real HTTP (ebs-api.md §5.3-5.5, §5.7): V3
// (query and form body, GET and POST) and V1 (query and form body, GET and POST) signed
// with the contracts signing functions pass; a wrong secret is SignatureDoesNotMatch with
// the server's string-to-sign in the Message (equal to the client's); unknown AccessKeyId,
// reused nonce, a timestamp 16 minutes off (against an injected wall clock), malformed
// timestamps and unsigned calls are refused with their codes; verify_signatures = false
// accepts unsigned calls; the journal never holds a signature or a secret.
// Each test owns its server and, where needed, its wall clock.
#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <vector>

#include "tests/support/mock_server_fixture.h"

namespace ebsmock::testing {
namespace {

using std::chrono::minutes;

constexpr const char* kPair = "pair-cn-authpair00000001";
constexpr std::string_view kMismatchPrefix =
    "Specified signature is not matched with our calculation. server string to sign is:";

// 2024-01-01T00:00:00Z: far from the system clock, so a server reading the system clock
// instead of the injected one would refuse every signed call below.
const contracts::Instant kWallStart{std::chrono::seconds(1704067200)};

struct SignedWorld {
  std::shared_ptr<mock::ManualClock> wall = std::make_shared<mock::ManualClock>(kWallStart);
  MockServer server;
  SignedWorld()
      : server(world_toml(true, pair_toml(kPair, "normal")), ServerOptions{.wall_clock = wall}) {}
};

contracts::ParamList describe_params() {
  return {{"Action", "DescribeDiskReplicaPairs"}, {"Version", "2021-07-30"}, {"RegionId", "cn-hangzhou"},
          {"PairIds", kPair}};
}

SignOptions opts(Scheme scheme, std::string method, Placement placement, contracts::Instant at) {
  SignOptions o;
  o.scheme = scheme;
  o.method = std::move(method);
  o.placement = placement;
  o.timestamp = at;
  return o;
}

// The journal entry of the last request.
Json last_request(const MockServer& s) {
  auto reqs = request_entries(s.journal());
  return reqs.empty() ? Json() : reqs.back();
}

struct Variant {
  const char* name;
  Scheme scheme;
  const char* method;
  Placement placement;
};

class SignedCallsPass : public ::testing::TestWithParam<Variant> {};

TEST_P(SignedCallsPass, DescribeAndStop) {
  const Variant v = GetParam();
  SignedWorld w;
  auto& s = w.server;
  auto r = s.post(describe_params(), opts(v.scheme, v.method, v.placement, w.wall->now()));
  expect_success_envelope(r);
  ASSERT_EQ(r.json["ReplicaPairs"].size(), 1u) << r.body;
  Json entry = last_request(s);
  EXPECT_EQ(entry["signature"]["scheme"], v.scheme == Scheme::V3 ? "v3" : "v1");
  EXPECT_EQ(entry["signature"]["verdict"], "ok");
  EXPECT_EQ(entry["access_key_id"], "testid");
  EXPECT_EQ(entry["method"], v.method);

  // A mutating call signed the same way.
  auto stop = s.post({{"Action", "StopDiskReplicaPair"}, {"Version", "2021-07-30"}, {"RegionId", "cn-hangzhou"},
                      {"ReplicaPairId", kPair}, {"ClientToken", std::string("tok-") + v.name}},
                     opts(v.scheme, v.method, v.placement, w.wall->now()));
  expect_success_envelope(stop);
  EXPECT_EQ(s.status_of(kPair), "stopping");
}

INSTANTIATE_TEST_SUITE_P(
    Schemes, SignedCallsPass,
    ::testing::Values(Variant{"V3_POST_query", Scheme::V3, "POST", Placement::Query},
                      Variant{"V3_GET_query", Scheme::V3, "GET", Placement::Query},
                      Variant{"V3_POST_form", Scheme::V3, "POST", Placement::Form},
                      Variant{"V1_POST_query", Scheme::V1, "POST", Placement::Query},
                      Variant{"V1_GET_query", Scheme::V1, "GET", Placement::Query},
                      Variant{"V1_POST_form", Scheme::V1, "POST", Placement::Form}),
    [](const ::testing::TestParamInfo<Variant>& info) { return std::string(info.param.name); });

// Values that need escaping (space, '*', '~', ',', UTF-8) must be signed over the RFC 3986
// form on both sides.
TEST(Auth, ValuesNeedingEscapesVerify) {
  SignedWorld w;
  contracts::ParamList p = describe_params();
  p.emplace_back("Name", "a b*~,\xE4\xB8\xAD");
  p.emplace_back("Tag.1.Key", "env");
  p.emplace_back("Tag.1.Value", "x/y+z=");
  for (Scheme scheme : {Scheme::V3, Scheme::V1}) {
    for (Placement placement : {Placement::Query, Placement::Form}) {
      auto r = w.server.post(p, opts(scheme, "POST", placement, w.wall->now()));
      expect_success_envelope(r);
    }
  }
}

TEST(Auth, WrongSecretV3) {
  SignedWorld w;
  auto o = opts(Scheme::V3, "POST", Placement::Query, w.wall->now());
  o.access_key_secret = "wrongsecret";
  auto r = w.server.post(describe_params(), o);
  expect_error_envelope(r, 400, "SignatureDoesNotMatch");
  const std::string msg = r.message();
  ASSERT_TRUE(msg.starts_with(kMismatchPrefix)) << msg;
  // The same canonical request on both sides: only the key differs.
  EXPECT_EQ(msg.substr(kMismatchPrefix.size()), r.sent.string_to_sign);
  EXPECT_EQ(last_request(w.server)["signature"]["verdict"], "bad-signature");
}

TEST(Auth, WrongSecretV1) {
  SignedWorld w;
  for (Placement placement : {Placement::Query, Placement::Form}) {
    auto o = opts(Scheme::V1, "POST", placement, w.wall->now());
    o.access_key_secret = "wrongsecret";
    auto r = w.server.post(describe_params(), o);
    expect_error_envelope(r, 400, "SignatureDoesNotMatch");
    const std::string msg = r.message();
    ASSERT_TRUE(msg.starts_with(kMismatchPrefix)) << msg;
    // Computed locally with contracts::v1_string_to_sign over query + body.
    EXPECT_EQ(msg.substr(kMismatchPrefix.size()), r.sent.string_to_sign);
    EXPECT_TRUE(r.sent.string_to_sign.starts_with("POST&%2F&AccessKeyId%3Dtestid%26Action%3D"))
        << r.sent.string_to_sign;
  }
}

// A body altered after signing (V3 signs its hash) no longer verifies.
TEST(Auth, TamperedV3BodyFails) {
  SignedWorld w;
  auto o = opts(Scheme::V3, "POST", Placement::Form, w.wall->now());
  WireRequest req = build_request(describe_params(), w.server.host(), o);
  req.body += "&Name=evil";
  auto r = w.server.send(req);
  expect_error_envelope(r, 400, "SignatureDoesNotMatch");
}

TEST(Auth, EveryNonceOfManyIsRefusedOnItsSecondUseOnly) {
  // Enough nonces to land in every shard of the nonce cache, each used twice.
  SignedWorld w;
  constexpr int kNonces = 200;
  auto o = opts(Scheme::V3, "POST", Placement::Query, w.wall->now());
  for (int i = 0; i < kNonces; ++i) {
    o.nonce = "nonce-many-" + std::to_string(i);
    expect_success_envelope(w.server.post(describe_params(), o));
  }
  for (int i = kNonces - 1; i >= 0; --i) {  // in the other order
    o.nonce = "nonce-many-" + std::to_string(i);
    SCOPED_TRACE(*o.nonce);
    expect_error_envelope(w.server.post(describe_params(), o), 400, "SignatureNonceUsed");
  }
}

TEST(Auth, UnknownAccessKeyId) {
  SignedWorld w;
  for (Scheme scheme : {Scheme::V3, Scheme::V1}) {
    auto o = opts(scheme, "POST", Placement::Query, w.wall->now());
    o.access_key_id = "nosuchkey";
    auto r = w.server.post(describe_params(), o);
    expect_error_envelope(r, 404, "InvalidAccessKeyId.NotFound");
    EXPECT_EQ(last_request(w.server)["signature"]["verdict"], "unknown-key");
  }
}

TEST(Auth, ReusedNonce) {
  SignedWorld w;
  for (Scheme scheme : {Scheme::V3, Scheme::V1}) {
    SCOPED_TRACE(scheme == Scheme::V3 ? "v3" : "v1");
    auto o = opts(scheme, "POST", Placement::Query, w.wall->now());
    o.nonce = scheme == Scheme::V3 ? "nonce-reused-v3" : "nonce-reused-v1";
    expect_success_envelope(w.server.post(describe_params(), o));
    auto again = w.server.post(describe_params(), o);
    expect_error_envelope(again, 400, "SignatureNonceUsed");
    EXPECT_EQ(last_request(w.server)["signature"]["verdict"], "nonce-reused");
  }
  // A replayed mutating call has no effect.
  auto o = opts(Scheme::V3, "POST", Placement::Query, w.wall->now());
  o.nonce = "nonce-stop";
  contracts::ParamList stop{{"Action", "StopDiskReplicaPair"}, {"Version", "2021-07-30"},
                            {"RegionId", "cn-hangzhou"}, {"ReplicaPairId", kPair}};
  expect_success_envelope(w.server.post(stop, o));
  w.server.advance("1m");
  ASSERT_EQ(w.server.status_of(kPair), "stopped");
  expect_error_envelope(w.server.post(stop, o), 400, "SignatureNonceUsed");
  EXPECT_EQ(request_transitions(w.server.journal()).size(), 1u);
}

// The window is 15 minutes either way (ebs-api.md §5.3), measured on the wall clock the
// service was given.
TEST(Auth, TimestampWindow) {
  SignedWorld w;
  for (Scheme scheme : {Scheme::V3, Scheme::V1}) {
    SCOPED_TRACE(scheme == Scheme::V3 ? "v3" : "v1");
    for (int off : {-16, 16}) {
      auto r = w.server.post(describe_params(), opts(scheme, "POST", Placement::Query, w.wall->now() + minutes(off)));
      expect_error_envelope(r, 400, "InvalidTimeStamp.Expired");
      EXPECT_EQ(last_request(w.server)["signature"]["verdict"], "bad-time");
    }
    for (int off : {-14, 14}) {
      expect_success_envelope(
          w.server.post(describe_params(), opts(scheme, "POST", Placement::Query, w.wall->now() + minutes(off))));
    }
  }
  // A request signed now and delivered 16 minutes later (the wall clock moved) is expired.
  auto o = opts(Scheme::V3, "POST", Placement::Query, w.wall->now());
  WireRequest late = build_request(describe_params(), w.server.host(), o);
  w.wall->advance(minutes(16));
  expect_error_envelope(w.server.send(late), 400, "InvalidTimeStamp.Expired");
}

TEST(Auth, MalformedTimestamp) {
  SignedWorld w;
  for (Scheme scheme : {Scheme::V3, Scheme::V1}) {
    auto o = opts(scheme, "POST", Placement::Query, w.wall->now());
    o.timestamp_text = "2024/01/01 00:00:00";
    expect_error_envelope(w.server.post(describe_params(), o), 400, "InvalidTimeStamp.Format");
  }
}

TEST(Auth, UnsignedCallIsRefusedWhenVerifying) {
  SignedWorld w;
  auto r = w.server.post(describe_params(), SignOptions{.scheme = Scheme::None});
  expect_error_envelope(r, 400, "MissingParameter");
  EXPECT_NE(r.message().find("Signature"), std::string::npos) << r.message();
}

TEST(Auth, NoVerificationAcceptsUnsignedCalls) {
  MockServer s(world_toml(false, pair_toml(kPair, "normal")));
  auto r = s.post(describe_params(), SignOptions{.scheme = Scheme::None});
  expect_success_envelope(r);
  EXPECT_EQ(r.json["ReplicaPairs"].size(), 1u);
  Json entry = last_request(s);
  EXPECT_EQ(entry["signature"]["scheme"], "none");
  EXPECT_EQ(entry["signature"]["verdict"], "skipped");
  // A wrongly signed call is accepted too: nothing is checked.
  auto o = s.default_signing();
  o.scheme = Scheme::V1;
  o.access_key_secret = "wrongsecret";
  expect_success_envelope(s.post(describe_params(), o));
  EXPECT_EQ(last_request(s)["signature"]["verdict"], "skipped");
}

TEST(Auth, JournalNeverHoldsSignaturesOrSecrets) {
  SignedWorld w;
  auto& s = w.server;
  std::vector<std::string> signatures;
  std::vector<std::string> authorizations;
  auto remember = [&](const Response& r) {
    signatures.push_back(r.sent.signature);
    for (const auto& [k, v] : r.sent.headers) {
      if (k == "authorization") authorizations.push_back(v);
    }
  };
  for (Scheme scheme : {Scheme::V3, Scheme::V1}) {
    for (Placement placement : {Placement::Query, Placement::Form}) {
      auto good = s.post(describe_params(), opts(scheme, "POST", placement, w.wall->now()));
      expect_success_envelope(good);
      remember(good);
      auto bad_opts = opts(scheme, "POST", placement, w.wall->now());
      bad_opts.access_key_secret = "wrongsecret";
      auto bad = s.post(describe_params(), bad_opts);
      expect_error_envelope(bad, 400, "SignatureDoesNotMatch");
      remember(bad);
    }
  }
  // A SecurityToken (STS) is a secret too.
  auto sts = opts(Scheme::V1, "POST", Placement::Query, w.wall->now());
  auto p = describe_params();
  p.emplace_back("SecurityToken", "sts-token-value-secret");
  remember(s.post(p, sts));

  const std::string text = s.journal_text();
  ASSERT_NE(text.find("DescribeDiskReplicaPairs"), std::string::npos) << "journal is empty?";
  EXPECT_EQ(text.find("testsecret"), std::string::npos);
  EXPECT_EQ(text.find("wrongsecret"), std::string::npos);
  EXPECT_EQ(text.find("sts-token-value-secret"), std::string::npos);
  for (const auto& sig : signatures) {
    ASSERT_FALSE(sig.empty());
    EXPECT_EQ(text.find(sig), std::string::npos) << "signature " << sig << " is in the journal";
    // V1 signatures are base64: also look for their percent-encoded form.
    EXPECT_EQ(text.find(contracts::percent_encode(sig)), std::string::npos);
  }
  for (const auto& a : authorizations) EXPECT_EQ(text.find(a), std::string::npos);
}

}  // namespace
}  // namespace ebsmock::testing
