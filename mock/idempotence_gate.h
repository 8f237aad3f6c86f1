// idempotence_gate.h: the pipeline's ClientToken stage (contracts/idempotence.h's rules
// over the TokenStore). open_token() runs before the model: a mutating call with a token
// that the fault layer lets through is executed, or answered from the token's record
// (replay), or refused (mismatch, in flight). close_token() runs at commit: a success is
// remembered for retries, a failure forgotten.
// The rules sit behind TokenPolicy so a planted server bug can replace them whole
// (server_mutants.h) instead of branching inside the pipeline; a planted race opens the
// call's RaceWindow between its check and its act, the documented rules never do.
// Not thread-safe: runs under the Service's mutex.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "contracts/error_catalogue.h"
#include "contracts/idempotence.h"
#include "contracts/policy.h"
#include "mock/exchange.h"
#include "mock/race_window.h"
#include "mock/token_store.h"

namespace ebsmock::mock {

class TokenPolicy {
 public:
  virtual ~TokenPolicy() = default;
  virtual contracts::TokenDecision begin(const TokenStore::Key& key, const contracts::RequestDigest& digest,
                                         contracts::Instant now, contracts::Duration ttl, RaceWindow& window) = 0;
  virtual void complete(const TokenStore::Key& key, int http_status, std::string_view body,
                        std::string_view request_id) = 0;
  virtual void abandon(const TokenStore::Key& key) = 0;
  // As TokenStore::answer.
  virtual std::optional<TokenStore::RecordedAnswer> answer(const TokenStore::Key& key,
                                                           std::optional<std::string_view> request_id) const = 0;
};

// The documented rules, over a TokenStore.
class StoreTokenPolicy final : public TokenPolicy {
 public:
  explicit StoreTokenPolicy(TokenStore& store) : store_(store) {}
  contracts::TokenDecision begin(const TokenStore::Key& key, const contracts::RequestDigest& digest,
                                 contracts::Instant now, contracts::Duration ttl, RaceWindow& window) override;
  void complete(const TokenStore::Key& key, int http_status, std::string_view body,
                std::string_view request_id) override;
  void abandon(const TokenStore::Key& key) override;
  std::optional<TokenStore::RecordedAnswer> answer(const TokenStore::Key& key,
                                                   std::optional<std::string_view> request_id) const override;

 private:
  TokenStore& store_;
};

// Makes the key of an admitted call's ClientToken, and digests its parameters when the
// operation honours the token: pure functions of the request, so the Service runs this
// before taking its lock, which every call waits on. call_context() and open_token() do
// it for a call that skipped this.
void digest_token(Exchange& x);
// `window`: the call's race window (nullptr: one that never opens).
void open_token(Exchange& x, TokenPolicy& tokens, const contracts::Policy& contract,
                contracts::Instant now, const contracts::ErrorCatalogue& errors, RaceWindow* window = nullptr);
void close_token(const Exchange& x, TokenPolicy& tokens);

}  // namespace ebsmock::mock
