// signature_test.cpp: the crypto primitives and both signature schemes against every
// published vector (ebs-api.md §5.4/§5.5) and the real-SDK captures of sdk-wire.md §4/§5,
// which are replayed the way the server sees them: wire query/body decoded first.
// Single-threaded test code.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <algorithm>
#include <cctype>
#include <string>
#include <string_view>

#include "contracts/crypto.h"
#include "contracts/percent_encoding.h"
#include "contracts/signature_v1.h"
#include "contracts/signature_v3.h"

namespace ebsmock::contracts {
namespace {

constexpr std::string_view kEmptySha256 =
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

// ---------------------------------------------------------------------------------------
// A captured request, pasted verbatim from sdk-wire.md §4 (minus the ```http fences).

struct Capture {
  std::string method;
  std::string path;
  std::string raw_query;
  HeaderList headers;
  std::string body;

  std::string header(std::string_view name) const {
    for (const auto& [n, v] : headers) {
      if (n.size() == name.size() &&
          std::equal(n.begin(), n.end(), name.begin(), [](char a, char b) {
            return std::tolower(static_cast<unsigned char>(a)) ==
                   std::tolower(static_cast<unsigned char>(b));
          })) {
        return v;
      }
    }
    return {};
  }
};

Capture parse_capture(std::string_view raw) {
  Capture c;
  auto next_line = [&raw]() {
    const size_t nl = raw.find('\n');
    std::string_view line = raw.substr(0, nl);
    raw = nl == std::string_view::npos ? std::string_view{} : raw.substr(nl + 1);
    return line;
  };
  const std::string_view request_line = next_line();
  const size_t sp1 = request_line.find(' ');
  const size_t sp2 = request_line.rfind(' ');
  c.method = std::string(request_line.substr(0, sp1));
  const std::string_view target = request_line.substr(sp1 + 1, sp2 - sp1 - 1);
  const size_t q = target.find('?');
  c.path = std::string(target.substr(0, q));
  if (q != std::string_view::npos) c.raw_query = std::string(target.substr(q + 1));
  while (!raw.empty()) {
    const std::string_view line = next_line();
    if (line.empty()) break;
    const size_t colon = line.find(':');
    std::string_view value = line.substr(colon + 1);
    while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
    c.headers.emplace_back(std::string(line.substr(0, colon)), std::string(value));
  }
  c.body = std::string(raw);
  while (!c.body.empty() && c.body.back() == '\n') c.body.pop_back();
  return c;
}

// What a V1 verifier signs: query and form body decoded and merged (sdk-wire.md §5).
ParamList v1_params_of(const Capture& c) {
  auto params = parse_urlencoded(c.raw_query);
  EXPECT_TRUE(params.has_value());
  if (c.header("content-type") == "application/x-www-form-urlencoded") {
    auto body = parse_urlencoded(c.body);
    EXPECT_TRUE(body.has_value());
    params->insert(params->end(), body->begin(), body->end());
  }
  return *params;
}

std::string v1_signature_param(const ParamList& params) {
  for (const auto& [name, value] : params) {
    if (name == "Signature") return value;
  }
  return {};
}

V3Request v3_request_of(const Capture& c) {
  auto query = parse_urlencoded(c.raw_query);
  EXPECT_TRUE(query.has_value());
  return V3Request{.method = c.method,
                   .path = c.path,
                   .query = *query,
                   .headers = c.headers,
                   .payload_hash = crypto::sha256_hex(c.body)};
}

// Full server-side V3 verification of a capture; returns the recomputed signature.
std::string v3_recompute(const Capture& c, std::string_view secret) {
  const auto auth = parse_v3_authorization(c.header("Authorization"));
  EXPECT_TRUE(auth.has_value());
  if (!auth) return {};
  EXPECT_EQ(auth->access_key_id, "testid");
  const V3Request req = v3_request_of(c);
  EXPECT_EQ(req.payload_hash, c.header("x-acs-content-sha256"));
  const std::string canonical = v3_canonical_request(req, auth->signed_headers);
  const auto sig = v3_signature(auth->algorithm, secret,
                                v3_string_to_sign(auth->algorithm, canonical));
  EXPECT_TRUE(sig.has_value());
  EXPECT_EQ(sig.value_or(""), auth->signature);
  return sig.value_or("");
}

// ---------------------------------------------------------------------------------------
// Crypto primitives: standard known-answer tests.

TEST(CryptoTest, Sm3KnownAnswer) {
  // GB/T 32905-2016 appendix A example 1.
  EXPECT_EQ(crypto::sm3_hex("abc"),
            "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0");
}

TEST(CryptoTest, Sha256KnownAnswers) {
  EXPECT_EQ(crypto::sha256_hex(""), kEmptySha256);
  EXPECT_EQ(crypto::sha256_hex("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(CryptoTest, Md5KnownAnswers) {
  EXPECT_EQ(crypto::md5_hex(""), "d41d8cd98f00b204e9800998ecf8427e");
  EXPECT_EQ(crypto::md5_hex("abc"), "900150983cd24fb0d6963f7d28e17f72");
}

TEST(CryptoTest, HmacSha1Rfc2202Case2) {
  // Digest effcdf6ae5eb2fa2d27416d5f184df9c259a7c79, Base64-encoded.
  EXPECT_EQ(crypto::hmac_sha1_base64("Jefe", "what do ya want for nothing?"),
            "7/zfauXrL6LSdBbV8YTfnCWafHk=");
}

TEST(CryptoTest, HmacSha256Rfc4231Case2) {
  EXPECT_EQ(crypto::hmac_sha256_hex("Jefe", "what do ya want for nothing?"),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST(CryptoTest, APrecomputedKeyMacsAsTheOneShotHmac) {
  // Keys shorter than, as long as, and longer than SHA-256's 64-byte block (hashed first).
  for (const std::string key : {std::string(), std::string("Jefe"), std::string(64, 'k'), std::string(65, 'k'),
                                std::string(131, '\xaa')}) {
    const crypto::HmacSha256Key precomputed(key);
    for (const std::string data : {std::string(), std::string("what do ya want for nothing?"), std::string(200, 'd')}) {
      const std::string expected = crypto::hmac_sha256_hex(key, data);
      EXPECT_EQ(precomputed.hex(data), expected) << key.size() << " " << data.size();
      EXPECT_TRUE(precomputed.hex_equals(data, expected));
      std::string other_digit = expected;
      other_digit.back() = other_digit.back() == '0' ? '1' : '0';
      std::string upper = expected;
      for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      for (const std::string& wrong : {other_digit, upper, expected.substr(0, 63), expected + "0", std::string()}) {
        EXPECT_FALSE(precomputed.hex_equals(data, wrong)) << wrong;
      }
    }
  }
}

TEST(CryptoTest, Sha256HexAppendsAfterWhatIsThere) {
  std::string out = "ACS3-HMAC-SHA256\n";
  crypto::append_sha256_hex(out, "abc");
  EXPECT_EQ(out, "ACS3-HMAC-SHA256\nba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(CryptoTest, HmacAcceptsEmptyKeyAndData) {
  // RFC-independent well-known value: HMAC-SHA256 with empty key over empty message.
  EXPECT_EQ(crypto::hmac_sha256_hex("", ""),
            "b613679a0814d9ec772f95d778c35fc5ff1697c493715653c6c712144292c5ad");
  EXPECT_EQ(crypto::hmac_sm3_hex("", "").size(), 64u);
}

TEST(CryptoTest, HmacSm3IsDeterministicAndKeyed) {
  const std::string a = crypto::hmac_sm3_hex("key", "data");
  EXPECT_EQ(a.size(), 64u);
  EXPECT_EQ(a.find_first_not_of("0123456789abcdef"), std::string::npos);
  EXPECT_EQ(a, crypto::hmac_sm3_hex("key", "data"));
  EXPECT_NE(a, crypto::hmac_sm3_hex("key2", "data"));
  EXPECT_NE(a, crypto::hmac_sha256_hex("key", "data"));
}

TEST(CryptoTest, Base64Rfc4648Vectors) {
  EXPECT_EQ(crypto::base64_encode(""), "");
  EXPECT_EQ(crypto::base64_encode("f"), "Zg==");
  EXPECT_EQ(crypto::base64_encode("fo"), "Zm8=");
  EXPECT_EQ(crypto::base64_encode("foo"), "Zm9v");
  EXPECT_EQ(crypto::base64_encode("foob"), "Zm9vYg==");
  EXPECT_EQ(crypto::base64_encode("fooba"), "Zm9vYmE=");
  EXPECT_EQ(crypto::base64_encode("foobar"), "Zm9vYmFy");
  EXPECT_EQ(crypto::base64_encode(std::string("\0\xff", 2)), "AP8=");
}

// ---------------------------------------------------------------------------------------
// V1: published vectors (ebs-api.md §5.4).

TEST(SignatureV1Test, EcsDocumentationVector) {
  // Deliberately not in sorted order: sorting is part of what is tested.
  const ParamList params = {{"Version", "2014-05-26"},
                            {"Timestamp", "2016-02-23T12:46:24Z"},
                            {"Action", "DescribeRegions"},
                            {"SignatureVersion", "1.0"},
                            {"Format", "XML"},
                            {"SignatureNonce", "3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf"},
                            {"SignatureMethod", "HMAC-SHA1"},
                            {"AccessKeyId", "testid"}};
  const std::string sts = v1_string_to_sign("GET", params);
  EXPECT_EQ(sts,
            "GET&%2F&AccessKeyId%3Dtestid%26Action%3DDescribeRegions%26Format%3DXML%26"
            "SignatureMethod%3DHMAC-SHA1%26SignatureNonce%3D3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf"
            "%26SignatureVersion%3D1.0%26Timestamp%3D2016-02-23T12%253A46%253A24Z%26Version%3D"
            "2014-05-26");
  const std::string sig = v1_signature("testsecret", sts);
  EXPECT_EQ(sig, "OLeaidS1JvxuMvnyHOwuJ+uX5qY=");
  EXPECT_EQ(percent_encode(sig), "OLeaidS1JvxuMvnyHOwuJ%2BuX5qY%3D");
}

TEST(SignatureV1Test, TeaRpcServiceTestVectorWithEmptyMethod) {
  const ParamList params = {{"test", "ok"}};
  const std::string sts = v1_string_to_sign("", params);
  EXPECT_EQ(sts, "&%2F&test%3Dok");
  EXPECT_EQ(v1_signature("accessKeySecret", sts), "jHx/oHoHNrbVfhncHEvPdHXZwHU=");
}

TEST(SignatureV1Test, EbsDerivedPostVector) {
  const ParamList params = {{"Tag.1.Value", "a b*~"},
                            {"AccessKeyId", "testid"},
                            {"Action", "DescribeDiskReplicaPairs"},
                            {"Format", "JSON"},
                            {"PairIds", "pair-cn-abc,pair-cn-def"},
                            {"RegionId", "cn-hangzhou"},
                            {"SignatureMethod", "HMAC-SHA1"},
                            {"SignatureNonce", "3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf"},
                            {"SignatureVersion", "1.0"},
                            {"Tag.1.Key", "env"},
                            {"Timestamp", "2024-01-01T00:00:00Z"},
                            {"Version", "2021-07-30"}};
  const std::string sts = v1_string_to_sign("POST", params);
  EXPECT_EQ(sts,
            "POST&%2F&AccessKeyId%3Dtestid%26Action%3DDescribeDiskReplicaPairs%26Format%3DJSON"
            "%26PairIds%3Dpair-cn-abc%252Cpair-cn-def%26RegionId%3Dcn-hangzhou%26"
            "SignatureMethod%3DHMAC-SHA1%26SignatureNonce%3D3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf"
            "%26SignatureVersion%3D1.0%26Tag.1.Key%3Denv%26Tag.1.Value%3Da%2520b%252A~%26"
            "Timestamp%3D2024-01-01T00%253A00%253A00Z%26Version%3D2021-07-30");
  EXPECT_EQ(v1_signature("testsecret", sts), "SaRUaTwFghEb6aZqkaqnx86pDcE=");
}

TEST(SignatureV1Test, SignatureParamIsExcludedAndOthersAreNot) {
  const ParamList without = {{"a", "1"}, {"b", ""}};
  ParamList with = without;
  with.emplace_back("Signature", "whatever");
  EXPECT_EQ(v1_canonicalized_query(with), v1_canonicalized_query(without));
  EXPECT_EQ(v1_canonicalized_query(without), "a=1&b=");
  // Case matters: only the exact name "Signature" is the signature.
  with.emplace_back("signature", "x");
  EXPECT_EQ(v1_canonicalized_query(with), "a=1&b=&signature=x");
}

TEST(SignatureV1Test, SortIsByteOrderOnRawNames) {
  // Upper case sorts before lower case; '.' (0x2E) before digits; é (0xC3…) last.
  const ParamList params = {{"b", "1"}, {"B", "2"}, {"a.1", "3"}, {"a1", "4"}, {"é", "5"}};
  EXPECT_EQ(v1_canonicalized_query(params), "B=2&a.1=3&a1=4&b=1&%C3%A9=5");
}

TEST(SignatureV1Test, EmptyParamsGiveBareStringToSign) {
  EXPECT_EQ(v1_canonicalized_query({}), "");
  EXPECT_EQ(v1_string_to_sign("POST", {}), "POST&%2F&");
}

// ---------------------------------------------------------------------------------------
// V1: real-SDK captures (sdk-wire.md §4), verified as a server would.

TEST(SignatureV1CaptureTest, PopCorePostFormBody) {
  const Capture c = parse_capture(R"(POST / HTTP/1.1
x-sdk-client: Node.js(v20.20.2), @alicloud/pop-core: 1.8.0
user-agent: AlibabaCloud (linux; x64) Node.js/v20.20.2 Core/1.8.0
x-acs-action: StopDiskReplicaPair
x-acs-version: 2021-07-30
content-type: application/x-www-form-urlencoded
Host: 127.0.0.1:39269
Connection: keep-alive
Content-Length: 330

AccessKeyId=testid&Action=StopDiskReplicaPair&ClientToken=tok-plain-0001&Format=JSON&RegionId=cn-hangzhou&ReplicaPairId=pair-cn-abc123&SignatureMethod=HMAC-SHA1&SignatureNonce=8426fc8b77710146881d81ff58621119&SignatureVersion=1.0&Timestamp=2026-11-23T23%3A06%3A29Z&Version=2021-07-30&Signature=afg08iGzfHPR%2Bt%2BlR6QL%2BgzDBmg%3D
)");
  EXPECT_EQ(c.body.size(), 330u);
  const ParamList params = v1_params_of(c);
  EXPECT_EQ(v1_signature_param(params), "afg08iGzfHPR+t+lR6QL+gzDBmg=");
  EXPECT_EQ(v1_signature("testsecret", v1_string_to_sign(c.method, params)),
            "afg08iGzfHPR+t+lR6QL+gzDBmg=");
}

TEST(SignatureV1CaptureTest, PopCoreGetQuery) {
  const Capture c = parse_capture(R"(GET /?AccessKeyId=testid&Action=StopDiskReplicaPair&ClientToken=tok-plain-0001&Format=JSON&RegionId=cn-hangzhou&ReplicaPairId=pair-cn-abc123&SignatureMethod=HMAC-SHA1&SignatureNonce=c4a558bf20c9794fde415f4f88ff6c09&SignatureVersion=1.0&Timestamp=2026-11-23T23%3A06%3A30Z&Version=2021-07-30&Signature=qC6YnFkDFuizIcYFmGCFYXRWT9M%3D HTTP/1.1
x-sdk-client: Node.js(v20.20.2), @alicloud/pop-core: 1.8.0
user-agent: AlibabaCloud (linux; x64) Node.js/v20.20.2 Core/1.8.0
x-acs-action: StopDiskReplicaPair
x-acs-version: 2021-07-30
Host: 127.0.0.1:41329
Connection: keep-alive

)");
  const ParamList params = v1_params_of(c);
  EXPECT_EQ(v1_signature_param(params), "qC6YnFkDFuizIcYFmGCFYXRWT9M=");
  EXPECT_EQ(v1_signature("testsecret", v1_string_to_sign(c.method, params)),
            "qC6YnFkDFuizIcYFmGCFYXRWT9M=");
}

TEST(SignatureV1CaptureTest, OpenapiClientV2UnsortedQueryOnPost) {
  const Capture c = parse_capture(R"(POST /?Action=StopDiskReplicaPair&Format=json&Version=2021-07-30&Timestamp=2026-11-23T23%3A06%3A34Z&SignatureNonce=eae3f75cb38d1e5cf07f5d8fc7ec7bb7&RegionId=cn-hangzhou&ReplicaPairId=pair-cn-abc123&ClientToken=tok-plain-0001&SignatureMethod=HMAC-SHA1&SignatureVersion=1.0&AccessKeyId=testid&Signature=8PzQZ%2B%2Bru7uG3GwzITzqXrRIHww%3D HTTP/1.1
host: 127.0.0.1:44571
x-acs-version: 2021-07-30
x-acs-action: StopDiskReplicaPair
user-agent: AlibabaCloud (linux; x64) Node.js/v20.20.2 Core/1.0.1 TeaDSL/1
x-acs-credentials-provider: static_ak
Connection: keep-alive
Content-Length: 0

)");
  const ParamList params = v1_params_of(c);
  EXPECT_EQ(v1_signature_param(params), "8PzQZ++ru7uG3GwzITzqXrRIHww=");
  EXPECT_EQ(v1_signature("testsecret", v1_string_to_sign(c.method, params)),
            "8PzQZ++ru7uG3GwzITzqXrRIHww=");
}

TEST(SignatureV1CaptureTest, OpenapiCoreV2UnsortedQueryOnPost) {
  const Capture c = parse_capture(R"(POST /?Action=StopDiskReplicaPair&Format=json&Version=2021-07-30&Timestamp=2026-11-23T23%3A06%3A42Z&SignatureNonce=75dddd5e14c5f602ff9498dc6b7acce997d9f1402a5501011468426cb68b40bd&RegionId=cn-hangzhou&ReplicaPairId=pair-cn-abc123&ClientToken=tok-plain-0001&SignatureMethod=HMAC-SHA1&SignatureVersion=1.0&AccessKeyId=testid&Signature=S%2FjnypKaukk%2FgLmGfIx84c1TKb4%3D HTTP/1.1
host: 127.0.0.1:33303
x-acs-version: 2021-07-30
x-acs-action: StopDiskReplicaPair
user-agent: AlibabaCloud (linux; x64) Node.js/v20.20.2 Core/1.0.1 TeaDSL/2
x-acs-credentials-provider: static_ak
Connection: keep-alive
Content-Length: 0

)");
  const ParamList params = v1_params_of(c);
  EXPECT_EQ(v1_signature_param(params), "S/jnypKaukk/gLmGfIx84c1TKb4=");
  EXPECT_EQ(v1_signature("testsecret", v1_string_to_sign(c.method, params)),
            "S/jnypKaukk/gLmGfIx84c1TKb4=");
}

TEST(SignatureV1CaptureTest, PopCoreEdgeCaseValueAndRepeatList) {
  const Capture c = parse_capture(R"(POST / HTTP/1.1
x-sdk-client: Node.js(v20.20.2), @alicloud/pop-core: 1.8.0
user-agent: AlibabaCloud (linux; x64) Node.js/v20.20.2 Core/1.8.0
x-acs-action: StopDiskReplicaPair
x-acs-version: 2021-07-30
content-type: application/x-www-form-urlencoded
Host: 127.0.0.1:40501
Connection: keep-alive
Content-Length: 482

AccessKeyId=testid&Action=StopDiskReplicaPair&ClientToken=tok-edge-0001&Description=a%20b%2Ac~d%2Fe%2Bf%21g%27h%28i%29j%3Dk%26l%25m%20%C3%A9%E4%B8%AD%F0%9F%98%80&Format=JSON&RegionId=cn-hangzhou&ReplicaPairId=pair-cn-abc123&SignatureMethod=HMAC-SHA1&SignatureNonce=8a5645d776074ced9decdb80bd92fdb7&SignatureVersion=1.0&Tag.1.Key=k%201&Tag.1.Value=v%2A~%2F%C3%A9&Tag.2.Key=k2&Tag.2.Value=&Timestamp=2026-11-23T23%3A06%3A30Z&Version=2021-07-30&Signature=cRYGUGH4a1LSzpIyI4OmVVi13SU%3D
)");
  EXPECT_EQ(c.body.size(), 482u);
  const ParamList params = v1_params_of(c);
  const std::string sts = v1_string_to_sign(c.method, params);
  EXPECT_EQ(sts,
            "POST&%2F&AccessKeyId%3Dtestid%26Action%3DStopDiskReplicaPair%26ClientToken%3D"
            "tok-edge-0001%26Description%3Da%2520b%252Ac~d%252Fe%252Bf%2521g%2527h%2528i%2529j"
            "%253Dk%2526l%2525m%2520%25C3%25A9%25E4%25B8%25AD%25F0%259F%2598%2580%26Format%3D"
            "JSON%26RegionId%3Dcn-hangzhou%26ReplicaPairId%3Dpair-cn-abc123%26SignatureMethod"
            "%3DHMAC-SHA1%26SignatureNonce%3D8a5645d776074ced9decdb80bd92fdb7%26"
            "SignatureVersion%3D1.0%26Tag.1.Key%3Dk%25201%26Tag.1.Value%3Dv%252A~%252F%25C3"
            "%25A9%26Tag.2.Key%3Dk2%26Tag.2.Value%3D%26Timestamp%3D2026-11-23T23%253A06%253A30Z"
            "%26Version%3D2021-07-30");
  EXPECT_EQ(v1_signature("testsecret", sts), "cRYGUGH4a1LSzpIyI4OmVVi13SU=");
}

TEST(SignatureV1CaptureTest, TamperedCaptureNoLongerVerifies) {
  const ParamList params = {{"AccessKeyId", "testid"}, {"RegionId", "cn-hangzhou"}};
  ParamList tampered = params;
  tampered[1].second = "cn-shanghai";
  const std::string good = v1_signature("testsecret", v1_string_to_sign("POST", params));
  EXPECT_NE(good, v1_signature("testsecret", v1_string_to_sign("POST", tampered)));
  EXPECT_NE(good, v1_signature("testsecret", v1_string_to_sign("GET", params)));
  EXPECT_NE(good, v1_signature("othersecret", v1_string_to_sign("POST", params)));
}

// ---------------------------------------------------------------------------------------
// V3: published vectors (ebs-api.md §5.5).

TEST(SignatureV3Test, RunInstancesDocumentationVector) {
  const V3Request req{
      .method = "POST",
      .path = "/",
      .query = {{"ImageId", "win2019_1809_x64_dtc_zh-cn_40G_alibase_20230811.vhd"},
                {"RegionId", "cn-shanghai"}},
      .headers = {{"host", "ecs.cn-shanghai.aliyuncs.com"},
                  {"x-acs-action", "RunInstances"},
                  {"x-acs-version", "2014-05-26"},
                  {"x-acs-date", "2023-10-26T09:01:01Z"},
                  {"x-acs-signature-nonce", "d410180a5abf7fe235dd9b74aca91fc0"},
                  {"x-acs-content-sha256", std::string(kEmptySha256)}},
      .payload_hash = std::string(kEmptySha256)};
  const auto signed_headers = v3_headers_to_sign(req.headers);
  const std::string sts =
      v3_string_to_sign(kAcs3HmacSha256, v3_canonical_request(req, signed_headers));
  EXPECT_EQ(v3_signature(kAcs3HmacSha256, "YourAccessKeySecret", sts),
            "e521358f7776c97df52e6b2891a8bc73026794a071b50c3323388c4e0df64804");
}

TEST(SignatureV3Test, OpenapiClientTestVectorRepeatedHeaderEmptyMethodAndPath) {
  const V3Request req{
      .method = "",
      .path = "",
      .query = {{"test", "ok"}, {"empty", ""}},
      .headers = {{"x-acs-test", "http"}, {"x-acs-TEST", "https"}},
      .payload_hash = "55e12e91650d2fec56ec74e1d3e4ddbfce2ef3a65890c2a19ecf88a307e76a23"};
  const auto signed_headers = v3_headers_to_sign(req.headers);
  ASSERT_EQ(signed_headers, std::vector<std::string>{"x-acs-test"});
  const std::string canonical = v3_canonical_request(req, signed_headers);
  EXPECT_EQ(canonical,
            "\n/\nempty=&test=ok\nx-acs-test:http,https\n\nx-acs-test\n"
            "55e12e91650d2fec56ec74e1d3e4ddbfce2ef3a65890c2a19ecf88a307e76a23");
  const auto sig = v3_signature(kAcs3HmacSha256, "secret",
                                v3_string_to_sign(kAcs3HmacSha256, canonical));
  ASSERT_TRUE(sig.has_value());
  EXPECT_EQ(v3_authorization(kAcs3HmacSha256, "acesskey", signed_headers, *sig),
            "ACS3-HMAC-SHA256 Credential=acesskey,SignedHeaders=x-acs-test,Signature="
            "4ab59fffe3c5738ff8a2729f90cc04fe18b02a4b15b2102cbaf92f9ff3df2ea3");
}

TEST(SignatureV3Test, EbsDerivedVector) {
  const V3Request req{
      .method = "POST",
      .path = "/",
      .query = {{"ClientToken", "123e4567-e89b-12d3-a456-426655440000"},
                {"RegionId", "cn-hangzhou"},
                {"ReplicaPairId", "pair-cn-abc"}},
      .headers = {{"host", "ebs.cn-hangzhou.aliyuncs.com"},
                  {"x-acs-action", "StopDiskReplicaPair"},
                  {"x-acs-version", "2021-07-30"},
                  {"x-acs-date", "2024-01-01T00:00:00Z"},
                  {"x-acs-signature-nonce", "d410180a5abf7fe235dd9b74aca91fc0"},
                  {"x-acs-content-sha256", std::string(kEmptySha256)}},
      .payload_hash = *v3_payload_hash(kAcs3HmacSha256, "")};
  const std::string canonical = v3_canonical_request(req, v3_headers_to_sign(req.headers));
  const std::string sts = v3_string_to_sign(kAcs3HmacSha256, canonical);
  EXPECT_EQ(sts,
            "ACS3-HMAC-SHA256\n"
            "d9973934e6fe177551b812c1753f7c66c4d373bbb9f24a30d7d395f06b261ebf");
  EXPECT_EQ(v3_signature(kAcs3HmacSha256, "testsecret", sts),
            "48621c5a7b647cf8a9fcdfdafd9cacbd1a4aa74303183b8d6c09839f4c0bd67e");
}

// ---------------------------------------------------------------------------------------
// V3: real-SDK captures (sdk-wire.md §4/§5), verified as a server would.

TEST(SignatureV3CaptureTest, OpenapiClientDefault) {
  const Capture c = parse_capture(R"(POST /?RegionId=cn-hangzhou&ReplicaPairId=pair-cn-abc123&ClientToken=tok-plain-0001 HTTP/1.1
host: 127.0.0.1:33193
x-acs-version: 2021-07-30
x-acs-action: StopDiskReplicaPair
user-agent: AlibabaCloud (linux; x64) Node.js/v20.20.2 Core/1.0.1 TeaDSL/1
x-acs-date: 2026-11-23T23:06:31Z
x-acs-signature-nonce: 42a6424ff095f6e59ae982c3324c578f
accept: application/json
x-acs-content-sha256: e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855
x-acs-credentials-provider: static_ak
Authorization: ACS3-HMAC-SHA256 Credential=testid,SignedHeaders=host;x-acs-action;x-acs-content-sha256;x-acs-credentials-provider;x-acs-date;x-acs-signature-nonce;x-acs-version,Signature=e464d21be31bb76883c3953b29f87a182fa9ab75afbc7cce0a923f64232b2960
Connection: keep-alive
Content-Length: 0

)");
  EXPECT_EQ(v3_recompute(c, "testsecret"),
            "e464d21be31bb76883c3953b29f87a182fa9ab75afbc7cce0a923f64232b2960");
  // The SDK signs exactly what a client-side signer would choose to sign.
  EXPECT_EQ(v3_headers_to_sign(c.headers),
            parse_v3_authorization(c.header("Authorization"))->signed_headers);
}

TEST(SignatureV3CaptureTest, OpenapiCoreDefault) {
  const Capture c = parse_capture(R"(POST /?RegionId=cn-hangzhou&ReplicaPairId=pair-cn-abc123&ClientToken=tok-plain-0001 HTTP/1.1
host: 127.0.0.1:39819
x-acs-version: 2021-07-30
x-acs-action: StopDiskReplicaPair
user-agent: AlibabaCloud (linux; x64) Node.js/v20.20.2 Core/1.0.1 TeaDSL/2
x-acs-date: 2026-11-23T23:06:39Z
x-acs-signature-nonce: 9d27275cb3c6e77bf38493c51ad98084f80ab573f3f6544c66de8f6776b4334a
accept: application/json
x-acs-content-sha256: e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855
x-acs-credentials-provider: static_ak
Authorization: ACS3-HMAC-SHA256 Credential=testid,SignedHeaders=host;x-acs-action;x-acs-content-sha256;x-acs-credentials-provider;x-acs-date;x-acs-signature-nonce;x-acs-version,Signature=da5032a7e122983f3205d214085ecb8efffad27ddcfc4394b98d676053ff1f00
Connection: keep-alive
Content-Length: 0

)");
  EXPECT_EQ(v3_recompute(c, "testsecret"),
            "da5032a7e122983f3205d214085ecb8efffad27ddcfc4394b98d676053ff1f00");
}

TEST(SignatureV3CaptureTest, OpenapiCoreEdgeCaseCanonicalRequest) {
  const Capture c = parse_capture(R"(POST /?RegionId=cn-hangzhou&ReplicaPairId=pair-cn-abc123&ClientToken=tok-edge-0001&Description=a%20b*c~d%2Fe%2Bf!g%27h(i)j%3Dk%26l%25m%20%C3%A9%E4%B8%AD%F0%9F%98%80&Tag.1.Key=k%201&Tag.1.Value=v*~%2F%C3%A9&Tag.2.Key=k2&Tag.2.Value= HTTP/1.1
host: 127.0.0.1:34181
x-acs-version: 2021-07-30
x-acs-action: StopDiskReplicaPair
user-agent: AlibabaCloud (linux; x64) Node.js/v20.20.2 Core/1.0.1 TeaDSL/2
x-acs-date: 2026-11-23T23:06:40Z
x-acs-signature-nonce: b5b116092589cd29fd76ef2044bc4afa52696dfaa4bd203acf2c9c894da16263
accept: application/json
x-acs-content-sha256: e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855
x-acs-credentials-provider: static_ak
Authorization: ACS3-HMAC-SHA256 Credential=testid,SignedHeaders=host;x-acs-action;x-acs-content-sha256;x-acs-credentials-provider;x-acs-date;x-acs-signature-nonce;x-acs-version,Signature=39aaef516a43738da3ef365da1c6dd3b29f14baf666b77068ee80163f3f59790
Connection: keep-alive
Content-Length: 0

)");
  const auto auth = parse_v3_authorization(c.header("Authorization"));
  ASSERT_TRUE(auth.has_value());
  EXPECT_EQ(v3_canonical_request(v3_request_of(c), auth->signed_headers),
            "POST\n"
            "/\n"
            "ClientToken=tok-edge-0001&Description=a%20b%2Ac~d%2Fe%2Bf%21g%27h%28i%29j%3Dk%26l"
            "%25m%20%C3%A9%E4%B8%AD%F0%9F%98%80&RegionId=cn-hangzhou&ReplicaPairId="
            "pair-cn-abc123&Tag.1.Key=k%201&Tag.1.Value=v%2A~%2F%C3%A9&Tag.2.Key=k2&"
            "Tag.2.Value=\n"
            "host:127.0.0.1:34181\n"
            "x-acs-action:StopDiskReplicaPair\n"
            "x-acs-content-sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\n"
            "x-acs-credentials-provider:static_ak\n"
            "x-acs-date:2026-11-23T23:06:40Z\n"
            "x-acs-signature-nonce:b5b116092589cd29fd76ef2044bc4afa52696dfaa4bd203acf2c9c894da16263\n"
            "x-acs-version:2021-07-30\n"
            "\n"
            "host;x-acs-action;x-acs-content-sha256;x-acs-credentials-provider;x-acs-date;"
            "x-acs-signature-nonce;x-acs-version\n"
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(v3_recompute(c, "testsecret"),
            "39aaef516a43738da3ef365da1c6dd3b29f14baf666b77068ee80163f3f59790");
}

TEST(SignatureV3CaptureTest, OpenapiClientFormBodySignsRawBodyHash) {
  // Body as de-chunked by the server; its params are covered only by the payload hash of
  // the raw bytes (literal * ~ ! ' ( ) included), never by the canonical query.
  const Capture c = parse_capture(R"(POST / HTTP/1.1
host: 127.0.0.1:36229
x-acs-version: 2021-07-30
x-acs-action: StopDiskReplicaPair
user-agent: AlibabaCloud (linux; x64) Node.js/v20.20.2 Core/1.0.1 TeaDSL/1
x-acs-date: 2026-11-23T23:06:33Z
x-acs-signature-nonce: 03882581824ee2d5b3eeb65f512638e1
accept: application/json
content-type: application/x-www-form-urlencoded
x-acs-content-sha256: 7afa1d706aeea7c6863324e7e05a6bfb114f58a932abc37ca0e726f57c57fec3
x-acs-credentials-provider: static_ak
Authorization: ACS3-HMAC-SHA256 Credential=testid,SignedHeaders=content-type;host;x-acs-action;x-acs-content-sha256;x-acs-credentials-provider;x-acs-date;x-acs-signature-nonce;x-acs-version,Signature=030493a046f3b03733b3cecb19b655a40b30c378f7601b6d193244aa1a8ce24d
Connection: keep-alive
Transfer-Encoding: chunked

RegionId=cn-hangzhou&ReplicaPairId=pair-cn-abc123&ClientToken=tok-body-0001&Description=a%20b*c~d%2Fe%2Bf!g'h(i)j%3Dk%26l%25m%20%C3%A9%E4%B8%AD%F0%9F%98%80
)");
  EXPECT_EQ(*v3_payload_hash(kAcs3HmacSha256, c.body),
            "7afa1d706aeea7c6863324e7e05a6bfb114f58a932abc37ca0e726f57c57fec3");
  EXPECT_EQ(v3_recompute(c, "testsecret"),
            "030493a046f3b03733b3cecb19b655a40b30c378f7601b6d193244aa1a8ce24d");
  // The server still decodes the body to dispatch on it.
  const auto body = parse_urlencoded(c.body);
  ASSERT_TRUE(body.has_value());
  ASSERT_EQ(body->size(), 4u);
  EXPECT_EQ((*body)[3].second, "a b*c~d/e+f!g'h(i)j=k&l%m é中😀");
}

TEST(SignatureV3CaptureTest, ReplayedCaptureFailsWhenAnySignedPartChanges) {
  const Capture original = parse_capture(R"(POST /?RegionId=cn-hangzhou&ReplicaPairId=pair-cn-abc123&ClientToken=tok-plain-0001 HTTP/1.1
host: 127.0.0.1:39819
x-acs-version: 2021-07-30
x-acs-action: StopDiskReplicaPair
x-acs-date: 2026-11-23T23:06:39Z
x-acs-signature-nonce: 9d27275cb3c6e77bf38493c51ad98084f80ab573f3f6544c66de8f6776b4334a
x-acs-content-sha256: e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855
x-acs-credentials-provider: static_ak

)");
  const std::vector<std::string> signed_headers = v3_headers_to_sign(original.headers);
  auto sign = [&](const V3Request& req) {
    return *v3_signature(kAcs3HmacSha256, "testsecret",
                         v3_string_to_sign(kAcs3HmacSha256,
                                           v3_canonical_request(req, signed_headers)));
  };
  const V3Request base = v3_request_of(original);
  EXPECT_EQ(sign(base), "da5032a7e122983f3205d214085ecb8efffad27ddcfc4394b98d676053ff1f00");

  V3Request other_host = base;
  other_host.headers[0].second = "127.0.0.1:39820";  // a proxy rewriting Host breaks V3
  EXPECT_NE(sign(other_host), sign(base));
  V3Request other_query = base;
  other_query.query[0].second = "cn-shanghai";
  EXPECT_NE(sign(other_query), sign(base));
  V3Request other_body = base;
  other_body.payload_hash = crypto::sha256_hex("x");
  EXPECT_NE(sign(other_body), sign(base));
  // Unsigned headers may change freely.
  V3Request extra_header = base;
  extra_header.headers.emplace_back("user-agent", "something else");
  EXPECT_EQ(sign(extra_header), sign(base));
}

// ---------------------------------------------------------------------------------------
// V3 building blocks.

TEST(SignatureV3Test, CanonicalQueryEncodesValuesSortsAndKeepsEmpty) {
  EXPECT_EQ(v3_canonical_query({}), "");
  EXPECT_EQ(v3_canonical_query({{"b", "x y*~"}, {"a", ""}, {"B", "+"}}),
            "B=%2B&a=&b=x%20y%2A~");
}

TEST(SignatureV3Test, CanonicalRequestTrimsAndLowercasesHeadersAndDefaultsPath) {
  const V3Request req{.method = "GET",
                      .path = "",
                      .query = {},
                      .headers = {{"Host", "  example.com\t"},
                                  {"X-ACS-Date", " 2024-01-01T00:00:00Z "},
                                  {"Content-Type", "application/json; charset=utf-8"}},
                      .payload_hash = std::string(kEmptySha256)};
  EXPECT_EQ(v3_canonical_request(req, {"X-Acs-Date", "host", "content-type", "host"}),
            "GET\n/\n\n"
            "content-type:application/json; charset=utf-8\n"
            "host:example.com\n"
            "x-acs-date:2024-01-01T00:00:00Z\n"
            "\n"
            "content-type;host;x-acs-date\n" +
                std::string(kEmptySha256));
}

TEST(SignatureV3Test, MissingSignedHeaderGivesEmptyLine) {
  const V3Request req{.method = "POST", .path = "/", .payload_hash = "h"};
  EXPECT_EQ(v3_canonical_request(req, {"x-acs-date"}), "POST\n/\n\nx-acs-date:\n\nx-acs-date\nh");
}

TEST(SignatureV3Test, HeadersToSignPicksHostContentTypeAndXAcs) {
  const HeaderList headers = {{"Host", "h"},           {"Content-Type", "t"},
                              {"X-Acs-Date", "d"},     {"x-acs-date", "again"},
                              {"Authorization", "a"},  {"accept", "application/json"},
                              {"user-agent", "ua"},    {"x-acsfoo", "no"},
                              {"x-acs-retry-count", "1"}};
  EXPECT_EQ(v3_headers_to_sign(headers),
            (std::vector<std::string>{"content-type", "host", "x-acs-date", "x-acs-retry-count"}));
}

TEST(SignatureV3Test, UnknownAlgorithmIsRejected) {
  EXPECT_EQ(v3_signature("ACS3-HMAC-MD5", "s", "x"), std::nullopt);
  EXPECT_EQ(v3_signature("acs3-hmac-sha256", "s", "x"), std::nullopt);
  EXPECT_EQ(v3_payload_hash("ACS3-RSA-SHA256", ""), std::nullopt);
}

TEST(SignatureV3Test, Sm3AlgorithmUsesSm3Throughout) {
  EXPECT_EQ(v3_payload_hash(kAcs3HmacSm3, "abc"),
            "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0");
  EXPECT_EQ(v3_string_to_sign(kAcs3HmacSm3, "abc"),
            "ACS3-HMAC-SM3\n66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0");
  EXPECT_EQ(v3_string_to_sign(kAcs3HmacSha256, "abc"),
            "ACS3-HMAC-SHA256\nba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(v3_signature(kAcs3HmacSm3, "k", "d"), crypto::hmac_sm3_hex("k", "d"));
  // No '&' suffix on the key in V3.
  EXPECT_EQ(v3_signature(kAcs3HmacSha256, "k", "d"), crypto::hmac_sha256_hex("k", "d"));
}

// ---------------------------------------------------------------------------------------
// Authorization header parsing.

TEST(ParseV3AuthorizationTest, ParsesSdkHeader) {
  const auto auth = parse_v3_authorization(
      "ACS3-HMAC-SHA256 Credential=testid,SignedHeaders=host;x-acs-action;X-Acs-Date,"
      "Signature=e464d21be31bb76883c3953b29f87a182fa9ab75afbc7cce0a923f64232b2960");
  ASSERT_TRUE(auth.has_value());
  EXPECT_EQ(auth->algorithm, "ACS3-HMAC-SHA256");
  EXPECT_EQ(auth->access_key_id, "testid");
  EXPECT_EQ(auth->signed_headers,
            (std::vector<std::string>{"host", "x-acs-action", "x-acs-date"}));
  EXPECT_EQ(auth->signature, "e464d21be31bb76883c3953b29f87a182fa9ab75afbc7cce0a923f64232b2960");
}

TEST(ParseV3AuthorizationTest, TheViewKeepsNamesAsSentAndSignsTheSameCanonicalRequest) {
  // The verifier parses views (no copies) and lowers names only in the canonical request;
  // what it signs must be what the owned, lower-cased form signs.
  const std::string header =
      "ACS3-HMAC-SHA256 Credential=testid,SignedHeaders=host;X-Acs-Date;x-acs-action,Signature=abc";
  const auto view = parse_v3_authorization_view(header);
  const auto owned = parse_v3_authorization(header);
  ASSERT_TRUE(view.has_value());
  ASSERT_TRUE(owned.has_value());
  EXPECT_EQ(view->algorithm, "ACS3-HMAC-SHA256");
  EXPECT_EQ(view->access_key_id, "testid");
  EXPECT_EQ(view->signed_headers, (std::vector<std::string_view>{"host", "X-Acs-Date", "x-acs-action"}));
  EXPECT_EQ(view->signature, "abc");
  const HeaderList headers{{"Host", "ecs.aliyuncs.com"}, {"x-acs-date", "2026-12-05T00:00:00Z"},
                           {"X-ACS-Action", "StopDiskReplicaPair"}};
  const ParamList query{{"RegionId", "cn-hangzhou"}};
  const std::string canonical =
      v3_canonical_request("POST", "/", query, headers, "e3b0", view->signed_headers);
  EXPECT_EQ(canonical, v3_canonical_request(V3Request{"POST", "/", query, headers, "e3b0"}, owned->signed_headers));
  EXPECT_NE(canonical.find("\nhost;x-acs-action;x-acs-date\n"), std::string::npos) << canonical;
}

TEST(ParseV3AuthorizationTest, ToleratesSpacesAfterCommasAndAroundValue) {
  const auto auth = parse_v3_authorization(
      "  ACS3-HMAC-SM3  Credential=ak, SignedHeaders=host,  Signature=abc  ");
  ASSERT_TRUE(auth.has_value());
  EXPECT_EQ(auth->algorithm, "ACS3-HMAC-SM3");
  EXPECT_EQ(auth->access_key_id, "ak");
  EXPECT_EQ(auth->signed_headers, std::vector<std::string>{"host"});
  EXPECT_EQ(auth->signature, "abc");
}

TEST(ParseV3AuthorizationTest, FieldOrderDoesNotMatter) {
  const auto auth =
      parse_v3_authorization("ACS3-HMAC-SHA256 Signature=abc,SignedHeaders=host,Credential=ak");
  ASSERT_TRUE(auth.has_value());
  EXPECT_EQ(auth->access_key_id, "ak");
  EXPECT_EQ(auth->signature, "abc");
}

TEST(ParseV3AuthorizationTest, RejectsMalformedHeaders) {
  for (const char* bad : {
           "",
           "ACS3-HMAC-SHA256",
           "ACS3-HMAC-SHA256 ",
           "Credential=ak,SignedHeaders=host,Signature=abc",  // no algorithm
           " Credential=ak,SignedHeaders=host,Signature=abc",
           "ACS3-HMAC-SHA256 SignedHeaders=host,Signature=abc",             // no Credential
           "ACS3-HMAC-SHA256 Credential=ak,Signature=abc",                  // no SignedHeaders
           "ACS3-HMAC-SHA256 Credential=ak,SignedHeaders=host",             // no Signature
           "ACS3-HMAC-SHA256 Credential=,SignedHeaders=host,Signature=abc",  // empty values
           "ACS3-HMAC-SHA256 Credential=ak,SignedHeaders=,Signature=abc",
           "ACS3-HMAC-SHA256 Credential=ak,SignedHeaders=host,Signature=",
           "ACS3-HMAC-SHA256 Credential=ak,SignedHeaders=host;;date,Signature=abc",
           "ACS3-HMAC-SHA256 Credential=ak,SignedHeaders=host;,Signature=abc",
           "ACS3-HMAC-SHA256 Credential=ak,SignedHeaders=;host,Signature=abc",
           "ACS3-HMAC-SHA256 Credential=ak,SignedHeaders=host;x-acs-da\tte,Signature=abc",
           "ACS3-HMAC-SHA256 Credential=ak,SignedHeaders=ho st,Signature=abc",
           "ACS3-HMAC-SHA256 Credential=ak,SignedHeaders=host,Signature=abc,",  // trailing comma
           "ACS3-HMAC-SHA256 Credential=ak,,SignedHeaders=host,Signature=abc",
           "ACS3-HMAC-SHA256 Credential=ak,Credential=bk,SignedHeaders=host,Signature=abc",
           "ACS3-HMAC-SHA256 Credential=ak,SignedHeaders=host,Signature=abc,Extra=1",
           "ACS3-HMAC-SHA256 Credential ak,SignedHeaders=host,Signature=abc",
           "ACS3-HMAC-SHA256 credential=ak,SignedHeaders=host,Signature=abc",
           "ACS3=HMAC Credential=ak,SignedHeaders=host,Signature=abc",
       }) {
    EXPECT_EQ(parse_v3_authorization(bad), std::nullopt) << "accepted: \"" << bad << '"';
  }
}

// ---------------------------------------------------------------------------------------
// Round trip: what the client helpers produce, the verifier accepts.

void expect_round_trip(std::string_view algorithm) {
  const std::string body = "RegionId=cn-hangzhou&Description=a%20b*c";
  V3Request client{.method = "POST",
                   .path = "/",
                   .query = {{"ReplicaPairId", "pair-cn-abc"}, {"Tag.1.Value", "é 中 😀 */+"}},
                   .headers = {{"host", "127.0.0.1:8080"},
                               {"x-acs-action", "StopDiskReplicaPair"},
                               {"x-acs-version", "2021-07-30"},
                               {"x-acs-date", "2024-01-01T00:00:00Z"},
                               {"x-acs-signature-nonce", "0123456789abcdef"},
                               {"content-type", "application/x-www-form-urlencoded"},
                               {"accept", "application/json"}},
                   .payload_hash = *v3_payload_hash(algorithm, body)};
  client.headers.emplace_back("x-acs-content-sha256", client.payload_hash);
  const auto to_sign = v3_headers_to_sign(client.headers);
  const auto sig = v3_signature(algorithm, "testsecret",
                                v3_string_to_sign(algorithm, v3_canonical_request(client, to_sign)));
  ASSERT_TRUE(sig.has_value());
  const std::string authorization = v3_authorization(algorithm, "testid", to_sign, *sig);

  // Server side: only the wire form is available; the query arrives Node-encoded.
  const std::string wire_query = "ReplicaPairId=pair-cn-abc&Tag.1.Value=%C3%A9+%E4%B8%AD%20"
                                 "%F0%9F%98%80%20*%2F%2B";
  const auto auth = parse_v3_authorization(authorization);
  ASSERT_TRUE(auth.has_value());
  EXPECT_EQ(auth->algorithm, algorithm);
  EXPECT_EQ(auth->access_key_id, "testid");
  V3Request server = client;
  server.query = *parse_urlencoded(wire_query);
  server.payload_hash = *v3_payload_hash(auth->algorithm, body);
  const auto recomputed =
      v3_signature(auth->algorithm, "testsecret",
                   v3_string_to_sign(auth->algorithm,
                                     v3_canonical_request(server, auth->signed_headers)));
  EXPECT_EQ(recomputed, auth->signature);
  EXPECT_NE(v3_signature(auth->algorithm, "wrongsecret",
                         v3_string_to_sign(auth->algorithm,
                                           v3_canonical_request(server, auth->signed_headers))),
            auth->signature);
}

TEST(SignatureRoundTripTest, HmacSha256) { expect_round_trip(kAcs3HmacSha256); }
TEST(SignatureRoundTripTest, HmacSm3) { expect_round_trip(kAcs3HmacSm3); }

TEST(SignatureRoundTripTest, V1SignThenVerifyFromWire) {
  const ParamList client = {{"Action", "StopDiskReplicaPair"},
                            {"Description", "a b*c~d/e+f!g'h(i)j=k&l%m é中😀"},
                            {"AccessKeyId", "testid"}};
  const std::string sig = v1_signature("testsecret", v1_string_to_sign("POST", client));
  // Client puts pe()-encoded params plus Signature on the wire; server decodes and verifies.
  std::string wire;
  for (const auto& [name, value] : client) {
    wire += percent_encode(name) + "=" + percent_encode(value) + "&";
  }
  wire += "Signature=" + percent_encode(sig);
  const auto server = parse_urlencoded(wire);
  ASSERT_TRUE(server.has_value());
  EXPECT_EQ(v1_signature_param(*server), sig);
  EXPECT_EQ(v1_signature("testsecret", v1_string_to_sign("POST", *server)), sig);
}

RC_GTEST_PROP(SignatureV3Property, AuthorizationHeaderRoundTrips,
              (const std::string& signature_seed)) {
  const std::string signature = crypto::sha256_hex(signature_seed);
  const std::vector<std::string> headers = {"x-acs-date", "host", "content-type"};
  const std::string header = v3_authorization(kAcs3HmacSha256, "testid", headers, signature);
  const auto auth = parse_v3_authorization(header);
  RC_ASSERT(auth.has_value());
  RC_ASSERT(auth->algorithm == std::string(kAcs3HmacSha256));
  RC_ASSERT(auth->access_key_id == "testid");
  RC_ASSERT(auth->signed_headers ==
            (std::vector<std::string>{"content-type", "host", "x-acs-date"}));
  RC_ASSERT(auth->signature == signature);
}

RC_GTEST_PROP(SignatureV3Property, WireEncodingDoesNotChangeTheCanonicalQuery,
              (const std::string& value)) {
  // A value sent pe()-encoded or form-encoded ('+' for space) canonicalises the same way.
  const ParamList decoded = {{"Description", value}};
  std::string form;
  for (char ch : value) form += ch == ' ' ? std::string("+") : percent_encode(std::string(1, ch));
  const auto via_pe = parse_urlencoded("Description=" + percent_encode(value));
  const auto via_form = parse_urlencoded("Description=" + form);
  RC_ASSERT(via_pe.has_value());
  RC_ASSERT(via_form.has_value());
  RC_ASSERT(v3_canonical_query(*via_pe) == v3_canonical_query(decoded));
  RC_ASSERT(v3_canonical_query(*via_form) == v3_canonical_query(decoded));
}

}  // namespace
}  // namespace ebsmock::contracts
