// exec_client_test.cpp: the driver protocol (format_driver_request /
// parse_driver_response) and the exec client that runs a driver process: answers become
// CallResults; a driver that crashes, is killed, hangs, prints garbage or answers out of
// step becomes a DriverError of the right kind within bounded time; the environment
// reaches the driver; its stderr is forwarded with "[driver] " and never blocks it; the
// destructor ends even a driver that ignores EOF. The scripted driver is
// tests/harness/drivers/fake_driver.sh. Last, the real Node driver (openapi-core) against
// an embedded mock, skipped when its node_modules are not installed.
// Each test owns its driver process; tests do not share state.
#include <fcntl.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "harness/contract/driver_protocol.h"
#include "harness/contract/exec_client.h"
#include "tests/support/mock_server_fixture.h"

namespace ebsmock::harness {
namespace {

using namespace std::chrono_literals;
using Json = nlohmann::json;
using Kind = DriverError::Kind;
using SteadyClock = std::chrono::steady_clock;

double seconds_since(SteadyClock::time_point t0) {
  return std::chrono::duration<double>(SteadyClock::now() - t0).count();
}

// ---------------------------------------------------------------------------------------
// The protocol, as pure functions.

CallResult parsed_ok(std::string_view line, int id) {
  auto r = parse_driver_response(line, id);
  if (auto* err = std::get_if<DriverProtocolError>(&r)) {
    ADD_FAILURE() << "rejected: " << err->message << "\n  line: " << line;
    return {};
  }
  return std::get<CallResult>(r);
}

std::string rejected(std::string_view line, int id) {
  auto r = parse_driver_response(line, id);
  if (auto* err = std::get_if<DriverProtocolError>(&r)) {
    EXPECT_FALSE(err->message.empty());
    return err->message;
  }
  ADD_FAILURE() << "accepted: " << line;
  return {};
}

TEST(DriverProtocol, FormatsOneLineInTheDocumentedOrder) {
  std::string line = format_driver_request(
      7, "StopDiskReplicaPair",
      {{"RegionId", "cn-hangzhou"}, {"ReplicaPairId", "pair-cn-x1"}, {"Note", "a\nb \"q\" \xC3\xA9"}});
  EXPECT_EQ(line,
            "{\"id\":7,\"action\":\"StopDiskReplicaPair\",\"params\":{\"Note\":\"a\\nb \\\"q\\\" "
            "\xC3\xA9\",\"RegionId\":\"cn-hangzhou\",\"ReplicaPairId\":\"pair-cn-x1\"}}\n");
  EXPECT_EQ(line.find('\n'), line.size() - 1);
  EXPECT_EQ(format_driver_request(1, "DescribeDiskReplicaPairs", {}),
            "{\"id\":1,\"action\":\"DescribeDiskReplicaPairs\",\"params\":{}}\n");
}

TEST(DriverProtocol, InvalidUtf8ParameterIsTheCallersError) {
  try {
    format_driver_request(1, "X", {{"Name", "bad \xFF byte"}});
    FAIL() << "no exception";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("Name"), std::string::npos) << e.what();
  }
}

TEST(DriverProtocol, ParsesASuccess) {
  auto r = parsed_ok(R"({"id": 7, "ok": true, "body": {"RequestId": "RID-1", "TotalCount": 0}})", 7);
  EXPECT_TRUE(r.ok);
  EXPECT_EQ(r.body["TotalCount"], 0);
  EXPECT_EQ(r.request_id, "RID-1");
  EXPECT_EQ(r.http_status, 200);
  EXPECT_FALSE(r.transport_error);
  EXPECT_TRUE(r.code.empty());
  EXPECT_EQ(r.attempts, 1);
  EXPECT_TRUE(r.client_token.empty());
  // CRLF line endings and unknown members are fine; the optional extensions are read.
  auto ext = parsed_ok(
      "{\"id\":2,\"ok\":true,\"body\":{},\"attempts\":3,\"client_token\":\"tok\",\"elapsed_ms\":5}\r", 2);
  EXPECT_EQ(ext.attempts, 3);
  EXPECT_EQ(ext.client_token, "tok");
}

TEST(DriverProtocol, ParsesAnApiError) {
  auto r = parsed_ok(
      R"({"id":7,"ok":false,"error":{"code":"OperationDenied.InvalidStatus","status":403,)"
      R"("message":"not allowed","request_id":"RID-2"}})",
      7);
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.code, "OperationDenied.InvalidStatus");
  EXPECT_EQ(r.http_status, 403);
  EXPECT_EQ(r.message, "not allowed");
  EXPECT_EQ(r.request_id, "RID-2");
  EXPECT_FALSE(r.transport_error);
  EXPECT_TRUE(r.body.is_null());
}

