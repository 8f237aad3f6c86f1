// idempotence.cpp: request fingerprints and the token decision table.
#include "contracts/idempotence.h"

namespace ebsmock::contracts {

std::string request_fingerprint(Operation op, const Params& params) {
  std::string out(to_string(op));
  out += '\n';
  // Params is an ordered map, so iteration is already sorted by name.
  for (const auto& [name, value] : params) {
    if (is_protocol_parameter(name) || name == "ClientToken" || value.empty()) continue;
    out += name;
    out += '=';
    out += value;
    out += '\n';
  }
  return out;
}

TokenDecision decide_token(const TokenRecord* existing, const std::string& fingerprint,
                           Instant now, Duration ttl) {
  if (existing == nullptr) return TokenDecision::Execute;
  if (!existing->in_flight && now - existing->first_seen >= ttl) return TokenDecision::Execute;
  if (existing->fingerprint != fingerprint) return TokenDecision::Mismatch;
  if (existing->in_flight) return TokenDecision::InFlight;
  return TokenDecision::Replay;
}

}  // namespace ebsmock::contracts
