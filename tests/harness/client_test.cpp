// client_test.cpp: ReferenceClient against a tiny in-test httplib server on 127.0.0.1
// that records every request and answers from a script. Signatures are re-verified on the
// server side from what was received, with the contracts/ signature functions, the way the
// mock does it. Backoff goes through an injected sleeper, so no test sleeps for backoff.
#include <gtest/gtest.h>
#include <httplib.h>
#include <netinet/in.h>
#include <rapidcheck.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <set>
#include <thread>

#include "contracts/operation.h"
#include "contracts/percent_encoding.h"
#include "contracts/signature_v1.h"
#include "contracts/signature_v3.h"
#include "contracts/text.h"
#include "contracts/time.h"
#include "harness/client/reference_client.h"
#include "contracts/random.h"

namespace ebsmock::harness {
namespace {

using namespace std::chrono_literals;
using std::chrono::milliseconds;
using Signing = ReferenceClientConfig::Signing;

constexpr std::string_view kAccessKeyId = "testid";
constexpr std::string_view kAccessKeySecret = "testsecret";
constexpr std::string_view kEdgeValue = "a b*c~d/e+f!g'h(i)j=k&l%m \xC3\xA9\xE4\xB8\xAD\xF0\x9F\x98\x80";
constexpr std::string_view kEmptySha256 =
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

// ---------------------------------------------------------------------------------------
// The scripted server.

struct Recorded {
  std::string method;
  std::string target;
  std::string path;
  contracts::ParamList query;  // decoded
  contracts::ParamList form;   // decoded form body, when there was one
  contracts::HeaderList headers;
  std::string body;

  std::string header(std::string_view name) const {
    for (const auto& [k, v] : headers) {
      if (std::equal(k.begin(), k.end(), name.begin(), name.end(), [](char a, char b) {
            return std::tolower(static_cast<unsigned char>(a)) ==
                   std::tolower(static_cast<unsigned char>(b));
          })) {
        return v;
      }
    }
    return "";
  }
  bool has_header(std::string_view name) const {
    return std::any_of(headers.begin(), headers.end(), [&](const auto& h) {
      return std::equal(h.first.begin(), h.first.end(), name.begin(), name.end(),
                        [](char a, char b) {
                          return std::tolower(static_cast<unsigned char>(a)) ==
                                 std::tolower(static_cast<unsigned char>(b));
                        });
    });
  }
  // Query and form merged (the API parameters and, for V1, the common ones).
  contracts::Params params() const {
    contracts::Params out(query.begin(), query.end());
    out.insert(form.begin(), form.end());
    return out;
  }
};

struct Script {
  enum class Kind {
    Respond,  // status + body + headers
    Reset,    // headers sent, then the connection is dropped mid-body
    Stall,    // answer only once the server goes away (the client must time out first)
  };
  Kind kind = Kind::Respond;
  int status = 200;
  std::string body = R"({"RequestId":"OK-REQUEST-ID"})";
  std::vector<std::pair<std::string, std::string>> headers;
};

Script error_script(int status, std::string_view code, std::string_view message = "msg") {
  Script s;
  s.status = status;
  s.body = nlohmann::json{{"RequestId", "ERR-REQUEST-ID"},
                          {"HostId", "127.0.0.1"},
                          {"Code", code},
                          {"Message", message}}
               .dump();
  return s;
}

Script reset_script() {
  Script s;
  s.kind = Script::Kind::Reset;
  return s;
}

class ScriptedServer {
 public:
  ScriptedServer() {
    server_.set_keep_alive_timeout(1);
    // Headers and body go out in separate writes; without this, every response on a
    // reused connection waits ~40 ms for the client's delayed ACK.
    server_.set_tcp_nodelay(true);
    server_.Post(".*", [this](const httplib::Request& req, httplib::Response& res) {
      handle(req, res);
    });
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    // stop() before the accept loop runs would leave listen_after_bind() blocked.
    while (!server_.is_running()) std::this_thread::sleep_for(1ms);
  }
  ~ScriptedServer() {
    {
      std::lock_guard lock(mu_);
      stopping_ = true;
    }
    unstall_.notify_all();
    server_.stop();
    thread_.join();
  }

  int port() const { return port_; }
  std::string endpoint() const { return "http://127.0.0.1:" + std::to_string(port_); }

  void push(Script s) {
    std::lock_guard lock(mu_);
    scripts_.push_back(std::move(s));
  }
  std::vector<Recorded> requests() {
    std::lock_guard lock(mu_);
    return requests_;
  }
  // The requests once at least `n` have arrived: an attempt the client gave up on (a
  // timeout) can reach the server after the call returned. Bounded, so a request that
  // never comes fails the test's count instead of hanging it.
  std::vector<Recorded> requests_once(std::size_t n) {
    std::unique_lock lock(mu_);
    arrived_.wait_for(lock, 10s, [&] { return requests_.size() >= n; });
    return requests_;
  }
  void clear() {
    std::lock_guard lock(mu_);
    requests_.clear();
    scripts_.clear();
  }