TEST(DriverProtocol, AnErrorWithoutStatusIsATransportError) {
  for (const char* line :
       {R"({"id":1,"ok":false,"error":{"code":"ECONNRESET","message":"socket hang up"}})",
        R"({"id":1,"ok":false,"error":{"code":"Timeout","status":null,"message":"t","request_id":null}})"}) {
    auto r = parsed_ok(line, 1);
    EXPECT_FALSE(r.ok);
    EXPECT_TRUE(r.transport_error) << line;
    EXPECT_FALSE(r.http_status.has_value()) << line;
    EXPECT_TRUE(r.request_id.empty());
  }
}

TEST(DriverProtocol, RejectsWhatIsNotAValidAnswer) {
  EXPECT_NE(rejected("", 1).find("empty"), std::string::npos);
  EXPECT_NE(rejected("hello", 1).find("not a JSON"), std::string::npos);
  EXPECT_NE(rejected(R"({"id":1,"ok":true,"body":{}} trailing)", 1).find("not a JSON"), std::string::npos);
  EXPECT_NE(rejected("[1,2]", 1).find("array"), std::string::npos);
  EXPECT_NE(rejected(R"({"ok":true,"body":{}})", 1).find("no \"id\""), std::string::npos);
  EXPECT_NE(rejected(R"({"id":"1","ok":true,"body":{}})", 1).find("string"), std::string::npos);
  EXPECT_NE(rejected(R"({"id":null,"ok":false,"error":{"code":"DriverBadRequest","message":"m"}})", 1)
                .find("null"),
            std::string::npos);
  EXPECT_NE(rejected(R"({"id":2,"ok":true,"body":{}})", 1).find("expected 1"), std::string::npos);
  EXPECT_NE(rejected(R"({"id":1.5,"ok":true,"body":{}})", 1).find("non-integer"), std::string::npos);
  EXPECT_NE(rejected(R"({"id":1,"body":{}})", 1).find("\"ok\""), std::string::npos);
  EXPECT_NE(rejected(R"({"id":1,"ok":"true","body":{}})", 1).find("boolean"), std::string::npos);
  EXPECT_NE(rejected(R"({"id":1,"ok":true})", 1).find("body"), std::string::npos);
  EXPECT_NE(rejected(R"({"id":1,"ok":true,"body":"text"})", 1).find("body"), std::string::npos);
  EXPECT_NE(rejected(R"({"id":1,"ok":false})", 1).find("error"), std::string::npos);
  EXPECT_NE(rejected(R"({"id":1,"ok":false,"error":"boom"})", 1).find("error"), std::string::npos);
  EXPECT_NE(rejected(R"({"id":1,"ok":false,"error":{"message":"m"}})", 1).find("code"), std::string::npos);
  EXPECT_NE(rejected(R"({"id":1,"ok":false,"error":{"code":"","message":"m"}})", 1).find("empty"),
            std::string::npos);
  EXPECT_NE(rejected(R"({"id":1,"ok":false,"error":{"code":5,"message":"m"}})", 1).find("code"),
            std::string::npos);
  EXPECT_NE(rejected(R"({"id":1,"ok":false,"error":{"code":"X"}})", 1).find("message"), std::string::npos);
  EXPECT_NE(rejected(R"({"id":1,"ok":false,"error":{"code":"X","message":"m","status":"403"}})", 1)
                .find("status"),
            std::string::npos);
  EXPECT_NE(rejected(R"({"id":1,"ok":false,"error":{"code":"X","message":"m","status":42}})", 1)
                .find("HTTP status"),
            std::string::npos);
  EXPECT_NE(rejected(R"({"id":1,"ok":false,"error":{"code":"X","message":"m","request_id":7}})", 1)
                .find("request_id"),
            std::string::npos);
  EXPECT_NE(rejected(R"({"id":1,"ok":true,"body":{},"attempts":0})", 1).find("attempts"), std::string::npos);
  EXPECT_NE(rejected("{\"id\":1,\"ok\":true,\"body\":{\"A\":\"\xFF\"}}", 1).find("not a JSON"),
            std::string::npos);
  // No SDK answers 200 levels deep; accepting it would endanger every recursive consumer.
  std::string deep = R"({"id":1,"ok":true,"body":{"a":)" + std::string(200, '[') + std::string(200, ']') + "}}";
  EXPECT_NE(rejected(deep, 1).find("deeper"), std::string::npos);
  std::string fine = R"({"id":1,"ok":true,"body":{"a":)" + std::string(100, '[') + std::string(100, ']') + "}}";
  EXPECT_TRUE(parsed_ok(fine, 1).ok);
}

