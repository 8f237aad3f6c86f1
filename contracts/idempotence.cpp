// idempotence.cpp: request fingerprints and the token decision table.
#include "contracts/idempotence.h"

#include <algorithm>

#include "contracts/crypto.h"

namespace ebsmock::contracts {

std::string request_fingerprint(Operation op, const Params& params) {
  auto counted = [](std::string_view name, std::string_view value) {
    return !(is_protocol_parameter(name) || name == "ClientToken" || value.empty());
  };
  // Sized first: one allocation on the request path, not one per doubling.
  std::size_t size = to_string(op).size() + 1;
  for (const auto& [name, value] : params) {
    if (counted(name, value)) size += name.size() + value.size() + 2;
  }
  std::string out;
  out.reserve(size);
  out += to_string(op);
  out += '\n';
  // Params is an ordered map, so iteration is already sorted by name.
  for (const auto& [name, value] : params) {
    if (!counted(name, value)) continue;
    out += name;
    out += '=';
    out += value;
    out += '\n';
  }
  return out;
}

RequestDigest request_digest(const std::string& fingerprint) {
  const auto full = crypto::sha256(fingerprint);
  RequestDigest out;
  std::copy_n(full.begin(), out.size(), out.begin());
  return out;
}

TokenDecision decide_token(const TokenState* existing, Instant now, Duration ttl) {
  if (existing == nullptr) return TokenDecision::Execute;
  if (!existing->in_flight && now - existing->first_seen >= ttl) return TokenDecision::Execute;
  if (!existing->same_parameters) return TokenDecision::Mismatch;
  if (existing->in_flight) return TokenDecision::InFlight;
  return TokenDecision::Replay;
}

TokenDecision decide_token(const TokenRecord* existing, const std::string& fingerprint,
                           Instant now, Duration ttl) {
  if (existing == nullptr) return decide_token(static_cast<const TokenState*>(nullptr), now, ttl);
  const TokenState state{existing->in_flight, existing->first_seen, existing->fingerprint == fingerprint};
  return decide_token(&state, now, ttl);
}

}  // namespace ebsmock::contracts
