// reference_client.h: the bundled, correct client of the EBS 2021-07-30 RPC API. It signs
// like the real SDKs (V3 ACS3-HMAC-SHA256 by default, or classic V1 HMAC-SHA1 in the
// query or a form body; ebs-api.md §5), keeps one ClientToken across retries (§6) and
// retries the way openapi-core does when configured to (sdk-wire.md §7).
// The harness derives deliberately buggy "mutants" from it through ClientBehaviour flags
// (or by overriding the protected hooks), to prove that its contract checks catch bugs.
// Not thread-safe: a ReferenceClient owns one keep-alive connection; use one per thread.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "contracts/api_schema.h"
#include "contracts/time.h"
#include "harness/client/api_client.h"
#include "contracts/random.h"

namespace httplib {
class Client;
}

namespace ebsmock::harness {

// Deviations from the correct behaviour. All off (the default) = the reference client.
// Each flag reproduces a bug seen in real hand-written clients or SDK wrappers. The flags
// are the mutant mechanism: a mutant is a ReferenceClient whose config enables one.
struct ClientBehaviour {
  // A fresh ClientToken on every attempt, even one the caller supplied. Real-world bug: the
  // token is generated inside the retry loop (or a retry wrapper re-invokes an SDK call
  // that auto-fills it), so a retry after a lost response creates a second pair.
  bool new_token_per_attempt = false;
  // Also retries 4xx (OperationDenied.InvalidStatus, IdempotentParameterMismatch,
  // NoSuchResource, ...). Real-world bug: a generic "retry on any error" wrapper that
  // hammers the service with requests that cannot succeed.
  bool retry_client_errors = false;
  // When the last attempt ended in HTTP 504 (a gateway timeout), reports success.
  // Real-world bug: "the gateway timed out, so the operation probably went through"
  // fire-and-forget code that never checks the outcome.
  bool success_on_gateway_timeout = false;
  // Any response whose body is a JSON object is a success, whatever its HTTP status and
  // Code (so errors are neither reported nor retried). Real-world bug: checking only that
  // the transport worked and the body parsed (curl without --fail piped into jq).
  bool ignore_error_code = false;
  // Signs with a naive percent-encoder (Java URLEncoder without Alibaba's documented
  // fix-ups, plus a signed-char hex bug): space -> '+', '*' literal, '~' -> %7E, and each
  // non-ASCII byte -> "%FFFFFFXY". The wire encoding stays correct, so only values with
  // those characters fail, with SignatureDoesNotMatch, exactly like the real bug.
  bool naive_encoding = false;
  // Overrides ReferenceClientConfig::max_attempts when > 0; 1 mimics a client without
  // retries (pop-core, or openapi-client whose autoretry is dead code, sdk-wire.md §7).
  int max_attempts = 0;

  friend bool operator==(const ClientBehaviour&, const ClientBehaviour&) = default;
};

// "" for the correct behaviour, else the enabled flags joined by '+',
// e.g. "retry_client_errors+max_attempts=1".
std::string describe(const ClientBehaviour& behaviour);

struct ReferenceClientConfig {
  // "http://127.0.0.1:PORT" (https:// works too). The authority part is sent verbatim as
  // the Host header, because V3 signs the Host header.
  std::string endpoint;
  std::string access_key_id;
  std::string access_key_secret;

  enum class Signing {
    V3,       // ACS3-HMAC-SHA256; API params in the query of a POST; modern SDK default
    V1Query,  // HMAC-SHA1; API + common params in the query of a POST (openapi 'v2')
    V1Form,   // HMAC-SHA1; API + common params in a form body (pop-core POST, Terraform)
  };
  Signing signing = Signing::V3;

  // Total attempts per call (1 = no retry). Default: 3, the openapi-core retryCondition
  // maxAttempts exercised in sdk-wire.md §7.
  int max_attempts = 3;
  // Full-jitter exponential backoff: before attempt N+1 wait uniform
  // [0, min(max_backoff, base_backoff * 2^(N-1))], unless the response said
  // x-acs-retry-after (ms), which is waited exactly.
  std::chrono::milliseconds base_backoff{100};
  std::chrono::milliseconds max_backoff{2000};
  // Connect, read and write timeout of each attempt. Default: 3000 ms, as every Alibaba
  // Node SDK (sdk-wire.md §7).
  std::chrono::milliseconds timeout{3000};

