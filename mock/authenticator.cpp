// authenticator.cpp: signature verification. Failure codes follow the gateway tables
// (ebs-api.md §5.7): SignatureDoesNotMatch carries the server's string-to-sign, as the
// Go SDK expects when it compares client and server strings.
#include "mock/authenticator.h"

#include <algorithm>
#include <mutex>

#include "contracts/crypto.h"
#include "contracts/signature_v1.h"
#include "contracts/signature_v3.h"

namespace ebsmock::mock {
namespace codes = contracts::codes;
using Verdict = contracts::SignatureVerdict;

namespace {
AuthResult refuse(AuthResult r, Verdict verdict, contracts::ApiError error) {
  r.verdict = verdict;
  r.error = std::move(error);
  return r;
}
}  // namespace

AuthResult Authenticator::check_nonce(AuthResult r, std::uint64_t nonce_hash) {
  if (!remember_nonce(nonce_hash)) return refuse(std::move(r), Verdict::NonceReused, fail(codes::kSignatureNonceUsed));
  return r;
}

Authenticator::Authenticator(std::vector<scenarios::Credential> credentials, bool verify,
                             contracts::Duration window, const Clock& wall_clock,
                             const contracts::ErrorCatalogue& errors)
    : verify_(verify), window_(window), wall_clock_(wall_clock), errors_(errors) {
  for (auto& c : credentials) {
    keys_.insert_or_assign(c.access_key_id, Key{c.access_key_secret, contracts::crypto::HmacSha256Key(c.access_key_secret)});
  }
}

contracts::ApiError Authenticator::fail(std::string_view code, std::string_view detail) const {
  return errors_.make(code, detail);
}

const Authenticator::Key* Authenticator::key_for(const std::string& access_key_id) const {
  auto it = keys_.find(access_key_id);
  return it == keys_.end() ? nullptr : &it->second;
}

AuthResult Authenticator::authenticate(const RpcRequest& req) {
  const std::string& authorization = contracts::header_value(req.raw->headers, "authorization");
  bool is_v3 = authorization.starts_with("ACS3-");
  if (!verify_) {
    using contracts::SignatureScheme;
    AuthResult r{std::nullopt,
                 is_v3 ? SignatureScheme::V3 : (req.params.contains("Signature") ? SignatureScheme::V1 : SignatureScheme::None),
                 Verdict::Skipped, ""};
    if (is_v3) {
      if (auto a = contracts::parse_v3_authorization_view(authorization)) r.access_key_id = a->access_key_id;
    } else if (auto it = req.params.find("AccessKeyId"); it != req.params.end()) {
      r.access_key_id = it->second;
    }
    return r;
  }
  if (is_v3) return verify_v3(req);
  if (req.params.contains("Signature") || req.params.contains("AccessKeyId")) return verify_v1(req);
  // Neither scheme: the gateway reports the first mandatory signing parameter missing.
  return {fail(codes::kMissingParameter, "Signature"), contracts::SignatureScheme::None, Verdict::Missing, ""};
}

std::optional<contracts::ApiError> Authenticator::check_time(std::string_view stamp) {
  auto t = contracts::parse_iso8601(stamp);
  if (!t) return fail(codes::kInvalidTimeStampFormat);
  auto now = wall_clock_.now();
  auto skew = *t > now ? *t - now : now - *t;
  if (skew > window_) return fail(codes::kInvalidTimeStampExpired);
  return std::nullopt;
}

std::uint64_t Authenticator::prefetch_nonce(std::string_view access_key_id, std::string_view nonce) const {
  const std::uint64_t hash = NonceStore::hash_of(access_key_id, nonce);
  nonce_shards_[shard_index(hash)].nonces.prefetch(hash);
  return hash;
}

bool Authenticator::remember_nonce(std::uint64_t hash) {
  NonceShard& shard = nonce_shards_[shard_index(hash)];
  std::lock_guard lock(shard.mu);
  // Read under the lock, so the shard sees times in arrival order. A nonce older than the
  // window cannot be replayed: its timestamp would be refused.
  return shard.nonces.remember(hash, wall_clock_.now(), window_);
}

AuthResult Authenticator::verify_v1(const RpcRequest& req) {
  AuthResult r{std::nullopt, contracts::SignatureScheme::V1, Verdict::Ok, ""};
  auto get = [&](std::string_view name) -> std::string {
    auto it = req.params.find(name);
    return it == req.params.end() ? std::string() : it->second;
  };
  for (std::string_view name : {"AccessKeyId", "Signature", "SignatureMethod", "SignatureNonce",
                                "Timestamp"}) {
    if (get(name).empty()) {
      return refuse(r, Verdict::Missing, fail(codes::kMissingParameter, name));
    }
  }
  r.access_key_id = get("AccessKeyId");
  if (get("SignatureMethod") != "HMAC-SHA1") {
    return refuse(r, Verdict::BadMethod, fail(codes::kInvalidSignatureMethod));
  }
  if (auto v = get("SignatureVersion"); !v.empty() && v != "1.0") {
    return refuse(r, Verdict::BadMethod, fail(codes::kInvalidParameter, "SignatureVersion"));
  }
  const Key* key = key_for(r.access_key_id);
  if (key == nullptr) {
    return refuse(r, Verdict::UnknownKey, fail(codes::kInvalidAccessKeyIdNotFound));
  }
  if (auto err = check_time(get("Timestamp"))) {
    return refuse(r, Verdict::BadTime, std::move(*err));
  }
  const std::uint64_t nonce_hash = prefetch_nonce(r.access_key_id, get("SignatureNonce"));
  contracts::ParamList all;
  all.reserve(req.query.size() + req.form.size());
  all.insert(all.end(), req.query.begin(), req.query.end());
  all.insert(all.end(), req.form.begin(), req.form.end());
  std::string sts = contracts::v1_string_to_sign(req.method, all);
  if (contracts::v1_signature(key->secret, sts) != get("Signature")) {
    return refuse(r, Verdict::BadSignature, fail(codes::kSignatureDoesNotMatch, sts));
  }
  return check_nonce(std::move(r), nonce_hash);
}

AuthResult Authenticator::verify_v3(const RpcRequest& req) {
  AuthResult r{std::nullopt, contracts::SignatureScheme::V3, Verdict::Ok, ""};
  const auto& headers = req.raw->headers;
  auto auth = contracts::parse_v3_authorization_view(contracts::header_value(headers, "authorization"));
  if (!auth) return refuse(r, Verdict::Malformed, fail(codes::kIncompleteSignature));
  r.access_key_id = auth->access_key_id;
  if (auth->algorithm != contracts::kAcs3HmacSha256 && auth->algorithm != contracts::kAcs3HmacSm3) {
    return refuse(r, Verdict::BadMethod, fail(codes::kInvalidSignatureMethod));
  }
  const Key* key = key_for(r.access_key_id);
  if (key == nullptr) {
    return refuse(r, Verdict::UnknownKey, fail(codes::kInvalidAccessKeyIdNotFound));
  }
  const std::string& date = contracts::header_value(headers, "x-acs-date");
  const std::string& nonce = contracts::header_value(headers, "x-acs-signature-nonce");
  if (date.empty() || nonce.empty()) {
    return refuse(r, Verdict::Missing, fail(codes::kMissingParameter, date.empty() ? "x-acs-date" : "x-acs-signature-nonce"));
  }
  if (auto err = check_time(date)) {
    return refuse(r, Verdict::BadTime, std::move(*err));
  }
  const std::uint64_t nonce_hash = prefetch_nonce(r.access_key_id, nonce);
  // The payload hash is recomputed from the bytes received, so a body altered in transit
  // (or a wrong x-acs-content-sha256) fails as a signature mismatch.
  const bool sha256 = auth->algorithm == contracts::kAcs3HmacSha256;
  static const std::string kEmptySha256 = *contracts::v3_payload_hash(contracts::kAcs3HmacSha256, "");
  std::string body_hash;  // computed only for a body (or SM3): most RPC calls have none
  std::string_view payload_hash = kEmptySha256;
  if (!sha256 || !req.raw->body.empty()) {
    body_hash = contracts::v3_payload_hash(auth->algorithm, req.raw->body).value_or("");
    payload_hash = body_hash;
  }
  std::string canonical =
      contracts::v3_canonical_request(req.method, req.path, req.query, headers, payload_hash, auth->signed_headers);
  std::string sts = contracts::v3_string_to_sign(auth->algorithm, canonical);
  const bool signature_matches = sha256 ? key->hmac_sha256.hex_equals(sts, auth->signature)
                                        : contracts::v3_signature(auth->algorithm, key->secret, sts) == auth->signature;
  if (!signature_matches) {
    return refuse(r, Verdict::BadSignature, fail(codes::kSignatureDoesNotMatch, sts));
  }
  return check_nonce(r, nonce_hash);
}

}  // namespace ebsmock::mock
