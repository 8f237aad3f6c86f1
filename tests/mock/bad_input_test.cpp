// bad_input_test.cpp: hostile and malformed requests over real HTTP and raw TCP: broken
// percent-encoding (query and form body), a repeated parameter, oversized bodies
// (Content-Length and chunked), missing/unknown Action, wrong/missing Version,
// unsupported methods, unknown paths, garbage bytes, a 100 KB header line, an 8 KB+
// request target. Each must get the documented Alibaba error envelope (ebs-api.md §5.6,
// §5.7) and must leave the server answering a normal DescribeDiskReplicaPairs with 200.
// A RapidCheck property sends arbitrary parameter values. Each TEST owns its server; the
// property shares one (read-only calls only).
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <string>

#include "tests/support/mock_server_fixture.h"

namespace ebsmock::testing {
namespace {

constexpr const char* kPair = "pair-cn-badinput00000001";

std::string world() { return world_toml(false, pair_toml(kPair, "normal")); }

const std::string kV = "Version=2021-07-30";

// The server still works: a plain, valid Describe answers 200 with the pair.
void expect_healthy(const MockServer& s) {
  auto r = s.call("DescribeDiskReplicaPairs", {{"RegionId", "cn-hangzhou"}});
  expect_success_envelope(r);
  ASSERT_TRUE(r.json.contains("ReplicaPairs"));
  EXPECT_EQ(r.json["ReplicaPairs"].size(), 1u);
}

class BadInput : public ::testing::Test {
 protected:
  MockServer s{world()};
  void TearDown() override { expect_healthy(s); }
};

TEST_F(BadInput, MalformedPercentEncodingInQuery) {
  auto r = s.raw_http("POST", "/?Action=DescribeDiskReplicaPairs&" + kV + "&RegionId=cn%zzhangzhou", {}, "");
  expect_error_envelope(r, 400, "InvalidParameter");
  EXPECT_NE(r.message().find("RegionId"), std::string::npos) << r.message();
  // A truncated escape at the end.
  expect_error_envelope(s.raw_http("GET", "/?Action=DescribeDiskReplicaPairs&" + kV + "&RegionId=x%4", {}, ""),
                        400, "InvalidParameter");
}

TEST_F(BadInput, MalformedPercentEncodingInFormBody) {
  auto r = s.raw_http("POST", "/?Action=DescribeDiskReplicaPairs&" + kV,
                      {{"Content-Type", "application/x-www-form-urlencoded"}}, "RegionId=cn-hangzhou&Name=%zz");
  expect_error_envelope(r, 400, "InvalidParameter");
  EXPECT_NE(r.message().find("Name"), std::string::npos) << r.message();
}

TEST_F(BadInput, DuplicateParameter) {
  auto in_query = s.raw_http(
      "POST", "/?Action=DescribeDiskReplicaPairs&" + kV + "&RegionId=cn-hangzhou&RegionId=cn-shanghai", {}, "");
  expect_error_envelope(in_query, 400, "InvalidParameter");
  EXPECT_NE(in_query.message().find("RegionId"), std::string::npos) << in_query.message();
  // Once in the query and once in the form body.
  auto across = s.raw_http("POST", "/?Action=DescribeDiskReplicaPairs&" + kV + "&RegionId=cn-hangzhou",
                           {{"Content-Type", "application/x-www-form-urlencoded"}}, "RegionId=cn-hangzhou");
  expect_error_envelope(across, 400, "InvalidParameter");
}

TEST_F(BadInput, TenMegabyteBodyIsRefused) {
  const std::string big(10 * 1024 * 1024, 'a');
  auto r = s.raw_http("POST", "/?Action=DescribeDiskReplicaPairs&" + kV + "&RegionId=cn-hangzhou",
                      {{"Content-Type", "application/x-www-form-urlencoded"}}, "Name=" + big);
  if (!r.transport_ok) {
    // The client may see the connection closed while still writing; then ask again over a
    // raw socket, which reads whatever the server answered.
    std::string head = "POST /?Action=DescribeDiskReplicaPairs&" + kV +
                       "&RegionId=cn-hangzhou HTTP/1.1\r\nHost: " + s.host() +
                       "\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: " +
                       std::to_string(big.size() + 5) + "\r\n\r\nName=";
    r = parse_raw_response(raw_exchange(s.port(), head + big));
  }
  expect_error_envelope(r, 413, "RequestBodyTooLarge");
  EXPECT_NE(r.message().find(std::to_string(1 << 20)), std::string::npos) << r.message();
}

// The same limit must hold when the body arrives chunked (no Content-Length to check up
// front): http_server.h promises "Bodies above this are refused with RequestBodyTooLarge".
TEST_F(BadInput, TenMegabyteChunkedBodyIsRefused) {
  std::string req = "POST /?Action=DescribeDiskReplicaPairs&" + kV + "&RegionId=cn-hangzhou HTTP/1.1\r\nHost: " +
                    s.host() +
                    "\r\nContent-Type: application/x-www-form-urlencoded\r\nTransfer-Encoding: chunked\r\n\r\n";
  const std::string chunk(64 * 1024, 'a');
  char size_line[32];
  std::snprintf(size_line, sizeof size_line, "%zx\r\n", chunk.size() + 5);
  req += size_line;
  req += "Name=" + chunk + "\r\n";
  std::snprintf(size_line, sizeof size_line, "%zx\r\n", chunk.size());
  for (int i = 1; i < 160; ++i) req += size_line + chunk + "\r\n";  // ~10 MB in total
  req += "0\r\n\r\n";
  auto r = parse_raw_response(raw_exchange(s.port(), req));
  expect_error_envelope(r, 413, "RequestBodyTooLarge");
}

TEST_F(BadInput, MissingAction) {
  auto r = s.raw_http("POST", "/?" + kV + "&RegionId=cn-hangzhou", {}, "");
  expect_error_envelope(r, 400, "MissingParameter");
  EXPECT_NE(r.message().find("\"Action\""), std::string::npos) << r.message();
}

TEST_F(BadInput, UnknownAction) {
  auto r = s.post({{"Action", "DescribeDisks"}, {"Version", "2021-07-30"}, {"RegionId", "cn-hangzhou"}});
  expect_error_envelope(r, 404, "InvalidAction.NotFound");
  // A group operation (named in §2, not emulated) is not found either.
  expect_error_envelope(s.post({{"Action", "StartReplicaGroup"}, {"Version", "2021-07-30"}}), 404,
                        "InvalidAction.NotFound");
}

TEST_F(BadInput, WrongVersion) {
  auto r = s.post({{"Action", "DescribeDiskReplicaPairs"}, {"Version", "2014-05-26"}, {"RegionId", "cn-hangzhou"}});
  expect_error_envelope(r, 400, "InvalidVersion");
}

TEST_F(BadInput, MissingVersion) {
  auto r = s.post({{"Action", "DescribeDiskReplicaPairs"}, {"RegionId", "cn-hangzhou"}});
  expect_error_envelope(r, 400, "MissingParameter");
  EXPECT_NE(r.message().find("\"Version\""), std::string::npos) << r.message();
}

TEST_F(BadInput, MissingRequiredParameter) {
  auto r = s.call("StopDiskReplicaPair", {{"RegionId", "cn-hangzhou"}});
  expect_error_envelope(r, 400, "MissingParameter");
  EXPECT_NE(r.message().find("\"ReplicaPairId\""), std::string::npos) << r.message();
  auto bad_bool = s.call("StartDiskReplicaPair", {{"RegionId", "cn-hangzhou"}, {"ReplicaPairId", kPair}, {"OneShot", "yes"}});
  expect_error_envelope(bad_bool, 400, "InvalidParameter");
}

TEST_F(BadInput, UnsupportedMethods) {
  const std::string target = "/?Action=DescribeDiskReplicaPairs&" + kV + "&RegionId=cn-hangzhou";
  for (const char* method : {"PUT", "DELETE", "PATCH", "OPTIONS", "TRACE"}) {
    SCOPED_TRACE(method);
    expect_error_envelope(s.raw_http(method, target, {}, ""), 400, "UnsupportedHTTPMethod");
  }
  // CONNECT over a raw socket (the HTTP client library will not send it to a path).
  auto connect = parse_raw_response(raw_exchange(
      s.port(), "CONNECT " + target + " HTTP/1.1\r\nHost: " + s.host() + "\r\nConnection: close\r\n\r\n"));
  expect_error_envelope(connect, 400, "UnsupportedHTTPMethod");
  // HEAD is refused too; its answer has no body, as HTTP requires.
  auto head = s.raw_http("HEAD", target, {}, "");
  ASSERT_TRUE(head.transport_ok) << head.transport_error;
  EXPECT_EQ(head.status, 400);
  EXPECT_TRUE(head.body.empty());
}

TEST_F(BadInput, UnknownPath) {
  auto r = s.raw_http("POST", "/foo?Action=DescribeDiskReplicaPairs&" + kV + "&RegionId=cn-hangzhou", {}, "");
  expect_error_envelope(r, 404, "InvalidAction.NotFound");
  // Not the admin API either.
  expect_error_envelope(s.raw_http("GET", "/__adminx/health", {}, ""), 404, "InvalidAction.NotFound");
}

TEST_F(BadInput, GarbageBytesOnRawSocket) {
  std::string garbage;
  for (int i = 0; i < 4096; ++i) garbage += static_cast<char>((i * 131 + 7) % 256);
  std::string answer = raw_exchange(s.port(), garbage + "\r\n\r\n");
  // Either a clean close or an HTTP error answer; if it answers, it is the documented body.
  if (!answer.empty()) {
    auto r = parse_raw_response(answer);
    ASSERT_TRUE(r.transport_ok) << answer.substr(0, 200);
    EXPECT_GE(r.status, 400);
    EXPECT_LT(r.status, 500);
    expect_error_envelope(r, r.status, "InvalidParameter");
  }
  // A half request line, then hang up; and a connection that says nothing at all.
  raw_exchange(s.port(), "POST /?Action=Descr", {.half_close = true});
  raw_exchange(s.port(), "", {.half_close = true});
}

TEST_F(BadInput, HundredKilobyteHeaderLine) {
  const std::string big(100 * 1024, 'x');
  auto r = s.raw_http("POST", "/?Action=DescribeDiskReplicaPairs&" + kV + "&RegionId=cn-hangzhou",
                      {{"X-Big", big}}, "");
  if (!r.transport_ok) {
    r = parse_raw_response(raw_exchange(
        s.port(), "POST /?Action=DescribeDiskReplicaPairs&" + kV + "&RegionId=cn-hangzhou HTTP/1.1\r\nHost: " +
                      s.host() + "\r\nX-Big: " + big + "\r\nContent-Length: 0\r\n\r\n"));
  }
  ASSERT_TRUE(r.transport_ok) << r.transport_error;
  // cpp-httplib refuses header lines over 8 KiB; the refusal still gets the error body.
  expect_error_envelope(r, 400, "InvalidParameter");
}

TEST_F(BadInput, HugeRequestTarget) {
  const std::string name(20 * 1024, 'n');
  auto r = s.raw_http("GET", "/?Action=DescribeDiskReplicaPairs&" + kV + "&RegionId=cn-hangzhou&Name=" + name, {}, "");
  ASSERT_TRUE(r.transport_ok) << r.transport_error;
  EXPECT_GE(r.status, 400);
  ASSERT_TRUE(r.json.is_object()) << r.body;
  expect_error_envelope(r, r.status, r.code());
  EXPECT_FALSE(r.code().empty());
}

// Bytes that are not UTF-8 are legal in a percent-encoded name or value. When such a name
// ends up in an error Message, the answer must still be the documented 400, not a 500
// (the JSON serializer refuses invalid UTF-8 unless told to replace it).
TEST_F(BadInput, NonUtf8ParameterNameInAnErrorMessage) {
  auto dup = s.raw_http("GET", "/?Action=DescribeDiskReplicaPairs&" + kV + "&RegionId=cn-hangzhou&%FF=1&%FF=2", {}, "");
  expect_error_envelope(dup, 400, "InvalidParameter");
  auto malformed = s.raw_http("GET", "/?Action=DescribeDiskReplicaPairs&" + kV + "&RegionId=cn-hangzhou&%FE=%zz", {}, "");
  expect_error_envelope(malformed, 400, "InvalidParameter");
}

// A pair whose name is not UTF-8 must not break DescribeDiskReplicaPairs for the region:
// the Create is either refused (InvalidParameter) or the listing still answers 200.
TEST_F(BadInput, NonUtf8PairNameDoesNotBreakDescribe) {
  auto create = s.call("CreateDiskReplicaPair", {{"RegionId", "cn-hangzhou"},
                                                 {"SourceZoneId", "cn-hangzhou-h"},
                                                 {"DiskId", "d-source0001"},
                                                 {"DestinationRegionId", "cn-shanghai"},
                                                 {"DestinationZoneId", "cn-shanghai-l"},
                                                 {"DestinationDiskId", "d-dest0001"},
                                                 {"PairName", "bad-\xFF\xFE-name"}});
  ASSERT_TRUE(create.transport_ok);
  if (create.status != 200) {
    expect_error_envelope(create, 400, "InvalidParameter");
    return;
  }
  auto list = s.call("DescribeDiskReplicaPairs", {{"RegionId", "cn-hangzhou"}});
  expect_success_envelope(list);
}

TEST_F(BadInput, EmptyParameterNamesAndValuesAreHarmless) {
  auto r = s.raw_http("GET", "/?&&Action=DescribeDiskReplicaPairs&&" + kV + "&RegionId=cn-hangzhou&=&Name=", {}, "");
  expect_success_envelope(r);
}

TEST_F(BadInput, GetWithQueryWorks) {
  auto r = s.post({{"Action", "DescribeDiskReplicaPairs"}, {"Version", "2021-07-30"}, {"RegionId", "cn-hangzhou"}},
                  SignOptions{.scheme = Scheme::None, .method = "GET"});
  expect_success_envelope(r);
}

// ---------------------------------------------------------------------------------------
// Property: whatever the values of Describe's parameters, the answer is a 200 or the
// documented error envelope (never a crash, a 5xx or a non-JSON body), and the server keeps
// serving.

MockServer& shared_server() {
  static MockServer server(world());
  return server;
}

RC_GTEST_PROP(BadInputProperty, ArbitraryParameterValuesGetAWellFormedAnswer, ()) {
  const auto name = *rc::gen::element<std::string>("RegionId", "PairIds", "Site", "ReplicaGroupId", "Name",
                                                   "MaxResults", "NextToken", "PageNumber", "PageSize",
                                                   "Tag.1.Key", "Tag.21.Key", "Bogus", "Action", "Version");
  const auto value = *rc::gen::container<std::string>(rc::gen::arbitrary<char>());
  const auto& s = shared_server();
  contracts::ParamList params{{"Action", "DescribeDiskReplicaPairs"}, {"Version", "2021-07-30"}};
  if (name != "RegionId") params.emplace_back("RegionId", "cn-hangzhou");
  bool replaced = false;
  for (auto& p : params) {
    if (p.first == name) {
      p.second = value;
      replaced = true;
    }
  }
  if (!replaced) params.emplace_back(name, value);
  auto r = s.post(params);
  RC_ASSERT(r.transport_ok);
  RC_ASSERT(r.json.is_object());
  RC_ASSERT(r.content_type() == "application/json;charset=utf-8");
  RC_ASSERT(r.json.contains("RequestId"));
  if (r.status == 200) {
    RC_ASSERT(!r.json.contains("Code"));
  } else {
    RC_ASSERT(r.status >= 400);
    RC_ASSERT(r.status < 500);
    RC_ASSERT(r.json.contains("Code"));
    RC_ASSERT(r.json.contains("Message"));
    RC_ASSERT(r.json.contains("HostId"));
    RC_ASSERT(r.json.contains("Recommend"));
  }
  auto ok = s.call("DescribeDiskReplicaPairs", {{"RegionId", "cn-hangzhou"}});
  RC_ASSERT(ok.status == 200);
  // The journal entry of this request stays readable whatever bytes it holds.
  const auto last = s.admin_get("/__admin/health").json["journal"]["last_seq"].get<std::uint64_t>();
  auto journal = s.admin_get("/__admin/journal?since=" + std::to_string(last - 2));
  RC_ASSERT(journal.status == 200);
}

}  // namespace
}  // namespace ebsmock::testing
