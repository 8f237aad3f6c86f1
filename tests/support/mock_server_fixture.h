// mock_server_fixture.h: a real ebsmock server for tests: a mock::EmbeddedServer on
// 127.0.0.1, port 0, built from a scenario TOML string (virtual clock unless the TOML has its own [clock]). Helpers send RPC calls over
// real HTTP (unsigned, V3 or V1 signed, see request_signer.h), raw bytes over TCP, and
// admin calls, and parse the JSON answers. Header-only so any test binary can include it.
// A MockServer may be used from several threads at once (each call opens its own
// connection); construction and destruction are single-threaded.
#pragma once

#include <chrono>
#include <cstdlib>
#include <memory>
#include <optional>
#include <regex>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include <gtest/gtest.h>
#include <httplib.h>
#include <nlohmann/json.hpp>

#include "contracts/operation.h"
#include "mock/clock.h"
#include "mock/embedded_server.h"
#include "scenarios/loader/scenario_loader.h"
#include "tests/support/request_signer.h"
#include "tests/support/socket_client.h"

namespace ebsmock::testing {

using Json = nlohmann::json;

// ---------------------------------------------------------------------------------------
// Scenario text helpers.

// [scenario] + the test credential + [auth]; append pairs and other sections after it.
inline std::string world_toml(bool verify_signatures, std::string_view rest = {},
                              std::uint64_t seed = 7) {
  std::string out = "[scenario]\nname = \"test\"\nseed = " + std::to_string(seed) +
                    "\n\n[[credential]]\naccess_key_id = \"testid\"\n"
                    "access_key_secret = \"testsecret\"\n\n[auth]\nverify_signatures = " +
                    (verify_signatures ? "true" : "false") + "\n\n";
  out += rest;
  return out;
}

// One [[pair]] block.
inline std::string pair_toml(std::string_view id, std::string_view status,
                             std::string_view region = "cn-hangzhou",
                             std::string_view destination = "cn-shanghai",
                             std::string_view extra = {}) {
  std::string out = "[[pair]]\nid = \"" + std::string(id) + "\"\nregion = \"" +
                    std::string(region) + "\"\ndestination_region = \"" +
                    std::string(destination) + "\"\nstatus = \"" + std::string(status) + "\"\n";
  out += extra;
  if (!extra.empty() && extra.back() != '\n') out += '\n';
  out += '\n';
  return out;
}

// ---------------------------------------------------------------------------------------
// Responses.

struct Response {
  bool transport_ok = false;    // false: no HTTP answer at all (see transport_error)
  std::string transport_error;
  int status = 0;
  std::string body;
  httplib::Headers headers;
  Json json;                    // discarded value when the body is not JSON
  WireRequest sent;             // what was sent (for signed calls: the string to sign)