  ClientBehaviour behaviour{};
};

class ReferenceClient : public ApiClient {
 public:
  using Signing = ReferenceClientConfig::Signing;
  // Waits between attempts; tests inject a recorder so they never sleep.
  using Sleeper = std::function<void(std::chrono::milliseconds)>;
  // Source of x-acs-date / Timestamp.
  using Clock = std::function<contracts::Instant()>;

  static void system_sleep(std::chrono::milliseconds d);
  static contracts::Instant system_now();

  // `random` must outlive the client; it draws ClientTokens, nonces and jitter.
  ReferenceClient(ReferenceClientConfig config, contracts::Random& random,
                  Sleeper sleeper = &ReferenceClient::system_sleep,
                  Clock now = &ReferenceClient::system_now);
  ~ReferenceClient() override;
  ReferenceClient(const ReferenceClient&) = delete;
  ReferenceClient& operator=(const ReferenceClient&) = delete;

  CallResult call(std::string_view action, contracts::Params params) override;
  // "builtin:reference", or "builtin:reference+<describe(behaviour)>" for a mutant.
  std::string name() const override;

  const ReferenceClientConfig& config() const { return config_; }

  // Every attempt of the next calls carries the id in kCallIdHeader (not signed: it is
  // the harness's label, not part of the API request).
  void set_call_id(std::string id) override { call_id_ = std::move(id); }

  // Whether `action` changes state: contracts::is_mutating for known operations; unknown
  // actions are mutating unless they start with "Describe".
  static bool is_mutating_action(std::string_view action);
  // Whether the client sends a ClientToken with `action`: exactly the operations that
  // take one (contracts::accepts_client_token: not Clear*Drill, which has no such
  // parameter; ListTagResources, which has one although it only reads); unknown actions
  // as is_mutating_action.
  static bool sends_client_token(std::string_view action);

  // The encoder ClientBehaviour::naive_encoding signs with (exposed for tests).
  static std::string naive_encode(std::string_view raw);

 protected:
  // What one attempt produced, before the retry decision.
  struct Attempt {
    CallResult result;  // ok/code/status/body/message/request_id/transport_error
    // x-acs-retry-after of the response, when present and a positive integer.
    std::optional<std::chrono::milliseconds> retry_after;
  };

  // Mutation hooks. The default implementations are the correct behaviour, modified only
  // by the ClientBehaviour flags; a subclass may override any of them.

  // A new ClientToken: 36 characters, lower-case hex in UUID form 8-4-4-4-12, from random.
  virtual std::string new_client_token();
  // Whether a failed attempt should be retried (attempt limits are applied by call()).
  virtual bool should_retry(const Attempt& attempt) const;
  // How long to wait before attempt `next_attempt` (2-based) after `failed`.
  virtual std::chrono::milliseconds backoff_before(int next_attempt, const Attempt& failed);
  // Whether the retry of `action` after `failed` draws a new ClientToken (correct: never;
  // ClientBehaviour::new_token_per_attempt: always).
  virtual bool renews_token_before_retry(std::string_view action, const Attempt& failed) const;
  // Interprets an HTTP response (status and raw body) as a result.
  virtual CallResult interpret_response(int status, const std::string& body) const;
  // Last chance to change the final result after the retry loop gave up or succeeded.
  virtual CallResult finish(CallResult last) const;
  // How the caller sees the result of `action` (correct: as answered). A mutant may decode
  // a body the way a typed SDK model would.
  virtual CallResult decode(std::string_view action, CallResult result) const;

 private:
  struct Outgoing;
  Outgoing build_request(std::string_view action, const contracts::Params& params,
                         int attempt, std::chrono::milliseconds last_delay);
  Attempt send(const Outgoing& request);
  int effective_max_attempts() const;

  ReferenceClientConfig config_;
  contracts::Random& random_;
  Sleeper sleeper_;
  Clock now_;
  std::string host_;  // authority of the endpoint, sent as Host
  std::unique_ptr<httplib::Client> http_;
  std::string call_id_;
};

}  // namespace ebsmock::harness
