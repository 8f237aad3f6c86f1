// request_signer.h: builds the bytes of an RPC call the way Alibaba SDKs put them on the
// wire, unsigned, V3 (ACS3-HMAC-SHA256, as the generated SDKs do) or V1 (HMAC-SHA1, as
// Terraform's tea-rpc does), using the contracts signing functions. Test-only and
// header-only, independent of harness/client. Pure functions (the nonce counter is
// atomic); thread-safe.
#pragma once

#include <atomic>
#include <chrono>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "contracts/api_schema.h"
#include "contracts/crypto.h"
#include "contracts/percent_encoding.h"
#include "contracts/signature_v1.h"
#include "contracts/signature_v3.h"
#include "contracts/time.h"

namespace ebsmock::testing {

inline constexpr std::string_view kTestAccessKeyId = "testid";
inline constexpr std::string_view kTestAccessKeySecret = "testsecret";

enum class Scheme { None, V3, V1 };
// Where API parameters go: all in the query (SDK style) or in an
// application/x-www-form-urlencoded body (Terraform style; common V1 parameters stay in
// the query).
enum class Placement { Query, Form };

struct SignOptions {
  Scheme scheme = Scheme::V3;
  std::string method = "POST";
  Placement placement = Placement::Query;
  std::string access_key_id{kTestAccessKeyId};
  std::string access_key_secret{kTestAccessKeySecret};
  std::optional<std::string> nonce;              // default: a fresh unique nonce
  std::optional<contracts::Instant> timestamp;   // default: the system clock
  std::optional<std::string> timestamp_text;     // overrides the formatted timestamp
  // Headers sent beside the signing ones (e.g. x-ebsmock-call-id); V3 signs them only
  // when sign_extra_headers is set.
  std::vector<std::pair<std::string, std::string>> extra_headers;
  bool sign_extra_headers = false;
};

// One request, ready to send.
struct WireRequest {
  std::string method;
  std::string target;  // "/?a=1&b=2"
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::string string_to_sign;  // what the client signed ("" when unsigned)
  std::string signature;       // the signature value sent ("" when unsigned)
  std::string nonce;
};

// Unique across the process: a random prefix per process plus a counter.
inline std::string unique_nonce() {
  static const std::string prefix = [] {
    std::random_device rd;
    return contracts::crypto::md5_hex(std::to_string(rd()) + std::to_string(rd())).substr(0, 16);
  }();
  static std::atomic<std::uint64_t> counter{0};
  return prefix + std::to_string(counter.fetch_add(1));
}

inline contracts::Instant system_now() {
  return std::chrono::time_point_cast<std::chrono::milliseconds>(std::chrono::system_clock::now());
}

inline bool is_v1_common_parameter(std::string_view name) {
  return name == "Action" || name == "Version" || contracts::is_protocol_parameter(name);
}

// Builds the request for `params` (API parameters plus, usually, Action and Version) sent
// to `host` ("127.0.0.1:PORT", also the signed Host header).
inline WireRequest build_request(const contracts::ParamList& params, const std::string& host,
                                 const SignOptions& opt) {
  WireRequest w;
  w.method = opt.method;
  w.headers.emplace_back("host", host);
  for (const auto& h : opt.extra_headers) w.headers.push_back(h);
  const std::string stamp =
      opt.timestamp_text ? *opt.timestamp_text
                         : contracts::format_iso8601(opt.timestamp.value_or(system_now()));
  w.nonce = opt.nonce.value_or(unique_nonce());

  auto finish_target = [&](const contracts::ParamList& query) {
    w.target = "/";
    if (!query.empty()) w.target += "?" + contracts::encode_params(query);
  };
  auto set_form = [&](const contracts::ParamList& form) {
    if (form.empty()) return;
    w.body = contracts::encode_params(form);
    w.headers.emplace_back("content-type", "application/x-www-form-urlencoded");
  };

  if (opt.scheme == Scheme::None) {
    contracts::ParamList query, form;
    for (const auto& p : params) {
      bool in_query = opt.placement == Placement::Query || is_v1_common_parameter(p.first);
      (in_query ? query : form).push_back(p);
    }
    finish_target(query);
    set_form(form);
    return w;
  }

  if (opt.scheme == Scheme::V1) {
    contracts::ParamList all = params;
    all.emplace_back("Format", "JSON");
    all.emplace_back("AccessKeyId", opt.access_key_id);
    all.emplace_back("SignatureMethod", "HMAC-SHA1");
    all.emplace_back("SignatureVersion", "1.0");
    all.emplace_back("SignatureNonce", w.nonce);
    all.emplace_back("Timestamp", stamp);
    w.string_to_sign = contracts::v1_string_to_sign(w.method, all);
    w.signature = contracts::v1_signature(opt.access_key_secret, w.string_to_sign);
    contracts::ParamList query, form;
    for (const auto& p : all) {
      bool in_query = opt.placement == Placement::Query || is_v1_common_parameter(p.first);
      (in_query ? query : form).push_back(p);
    }
    query.emplace_back("Signature", w.signature);
    finish_target(query);
    set_form(form);
    return w;
  }

  // V3: Action/Version travel as x-acs-action / x-acs-version, never in the query.
  contracts::ParamList api;
  for (const auto& p : params) {
    if (p.first == "Action") {
      w.headers.emplace_back("x-acs-action", p.second);
    } else if (p.first == "Version") {
      w.headers.emplace_back("x-acs-version", p.second);
    } else {
      api.push_back(p);
    }
  }
  contracts::ParamList query;
  if (opt.placement == Placement::Query) {
    query = api;
  } else {
    set_form(api);
  }
  finish_target(query);
  std::string algorithm(contracts::kAcs3HmacSha256);
  w.headers.emplace_back("x-acs-date", stamp);
  w.headers.emplace_back("x-acs-signature-nonce", w.nonce);
  w.headers.emplace_back("x-acs-content-sha256", *contracts::v3_payload_hash(algorithm, w.body));
  contracts::V3Request v3;
  v3.method = w.method;
  v3.path = "/";
  v3.query = query;
  v3.headers = w.headers;
  v3.payload_hash = *contracts::v3_payload_hash(algorithm, w.body);
  auto signed_headers = contracts::v3_headers_to_sign(w.headers);
  if (opt.sign_extra_headers) {
    for (const auto& h : opt.extra_headers) signed_headers.push_back(h.first);
  }
  w.string_to_sign =
      contracts::v3_string_to_sign(algorithm, contracts::v3_canonical_request(v3, signed_headers));
  w.signature = *contracts::v3_signature(algorithm, opt.access_key_secret, w.string_to_sign);
  w.headers.emplace_back("authorization", contracts::v3_authorization(algorithm, opt.access_key_id,
                                                                      signed_headers, w.signature));
  return w;
}

}  // namespace ebsmock::testing
