// reference_client.cpp: request building and signing (V3, V1 query, V1 form), the retry
// loop, and response interpretation of the reference client. Not thread-safe.
#include "harness/client/reference_client.h"

#include <httplib.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdint>
#include <thread>
#include <utility>

#include "contracts/error_catalogue.h"
#include "contracts/operation.h"
#include "contracts/signature_v1.h"
#include "contracts/signature_v3.h"
#include "harness/client/request_signing.h"

namespace ebsmock::harness {
namespace {

using std::chrono::milliseconds;

constexpr std::string_view kUserAgent = "ebsmock-reference/0.1 (cpp-httplib)";
constexpr std::string_view kFormContentType = "application/x-www-form-urlencoded";

// The authority ("host:port") of an endpoint URL, which is what the Host header carries.
std::string authority_of(std::string_view endpoint) {
  if (auto scheme = endpoint.find("://"); scheme != std::string_view::npos) {
    endpoint.remove_prefix(scheme + 3);
  }
  return std::string(endpoint.substr(0, endpoint.find('/')));
}

std::string snippet(std::string_view body) {
  constexpr std::size_t kMax = 200;
  if (body.size() <= kMax) return std::string(body);
  return std::string(body.substr(0, kMax)) + "...";
}

std::optional<milliseconds> parse_retry_after(const std::string& value) {
  long long ms = 0;
  auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), ms);
  if (ec != std::errc() || end != value.data() + value.size() || ms <= 0) return std::nullopt;
  return milliseconds(ms);
}

// --- Signing with the naive encoder (ClientBehaviour::naive_encoding) ---
// The structure of the algorithms is kept exactly; only the encoder differs, as in the
// real bug. The correct path uses the contracts/ functions directly.

contracts::ParamList sorted_without_signature(contracts::ParamList params) {
  std::erase_if(params, [](const auto& p) { return p.first == "Signature"; });
  std::stable_sort(params.begin(), params.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  return params;
}

std::string naive_v1_string_to_sign(std::string_view method,
                                    const contracts::ParamList& params) {
  std::string canonical;
  for (const auto& [name, value] : sorted_without_signature(params)) {
    if (!canonical.empty()) canonical += '&';
    canonical += ReferenceClient::naive_encode(name) + "=" + ReferenceClient::naive_encode(value);
  }
  return std::string(method) + "&" + ReferenceClient::naive_encode("/") + "&" +
         ReferenceClient::naive_encode(canonical);
}

// Replaces the CanonicalQueryString (third line) of a V3 canonical request with one
// built by the naive encoder. The encoded query never contains '\n', so line splitting
// is exact.
std::string with_naive_query(std::string canonical_request, const contracts::ParamList& query) {
  std::string naive_query;
  for (const auto& [name, value] : sorted_without_signature(query)) {
    if (!naive_query.empty()) naive_query += '&';
    naive_query += name + "=" + ReferenceClient::naive_encode(value);
  }
  std::size_t first = canonical_request.find('\n');
  std::size_t second = canonical_request.find('\n', first + 1);
  std::size_t third = canonical_request.find('\n', second + 1);
  canonical_request.replace(second + 1, third - second - 1, naive_query);
  return canonical_request;
}

}  // namespace

std::string describe(const ClientBehaviour& behaviour) {
  std::string out;
  auto add = [&out](std::string_view flag) {
    if (!out.empty()) out += '+';
    out += flag;
  };
  if (behaviour.new_token_per_attempt) add("new_token_per_attempt");
  if (behaviour.retry_client_errors) add("retry_client_errors");
  if (behaviour.success_on_gateway_timeout) add("success_on_gateway_timeout");
  if (behaviour.ignore_error_code) add("ignore_error_code");
  if (behaviour.naive_encoding) add("naive_encoding");
  if (behaviour.max_attempts > 0) add("max_attempts=" + std::to_string(behaviour.max_attempts));
  return out;
}

// One HTTP request, ready to send.
struct ReferenceClient::Outgoing {
  std::string target;  // "/" or "/?query"
  httplib::Headers headers;
  std::string body;
  std::string content_type;  // empty = no body
};

void ReferenceClient::system_sleep(milliseconds d) { std::this_thread::sleep_for(d); }

