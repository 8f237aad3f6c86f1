// sequential_spec.h: the sequential specification the linearizability checker searches
// against: the project's own model (contracts::World) plus the ClientToken table the
// service keeps (contracts/idempotence.h's rules, as mock/idempotence_gate.cpp applies
// them), as one immutable state value with a hash and an equality, and the step that says
// what the service answers to a call in a state.
//
// Tokens are part of the state, so a same-token retry is answered with the first
// execution's body whatever order the search places the two in: placed first, the retry
// executes and the other becomes the replay. As the mock does, only successes are
// remembered (a refused call changed nothing; its token may execute again), and a token
// seen with other parameters answers IdempotentParameterMismatch. LastTokenProcessing is
// not a state of this model (a token is never "in flight" inside one atomic step): the
// checker accepts it only when a call with the same token overlaps (concurrency.md §6.2
// option (i)), and likewise an IdempotentParameterMismatch answered while a same-token
// call with other parameters was in flight (that call may be refused afterwards, and
// its token forgotten).
//
// Time: the state carries the world clock. A program starts at History::now, and only a
// clock-advance op (history.h) moves it: its step is World::advance to the later instant,
// i.e. exactly the transitions the contract (contracts/transitions.h, Policy::timing)
// makes due by then, and the checker places it like any other call. Every other step runs
// at the state's instant, and the state is kept advanced to it (World::advance after each
// step), so a transition whose duration is 0 completes before the next call, as in the
// mock, and a longer one completes only when an advance passes its due time. A history
// without advances is checked exactly as with a frozen clock. An advance touches every
// resource at once, so it joins every partition into one (partition.h).

// States are shared immutable values (StatePtr): a step that changes nothing returns the
// state it was given, so reads and refusals cost no copy. Thread-safe to read.
#pragma once

#include <compare>
#include <cstddef>
#include <map>
#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "contracts/time.h"
#include "contracts/world.h"
#include "harness/concurrent/history.h"

namespace ebsmock::harness::concurrent {

struct TokenKey {
  std::string access_key_id;
  std::string token;
  friend auto operator<=>(const TokenKey&, const TokenKey&) = default;
};

// A remembered success: what a same-token, same-parameters call is answered again.
struct TokenEntry {
  std::string fingerprint;  // contracts::request_fingerprint
  nlohmann::json body;
  contracts::Instant first_seen{};  // the state's instant when it executed (for the TTL)
  friend bool operator==(const TokenEntry&, const TokenEntry&) = default;
};

class ModelState {
 public:
  ModelState(std::shared_ptr<const contracts::World> world, std::map<TokenKey, TokenEntry> tokens,
             contracts::Instant now);

  const contracts::World& world() const { return *world_; }
  contracts::Instant now() const { return now_; }  // the world clock in this state
  const std::map<TokenKey, TokenEntry>& tokens() const { return tokens_; }
  std::size_t hash() const { return hash_; }

  // The same state without `key`'s record (the checker forgets a token once every call
  // carrying it is placed: no later step can consult it, and more states compare equal).
  std::shared_ptr<const ModelState> without_token(const TokenKey& key) const;

  // Equal states answer every call alike: the same instant, the same resources (World's
  // derived due-queue aside) and the same token records.
  friend bool operator==(const ModelState& a, const ModelState& b);

 private:
  std::shared_ptr<const contracts::World> world_;
  std::map<TokenKey, TokenEntry> tokens_;
  contracts::Instant now_;
  std::size_t hash_ = 0;
};

using StatePtr = std::shared_ptr<const ModelState>;

// The state a program starts from: `world` advanced to `now`, no tokens.
StatePtr initial_state(const contracts::World& world, contracts::Instant now);

// The token key a call is idempotent under, or nullopt (no token, or an operation token
// idempotence does not apply to: contracts::uses_idempotence).
std::optional<TokenKey> token_key(const HistoryOp& op);

// What the service answers to `op` in `state` (at the state's instant), and the state after
// it. A clock-advance op answers an empty success.
struct Prediction {
  std::string code;  // "" for a success
  nlohmann::json body = nlohmann::json::object();
  // "executed", "replayed" (the token's first answer), "parameter mismatch" (same token,
  // other parameters), "invalid parameters" (refused before the model), "clock advanced"
  std::string how;
  StatePtr next;  // the input state itself when nothing changed
};
Prediction predict(const StatePtr& state, const HistoryOp& op);

// Whether the client's observation is that answer. Ambiguous and Failed observe nothing.
bool matches(const Prediction& p, const Observed& o);
// `observed` is a sub-document of `model`: every key it has is in `model` with a matching
// value; arrays match element by element and have the same length.
bool body_matches(const nlohmann::json& model, const nlohmann::json& observed);

// Report texts: "OperationDenied.InvalidStatus (executed)", "ok {...}".
std::string describe(const Prediction& p);
std::string describe(const Observed& o);
// The state as a report shows it: each pair's and group's status and attributes, drills,
// and the tokens remembered.
nlohmann::json describe_state(const ModelState& s);

}  // namespace ebsmock::harness::concurrent