 private:
  void handle(const httplib::Request& req, httplib::Response& res) {
    Recorded r;
    r.method = req.method;
    r.target = req.target;
    r.path = req.path;
    if (auto q = req.target.find('?'); q != std::string::npos) {
      r.query = contracts::parse_urlencoded(std::string_view(req.target).substr(q + 1)).value();
    }
    r.headers.assign(req.headers.begin(), req.headers.end());
    r.body = req.body;
    if (req.get_header_value("Content-Type") == "application/x-www-form-urlencoded") {
      r.form = contracts::parse_urlencoded(req.body).value();
    }
    Script script;
    {
      std::lock_guard lock(mu_);
      requests_.push_back(std::move(r));
      arrived_.notify_all();
      if (!scripts_.empty()) {
        script = std::move(scripts_.front());
        scripts_.pop_front();
      }
    }
    switch (script.kind) {
      case Script::Kind::Reset:
        // Promise 64 bytes and send none: the status line and headers go out, then
        // httplib drops the connection because the provider fails.
        res.set_content_provider(64, "application/json",
                                 [](size_t, size_t, httplib::DataSink&) { return false; });
        return;
      case Script::Kind::Stall: {
        // No duration to outlast the client's timeout by luck: the answer waits for the
        // server's end, however slow the machine.
        std::unique_lock lock(mu_);
        unstall_.wait(lock, [&] { return stopping_; });
        break;
      }
      case Script::Kind::Respond:
        break;
    }
    res.status = script.status;
    for (const auto& [k, v] : script.headers) res.set_header(k, v);
    res.set_content(script.body, "application/json;charset=utf-8");
  }

