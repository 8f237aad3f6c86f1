// idempotence_gate.cpp: see idempotence_gate.h.
#include "mock/idempotence_gate.h"

#include "contracts/world.h"
#include "mock/envelope.h"

namespace ebsmock::mock {
namespace codes = contracts::codes;
using contracts::TokenDecision;

contracts::TokenDecision StoreTokenPolicy::begin(const TokenStore::Key& key, const contracts::RequestDigest& digest,
                                                 contracts::Instant now, contracts::Duration ttl, RaceWindow&) {
  return store_.begin(key, digest, now, ttl);
}

void StoreTokenPolicy::complete(const TokenStore::Key& key, int http_status, std::string_view body,
                                std::string_view request_id) {
  store_.complete(key, http_status, body, request_id);
}

void StoreTokenPolicy::abandon(const TokenStore::Key& key) { store_.abandon(key); }

std::optional<TokenStore::RecordedAnswer> StoreTokenPolicy::answer(const TokenStore::Key& key,
                                                                   std::optional<std::string_view> request_id) const {
  return store_.answer(key, request_id);
}

namespace {

// The recorded answer again. Its RequestId is fresh unless the world replays the bytes.
ServiceAnswer replayed_answer(const Exchange& x, const TokenPolicy& tokens, const TokenStore::Key& key,
                              const contracts::Policy& contract) {
  const bool original = contract.token_replay_request_id == contracts::TokenReplayRequestId::Original;
  auto recorded = tokens.answer(key, original ? std::nullopt : std::optional<std::string_view>(x.request_id));
  Answer a;
  a.status = recorded->http_status;
  std::string rid = original ? std::move(recorded->request_id) : x.request_id;
  a.body = std::move(recorded->body);
  if (!original && !recorded->request_id_replaced) {
    // A body the store kept whole (its RequestId was not the envelope's): set it here.
    auto body = nlohmann::json::parse(a.body);
    body[contracts::kRequestIdMember] = x.request_id;
    a.body = json_text(body);
  }
  a.headers.emplace_back("x-acs-request-id", rid);
  return {std::move(a), ""};
}

}  // namespace

void digest_token(Exchange& x) {
  if (x.client_token.empty()) return;
  if (!x.token) x.token.emplace(x.auth.access_key_id, x.client_token);
  if (x.token_digest || !x.op || !contracts::uses_idempotence(*x.op)) return;
  x.token_digest = contracts::request_digest(contracts::request_fingerprint(*x.op, x.request->params));
}

void open_token(Exchange& x, TokenPolicy& tokens, const contracts::Policy& contract,
                contracts::Instant now, const contracts::ErrorCatalogue& errors, RaceWindow* window) {
  ClosedWindow closed;
  if (!x.reaches_model() || !contracts::uses_idempotence(*x.op) || x.client_token.empty()) return;
  digest_token(x);
  const TokenStore::Key& key = *x.token;
  const TokenDecision decision =
      tokens.begin(key, *x.token_digest, now, contract.token_ttl, window ? *window : closed);
  x.idempotence = decision;
  switch (decision) {
    case TokenDecision::Execute:
      break;  // x.token_key() names it now
    case TokenDecision::Replay:
      x.service_answer = replayed_answer(x, tokens, key, contract);
      break;
    case TokenDecision::Mismatch:
    case TokenDecision::InFlight: {
      auto err = errors.make(decision == TokenDecision::Mismatch ? codes::kIdempotentParameterMismatch
                                                                 : codes::kLastTokenProcessing);
      x.service_answer = ServiceAnswer{error_answer(err, x.request_id, x.host), err.code};
      break;
    }
  }
}

void close_token(const Exchange& x, TokenPolicy& tokens) {
  const TokenStore::Key* key = x.token_key();
  if (!key) return;
  const ServiceAnswer* answer = x.service_answer ? &*x.service_answer : nullptr;
  // Remember a success even when a fault answers with an error: a retry with the same
  // token must get this original answer (ambiguous failure, commit after). A call that
  // did not succeed changed nothing, so its token may execute again.
  if (x.effect == Effect::Applied && answer && answer->code.empty()) {
    tokens.complete(*key, answer->answer.status, answer->answer.body, x.request_id);
  } else {
    tokens.abandon(*key);
  }
}

}  // namespace ebsmock::mock