  std::string header(const std::string& name) const {
    for (const auto& [k, v] : headers) {
      if (contracts::iequals(k, name)) return v;
    }
    return {};
  }
  std::string content_type() const { return header("Content-Type"); }
  bool is_json_object() const { return json.is_object(); }
  std::string code() const {
    return json.is_object() && json.contains("Code") && json["Code"].is_string()
               ? json["Code"].get<std::string>()
               : std::string();
  }
  std::string message() const {
    return json.is_object() && json.contains("Message") && json["Message"].is_string()
               ? json["Message"].get<std::string>()
               : std::string();
  }
  // The body without RequestId, for comparing answers of retried calls.
  Json without_request_id() const {
    Json j = json;
    if (j.is_object()) j.erase("RequestId");
    return j;
  }
};

inline std::ostream& operator<<(std::ostream& os, const Response& r) {
  if (!r.transport_ok) return os << "<no HTTP answer: " << r.transport_error << ">";
  return os << "HTTP " << r.status << " " << r.body;
}

inline void parse_json_body(Response& r) {
  r.json = Json::parse(r.body, nullptr, /*allow_exceptions=*/false);
}

inline const std::regex& request_id_regex() {
  static const std::regex re("^[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}$");
  return re;
}

// The documented error envelope (ebs-api.md §5.6): RequestId (upper-case UUID), HostId,
// Code, Message, Recommend; JSON content type; the status of the code.
inline void expect_error_envelope(const Response& r, int status, std::string_view code) {
  ASSERT_TRUE(r.transport_ok) << r.transport_error;
  EXPECT_EQ(r.status, status) << r.body;
  ASSERT_TRUE(r.json.is_object()) << "error body is not a JSON object: " << r.body;
  EXPECT_EQ(r.content_type(), "application/json;charset=utf-8");
  for (const char* field : {"RequestId", "HostId", "Code", "Message", "Recommend"}) {
    ASSERT_TRUE(r.json.contains(field)) << "missing " << field << ": " << r.body;
    ASSERT_TRUE(r.json[field].is_string()) << field << " is not a string: " << r.body;
    EXPECT_FALSE(r.json[field].get<std::string>().empty()) << field << " is empty: " << r.body;
  }
  EXPECT_TRUE(std::regex_match(r.json["RequestId"].get<std::string>(), request_id_regex()))
      << r.json["RequestId"];
  EXPECT_EQ(r.json["Code"], std::string(code)) << r.body;
}

// A success answer: 200, JSON, a RequestId, and no Code (ebs-api.md §1.1, §7).
inline void expect_success_envelope(const Response& r) {
  ASSERT_TRUE(r.transport_ok) << r.transport_error;
  ASSERT_EQ(r.status, 200) << r.body;
  ASSERT_TRUE(r.json.is_object()) << r.body;
  EXPECT_EQ(r.content_type(), "application/json;charset=utf-8");
  EXPECT_FALSE(r.json.contains("Code")) << r.body;
  ASSERT_TRUE(r.json.contains("RequestId")) << r.body;
  EXPECT_TRUE(std::regex_match(r.json["RequestId"].get<std::string>(), request_id_regex()))
      << r.json["RequestId"];
}

// The first pair a DescribeDiskReplicaPairs answer lists, or nullptr (and a test failure)
// when it lists none. Never throws: a test that has parked a call must go on to release
// it, or it hangs.
inline const Json* first_listed_pair(const Response& r) {
  const Json* pairs = r.json.is_object() && r.json.contains("ReplicaPairs") ? &r.json["ReplicaPairs"] : nullptr;
  if (pairs == nullptr || !pairs->is_array() || pairs->empty() || !(*pairs)[0].is_object()) {
    ADD_FAILURE() << "Describe listed no pair: " << r.status << " " << r.body;
    return nullptr;
  }
  return &(*pairs)[0];
}

// ---------------------------------------------------------------------------------------
// Raw TCP.

struct RawExchangeOptions {
  // shutdown(SHUT_WR) after sending. Note that cpp-httplib answers nothing to a peer that
  // has half-closed (it checks the socket is alive before writing), so this is only for
  // "send and hang up" cases.
  bool half_close = false;
  int timeout_seconds = 10;
};

// Sends `bytes` and returns what the server answered: everything up to the end of the
// first complete response, or until the server closes (or the timeout). `sent_all` reports
// whether every byte was written before the server stopped reading.
inline std::string raw_exchange(int port, std::string_view bytes, RawExchangeOptions opt = {},
                                bool* sent_all = nullptr) {
  Socket s = Socket::connect(port);
  if (!s.valid()) throw std::runtime_error("connect() failed");
  bool all = s.send_all(bytes);  // a server that closed early: read what it said
  if (sent_all) *sent_all = all;
  if (opt.half_close) s.shutdown_write();
  return s.read_response(opt.timeout_seconds * 1000);
}

// Parses the first HTTP/1.1 response in `text` (Content-Length bodies only).
inline Response parse_raw_response(std::string_view text) {
  Response r;
  auto head_end = text.find("\r\n\r\n");
  if (!text.starts_with("HTTP/1.") || head_end == std::string_view::npos) {
    r.transport_error = "no HTTP response: " + std::string(text.substr(0, 200));
    return r;
  }
  r.transport_ok = true;
  std::string_view head = text.substr(0, head_end);
  auto line_end = head.find("\r\n");
  std::string_view status_line = head.substr(0, line_end);
  r.status = std::atoi(std::string(status_line.substr(status_line.find(' ') + 1, 3)).c_str());
  std::size_t pos = line_end == std::string_view::npos ? head.size() : line_end + 2;
  while (pos < head.size()) {
    auto end = head.find("\r\n", pos);
    if (end == std::string_view::npos) end = head.size();
    std::string_view line = head.substr(pos, end - pos);
    auto colon = line.find(':');
    if (colon != std::string_view::npos) {
      std::string_view value = line.substr(colon + 1);
      while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
      r.headers.emplace(std::string(line.substr(0, colon)), std::string(value));
    }
    pos = end + 2;
  }
  std::string_view body = text.substr(head_end + 4);
  if (auto len = r.header("Content-Length"); !len.empty()) {
    body = body.substr(0, std::min<std::size_t>(body.size(), std::stoul(len)));
  }
  r.body = std::string(body);
  parse_json_body(r);
  return r;
}

// ---------------------------------------------------------------------------------------
// The server.

struct ServerOptions {
  // Appends [clock] mode = "virtual" when the TOML has no [clock] section.
  bool virtual_clock_by_default = true;
  // Wall clock for signature timestamps; nullptr = the system clock.
  std::shared_ptr<mock::ManualClock> wall_clock;
  // What injected delays and hangs wait on; nullptr = the system clock. A test that
  // injects one passes a ManualClock and releases it (clock.h), never sleeping itself.
  std::shared_ptr<mock::ManualClock> wait_clock;
  std::size_t journal_capacity = mock::ServiceOptions{}.journal_capacity;
  std::string journal_file;  // "" = none
  std::size_t token_capacity = mock::ServiceOptions{}.token_capacity;
  mock::ServerMutant mutant = mock::ServerMutant::None;  // a planted server bug
  contracts::Duration race_window = mock::ServiceOptions{}.race_window;  // a concurrency mutant's window
  std::string admin_token;
  mock::HttpServerOptions http = [] {
    mock::HttpServerOptions o;
    o.min_threads = 2;  // many short-lived servers per test binary; the pool still grows
    return o;
  }();
};

class MockServer {
 public:
  explicit MockServer(std::string_view toml, ServerOptions options = {})
      : options_(std::move(options)) {
    std::string text(toml);
    if (options_.virtual_clock_by_default && text.find("[clock]") == std::string::npos) {
      text += "\n[clock]\nmode = \"virtual\"\n";
    }
    scenarios::Scenario scenario = scenarios::load_scenario_string(text, "test.toml");
    verify_signatures_ = scenario.auth.verify_signatures;
    mock::EmbeddedServerOptions o;
    o.service.wall_clock = options_.wall_clock;
    o.service.wait_clock = options_.wait_clock;
    o.service.journal_capacity = options_.journal_capacity;
    o.service.journal_file = options_.journal_file;
    o.service.token_capacity = options_.token_capacity;
    o.service.mutant = options_.mutant;
    o.service.race_window = options_.race_window;
    o.admin_token = options_.admin_token;
    o.http = options_.http;
    server_ = std::make_unique<mock::EmbeddedServer>(std::move(scenario), std::move(o));
    port_ = server_->port();
  }

