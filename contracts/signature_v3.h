// signature_v3.h: the V3 signature, ACS3-HMAC-SHA256 (and ACS3-HMAC-SM3), as in
// ebs-api.md §5.5 and sdk-wire.md §5 "V3". Used to verify (mock) and to sign (clients).
// Pure functions; thread-safe.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "contracts/percent_encoding.h"

namespace ebsmock::contracts {

inline constexpr std::string_view kAcs3HmacSha256 = "ACS3-HMAC-SHA256";
inline constexpr std::string_view kAcs3HmacSm3 = "ACS3-HMAC-SM3";

struct V3Request {
  std::string method;         // "POST"; empty is allowed (treated as-is)
  std::string path;           // "/" (empty becomes "/")
  ParamList query;            // DECODED query parameters (not the form body)
  HeaderList headers;         // all received headers
  std::string payload_hash;   // lower-case hex hash of the raw body bytes
};

// Parsed "ACS3-HMAC-SHA256 Credential=AK,SignedHeaders=a;b,Signature=hex".
struct V3Authorization {
  std::string algorithm;
  std::string access_key_id;
  std::vector<std::string> signed_headers;  // lower-case, in the order given
  std::string signature;
};

std::optional<V3Authorization> parse_v3_authorization(std::string_view header_value);

// The same, as views into the header value (which must outlive it): what a verifier
// needs per request, without a copy. `signed_headers` is the names as sent, in the order
// given (not lower-cased; the canonical request lowers them).
struct V3AuthorizationView {
  std::string_view algorithm;
  std::string_view access_key_id;
  std::vector<std::string_view> signed_headers;
  std::string_view signature;
};

std::optional<V3AuthorizationView> parse_v3_authorization_view(std::string_view header_value);

// name=pe(value) sorted by name, joined by '&'; "" when there is no query.
std::string v3_canonical_query(const ParamList& query);

// Method\nURI\nQuery\nCanonicalHeaders\nSignedHeaders\nHashedPayload, where
// CanonicalHeaders has one "name:trimmed,values\n" line per name in `signed_headers`
// (lower-cased, sorted; repeated headers joined with ',').
std::string v3_canonical_request(const V3Request& req,
                                 const std::vector<std::string>& signed_headers);
// The same over borrowed parts: what a verifier has, without copying the request.
std::string v3_canonical_request(std::string_view method, std::string_view path, const ParamList& query,
                                 const HeaderList& headers, std::string_view payload_hash,
                                 std::span<const std::string_view> signed_headers);

// algorithm + "\n" + hex(hash(canonical_request)); hash is SHA-256 or SM3 per algorithm.
std::string v3_string_to_sign(std::string_view algorithm, std::string_view canonical_request);

// hex(HMAC(secret, string_to_sign)); nullopt for an unknown algorithm.
std::optional<std::string> v3_signature(std::string_view algorithm,
                                        std::string_view access_key_secret,
                                        std::string_view string_to_sign);

// Hash of a payload for the algorithm (x-acs-content-sha256): hex SHA-256 or SM3.
std::optional<std::string> v3_payload_hash(std::string_view algorithm, std::string_view payload);

// For clients: the headers to sign out of `headers` = host, content-type and every x-acs-*
// (lower-cased, sorted, unique).
std::vector<std::string> v3_headers_to_sign(const HeaderList& headers);

// For clients: the full Authorization header value.
std::string v3_authorization(std::string_view algorithm, std::string_view access_key_id,
                             const std::vector<std::string>& signed_headers,
                             std::string_view signature);

}  // namespace ebsmock::contracts