// ---------------------------------------------------------------------------------------
// The exec client, against the scripted fake driver.

std::string fake_driver_command() {
  // `exec` so that the driver process itself is the one whose exit status and signal are
  // reported (not a wrapping shell's).
  return "exec sh '" EBSMOCK_SOURCE_DIR "/tests/harness/drivers/fake_driver.sh'";
}

std::unique_ptr<ApiClient> fake_driver(std::chrono::milliseconds timeout = 10s) {
  return make_exec_client(fake_driver_command(), "http://127.0.0.1:1", "test-key-id", "test-secret",
                          "cn-test-1", timeout);
}

// Expects `fn` to throw DriverError of `kind`; returns its message.
template <typename Fn>
std::string expect_driver_error(Kind kind, Fn&& fn) {
  try {
    fn();
  } catch (const DriverError& e) {
    EXPECT_EQ(e.kind(), kind) << to_string(e.kind()) << ": " << e.what();
    return e.what();
  }
  ADD_FAILURE() << "no DriverError (" << to_string(kind) << ")";
  return {};
}

// Redirects our fd 2 to a temporary file while alive; text() restores it and returns what
// was written (the forwarder writes to fd 2 directly, so gtest's CaptureStderr would do
// too, but it is internal API).
class StderrCapture {
 public:
  StderrCapture() {
    std::fflush(stderr);
    char path[] = "/tmp/ebsmock-exec-stderr-XXXXXX";
    int fd = ::mkstemp(path);
    if (fd < 0) throw std::runtime_error("mkstemp failed");
    path_ = path;
    saved_ = ::dup(STDERR_FILENO);
    ::dup2(fd, STDERR_FILENO);
    ::close(fd);
  }
  ~StderrCapture() {
    restore();
    std::filesystem::remove(path_);
  }
  StderrCapture(const StderrCapture&) = delete;
  StderrCapture& operator=(const StderrCapture&) = delete;

  std::string text() {
    restore();
    std::ifstream in(path_);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  }

 private:
  void restore() {
    if (saved_ < 0) return;
    std::fflush(stderr);
    ::dup2(saved_, STDERR_FILENO);
    ::close(saved_);
    saved_ = -1;
  }

  std::string path_;
  int saved_ = -1;
};

TEST(ExecClient, EchoesParamsAndPassesTheEnvironment) {
  // The inherited environment is kept, and the four protocol variables override ours.
  ::setenv("EBSMOCK_TEST_KEPT", "kept-value", 1);
  ::setenv("EBSMOCK_ENDPOINT", "http://wrong.example", 1);
  auto client = fake_driver();
  ::unsetenv("EBSMOCK_TEST_KEPT");
  ::unsetenv("EBSMOCK_ENDPOINT");
  EXPECT_EQ(client->name(), "exec:" + fake_driver_command());

  contracts::Params params{{"RegionId", "cn-hangzhou"},
                           {"PairName", "a b*~/+!'()\"\\ \xE4\xB8\xAD\xE6\x96\x87"},
                           {"ClientToken", "token-from-the-harness"}};
  auto r = client->call("Echo", params);
  ASSERT_TRUE(r.ok) << r.code << " " << r.message;
  EXPECT_EQ(r.http_status, 200);
  EXPECT_EQ(r.request_id, "rid-1");
  EXPECT_EQ(r.attempts, 1);
  // The driver did not report a token; ours was given, so it is the one the driver used.
  EXPECT_EQ(r.client_token, "token-from-the-harness");
  const Json& env = r.body["Env"];
  EXPECT_EQ(env["EBSMOCK_ENDPOINT"], "http://127.0.0.1:1");
  EXPECT_EQ(env["ALIBABA_CLOUD_ACCESS_KEY_ID"], "test-key-id");
  EXPECT_EQ(env["ALIBABA_CLOUD_ACCESS_KEY_SECRET"], "test-secret");
  EXPECT_EQ(env["ALIBABA_CLOUD_REGION_ID"], "cn-test-1");
  EXPECT_EQ(env["EBSMOCK_TEST_KEPT"], "kept-value");
  // The request line arrived intact.
  const Json& request = r.body["Request"];
  EXPECT_EQ(request["id"], 1);
  EXPECT_EQ(request["action"], "Echo");
  for (const auto& [k, v] : params) EXPECT_EQ(request["params"][k], v) << k;

  // Ids count up per call.
  auto second = client->call("Echo", {});
  EXPECT_EQ(second.request_id, "rid-2");
  EXPECT_TRUE(second.client_token.empty());
}

