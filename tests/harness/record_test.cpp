// record_test.cpp: the pieces of `ebsmock record` without sockets: where a call is routed
// (--upstream, --region-endpoint, ebs.<RegionId>.aliyuncs.com), which environment
// spelling supplies the credentials, and re-signing: the client's signature and signing
// values are gone, the API parameters and ClientToken are kept, and the new signature
// verifies with the real secret by the contracts/ algorithms the mock verifies with.
// (The whole proxy, with a real SDK and a second mock as upstream: tests/e2e/record_e2e.)
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <string>

#include "contracts/signature_v1.h"
#include "contracts/signature_v3.h"
#include "contracts/wire.h"
#include "harness/record/record_credentials.h"
#include "harness/record/resign.h"
#include "harness/record/upstream_routes.h"
#include "mock/rpc_request.h"

namespace ebsmock::harness::record {
namespace {

using contracts::SignatureScheme;

TEST(RecordRoutes, UpstreamWinsThenRegionEndpointThenAlibabasRegionalHost) {
  UpstreamRoutes every("http://127.0.0.1:9000/", {{"cn-shanghai", "http://127.0.0.1:9001"}});
  EXPECT_EQ(every.resolve("cn-shanghai"), "http://127.0.0.1:9000");
  EXPECT_EQ(every.resolve(""), "http://127.0.0.1:9000");

  UpstreamRoutes by_region("", {{"cn-shanghai", "http://127.0.0.1:9001"}});
  EXPECT_EQ(by_region.resolve("cn-shanghai"), "http://127.0.0.1:9001");
  EXPECT_EQ(by_region.resolve("cn-hangzhou"), "https://ebs.cn-hangzhou.aliyuncs.com");
  // No RegionId, or one that would steer the proxy to another host: no route.
  EXPECT_EQ(by_region.resolve(""), std::nullopt);
  EXPECT_EQ(by_region.resolve("evil.example.com/x"), std::nullopt);
  EXPECT_EQ(by_region.resolve("cn-hangzhou@evil"), std::nullopt);
}

TEST(RecordRoutes, BadUrlsAndRegionEndpointsAreRefusedWithTheReason) {
  EXPECT_NE(UpstreamRoutes::check_url("ftp://x").find("not an http"), std::string::npos);
  EXPECT_NE(UpstreamRoutes::check_url("http://").find("no host"), std::string::npos);
  EXPECT_NE(UpstreamRoutes::check_url("http://h/path").find("has a path"), std::string::npos);
  EXPECT_EQ(UpstreamRoutes::check_url("https://ebs.cn-hangzhou.aliyuncs.com/"), "");
  EXPECT_THROW(UpstreamRoutes("nope", {}), std::invalid_argument);

  std::string error;
  auto ok = UpstreamRoutes::parse_region_endpoint("cn-beijing=http://127.0.0.1:1/", error);
  ASSERT_TRUE(ok) << error;
  EXPECT_EQ(ok->first, "cn-beijing");
  EXPECT_EQ(ok->second, "http://127.0.0.1:1");
  EXPECT_FALSE(UpstreamRoutes::parse_region_endpoint("cn-beijing", error));
  EXPECT_NE(error.find("REGION=URL"), std::string::npos);
  EXPECT_FALSE(UpstreamRoutes::parse_region_endpoint("CN=http://h", error));
  EXPECT_NE(error.find("not a region id"), std::string::npos);
  EXPECT_FALSE(UpstreamRoutes::parse_region_endpoint("cn-beijing=file:///etc", error));
}

TEST(RecordCredentials, AlibabaSpellingFirstThenTerraformsNeitherHalfAlone) {
  auto env = [](std::map<std::string, std::string> vars) {
    return [vars = std::move(vars)](const char* name) -> const char* {
      auto it = vars.find(name);
      return it == vars.end() ? nullptr : it->second.c_str();
    };
  };
  auto both = credentials_from_environment(env({{"ALIBABA_CLOUD_ACCESS_KEY_ID", "a"},
                                                {"ALIBABA_CLOUD_ACCESS_KEY_SECRET", "as"},
                                                {"ALICLOUD_ACCESS_KEY", "t"},
                                                {"ALICLOUD_SECRET_KEY", "ts"}}));
  ASSERT_TRUE(both);
  EXPECT_EQ(both->access_key_id, "a");
  auto terraform = credentials_from_environment(env({{"ALIBABA_CLOUD_ACCESS_KEY_ID", "a"},  // no secret
                                                     {"ALICLOUD_ACCESS_KEY", "t"},
                                                     {"ALICLOUD_SECRET_KEY", "ts"},
                                                     {"ALICLOUD_SECURITY_TOKEN", "tok"}}));
  ASSERT_TRUE(terraform);
  EXPECT_EQ(terraform->access_key_id, "t");
  EXPECT_EQ(terraform->access_key_secret, "ts");
  EXPECT_EQ(terraform->security_token, "tok");
  EXPECT_EQ(terraform->source, "ALICLOUD_ACCESS_KEY");
  EXPECT_FALSE(credentials_from_environment(env({{"ALIBABA_CLOUD_ACCESS_KEY_ID", "a"}})));
}

const RecordCredentials kReal{.access_key_id = "real-id", .access_key_secret = "real-secret",
                              .security_token = "real-token"};

mock::RpcRequest parse(const mock::RawRequest& raw) {
  auto parsed = mock::parse_rpc_request(raw, contracts::ErrorCatalogue{});
  EXPECT_TRUE(std::holds_alternative<mock::RpcRequest>(parsed));
  return std::get<mock::RpcRequest>(parsed);
}

bool has(const contracts::ParamList& params, std::string_view name, std::string_view value) {
  for (const auto& [k, v] : params) {
    if (k == name) return v == value;
  }
  return false;
}

TEST(RecordResign, V1FormIsSignedAgainInTheFormWithTheRealKeyAndTheClientsToken) {
  // pop-core's POST shape (sdk-wire.md §4), signed by the client with testid.
  mock::RawRequest raw{
      .method = "POST",
      .target = "/",
      .headers = {{"Host", "127.0.0.1:8080"}, {"content-type", "application/x-www-form-urlencoded"},
                  {"x-acs-action", "StopDiskReplicaPair"}},
      .body = "AccessKeyId=testid&Action=StopDiskReplicaPair&ClientToken=tok-1&Format=JSON&RegionId=cn-hangzhou"
              "&ReplicaPairId=pair-1&SignatureMethod=HMAC-SHA1&SignatureNonce=n1&SignatureVersion=1.0"
              "&Timestamp=2026-11-23T23%3A06%3A29Z&Version=2021-07-30&Signature=client%2Bsig%3D"};
  auto request = parse(raw);
  EXPECT_EQ(client_scheme(request), SignatureScheme::V1);
  auto out = resign(request, kReal, "upstream:9", "2026-12-02T10:00:00Z", "fresh-nonce");
  EXPECT_EQ(out.scheme, SignatureScheme::V1);
  EXPECT_EQ(out.target, "/");
  EXPECT_EQ(contracts::header_value(out.headers, "host"), "upstream:9");
  auto form = contracts::parse_urlencoded(out.body).value();
  EXPECT_TRUE(has(form, "ClientToken", "tok-1"));
  EXPECT_TRUE(has(form, "ReplicaPairId", "pair-1"));
  EXPECT_TRUE(has(form, "AccessKeyId", "real-id"));
  EXPECT_TRUE(has(form, "SecurityToken", "real-token"));
  EXPECT_TRUE(has(form, "SignatureNonce", "fresh-nonce"));
  EXPECT_TRUE(has(form, "Timestamp", "2026-12-02T10:00:00Z"));
  EXPECT_EQ(out.body.find("testid"), std::string::npos);
  EXPECT_EQ(out.body.find("client"), std::string::npos);
  std::string signature;
  for (const auto& [k, v] : form) {
    if (k == "Signature") signature = v;
  }
  EXPECT_EQ(signature, contracts::v1_signature("real-secret", contracts::v1_string_to_sign("POST", form)));
}

TEST(RecordResign, V3IsSignedAgainForTheUpstreamHostWithTheRealKey) {
  mock::RawRequest raw{
      .method = "POST",
      .target = "/?RegionId=cn-hangzhou&ReplicaPairId=pair-1&ClientToken=tok-1",
      .headers = {{"host", "127.0.0.1:8080"},
                  {"x-acs-action", "StopDiskReplicaPair"},
                  {"x-acs-version", "2021-07-30"},
                  {"x-acs-date", "2026-11-23T23:06:39Z"},
                  {"x-acs-signature-nonce", "client-nonce"},
                  {"x-acs-content-sha256", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"},
                  {"x-acs-credentials-provider", "static_ak"},
                  {"Authorization", "ACS3-HMAC-SHA256 Credential=testid,SignedHeaders=host,Signature=abc"},
                  {"Cookie", "session=1"}}};
  auto request = parse(raw);
  EXPECT_EQ(client_scheme(request), SignatureScheme::V3);
  auto out = resign(request, kReal, "ebs.cn-hangzhou.aliyuncs.com", "2026-12-02T10:00:00Z", "fresh-nonce");
  EXPECT_EQ(out.scheme, SignatureScheme::V3);
  EXPECT_EQ(contracts::header_value(out.headers, "host"), "ebs.cn-hangzhou.aliyuncs.com");
  EXPECT_EQ(contracts::header_value(out.headers, "x-acs-signature-nonce"), "fresh-nonce");
  EXPECT_EQ(contracts::header_value(out.headers, "x-acs-security-token"), "real-token");
  EXPECT_EQ(contracts::header_value(out.headers, "cookie"), "");
  int authorizations = 0;
  for (const auto& [k, v] : out.headers) authorizations += contracts::iequals(k, "authorization");
  EXPECT_EQ(authorizations, 1);
  auto auth = contracts::parse_v3_authorization(contracts::header_value(out.headers, "authorization"));
  ASSERT_TRUE(auth);
  EXPECT_EQ(auth->access_key_id, "real-id");
  // Verify the way the mock does: the canonical request over what is sent.
  auto query = contracts::parse_urlencoded(out.target.substr(2)).value();
  EXPECT_TRUE(has(query, "ClientToken", "tok-1"));
  contracts::HeaderList sent;
  for (const auto& h : out.headers) {
    if (!contracts::iequals(h.first, "authorization")) sent.push_back(h);
  }
  contracts::V3Request v3{.method = "POST", .path = "/", .query = query, .headers = sent,
                          .payload_hash = contracts::v3_payload_hash(auth->algorithm, "").value()};
  auto expected = contracts::v3_signature(
      auth->algorithm, "real-secret",
      contracts::v3_string_to_sign(auth->algorithm, contracts::v3_canonical_request(v3, auth->signed_headers)));
  EXPECT_EQ(auth->signature, expected);
  EXPECT_NE(std::find(auth->signed_headers.begin(), auth->signed_headers.end(), "host"), auth->signed_headers.end());
}

}  // namespace
}  // namespace ebsmock::harness::record
