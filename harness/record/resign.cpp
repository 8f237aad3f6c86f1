// resign.cpp: see resign.h.
#include "harness/record/resign.h"

#include <algorithm>
#include <array>

#include "contracts/api_schema.h"
#include "contracts/redaction.h"
#include "contracts/signature_v1.h"
#include "contracts/signature_v3.h"
#include "harness/client/request_signing.h"

namespace ebsmock::harness::record {
namespace {

constexpr std::string_view kFormContentType = "application/x-www-form-urlencoded";

// The protocol parameters that sign a V1 call; Action, Version and Format describe the
// call itself and are kept.
bool is_v1_signing_parameter(std::string_view name) {
  return contracts::is_protocol_parameter(name) && name != "Action" && name != "Version" && name != "Format";
}

// Headers the proxy sets itself or must not pass on: the client's signature and the
// values it signed (V3), its Host (the upstream's replaces it), credentials, and the
// hop-by-hop framing of the client's connection (cpp-httplib frames the forward).
bool is_replaced_header(std::string_view name) {
  static constexpr std::array<std::string_view, 16> kNames = {
      "host", "authorization", "x-acs-date", "x-acs-signature-nonce", "x-acs-signature-method",
      "x-acs-signature-version", "x-acs-content-sha256", "x-acs-content-sm3", "content-length",
      "transfer-encoding", "connection", "keep-alive", "te", "upgrade", "expect", "accept-encoding"};
  if (contracts::is_secret_header(name)) return true;
  return std::any_of(kNames.begin(), kNames.end(), [&](std::string_view n) { return contracts::iequals(n, name); });
}

contracts::HeaderList kept_headers(const mock::RpcRequest& request) {
  contracts::HeaderList out;
  if (!request.raw) return out;
  for (const auto& [name, value] : request.raw->headers) {
    if (!is_replaced_header(name)) out.emplace_back(name, value);
  }
  return out;
}

contracts::ParamList without_v1_signing(const contracts::ParamList& params) {
  contracts::ParamList out;
  for (const auto& p : params) {
    if (!is_v1_signing_parameter(p.first)) out.push_back(p);
  }
  return out;
}

bool has_param(const contracts::ParamList& params, std::string_view name) {
  return std::any_of(params.begin(), params.end(), [&](const auto& p) { return p.first == name; });
}

ForwardRequest resign_v1(const mock::RpcRequest& request, const RecordCredentials& c, const std::string& host,
                         const std::string& date, const std::string& nonce) {
  ForwardRequest out{.method = request.method, .scheme = contracts::SignatureScheme::V1};
  contracts::ParamList query = without_v1_signing(request.query);
  contracts::ParamList form = without_v1_signing(request.form);
  // The new signing parameters go where the client put its signature (pop-core POST: the
  // form body; openapi 'v2' and GET: the query), so the upstream sees the client's shape.
  const bool in_form = has_param(request.form, "Signature");
  contracts::ParamList& signing_side = in_form ? form : query;
  signing_side.emplace_back("Timestamp", date);
  signing_side.emplace_back("SignatureMethod", "HMAC-SHA1");
  signing_side.emplace_back("SignatureVersion", "1.0");
  signing_side.emplace_back("SignatureNonce", nonce);
  signing_side.emplace_back("AccessKeyId", c.access_key_id);
  if (!c.security_token.empty()) signing_side.emplace_back("SecurityToken", c.security_token);
  contracts::ParamList all = query;
  all.insert(all.end(), form.begin(), form.end());
  signing_side.emplace_back("Signature",
                            contracts::v1_signature(c.access_key_secret, contracts::v1_string_to_sign(out.method, all)));

  out.target = query.empty() ? "/" : "/?" + contracts::encode_params(query);
  out.headers = kept_headers(request);
  out.headers.emplace_back("host", host);
  if (!form.empty()) {
    out.body = contracts::encode_params(form);
    if (contracts::header_value(out.headers, "content-type").empty()) {
      out.headers.emplace_back("content-type", std::string(kFormContentType));
    }
  }
  return out;
}

ForwardRequest resign_v3(const mock::RpcRequest& request, const RecordCredentials& c, const std::string& host,
                         const std::string& date, const std::string& nonce) {
  const std::string_view algorithm = contracts::kAcs3HmacSha256;
  ForwardRequest out{.method = request.method, .scheme = contracts::SignatureScheme::V3};
  // A V3 client puts no signing parameters in the query; a V1 one re-signed as V3 would
  // (an unsigned request has none): drop them all the same.
  contracts::ParamList query = without_v1_signing(request.query);
  out.target = query.empty() ? "/" : "/?" + contracts::encode_params(query);
  out.body = request.raw ? request.raw->body : std::string();
  const std::string payload_hash = contracts::v3_payload_hash(algorithm, out.body).value();
  out.headers = kept_headers(request);
  out.headers.emplace_back("host", host);
  out.headers.emplace_back("x-acs-date", date);
  out.headers.emplace_back("x-acs-signature-nonce", nonce);
  out.headers.emplace_back("x-acs-content-sha256", payload_hash);
  if (!c.security_token.empty()) out.headers.emplace_back("x-acs-security-token", c.security_token);
  if (contracts::header_value(out.headers, "x-acs-action").empty()) out.headers.emplace_back("x-acs-action", request.action);
  if (contracts::header_value(out.headers, "x-acs-version").empty()) {
    out.headers.emplace_back("x-acs-version", request.version);
  }
  contracts::V3Request to_sign{.method = out.method, .path = "/", .query = query, .headers = out.headers,
                               .payload_hash = payload_hash};
  out.headers.emplace_back("Authorization", v3_sign(to_sign, algorithm, c.access_key_id, c.access_key_secret));
  return out;
}

}  // namespace

contracts::SignatureScheme client_scheme(const mock::RpcRequest& request) {
  if (request.raw && contracts::header_value(request.raw->headers, "authorization").starts_with("ACS3-")) {
    return contracts::SignatureScheme::V3;
  }
  if (has_param(request.query, "Signature") || has_param(request.form, "Signature")) {
    return contracts::SignatureScheme::V1;
  }
  return contracts::SignatureScheme::None;
}

ForwardRequest resign(const mock::RpcRequest& request, const RecordCredentials& credentials, const std::string& host,
                      const std::string& date, const std::string& nonce) {
  if (client_scheme(request) == contracts::SignatureScheme::V1) {
    return resign_v1(request, credentials, host, date, nonce);
  }
  return resign_v3(request, credentials, host, date, nonce);
}

}  // namespace ebsmock::harness::record