  httplib::Server server_;
  std::thread thread_;
  int port_ = 0;
  std::mutex mu_;
  std::condition_variable arrived_;
  std::condition_variable unstall_;
  bool stopping_ = false;
  std::deque<Script> scripts_;
  std::vector<Recorded> requests_;
};

// ---------------------------------------------------------------------------------------
// Server-side verification, as the mock does it: decode what arrived, re-encode with
// contracts::percent_encode, never sign the raw wire string.

struct Verdict {
  bool ok = false;
  std::string detail;
};

Verdict verify_v3(const Recorded& r) {
  const std::string authorization = r.header("Authorization");
  auto auth = contracts::parse_v3_authorization(authorization);
  if (!auth) return {false, "unparsable Authorization: " + authorization};
  if (auth->algorithm != contracts::kAcs3HmacSha256) return {false, "algorithm " + auth->algorithm};
  if (auth->access_key_id != kAccessKeyId) return {false, "AK " + auth->access_key_id};
  // The client must sign host and every x-acs-* header it sent, not a convenient subset.
  std::vector<std::string> expected_signed = contracts::v3_headers_to_sign(r.headers);
  std::vector<std::string> got_signed = auth->signed_headers;
  std::sort(got_signed.begin(), got_signed.end());
  if (got_signed != expected_signed) return {false, "SignedHeaders mismatch: " + authorization};
  const std::string hash = contracts::v3_payload_hash(auth->algorithm, r.body).value();
  if (hash != r.header("x-acs-content-sha256")) return {false, "payload hash mismatch"};
  contracts::V3Request request{.method = r.method,
                               .path = r.path,
                               .query = r.query,
                               .headers = r.headers,
                               .payload_hash = hash};
  const std::string canonical = contracts::v3_canonical_request(request, auth->signed_headers);
  auto signature = contracts::v3_signature(
      auth->algorithm, kAccessKeySecret,
      contracts::v3_string_to_sign(auth->algorithm, canonical));
  if (!signature || *signature != auth->signature) {
    return {false, "signature mismatch; server canonical request:\n" + canonical};
  }
  return {true, canonical};
}

Verdict verify_v1(const Recorded& r) {
  contracts::ParamList all = r.query;
  all.insert(all.end(), r.form.begin(), r.form.end());
  auto it = std::find_if(all.begin(), all.end(), [](const auto& p) { return p.first == "Signature"; });
  if (it == all.end()) return {false, "no Signature parameter"};
  const std::string got = it->second;
  const std::string string_to_sign = contracts::v1_string_to_sign(r.method, all);
  const std::string expected = contracts::v1_signature(kAccessKeySecret, string_to_sign);
  if (got != expected) return {false, "signature mismatch; server string to sign: " + string_to_sign};
  return {true, string_to_sign};
}

Verdict verify(const Recorded& r, Signing signing) {
  return signing == Signing::V3 ? verify_v3(r) : verify_v1(r);
}

std::string signing_name(Signing s) {
  switch (s) {
    case Signing::V3: return "V3";
    case Signing::V1Query: return "V1Query";
    case Signing::V1Form: return "V1Form";
  }
  return "?";
}

// The nonce of a request, whichever style it was signed with.
std::string nonce_of(const Recorded& r) {
  std::string v3 = r.header("x-acs-signature-nonce");
  if (!v3.empty()) return v3;
  auto params = r.params();
  return params.count("SignatureNonce") ? params.at("SignatureNonce") : "";
}

bool is_lower_hex(std::string_view s) {
  return std::all_of(s.begin(), s.end(),
                     [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

// ---------------------------------------------------------------------------------------
// Fixture.

const contracts::Instant kFixedNow = contracts::Instant(std::chrono::sys_days{
    std::chrono::year{2024} / std::chrono::January / std::chrono::day{1}}) + 12h + 34min + 56s;

class ClientTest : public ::testing::Test {
 protected:
  ReferenceClientConfig config(Signing signing = Signing::V3) const {
    ReferenceClientConfig c;
    c.endpoint = server_.endpoint();
    c.access_key_id = std::string(kAccessKeyId);
    c.access_key_secret = std::string(kAccessKeySecret);
    c.signing = signing;
    c.timeout = 2000ms;
    return c;
  }
  std::unique_ptr<ReferenceClient> make(ReferenceClientConfig c) {
    return std::make_unique<ReferenceClient>(
        std::move(c), random_, [this](milliseconds d) { sleeps_.push_back(d); },
        [] { return kFixedNow; });
  }
  std::unique_ptr<ReferenceClient> make(Signing signing = Signing::V3) { return make(config(signing)); }

  static contracts::Params stop_params() {
    return {{"RegionId", "cn-hangzhou"}, {"ReplicaPairId", "pair-cn-abc123"}};
  }

  ScriptedServer server_;
  contracts::SeededRandom random_{20240101};
  std::vector<milliseconds> sleeps_;
};

class ClientSigningTest : public ClientTest, public ::testing::WithParamInterface<Signing> {};

INSTANTIATE_TEST_SUITE_P(AllStyles, ClientSigningTest,
                         ::testing::Values(Signing::V3, Signing::V1Query, Signing::V1Form),
                         [](const auto& info) { return signing_name(info.param); });

// ---------------------------------------------------------------------------------------
// (1) Request shape and signatures.

TEST_F(ClientTest, V3RequestHasSdkShapeAndVerifies) {
  auto client = make(Signing::V3);
  CallResult result = client->call("StopDiskReplicaPair", stop_params());
  ASSERT_TRUE(result.ok) << result.code << " " << result.message;
  EXPECT_EQ(result.attempts, 1);
  EXPECT_EQ(result.http_status, 200);
  EXPECT_EQ(result.request_id, "OK-REQUEST-ID");
  EXPECT_EQ(result.body["RequestId"], "OK-REQUEST-ID");

  auto requests = server_.requests();
  ASSERT_EQ(requests.size(), 1u);
  const Recorded& r = requests[0];
  Verdict v = verify_v3(r);
  EXPECT_TRUE(v.ok) << v.detail;

  EXPECT_EQ(r.method, "POST");
  EXPECT_EQ(r.path, "/");
  EXPECT_TRUE(r.body.empty());
  EXPECT_EQ(r.header("host"), "127.0.0.1:" + std::to_string(server_.port()));
  EXPECT_EQ(r.header("x-acs-action"), "StopDiskReplicaPair");
  EXPECT_EQ(r.header("x-acs-version"), "2021-07-30");
  EXPECT_EQ(r.header("x-acs-date"), "2024-01-01T12:34:56Z");
  EXPECT_EQ(r.header("x-acs-content-sha256"), kEmptySha256);
  EXPECT_EQ(r.header("accept"), "application/json");
  EXPECT_FALSE(r.has_header("x-acs-retry-attempts"));
  const std::string nonce = r.header("x-acs-signature-nonce");
  EXPECT_EQ(nonce.size(), 32u);
  EXPECT_TRUE(is_lower_hex(nonce)) << nonce;
  EXPECT_TRUE(r.header("Authorization").starts_with("ACS3-HMAC-SHA256 Credential=testid,"));

  // API parameters only: V3 has no Action/Version/Format/AccessKeyId parameters.
  auto params = r.params();
  EXPECT_EQ(params.size(), 3u);
  EXPECT_EQ(params["RegionId"], "cn-hangzhou");
  EXPECT_EQ(params["ReplicaPairId"], "pair-cn-abc123");
  const std::string token = params["ClientToken"];
  EXPECT_EQ(token, result.client_token);
  ASSERT_EQ(token.size(), 36u);
  for (std::size_t i : {8u, 13u, 18u, 23u}) EXPECT_EQ(token[i], '-') << token;
  std::string hex_only = token;
  std::erase(hex_only, '-');
  EXPECT_TRUE(is_lower_hex(hex_only)) << token;
}

TEST_F(ClientTest, V1QueryRequestHasCommonParamsInQueryAndVerifies) {
  auto client = make(Signing::V1Query);
  CallResult result = client->call("StopDiskReplicaPair", stop_params());
  ASSERT_TRUE(result.ok) << result.code << " " << result.message;
  auto requests = server_.requests();
  ASSERT_EQ(requests.size(), 1u);
  const Recorded& r = requests[0];
  Verdict v = verify_v1(r);
  EXPECT_TRUE(v.ok) << v.detail;
  EXPECT_EQ(r.method, "POST");
  EXPECT_TRUE(r.body.empty());
  EXPECT_TRUE(r.form.empty());
  auto params = r.params();
  EXPECT_EQ(params["Action"], "StopDiskReplicaPair");
  EXPECT_EQ(params["Format"], "JSON");
  EXPECT_EQ(params["Version"], "2021-07-30");
  EXPECT_EQ(params["Timestamp"], "2024-01-01T12:34:56Z");
  EXPECT_EQ(params["SignatureMethod"], "HMAC-SHA1");
  EXPECT_EQ(params["SignatureVersion"], "1.0");
  EXPECT_EQ(params["AccessKeyId"], "testid");
  EXPECT_EQ(params["SignatureNonce"].size(), 32u);
  EXPECT_EQ(params["ClientToken"], result.client_token);
  EXPECT_EQ(params["RegionId"], "cn-hangzhou");
  EXPECT_FALSE(r.has_header("Authorization"));
}

TEST_F(ClientTest, V1FormRequestPutsEverythingInTheBodyAndVerifies) {
  auto client = make(Signing::V1Form);
  CallResult result = client->call("StopDiskReplicaPair", stop_params());
  ASSERT_TRUE(result.ok) << result.code << " " << result.message;
  auto requests = server_.requests();
  ASSERT_EQ(requests.size(), 1u);
  const Recorded& r = requests[0];
  Verdict v = verify_v1(r);
  EXPECT_TRUE(v.ok) << v.detail;
  EXPECT_EQ(r.target, "/");
  EXPECT_TRUE(r.query.empty());
  EXPECT_EQ(r.header("Content-Type"), "application/x-www-form-urlencoded");
  auto params = r.params();
  EXPECT_EQ(params["Action"], "StopDiskReplicaPair");
  EXPECT_EQ(params["ClientToken"], result.client_token);
  EXPECT_FALSE(params["Signature"].empty());
}

// (2) Awkward values round-trip and still verify, in every style.
TEST_P(ClientSigningTest, EdgeCaseValuesRoundTripAndVerify) {
  auto client = make(GetParam());
  contracts::Params params = stop_params();
  params["Description"] = std::string(kEdgeValue);
  params["Tag.1.Key"] = "k 1";
  params["Tag.1.Value"] = "v*~/\xC3\xA9";
  params["Tag.2.Key"] = "k2";
  params["Tag.2.Value"] = "";
  CallResult result = client->call("ModifyDiskReplicaPair", params);
  ASSERT_TRUE(result.ok) << result.code << " " << result.message;
  auto requests = server_.requests();
  ASSERT_EQ(requests.size(), 1u);
  Verdict v = verify(requests[0], GetParam());
  EXPECT_TRUE(v.ok) << v.detail;
  auto received = requests[0].params();
  for (const auto& [k, val] : params) EXPECT_EQ(received[k], val) << k;
}

TEST_P(ClientSigningTest, ReadOnlyActionsCarryNoClientToken) {
  auto client = make(GetParam());
  CallResult result = client->call("DescribeDiskReplicaPairs", {{"RegionId", "cn-hangzhou"}});
  ASSERT_TRUE(result.ok);
  EXPECT_TRUE(result.client_token.empty());
  auto requests = server_.requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].params().count("ClientToken"), 0u);
  EXPECT_TRUE(verify(requests[0], GetParam()).ok);
}

TEST_F(ClientTest, CallerSuppliedClientTokenIsKept) {
  auto client = make();
  contracts::Params params = stop_params();
  params["ClientToken"] = "Caller-Token-1";
  CallResult result = client->call("StopDiskReplicaPair", params);
  EXPECT_EQ(result.client_token, "Caller-Token-1");
  EXPECT_EQ(server_.requests().at(0).params()["ClientToken"], "Caller-Token-1");
}

TEST_F(ClientTest, UnknownActionsAreMutatingUnlessDescribe) {
  EXPECT_TRUE(ReferenceClient::is_mutating_action("CreateDiskReplicaPair"));
  EXPECT_FALSE(ReferenceClient::is_mutating_action("DescribeDiskReplicaPairProgress"));
  EXPECT_TRUE(ReferenceClient::is_mutating_action("StartReplicaGroupDrill"));
  EXPECT_FALSE(ReferenceClient::is_mutating_action("DescribeRegions"));
  auto client = make();
  EXPECT_FALSE(client->call("TagResources", {{"RegionId", "cn-hangzhou"}}).client_token.empty());
  EXPECT_TRUE(client->call("DescribeRegions", {}).client_token.empty());
}

// A ClientToken goes exactly where the operation takes one (ebs-groups.md §2): not to
// Clear*Drill (no such parameter), to ListTagResources (it has one, although it reads).
TEST_F(ClientTest, ClientTokenOnExactlyTheOperationsThatTakeOne) {
  for (contracts::Operation op : contracts::kAllOperations) {
    const std::string action(contracts::to_string(op));
    SCOPED_TRACE(action);
    EXPECT_EQ(ReferenceClient::sends_client_token(action), contracts::accepts_client_token(op));
    server_.clear();
    auto client = make();
    CallResult result = client->call(action, {{"RegionId", "cn-hangzhou"}});
    ASSERT_TRUE(result.ok) << result.code;
    auto requests = server_.requests();
    ASSERT_EQ(requests.size(), 1u);
    EXPECT_EQ(requests[0].params().count("ClientToken"), contracts::accepts_client_token(op) ? 1u : 0u);
    EXPECT_EQ(result.client_token.empty(), !contracts::accepts_client_token(op));
  }
  EXPECT_FALSE(ReferenceClient::sends_client_token("ClearPairDrill"));
  EXPECT_FALSE(ReferenceClient::sends_client_token("ClearReplicaGroupDrill"));
  EXPECT_TRUE(ReferenceClient::sends_client_token("ListTagResources"));
  EXPECT_TRUE(ReferenceClient::sends_client_token("FailoverDiskReplicaGroup"));
  // Unknown actions: as before, a token unless the name reads like a Describe.
  EXPECT_TRUE(ReferenceClient::sends_client_token("SomeFutureAction"));
  EXPECT_FALSE(ReferenceClient::sends_client_token("DescribeSomethingNew"));
}

// A group operation is retried like a pair one: the same token on every attempt; a Clear
// is retried without one.
TEST_F(ClientTest, GroupAndDrillRetriesKeepTheirToken) {
  auto client = make();
  server_.push(error_script(504, "RequestTimeout"));
  server_.push(reset_script());
  CallResult failover = client->call("FailoverDiskReplicaGroup",
                                     {{"RegionId", "cn-hangzhou"}, {"ReplicaGroupId", "pg-abc"}});
  ASSERT_TRUE(failover.ok) << failover.code;
  EXPECT_EQ(failover.attempts, 3);
  auto requests = server_.requests();
  ASSERT_EQ(requests.size(), 3u);
  for (const auto& r : requests) EXPECT_EQ(r.params()["ClientToken"], failover.client_token);

  server_.clear();
  server_.push(error_script(500, "InternalError"));
  CallResult clear = client->call("ClearPairDrill", {{"RegionId", "cn-hangzhou"}, {"PairId", "pair-cn-abc123"},
                                                     {"DrillId", "drill-abc"}});
  ASSERT_TRUE(clear.ok) << clear.code;
  requests = server_.requests();
  ASSERT_EQ(requests.size(), 2u);
  for (const auto& r : requests) EXPECT_EQ(r.params().count("ClientToken"), 0u);
}

// ---------------------------------------------------------------------------------------
// (3) Retries: same ClientToken, fresh nonce/date/signature, x-acs-retry-attempts.

struct RetryCase {
  std::string label;
  Script failure;
  std::string expected_code;
};

class ClientRetryTest : public ClientTest,
                        public ::testing::WithParamInterface<std::tuple<RetryCase, Signing>> {};

TEST_P(ClientRetryTest, RetriesWithSameTokenAndFreshNonce) {
  const auto& [rc, signing] = GetParam();
  auto client = make(signing);
  server_.push(rc.failure);
  server_.push(rc.failure);
  // Third attempt: the default success.
  CallResult result = client->call("StopDiskReplicaPair", stop_params());
  ASSERT_TRUE(result.ok) << result.code << " " << result.message;
  EXPECT_EQ(result.attempts, 3);
  EXPECT_EQ(sleeps_.size(), 2u);

  auto requests = server_.requests();
  ASSERT_EQ(requests.size(), 3u);
  std::set<std::string> nonces;
  for (std::size_t i = 0; i < requests.size(); ++i) {
    const Recorded& r = requests[i];
    Verdict v = verify(r, signing);
    EXPECT_TRUE(v.ok) << "attempt " << i + 1 << ": " << v.detail;
    EXPECT_EQ(r.params()["ClientToken"], result.client_token);
    nonces.insert(nonce_of(r));
    if (i == 0) {
      EXPECT_FALSE(r.has_header("x-acs-retry-attempts"));
    } else {
      EXPECT_EQ(r.header("x-acs-retry-attempts"), std::to_string(i));
      EXPECT_EQ(r.header("x-acs-retry-delay"), std::to_string(sleeps_[i - 1].count()));
    }
  }
  EXPECT_EQ(nonces.size(), 3u);
  if (signing == Signing::V3) {
    // Retry headers are x-acs-*, so V3 signs them (sdk-wire.md §3).
    EXPECT_NE(requests[1].header("Authorization").find("x-acs-retry-attempts"), std::string::npos);
  }
}

TEST_P(ClientRetryTest, GivesUpAfterMaxAttemptsWithTheLastError) {
  const auto& [rc, signing] = GetParam();
  auto client = make(signing);
  for (int i = 0; i < 3; ++i) server_.push(rc.failure);
  CallResult result = client->call("StopDiskReplicaPair", stop_params());
  EXPECT_FALSE(result.ok);
  EXPECT_EQ(result.attempts, 3);
  EXPECT_EQ(result.code, rc.expected_code);
  EXPECT_EQ(server_.requests().size(), 3u);
  std::set<std::string> tokens;
  for (const auto& r : server_.requests()) tokens.insert(r.params()["ClientToken"]);
  EXPECT_EQ(tokens.size(), 1u);
}

INSTANTIATE_TEST_SUITE_P(
    Retryable, ClientRetryTest,
    ::testing::Combine(
        ::testing::Values(
            RetryCase{"Internal500", error_script(500, "InternalError"), "InternalError"},
            RetryCase{"Gateway504", error_script(504, "RequestTimeout"), "RequestTimeout"},
            RetryCase{"Unavailable503", error_script(503, "ServiceUnavailable"),
                      "ServiceUnavailable"},
            RetryCase{"Throttling400", error_script(400, "Throttling.User"), "Throttling.User"},
            RetryCase{"ThrottlingApi429", error_script(429, "Throttling.Api"), "Throttling.Api"},
            RetryCase{"LastTokenProcessing403", error_script(403, "LastTokenProcessing"),
                      "LastTokenProcessing"},
            RetryCase{"ConnectionReset", reset_script(), "ECONNRESET"},
            RetryCase{"Html502", [] {
                        Script s;
                        s.status = 502;
                        s.body = "<html><body>Bad Gateway</body></html>";
                        return s;
                      }(), "Http502"}),
        ::testing::Values(Signing::V3, Signing::V1Query, Signing::V1Form)),
    [](const auto& info) {
      return std::get<0>(info.param).label + "_" + signing_name(std::get<1>(info.param));
    });

TEST_F(ClientTest, EachAttemptReadsTheClockAgain) {
  contracts::Instant now = kFixedNow;
  ReferenceClient client(config(), random_, [](milliseconds) {}, [&now] {
    now += 1s;
    return now;
  });
  server_.push(error_script(500, "InternalError"));
  ASSERT_TRUE(client.call("StopDiskReplicaPair", stop_params()).ok);
  auto requests = server_.requests();
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_EQ(requests[0].header("x-acs-date"), "2024-01-01T12:34:57Z");
  EXPECT_EQ(requests[1].header("x-acs-date"), "2024-01-01T12:34:58Z");
  EXPECT_TRUE(verify_v3(requests[1]).ok);
}

TEST_F(ClientTest, ResetIsATransportErrorWithoutStatus) {
  auto client = make(config());
  for (int i = 0; i < 3; ++i) server_.push(reset_script());
  CallResult result = client->call("StopDiskReplicaPair", stop_params());
  EXPECT_FALSE(result.ok);
  EXPECT_TRUE(result.transport_error);
  EXPECT_EQ(result.code, "ECONNRESET");
  EXPECT_FALSE(result.http_status.has_value());
  EXPECT_EQ(result.attempts, 3);
}

// ---------------------------------------------------------------------------------------
// (4) Client errors are final.

struct ClientErrorCase {
  std::string label;
  int status;
  std::string code;
};

class ClientNoRetryTest : public ClientTest,
                          public ::testing::WithParamInterface<ClientErrorCase> {};

TEST_P(ClientNoRetryTest, NoRetryOnClientError) {
  const ClientErrorCase& c = GetParam();
  auto client = make();
  server_.push(error_script(c.status, c.code, "the documented message"));
  CallResult result = client->call("StopDiskReplicaPair", stop_params());
  EXPECT_FALSE(result.ok);
  EXPECT_FALSE(result.transport_error);
  EXPECT_EQ(result.attempts, 1);
  EXPECT_EQ(result.code, c.code);
  EXPECT_EQ(result.http_status, c.status);
  EXPECT_EQ(result.message, "the documented message");
  EXPECT_EQ(result.request_id, "ERR-REQUEST-ID");
  EXPECT_EQ(result.body["Code"], c.code);
  EXPECT_EQ(server_.requests().size(), 1u);
  EXPECT_TRUE(sleeps_.empty());
}

INSTANTIATE_TEST_SUITE_P(
    ClientErrors, ClientNoRetryTest,
    ::testing::Values(ClientErrorCase{"InvalidStatus403", 403, "OperationDenied.InvalidStatus"},
                      ClientErrorCase{"Forbidden403", 403, "Forbidden"},
                      ClientErrorCase{"Idempotent400", 400, "IdempotentParameterMismatch"},
                      ClientErrorCase{"MissingParameter400", 400, "MissingParameter"},
                      ClientErrorCase{"SignatureDoesNotMatch400", 400, "SignatureDoesNotMatch"},
                      ClientErrorCase{"NoSuchResource404", 404, "NoSuchResource"}),
    [](const auto& info) { return info.param.label; });

// ---------------------------------------------------------------------------------------
// Response interpretation.

TEST_F(ClientTest, NonJsonSuccessBodyIsSyntaxErrorAndNotRetried) {
  auto client = make();
  Script s;
  s.body = "{\"RequestId\": \"trunc";
  server_.push(s);
  CallResult result = client->call("StopDiskReplicaPair", stop_params());
  EXPECT_FALSE(result.ok);
  EXPECT_EQ(result.code, "SyntaxError");
  EXPECT_EQ(result.http_status, 200);
  EXPECT_EQ(result.attempts, 1);
}

TEST_F(ClientTest, ErrorWithoutCodeIsHttpStatus) {
  auto client = make();
  for (int i = 0; i < 3; ++i) {
    Script s;
    s.status = 500;
    s.body = R"({"RequestId":"NO-CODE"})";
    server_.push(s);
  }
  CallResult result = client->call("StopDiskReplicaPair", stop_params());
  EXPECT_FALSE(result.ok);
  EXPECT_EQ(result.code, "Http500");
  EXPECT_EQ(result.request_id, "NO-CODE");
  EXPECT_EQ(result.attempts, 3);
}

TEST_F(ClientTest, NothingListeningIsConnectionRefused) {
  // A port that was just bound and released has nobody listening on it.
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_GE(fd, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  socklen_t len = sizeof addr;
  ASSERT_EQ(::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len), 0);
  ::close(fd);

  ReferenceClientConfig c = config();
  c.endpoint = "http://127.0.0.1:" + std::to_string(ntohs(addr.sin_port));
  auto client = make(c);
  CallResult result = client->call("StopDiskReplicaPair", stop_params());
  EXPECT_FALSE(result.ok);
  EXPECT_TRUE(result.transport_error);
  EXPECT_EQ(result.code, "ECONNREFUSED");
  EXPECT_FALSE(result.http_status.has_value());
  EXPECT_EQ(result.attempts, 3);
  EXPECT_FALSE(result.client_token.empty());
}

TEST_F(ClientTest, SlowResponseIsTimeoutAndRetriedWithSameToken) {
  ReferenceClientConfig c = config();
  c.timeout = 80ms;
  c.max_attempts = 2;
  auto client = make(c);
  Script slow;
  slow.kind = Script::Kind::Stall;
  server_.push(slow);
  server_.push(slow);
  CallResult result = client->call("StopDiskReplicaPair", stop_params());
  EXPECT_FALSE(result.ok);
  EXPECT_TRUE(result.transport_error);
  EXPECT_EQ(result.code, "Timeout");
  EXPECT_EQ(result.attempts, 2);
  // The server did receive both attempts (and may execute them): the token makes it safe.
  auto requests = server_.requests_once(2);
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_EQ(requests[0].params()["ClientToken"], requests[1].params()["ClientToken"]);
}

// ---------------------------------------------------------------------------------------
// (5) Backoff.

TEST_F(ClientTest, BackoffIsFullJitterExponentialThroughTheSleeper) {
  ReferenceClientConfig c = config();
  c.max_attempts = 6;
  c.base_backoff = 100ms;
  c.max_backoff = 350ms;
  auto client = make(c);
  for (int i = 0; i < 6; ++i) server_.push(error_script(500, "InternalError"));
  CallResult result = client->call("StopDiskReplicaPair", stop_params());
  EXPECT_EQ(result.attempts, 6);
  ASSERT_EQ(sleeps_.size(), 5u);
  const std::vector<milliseconds> caps = {100ms, 200ms, 350ms, 350ms, 350ms};
  for (std::size_t i = 0; i < caps.size(); ++i) {
    EXPECT_GE(sleeps_[i], 0ms);
    EXPECT_LE(sleeps_[i], caps[i]) << "sleep before attempt " << i + 2;
  }
  // Each retry advertises the delay it waited.
  auto requests = server_.requests();
  for (std::size_t i = 1; i < requests.size(); ++i) {
    EXPECT_EQ(requests[i].header("x-acs-retry-delay"), std::to_string(sleeps_[i - 1].count()));
  }
}

TEST_F(ClientTest, JitterComesFromTheInjectedRandom) {
  auto run = [this](std::uint64_t seed) {
    contracts::SeededRandom random(seed);
    std::vector<milliseconds> sleeps;
    ReferenceClientConfig c = config();
    c.max_attempts = 4;
    c.base_backoff = 1000ms;
    c.max_backoff = 8000ms;
    ReferenceClient client(c, random, [&](milliseconds d) { sleeps.push_back(d); },
                           [] { return kFixedNow; });
    for (int i = 0; i < 4; ++i) server_.push(error_script(503, "ServiceUnavailable"));
    client.call("StopDiskReplicaPair", stop_params());
    return sleeps;
  };
  auto a = run(7);
  auto b = run(7);
  auto other = run(8);
  ASSERT_EQ(a.size(), 3u);
  EXPECT_EQ(a, b);
  EXPECT_NE(a, other);
}

TEST_F(ClientTest, HonoursRetryAfterHeader) {
  ReferenceClientConfig c = config();
  c.max_backoff = 100ms;  // x-acs-retry-after wins even over the cap
  auto client = make(c);
  Script throttled = error_script(400, "Throttling.User");
  throttled.headers = {{"x-acs-retry-after", "1234"}};
  server_.push(throttled);
  CallResult result = client->call("StopDiskReplicaPair", stop_params());
  ASSERT_TRUE(result.ok) << result.code;
  EXPECT_EQ(result.attempts, 2);
  ASSERT_EQ(sleeps_.size(), 1u);
  EXPECT_EQ(sleeps_[0], 1234ms);
  EXPECT_EQ(server_.requests().at(1).header("x-acs-retry-delay"), "1234");
}

TEST_F(ClientTest, IgnoresMalformedRetryAfter) {
  auto client = make();
  Script throttled = error_script(503, "ServiceUnavailable");
  throttled.headers = {{"x-acs-retry-after", "soon"}};
  server_.push(throttled);
  client->call("StopDiskReplicaPair", stop_params());
  ASSERT_EQ(sleeps_.size(), 1u);
  EXPECT_LE(sleeps_[0], 100ms);
}

// ---------------------------------------------------------------------------------------
// (6) Each ClientBehaviour flag changes behaviour observably.

TEST_F(ClientTest, BehaviourNewTokenPerAttempt) {
  ReferenceClientConfig c = config();
  c.behaviour.new_token_per_attempt = true;
  auto client = make(c);
  server_.push(error_script(500, "InternalError"));
  CallResult result = client->call("StopDiskReplicaPair", stop_params());
  ASSERT_TRUE(result.ok);
  auto requests = server_.requests();
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_NE(requests[0].params()["ClientToken"], requests[1].params()["ClientToken"]);
  EXPECT_EQ(requests[1].params()["ClientToken"], result.client_token);
  EXPECT_EQ(client->name(), "builtin:reference+new_token_per_attempt");
}

TEST_F(ClientTest, BehaviourRetryClientErrors) {
  ReferenceClientConfig c = config();
  c.behaviour.retry_client_errors = true;
  auto client = make(c);
  for (int i = 0; i < 3; ++i) server_.push(error_script(403, "OperationDenied.InvalidStatus"));
  CallResult result = client->call("StopDiskReplicaPair", stop_params());
  EXPECT_FALSE(result.ok);
  EXPECT_EQ(result.attempts, 3);
  EXPECT_EQ(server_.requests().size(), 3u);
}

TEST_F(ClientTest, BehaviourSuccessOnGatewayTimeout) {
  ReferenceClientConfig c = config();
  c.behaviour.success_on_gateway_timeout = true;
  auto client = make(c);
  for (int i = 0; i < 3; ++i) server_.push(error_script(504, "RequestTimeout"));
  CallResult result = client->call("StopDiskReplicaPair", stop_params());
  EXPECT_TRUE(result.ok);
  EXPECT_TRUE(result.code.empty());
  EXPECT_EQ(result.http_status, 504);
  EXPECT_EQ(result.attempts, 3);  // it still retried; it lies only when giving up
}

TEST_F(ClientTest, BehaviourIgnoreErrorCode) {
  ReferenceClientConfig c = config();
  c.behaviour.ignore_error_code = true;
  auto client = make(c);
  server_.push(error_script(500, "InternalError"));
  CallResult result = client->call("StopDiskReplicaPair", stop_params());
  EXPECT_TRUE(result.ok);
  EXPECT_EQ(result.attempts, 1);
  EXPECT_EQ(result.body["Code"], "InternalError");
}

TEST_F(ClientTest, BehaviourNaiveEncodingBreaksOnlyAwkwardValues) {
  for (Signing signing : {Signing::V3, Signing::V1Query, Signing::V1Form}) {
    SCOPED_TRACE(signing_name(signing));
    server_.clear();
    ReferenceClientConfig c = config(signing);
    c.behaviour.naive_encoding = true;
    auto client = make(c);

    client->call("StopDiskReplicaPair", stop_params());  // plain ASCII: still verifies
    for (std::string_view value : {"a b", "x*y", "x~y", "caf\xC3\xA9"}) {
      contracts::Params params = stop_params();
      params["Description"] = std::string(value);
      client->call("ModifyDiskReplicaPair", params);
    }
    auto requests = server_.requests();
    ASSERT_EQ(requests.size(), 5u);
    EXPECT_TRUE(verify(requests[0], signing).ok) << verify(requests[0], signing).detail;
    for (std::size_t i = 1; i < requests.size(); ++i) {
      EXPECT_FALSE(verify(requests[i], signing).ok) << requests[i].params()["Description"];
    }
  }
}

TEST_F(ClientTest, BehaviourMaxAttemptsOne) {
  ReferenceClientConfig c = config();
  c.behaviour.max_attempts = 1;
  auto client = make(c);
  server_.push(error_script(500, "InternalError"));
  CallResult result = client->call("StopDiskReplicaPair", stop_params());
  EXPECT_FALSE(result.ok);
  EXPECT_EQ(result.attempts, 1);
  EXPECT_TRUE(sleeps_.empty());
  EXPECT_EQ(client->name(), "builtin:reference+max_attempts=1");
}

TEST(ClientBehaviourTest, NaiveEncoderHasTheClassicBugs) {
  EXPECT_EQ(ReferenceClient::naive_encode("a b*c~d/\xC3\xA9"), "a+b*c%7Ed%2F%FFFFFFC3%FFFFFFA9");
  EXPECT_EQ(ReferenceClient::naive_encode("pair-cn-abc_1.2"), "pair-cn-abc_1.2");
}

TEST(ClientBehaviourTest, DescribeListsEnabledFlags) {
  EXPECT_EQ(describe(ClientBehaviour{}), "");
  ClientBehaviour b;
  b.retry_client_errors = true;
  b.naive_encoding = true;
  b.max_attempts = 2;
  EXPECT_EQ(describe(b), "retry_client_errors+naive_encoding+max_attempts=2");
}

TEST_F(ClientTest, DefaultNameIsBuiltinReference) { EXPECT_EQ(make()->name(), "builtin:reference"); }

// ---------------------------------------------------------------------------------------
// Property: any printable/Unicode Description signs correctly in every style.

rc::Gen<std::string> printable_unicode_string() {
  rc::Gen<char32_t> code_point = rc::gen::oneOf(
      rc::gen::inRange<char32_t>(0x20, 0x7F),  // printable ASCII
      rc::gen::element<char32_t>(U' ', U'*', U'~', U'+', U'%', U'&', U'=', U'/', U'\'', U'!'),
      rc::gen::inRange<char32_t>(0xA0, 0x800),          // Latin-1 and friends (2 bytes)
      rc::gen::inRange<char32_t>(0x4E00, 0xA000),       // CJK (3 bytes)
      rc::gen::inRange<char32_t>(0x1F300, 0x1F650));    // emoji (4 bytes)
  return rc::gen::map(rc::gen::container<std::vector<char32_t>>(code_point),
                      [](const std::vector<char32_t>& cps) {
                        std::string s;
                        for (char32_t cp : cps) s += contracts::encode_utf8(cp);
                        return s;
                      });
}

TEST_F(ClientTest, PropertyAnyDescriptionVerifiesInEveryStyle) {
  std::vector<std::unique_ptr<ReferenceClient>> clients;
  for (Signing signing : {Signing::V3, Signing::V1Query, Signing::V1Form}) {
    clients.push_back(make(signing));
  }
  const bool passed = rc::check(
      "V3, V1 query and V1 form requests verify for any Description", [&] {
        const std::string description = *printable_unicode_string();
        for (auto& client : clients) {
          server_.clear();
          contracts::Params params = stop_params();
          params["Description"] = description;
          CallResult result = client->call("ModifyDiskReplicaPair", params);
          RC_ASSERT(result.ok);
          auto requests = server_.requests();
          RC_ASSERT(requests.size() == 1u);
          Verdict v = verify(requests[0], client->config().signing);
          RC_ASSERT(v.ok);
          RC_ASSERT(requests[0].params()["Description"] == description);
        }
      });
  EXPECT_TRUE(passed);
}

}  // namespace
}  // namespace ebsmock::harness