TEST(ExecClient, ApiAndTransportErrorsAreResultsNotExceptions) {
  auto client = fake_driver();
  auto api = client->call("ApiError", {});
  EXPECT_FALSE(api.ok);
  EXPECT_EQ(api.code, "OperationDenied.InvalidStatus");
  EXPECT_EQ(api.http_status, 403);
  EXPECT_EQ(api.request_id, "RID-403");
  EXPECT_FALSE(api.transport_error);
  auto transport = client->call("TransportError", {});
  EXPECT_FALSE(transport.ok);
  EXPECT_EQ(transport.code, "ECONNREFUSED");
  EXPECT_TRUE(transport.transport_error);
  EXPECT_FALSE(transport.http_status.has_value());
  // The client is still usable.
  EXPECT_TRUE(client->call("Echo", {}).ok);
}

TEST(ExecClient, ExitIsCrashedWithTheExitStatus) {
  auto client = fake_driver();
  ASSERT_TRUE(client->call("Echo", {}).ok);
  auto t0 = SteadyClock::now();
  std::string message = expect_driver_error(Kind::Crashed, [&] { client->call("Crash", {}); });
  EXPECT_LT(seconds_since(t0), 2.0);
  EXPECT_NE(message.find("exited with status 3"), std::string::npos) << message;
  EXPECT_NE(message.find("request #2 (Crash)"), std::string::npos) << message;
  EXPECT_NE(message.find("fake_driver.sh"), std::string::npos) << message;
  // Finished for good: later calls fail fast, with the first reason.
  std::string again = expect_driver_error(Kind::Crashed, [&] { client->call("Echo", {}); });
  EXPECT_NE(again.find("exited with status 3"), std::string::npos) << again;
}

TEST(ExecClient, SignalIsCrashedNamingTheSignal) {
  auto client = fake_driver();
  std::string message = expect_driver_error(Kind::Crashed, [&] { client->call("Segfault", {}); });
  EXPECT_NE(message.find("SIGSEGV"), std::string::npos) << message;
  EXPECT_NE(message.find("signal 11"), std::string::npos) << message;
}

TEST(ExecClient, ADriverThatNeverStartsIsCrashed) {
  {
    auto client = make_exec_client("exit 5", "http://127.0.0.1:1", "k", "s", "r", 5s);
    std::string message = expect_driver_error(Kind::Crashed, [&] { client->call("Echo", {}); });
    EXPECT_NE(message.find("status 5"), std::string::npos) << message;
  }
  StderrCapture capture;
  {
    auto client = make_exec_client("/nonexistent/ebsmock-driver --sdk x", "http://127.0.0.1:1", "k",
                                   "s", "r", 5s);
    std::string message = expect_driver_error(Kind::Crashed, [&] { client->call("Echo", {}); });
    EXPECT_NE(message.find("status 127"), std::string::npos) << message;
  }
  std::string err = capture.text();
  // The shell's complaint reaches the user, marked as the driver's.
  EXPECT_NE(err.find("[driver] "), std::string::npos) << err;
  EXPECT_NE(err.find("/nonexistent/ebsmock-driver"), std::string::npos) << err;
}