contracts::Instant ReferenceClient::system_now() {
  return std::chrono::time_point_cast<milliseconds>(std::chrono::system_clock::now());
}

ReferenceClient::ReferenceClient(ReferenceClientConfig config, contracts::Random& random,
                                 Sleeper sleeper, Clock now)
    : config_(std::move(config)),
      random_(random),
      sleeper_(sleeper ? std::move(sleeper) : Sleeper(&ReferenceClient::system_sleep)),
      now_(now ? std::move(now) : Clock(&ReferenceClient::system_now)),
      host_(authority_of(config_.endpoint)),
      http_(std::make_unique<httplib::Client>(config_.endpoint)) {
  http_->set_connection_timeout(config_.timeout);
  http_->set_read_timeout(config_.timeout);
  http_->set_write_timeout(config_.timeout);
  http_->set_keep_alive(true);
  // httplib writes headers and body separately; with Nagle on, a reused keep-alive
  // connection stalls each request for a delayed ACK (~40 ms). Node's http also disables it.
  http_->set_tcp_nodelay(true);
  // Targets are fully percent-encoded already; httplib must not touch them.
  http_->set_url_encode(false);
}

ReferenceClient::~ReferenceClient() = default;

std::string ReferenceClient::name() const {
  std::string flags = describe(config_.behaviour);
  return flags.empty() ? "builtin:reference" : "builtin:reference+" + flags;
}

bool ReferenceClient::is_mutating_action(std::string_view action) {
  if (auto op = contracts::parse_operation(action)) return contracts::is_mutating(*op);
  return !action.starts_with("Describe");
}

bool ReferenceClient::sends_client_token(std::string_view action) {
  if (auto op = contracts::parse_operation(action)) return contracts::accepts_client_token(*op);
  return is_mutating_action(action);
}

std::string ReferenceClient::naive_encode(std::string_view raw) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : raw) {
    bool alnum = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
    if (alnum || c == '-' || c == '_' || c == '.' || c == '*') {
      out += static_cast<char>(c);  // URLEncoder keeps '*' (Alibaba wants %2A)
    } else if (c == ' ') {
      out += '+';  // form encoding (Alibaba wants %20)
    } else {
      // printf("%%%02X", (char)c) on a signed char sign-extends bytes >= 0x80.
      out += c >= 0x80 ? "%FFFFFF" : "%";
      out += kHex[c >> 4];
      out += kHex[c & 0xF];  // '~' lands here as %7E (Alibaba keeps it literal)
    }
  }
  return out;
}

int ReferenceClient::effective_max_attempts() const {
  int n = config_.behaviour.max_attempts > 0 ? config_.behaviour.max_attempts
                                             : config_.max_attempts;
  return std::max(n, 1);
}

