// idempotence.h: the ClientToken rules (ebs-api.md §6) as pure decisions. The mock keeps
// the records (mock/token_store.h); this file says what a record means.
//
// The rules, as implemented:
//  - A token is scoped to the AccessKeyId that sent it (an account's tokens never collide
//    with another account's), is case-sensitive, ASCII, at most 64 characters.
//  - "Same parameters" means: the same Action and the same API parameters with the same
//    decoded values, ignoring protocol parameters (Action/Version/Format/AccessKeyId/
//    Signature*/Timestamp/SecurityToken..., see api_schema.h) and ClientToken itself.
//    RegionId counts. Parameters sent with an empty value count as absent.
//  - Only a request that SUCCEEDED is remembered. A request that failed (InvalidStatus,
//    a parameter error...) changed nothing, so retrying its token re-executes it.
//  - Same token, same parameters, within the TTL -> the first answer again, no new effect.
//  - Same token, different parameters -> IdempotentParameterMismatch (400).
//  - Same token while the first request is still being processed -> LastTokenProcessing.
//  - Records expire after Policy::token_ttl of world time (24h by default).
// Pure functions; thread-safe.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>

#include "contracts/api_schema.h"
#include "contracts/operation.h"
#include "contracts/time.h"

namespace ebsmock::contracts {

// The canonical text two requests must share to count as "the same request":
// "Action\nName=Value\n..." over the API parameters sorted by name.
std::string request_fingerprint(Operation op, const Params& params);

// A fingerprint as a store keeps it: the first 16 bytes of its SHA-256. Two requests count
// as the same exactly when their fingerprints are equal, up to a 2^-64 birthday bound over
// all the tokens ever compared, which no test or soak approaches.
using RequestDigest = std::array<std::uint8_t, 16>;
RequestDigest request_digest(const std::string& fingerprint);

struct TokenRecord {
  std::string fingerprint;
  bool in_flight = true;      // the first request has not finished yet
  Instant first_seen;
  int http_status = 0;        // the first answer, once finished
  std::string body;           // JSON body of the first answer (with its RequestId)
  std::string request_id;
};

enum class TokenDecision {
  Execute,   // no (live) record: run the request and remember it if it succeeds
  Replay,    // return the recorded answer, change nothing
  Mismatch,  // IdempotentParameterMismatch
  InFlight,  // LastTokenProcessing
};

// What the decision needs to know of a record, however it is kept.
struct TokenState {
  bool in_flight = true;
  Instant first_seen;
  bool same_parameters = false;  // the new request's fingerprint equals the record's
};

TokenDecision decide_token(const TokenState* existing, Instant now, Duration ttl);
TokenDecision decide_token(const TokenRecord* existing, const std::string& fingerprint,
                           Instant now, Duration ttl);

}  // namespace ebsmock::contracts