TEST(ExecClient, PartialLineThenExitIsCrashedAndShowsTheLine) {
  auto client = fake_driver();
  std::string message = expect_driver_error(Kind::Crashed, [&] { client->call("Partial", {}); });
  EXPECT_NE(message.find("{\"id\":1,\"ok\":tr"), std::string::npos) << message;
  EXPECT_NE(message.find("status 0"), std::string::npos) << message;
}

TEST(ExecClient, HangIsHungWithinTheTimeoutAndTheDestructorIsBounded) {
  auto client = fake_driver(300ms);
  auto t0 = SteadyClock::now();
  std::string message = expect_driver_error(Kind::Hung, [&] { client->call("Hang", {}); });
  double took = seconds_since(t0);
  EXPECT_GE(took, 0.29);
  EXPECT_LT(took, 1.5);
  EXPECT_NE(message.find("within 300 ms"), std::string::npos) << message;
  EXPECT_NE(message.find("request #1 (Hang)"), std::string::npos) << message;
  expect_driver_error(Kind::Hung, [&] { client->call("Echo", {}); });
  // The driver ignores EOF (it is asleep): 2 s grace, then SIGKILL to its group.
  t0 = SteadyClock::now();
  client.reset();
  EXPECT_LT(seconds_since(t0), 3.5);
}

TEST(ExecClient, GarbageIsGarbageAndShowsTheLine) {
  auto client = fake_driver();
  std::string message = expect_driver_error(Kind::Garbage, [&] { client->call("Garbage", {}); });
  EXPECT_NE(message.find("this is not json {"), std::string::npos) << message;
  EXPECT_NE(message.find("not a JSON"), std::string::npos) << message;
}

TEST(ExecClient, WrongIdIsGarbage) {
  auto client = fake_driver();
  std::string message = expect_driver_error(Kind::Garbage, [&] { client->call("WrongId", {}); });
  EXPECT_NE(message.find("answer to request 2, expected 1"), std::string::npos) << message;
  EXPECT_NE(message.find("{\"id\":2,\"ok\":true,\"body\":{}}"), std::string::npos) << message;
}

TEST(ExecClient, MissingFieldIsGarbage) {
  auto client = fake_driver();
  std::string message = expect_driver_error(Kind::Garbage, [&] { client->call("MissingBody", {}); });
  EXPECT_NE(message.find("without \"body\""), std::string::npos) << message;
}

TEST(ExecClient, AnExtraAnswerLineIsCaughtOnTheNextCall) {
  auto client = fake_driver();
  ASSERT_TRUE(client->call("TwoLines", {}).ok);
  std::string message = expect_driver_error(Kind::Garbage, [&] { client->call("Echo", {}); });
  EXPECT_NE(message.find("answer to request 1, expected 2"), std::string::npos) << message;
}

TEST(ExecClient, StderrIsForwardedWithAPrefixAndNeverBlocks) {
  StderrCapture capture;
  {
    auto client = fake_driver(5s);
    EXPECT_TRUE(client->call("Stderr", {}).ok);
    // ~800 KiB of stderr before the answer: far more than a pipe holds.
    auto t0 = SteadyClock::now();
    EXPECT_TRUE(client->call("Noisy", {}).ok);
    EXPECT_LT(seconds_since(t0), 4.0);
  }
  std::string err = capture.text();
  EXPECT_NE(err.find("[driver] hello from the fake driver\n"), std::string::npos);
  EXPECT_NE(err.find("[driver] noise 0 xxx"), std::string::npos);
  EXPECT_NE(err.find("[driver] noise 2047 xxx"), std::string::npos);
  // Every forwarded line carries the prefix.
  std::istringstream lines(err);
  std::string line;
  int count = 0;
  while (std::getline(lines, line)) {
    if (line.find("noise") == std::string::npos && line.find("hello") == std::string::npos) continue;
    EXPECT_TRUE(line.starts_with("[driver] ")) << line.substr(0, 80);
    ++count;
  }
  EXPECT_EQ(count, 2049);
}