  MockServer(const MockServer&) = delete;
  MockServer& operator=(const MockServer&) = delete;

  int port() const { return port_; }
  // Exactly what the Host header says (and what V3 signs).
  std::string host() const { return "127.0.0.1:" + std::to_string(port_); }
  mock::Service& service() { return server_->service(); }
  mock::EmbeddedServer& server() { return *server_; }
  bool verify_signatures() const { return verify_signatures_; }

  contracts::Instant wall_now() const {
    return options_.wall_clock ? options_.wall_clock->now() : system_now();
  }

  // Signing used by post() when none is given: none when the world does not verify
  // signatures, else V3 with testid/testsecret; timestamps from the (injected) wall clock.
  SignOptions default_signing() const {
    SignOptions o;
    o.scheme = verify_signatures_ ? Scheme::V3 : Scheme::None;
    o.timestamp = wall_now();
    return o;
  }

  // Sends exactly `params` (plus signing parameters/headers).
  Response post(const contracts::ParamList& params, std::optional<SignOptions> sign = {}) const {
    SignOptions o = sign ? *sign : default_signing();
    if (!o.timestamp && !o.timestamp_text) o.timestamp = wall_now();
    return send(build_request(params, host(), o));
  }

  // Action + Version 2021-07-30 + `params`.
  Response call(std::string_view action, const contracts::ParamList& params = {},
                std::optional<SignOptions> sign = {}) const {
    contracts::ParamList all{{"Action", std::string(action)},
                             {"Version", std::string(contracts::kApiVersion)}};
    all.insert(all.end(), params.begin(), params.end());
    return post(all, std::move(sign));
  }

