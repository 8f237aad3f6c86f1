// idempotence_gate.cpp: see idempotence_gate.h.
#include "mock/idempotence_gate.h"

#include "mock/envelope.h"

namespace ebsmock::mock {
namespace codes = contracts::codes;
using contracts::TokenDecision;

contracts::TokenDecision StoreTokenPolicy::begin(const TokenStore::Key& key, const std::string& fingerprint,
                                                 contracts::Instant now, contracts::Duration ttl, RaceWindow&) {
  return store_.begin(key, fingerprint, now, ttl);
}

void StoreTokenPolicy::complete(const TokenStore::Key& key, int http_status, std::string body,
                                std::string request_id) {
  store_.complete(key, http_status, std::move(body), std::move(request_id));
}

void StoreTokenPolicy::abandon(const TokenStore::Key& key) { store_.abandon(key); }

const contracts::TokenRecord* StoreTokenPolicy::find(const TokenStore::Key& key) const { return store_.find(key); }

namespace {

// The recorded answer again. Its RequestId is fresh unless the world replays the bytes.
ServiceAnswer replayed_answer(const Exchange& x, const contracts::TokenRecord& record,
                              const contracts::Policy& contract) {
  Answer a;
  a.status = record.http_status;
  std::string rid = x.request_id;
  if (contract.token_replay_request_id == contracts::TokenReplayRequestId::Original) {
    a.body = record.body;
    rid = record.request_id;
  } else {
    auto body = nlohmann::json::parse(record.body);
    body["RequestId"] = x.request_id;
    a.body = json_text(body);
  }
  a.headers.emplace_back("x-acs-request-id", rid);
  return {std::move(a), ""};
}

}  // namespace

void open_token(Exchange& x, TokenPolicy& tokens, const contracts::Policy& contract,
                contracts::Instant now, const contracts::ErrorCatalogue& errors, RaceWindow* window) {
  ClosedWindow closed;
  if (!x.reaches_model() || !contracts::uses_idempotence(*x.op) || x.client_token.empty()) return;
  TokenStore::Key key{x.auth.access_key_id, x.client_token};
  const std::string fingerprint = contracts::request_fingerprint(*x.op, x.request->params);
  const TokenDecision decision = tokens.begin(key, fingerprint, now, contract.token_ttl, window ? *window : closed);
  x.idempotence = decision;
  switch (decision) {
    case TokenDecision::Execute:
      x.token_key = std::move(key);
      break;
    case TokenDecision::Replay:
      x.service_answer = replayed_answer(x, *tokens.find(key), contract);
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
  if (!x.token_key) return;
  const ServiceAnswer* answer = x.service_answer ? &*x.service_answer : nullptr;
  // Remember a success even when a fault answers with an error: a retry with the same
  // token must get this original answer (ambiguous failure, commit after). A call that
  // did not succeed changed nothing, so its token may execute again.
  if (x.effect == Effect::Applied && answer && answer->code.empty()) {
    tokens.complete(*x.token_key, answer->answer.status, answer->answer.body, x.request_id);
  } else {
    tokens.abandon(*x.token_key);
  }
}

}  // namespace ebsmock::mock
