// exchange.h: one HTTP exchange on its way through the RPC pipeline (service.cpp). Each
// stage reads what the earlier ones concluded and fills in its own part; the journal entry
// is derived from the finished value in one place (record.h). Grouped by stage, in the
// order the stages run. A plain value, owned by the request's worker thread.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "contracts/error_catalogue.h"
#include "contracts/idempotence.h"
#include "contracts/journal_terms.h"
#include "contracts/operation.h"
#include "contracts/world.h"
#include "mock/authenticator.h"
#include "mock/connection_action.h"
#include "mock/envelope.h"
#include "mock/fault_decision.h"
#include "mock/hold_board.h"
#include "mock/rpc_request.h"
#include "mock/token_store.h"

namespace ebsmock::mock {

// What the emulated service itself answers, before any fault is applied.
struct ServiceAnswer {
  Answer answer;
  std::string code;  // the error Code; "" for a success
  // A Describe's page, copied out of the world at the commit: `answer.body` stays empty
  // until the Service writes the page into the answer sent (after its lock, see finish()).
  std::optional<UnwrittenPage> unwritten_page;
};

// What became of the operation's effect on the world.
enum class Effect {
  NotRun,   // refused, answered from a ClientToken record, or stopped by a fault
  Applied,  // executed on the world (a refused operation changed nothing, but it ran)
  DryRun,   // executed on a copy and discarded (a truncated answer with commit "before")
};

struct Exchange {
  // --- begun by the Service ---
  const RawRequest* raw = nullptr;
  std::string host;        // the Host header: HostId of error bodies
  std::string request_id;  // drawn from the world's Random
  contracts::Instant time{};  // world time of the entry (the journal spells it, once)
  // The x-ebsmock-call-id header when valid (contracts::is_valid_call_id), else "".
  std::string call_id;

  // --- admit: parse, route, authenticate, validate ---
  std::optional<RpcRequest> request;       // nullopt when the request did not parse
  std::optional<contracts::Operation> op;  // the routed operation
  AuthResult auth;
  std::string client_token;  // "" when none
  // Set when admission refused the call: the gateway's answer, nothing else runs.
  std::optional<contracts::ApiError> refusal;

  // --- decide: a replay step, then the fault rules ---
  std::optional<FaultDecision> fault;
  std::string replay_mismatch;  // why the call did not match the next replay step

  // --- wait (or a planted race's window): how a hold_until fault ended; nullopt when
  // none fired or it has not been waited yet ---
  std::optional<HoldOutcome> hold;

  // --- idempotence ---
  // What the ClientToken step decided; nullopt when it did not apply (no token, a read,
  // or a fault that keeps the call from the model).
  std::optional<contracts::TokenDecision> idempotence;
  // Taken before the Service's lock (digest_token): the key of the call's ClientToken
  // (any call that carries one), and for an operation that honours it, the digest of the
  // parameters, which a retry's are compared against.
  std::optional<TokenStore::Key> token;
  std::optional<contracts::RequestDigest> token_digest;
  // The token this call executes under (Execute only), completed or abandoned at commit;
  // nullptr for any other call.
  const TokenStore::Key* token_key() const {
    return idempotence == contracts::TokenDecision::Execute && token ? &*token : nullptr;
  }

  // --- commit ---
  Effect effect = Effect::NotRun;
  std::optional<contracts::Transition> transition;
  // A group operation's member pairs, moved with the group in the same step.
  std::vector<contracts::Transition> member_transitions;
  // The ids the service drew for a call that succeeded (empty fields: none drawn).
  contracts::NewIds new_ids;
  // The service's own answer: set by admission (a refusal), the token step (a replay,
  // mismatch or in-flight answer) or the commit (the model's answer).
  std::optional<ServiceAnswer> service_answer;

  // --- render ---
  ConnectionAction action = Respond{};
  std::string code;  // the error Code the client can read; "" for none
  contracts::AnswerSource answer_source = contracts::AnswerSource::Model;

  // The injected delay the wait stage honours (0 without a fault).
  contracts::Duration delay() const { return fault ? fault->delay : contracts::Duration{0}; }
  // Whether the fault lets the call reach the model (every call without a fault does).
  bool reaches_model() const { return !fault || fault->applies_effect(); }
};

}  // namespace ebsmock::mock