  Response send(const WireRequest& w) const {
    Response r = raw_http(w.method, w.target, w.headers, w.body);
    r.sent = w;
    return r;
  }

  // Any method/target/headers/body; the target is sent verbatim (no re-encoding).
  Response raw_http(const std::string& method, const std::string& target,
                    const std::vector<std::pair<std::string, std::string>>& headers,
                    const std::string& body) const {
    httplib::Client cli("127.0.0.1", port_);
    cli.set_url_encode(false);
    // Generous: cpp-httplib 0.11.4 listens with a backlog of 5, so under a burst of new
    // connections a connect() may wait for SYN retransmits (1 s, 3 s, 7 s...).
    cli.set_connection_timeout(30, 0);
    cli.set_read_timeout(30, 0);
    cli.set_write_timeout(30, 0);
    httplib::Request req;
    req.method = method;
    req.path = target;
    bool has_host = false;
    for (const auto& [k, v] : headers) {
      if (k == "host" || k == "Host") has_host = true;
      req.headers.emplace(k, v);
    }
    if (!has_host) req.headers.emplace("Host", host());
    req.body = body;
    Response r;
    auto res = cli.send(req);
    if (!res) {
      r.transport_error = httplib::to_string(res.error());
      return r;
    }
    r.transport_ok = true;
    r.status = res->status;
    r.body = res->body;
    r.headers = res->headers;
    parse_json_body(r);
    return r;
  }

  Response admin_get(const std::string& path) const { return raw_http("GET", path, {}, ""); }
  Response admin_post(const std::string& path) const { return raw_http("POST", path, {}, ""); }

  // Moves the virtual world clock (e.g. "2s"); fails the test on a non-200.
  void advance(const std::string& by) const {
    auto r = admin_post("/__admin/clock/advance?by=" + by);
    ASSERT_EQ(r.status, 200) << r.body;
  }

  Json journal(std::uint64_t since = 0) const {
    auto r = admin_get("/__admin/journal?since=" + std::to_string(since));
    EXPECT_EQ(r.status, 200) << r.body;
    return r.json.is_object() ? r.json["entries"] : Json::array();
  }

  // Journal text, for "never contains a secret" checks.
  std::string journal_text() const { return admin_get("/__admin/journal").body; }

  // DescribeDiskReplicaPairs PairIds=id: the item, or nullopt when not listed.
  std::optional<Json> describe(const std::string& pair_id,
                               const std::string& region = "cn-hangzhou") const {
    auto r = call("DescribeDiskReplicaPairs", {{"RegionId", region}, {"PairIds", pair_id}});
    EXPECT_EQ(r.status, 200) << r.body;
    if (!r.json.is_object() || !r.json.contains("ReplicaPairs")) return std::nullopt;
    for (const auto& item : r.json["ReplicaPairs"]) {
      if (item.value("ReplicaPairId", "") == pair_id) return item;
    }
    return std::nullopt;
  }

  std::string status_of(const std::string& pair_id, const std::string& region = "cn-hangzhou") const {
    auto item = describe(pair_id, region);
    return item ? item->value("Status", "") : std::string("<absent>");
  }

 private:
  ServerOptions options_;
  bool verify_signatures_ = false;
  std::unique_ptr<mock::EmbeddedServer> server_;
  int port_ = -1;
};

// ---------------------------------------------------------------------------------------
// Journal helpers.

inline std::vector<Json> request_entries(const Json& entries) {
  std::vector<Json> out;
  for (const auto& e : entries) {
    if (e.value("kind", "") == "request") out.push_back(e);
  }
  return out;
}

// Request entries that changed a pair's status.
inline std::vector<Json> request_transitions(const Json& entries) {
  std::vector<Json> out;
  for (const auto& e : request_entries(entries)) {
    if (e.contains("transition") && !e["transition"].is_null()) out.push_back(e);
  }
  return out;
}

inline std::vector<Json> progress_entries(const Json& entries) {
  std::vector<Json> out;
  for (const auto& e : entries) {
    if (e.value("kind", "") == "progress") out.push_back(e);
  }
  return out;
}

}  // namespace ebsmock::testing