std::string ReferenceClient::new_client_token() {
  std::string token = random_.request_id();  // 8-4-4-4-12 hex, upper case
  std::transform(token.begin(), token.end(), token.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return token;
}

ReferenceClient::Outgoing ReferenceClient::build_request(std::string_view action,
                                                         const contracts::Params& params,
                                                         int attempt, milliseconds last_delay) {
  const std::string date = contracts::format_iso8601(now_());
  const std::string nonce = random_.hex(32);
  Outgoing out;

  // Headers every style sends (pop-core and openapi 'v2' also send x-acs-action and
  // x-acs-version with V1). Host is set explicitly so it is exactly what V3 signs.
  out.headers.emplace("host", host_);
  out.headers.emplace("x-acs-action", std::string(action));
  out.headers.emplace("x-acs-version", std::string(contracts::kApiVersion));
  if (attempt > 1) {
    // openapi-core applyRetryHeaders: retries so far, and the delay just waited.
    out.headers.emplace("x-acs-retry-attempts", std::to_string(attempt - 1));
    out.headers.emplace("x-acs-retry-delay", std::to_string(last_delay.count()));
  }

  if (config_.signing == Signing::V3) {
    const std::string_view algorithm = contracts::kAcs3HmacSha256;
    contracts::ParamList query(params.begin(), params.end());
    const std::string payload_hash = contracts::v3_payload_hash(algorithm, "").value();
    out.headers.emplace("x-acs-date", date);
    out.headers.emplace("x-acs-signature-nonce", nonce);
    out.headers.emplace("x-acs-content-sha256", payload_hash);
    out.headers.emplace("accept", "application/json");

    contracts::V3Request request{.method = "POST",
                                 .path = "/",
                                 .query = query,
                                 .headers = contracts::HeaderList(out.headers.begin(), out.headers.end()),
                                 .payload_hash = payload_hash};
    std::function<std::string(std::string)> naive;
    if (config_.behaviour.naive_encoding) {
      naive = [&query](std::string canonical) { return with_naive_query(std::move(canonical), query); };
    }
    out.headers.emplace("Authorization", v3_sign(request, algorithm, config_.access_key_id,
                                                 config_.access_key_secret, naive));
    out.target = query.empty() ? "/" : "/?" + contracts::encode_params(query);
  } else {
    // Common parameters (ebs-api.md §5.3) merged with the API parameters; a caller's
    // parameter of the same name would be a protocol violation, so common ones win.
    contracts::Params all = params;
    all["Action"] = std::string(action);
    all["Format"] = "JSON";
    all["Version"] = std::string(contracts::kApiVersion);
    all["Timestamp"] = date;
    all["SignatureMethod"] = "HMAC-SHA1";
    all["SignatureVersion"] = "1.0";
    all["SignatureNonce"] = nonce;
    all["AccessKeyId"] = config_.access_key_id;
    all.erase("Signature");
    contracts::ParamList list(all.begin(), all.end());
    std::string string_to_sign = config_.behaviour.naive_encoding
                                     ? naive_v1_string_to_sign("POST", list)
                                     : contracts::v1_string_to_sign("POST", list);
    list.emplace_back("Signature",
                      contracts::v1_signature(config_.access_key_secret, string_to_sign));
    if (config_.signing == Signing::V1Query) {
      out.target = "/?" + contracts::encode_params(list);
    } else {
      out.target = "/";
      out.body = contracts::encode_params(list);
      out.content_type = kFormContentType;
    }
  }
  out.headers.emplace("user-agent", std::string(kUserAgent));
  if (!call_id_.empty()) out.headers.emplace(std::string(kCallIdHeader), call_id_);
  return out;
}

ReferenceClient::Attempt ReferenceClient::send(const Outgoing& request) {
  const auto start = std::chrono::steady_clock::now();
  httplib::Result res =
      request.content_type.empty()
          ? http_->Post(request.target, request.headers)
          : http_->Post(request.target, request.headers, request.body, request.content_type);
  Attempt attempt;
  if (!res) {
    const httplib::Error error = res.error();
    const auto elapsed = std::chrono::steady_clock::now() - start;
    // httplib reports a read timeout and a peer reset both as Error::Read; only the
    // elapsed time tells them apart (a timeout takes the whole timeout).
    const bool took_timeout = elapsed >= config_.timeout * 9 / 10;
    CallResult& r = attempt.result;
    r.transport_error = true;
    switch (error) {
      case httplib::Error::Connection: r.code = "ECONNREFUSED"; break;
      case httplib::Error::ConnectionTimeout: r.code = "Timeout"; break;
      case httplib::Error::Read:
      case httplib::Error::Write: r.code = took_timeout ? "Timeout" : "ECONNRESET"; break;
      default: r.code = "ECONNRESET"; break;
    }
    r.message = httplib::to_string(error) + ": POST " + config_.endpoint + request.target;
    return attempt;
  }
  attempt.result = interpret_response(res->status, res->body);
  if (res->has_header("x-acs-retry-after")) {
    attempt.retry_after = parse_retry_after(res->get_header_value("x-acs-retry-after"));
  }
  return attempt;
}

CallResult ReferenceClient::interpret_response(int status, const std::string& body) const {
  CallResult r;
  r.http_status = status;
  nlohmann::json json = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  const bool is_object = !json.is_discarded() && json.is_object();
  if (is_object) {
    if (auto it = json.find("RequestId"); it != json.end() && it->is_string()) {
      r.request_id = it->get<std::string>();
    }
  }
  const bool success_status = status >= 200 && status < 300;
  if (is_object && (success_status || config_.behaviour.ignore_error_code)) {
    // Like the openapi cores, a 2xx is a success even if its body carries a Code.
    r.ok = true;
    r.body = std::move(json);
    return r;
  }
  if (success_status) {
    r.code = "SyntaxError";
    r.message = "response body is not a JSON object: " + snippet(body);
    return r;
  }
  if (is_object) {
    auto code = json.find("Code");
    if (code != json.end() && code->is_string() && !code->get<std::string>().empty()) {
      r.code = code->get<std::string>();
      if (auto msg = json.find("Message"); msg != json.end() && msg->is_string()) {
        r.message = msg->get<std::string>();
      }
    }
    r.body = std::move(json);
  }
  if (r.code.empty()) {
    r.code = "Http" + std::to_string(status);
    r.message = "HTTP " + std::to_string(status) + " without an error Code: " + snippet(body);
  }
  return r;
}

bool ReferenceClient::should_retry(const Attempt& attempt) const {
  const CallResult& r = attempt.result;
  if (r.ok) return false;
  // No response, or a broken one: the request may or may not have run; the same
  // ClientToken makes a retry safe (ebs-api.md §6).
  if (r.transport_error) return true;
  if (!r.http_status) return false;
  const int status = *r.http_status;
  if (status >= 500) return true;
  // Flow control and "your previous request with this token is still running" are the
  // two 4xx answers that say "try again later".
  if (r.code.find("Throttling") != std::string::npos) return true;
  if (r.code == contracts::codes::kLastTokenProcessing) return true;
  if (config_.behaviour.retry_client_errors && status >= 400 && status < 500) return true;
  // Other 4xx (and a 2xx with an unreadable body, where the request did run) will not
  // change by repeating it.
  return false;
}

milliseconds ReferenceClient::backoff_before(int next_attempt, const Attempt& failed) {
  if (failed.retry_after) return *failed.retry_after;
  // cap = min(max, base * 2^(failed attempt - 1)), doubled step by step to avoid overflow.
  const long long max_ms = std::max<long long>(config_.max_backoff.count(), 0);
  long long cap = std::min<long long>(std::max<long long>(config_.base_backoff.count(), 0), max_ms);
  for (int i = 1; i < next_attempt - 1 && cap < max_ms; ++i) cap = std::min(cap * 2, max_ms);
  // Full jitter (uniform in [0, cap]) spreads out clients that failed together.
  return milliseconds(static_cast<long long>(random_.below(static_cast<std::uint64_t>(cap) + 1)));
}

bool ReferenceClient::renews_token_before_retry(std::string_view, const Attempt&) const {
  return config_.behaviour.new_token_per_attempt;
}

CallResult ReferenceClient::decode(std::string_view, CallResult result) const { return result; }

CallResult ReferenceClient::finish(CallResult last) const {
  if (config_.behaviour.success_on_gateway_timeout && !last.ok && last.http_status == 504) {
    last.ok = true;
    last.code.clear();
    last.message.clear();
    if (!last.body.is_object()) last.body = nlohmann::json::object();
  }
  return last;
}

CallResult ReferenceClient::call(std::string_view action, contracts::Params params) {
  const bool with_token = sends_client_token(action);
  std::string token;
  if (with_token) {
    auto it = params.find("ClientToken");
    if (it != params.end() && !it->second.empty()) {
      token = it->second;
    } else {
      token = new_client_token();
      params["ClientToken"] = token;
    }
  }

  const int max_attempts = effective_max_attempts();
  Attempt previous;
  milliseconds delay{0};
  for (int attempt = 1;; ++attempt) {
    if (attempt > 1) {
      delay = backoff_before(attempt, previous);
      sleeper_(delay);
      if (with_token && renews_token_before_retry(action, previous)) {
        token = new_client_token();
        params["ClientToken"] = token;
      }
    }
    // Each attempt is built afresh: new nonce, new date, new signature; same token.
    Attempt current = send(build_request(action, params, attempt, delay));
    current.result.attempts = attempt;
    current.result.client_token = token;
    if (attempt >= max_attempts || !should_retry(current)) {
      return decode(action, finish(std::move(current.result)));
    }
    previous = std::move(current);
  }
}

}  // namespace ebsmock::harness