TEST(ExecClient, DestructorIsQuickForAWellBehavedDriverAndEndsWhatItLeftRunning) {
  auto t0 = SteadyClock::now();
  {
    auto client = fake_driver();
    EXPECT_TRUE(client->call("Echo", {}).ok);
  }
  EXPECT_LT(seconds_since(t0), 1.5);
  // A driver that leaves a background process holding its stdout/stderr open: the
  // destructor still returns promptly (the process group is killed).
  t0 = SteadyClock::now();
  {
    auto client = make_exec_client("sleep 30 & " + fake_driver_command(), "http://127.0.0.1:1",
                                   "k", "s", "r", 5s);
    EXPECT_TRUE(client->call("Echo", {}).ok);
  }
  EXPECT_LT(seconds_since(t0), 1.5);
}

TEST(ExecClient, RejectsANonPositiveTimeout) {
  EXPECT_THROW(make_exec_client("true", "e", "k", "s", "r", 0ms), std::invalid_argument);
}

// ---------------------------------------------------------------------------------------
// End to end: the real Node driver with the real openapi-core SDK, against an embedded mock
// that verifies V3 signatures.

TEST(ExecClientNode, OpenApiCoreCreatesAndDescribesAPair) {
  const std::string dir = EBSMOCK_SOURCE_DIR "/harness/drivers/node";
  if (!std::filesystem::exists(dir + "/node_modules/@alicloud/openapi-core")) {
    const char* required = std::getenv("EBSMOCK_REQUIRE_NODE");  // set by scripts/test.sh
    if (required && std::string(required) == "1") FAIL() << "the Node SDKs are not installed";
    GTEST_SKIP() << "the Node SDKs are not installed: run `npm ci` in harness/drivers/node "
                    "(scripts/test.sh does)";
  }
  if (std::system("command -v node >/dev/null 2>&1") != 0) GTEST_SKIP() << "node is not on PATH";

  testing::MockServer server(testing::world_toml(/*verify_signatures=*/true));
  auto client = make_exec_client("exec node '" + dir + "/driver.mjs' --sdk openapi-core",
                                 "http://" + server.host(), "testid", "testsecret", "cn-hangzhou",
                                 60s);
  auto created = client->call("CreateDiskReplicaPair",
                              {{"RegionId", "cn-hangzhou"},
                               {"SourceZoneId", "cn-hangzhou-h"},
                               {"DiskId", "d-bp1exec000000000001"},
                               {"DestinationRegionId", "cn-shanghai"},
                               {"DestinationZoneId", "cn-shanghai-e"},
                               {"DestinationDiskId", "d-uf6exec000000000001"},
                               {"PairName", "exec pair * ~ \xE4\xB8\xAD"},
                               {"ClientToken", "exec-client-e2e-token-1"}});
  ASSERT_TRUE(created.ok) << created.code << ": " << created.message;
  EXPECT_EQ(created.http_status, 200);
  EXPECT_FALSE(created.request_id.empty());
  EXPECT_EQ(created.client_token, "exec-client-e2e-token-1");
  const std::string pair_id = created.body.value("ReplicaPairId", "");
  ASSERT_TRUE(pair_id.starts_with("pair-cn-")) << created.body.dump();

  auto described = client->call("DescribeDiskReplicaPairs",
                                {{"RegionId", "cn-hangzhou"}, {"PairIds", pair_id}});
  ASSERT_TRUE(described.ok) << described.code << ": " << described.message;
  ASSERT_EQ(described.body["ReplicaPairs"].size(), 1u) << described.body.dump();
  EXPECT_EQ(described.body["ReplicaPairs"][0]["ReplicaPairId"], pair_id);
  EXPECT_EQ(described.body["ReplicaPairs"][0]["Status"], "creating");
  EXPECT_EQ(described.body["ReplicaPairs"][0]["PairName"], "exec pair * ~ \xE4\xB8\xAD");

  // A service error through the real SDK: Stop is not allowed in `creating`.
  auto stop = client->call("StopDiskReplicaPair", {{"RegionId", "cn-hangzhou"}, {"ReplicaPairId", pair_id}});
  EXPECT_FALSE(stop.ok);
  EXPECT_EQ(stop.code, "OperationDenied.InvalidStatus");
  EXPECT_EQ(stop.http_status, 403);
  EXPECT_FALSE(stop.transport_error);
  EXPECT_FALSE(stop.request_id.empty());
}

}  // namespace
}  // namespace ebsmock::harness
