// history.h: what a concurrent run observed, as the linearizability checker reads it. One
// HistoryOp per logical call a client made (or per attempt of it, when an attempt ended
// ambiguous and the client retried: attempts of one call share `call` and ClientToken),
// with its invocation and response on one logical timeline, the answer the client got, and
// in the client direction what the mock's journal says about it.
//
// Outcomes (concurrency.md §6.1):
//  - Ok: a success; `body` holds the answer's fields that matter (compared as a subset of
//    the model's body: a key absent from `body` is not compared, RequestId never is).
//  - Error: a definite refusal by the service (InvalidStatus, NoSuchResource, ...). An
//    observation: the model must give the same code in the state the call is placed in.
//  - Failed: definitely no effect and the answer says nothing about the state (a fault
//    refused the call before the service, commit=before). The checker leaves it out.
//  - Ambiguous: no answer, a 5xx, a timeout: the effect is unknown. Open-ended: it may take
//    effect at any point after `invoke`, or never; its answer is not compared.
//
// Time: `invoke`/`response` only need to be ordered (monotonic ns, or event indices). Two
// intervals that touch count as overlapping (Porcupine's closed intervals). `response` of
// an Ambiguous op is ignored.
// The world clock starts at History::now and moves only by a clock-advance op (a
// HistoryOp with `clock_advance`: the harness's admin-API clock advance inside a branch),
// which the checker places like any call (see sequential_spec.h).
// Plain value types; thread-safe to read.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "contracts/operation.h"
#include "contracts/time.h"
#include "contracts/wire.h"
#include "contracts/world.h"

namespace ebsmock::harness::concurrent {

using Time = std::int64_t;

enum class OutcomeKind { Ok, Error, Failed, Ambiguous };

std::string_view to_string(OutcomeKind k);
std::optional<OutcomeKind> parse_outcome_kind(std::string_view text);

struct Observed {
  OutcomeKind kind = OutcomeKind::Ok;
  std::string code;                               // Error: the Code the client read
  nlohmann::json body = nlohmann::json::object();  // Ok: the fields that matter
  friend bool operator==(const Observed&, const Observed&) = default;
};

// One HTTP attempt of a call as the mock journaled it (client direction).
struct JournalAttempt {
  std::uint64_t seq = 0;
  // The attempt ran on the world as a new request (not a token replay) and changed it:
  // journal effect_applied, idempotence "executed" or absent, a success of a mutating call.
  bool took_effect = false;
  friend bool operator==(const JournalAttempt&, const JournalAttempt&) = default;
};

// What the journal says about a call. Present only in the client direction, where the
// mock is trusted; in the server direction the journal is evidence about the thing under
// test and must not steer the check.
struct JournalView {
  // The seq of the attempt whose model step is this call's linearization point (it took
  // effect, was refused by the model, or was a read). Journal seq order is the order of
  // those points, so the checker places calls with a seq in seq order. nullopt: no attempt
  // reached the model, so the call never took effect (an Ambiguous call is then dropped).
  std::optional<std::uint64_t> commit_seq;
  std::vector<JournalAttempt> attempts;
  friend bool operator==(const JournalView&, const JournalView&) = default;
};

struct HistoryOp {
  int client = 0;  // the branch (thread) that made the call
  int call = 0;    // logical call id: attempts of one call share it
  contracts::Operation action = contracts::Operation::DescribeDiskReplicaPairs;
  // The API parameters as sent, ClientToken included (the token is read from here).
  contracts::Params params;
  std::string access_key_id;  // a ClientToken is scoped to it
  // Ids the service drew for a call that creates something (from the answer, or from the
  // journal for an Ambiguous call). A call that needs ids it does not have cannot be
  // modelled taking effect.
  contracts::NewIds ids;
  Time invoke = 0;
  Time response = 0;
  Observed observed;
  std::optional<JournalView> journal;
  // Not an API call: the server's virtual clock was moved forward by this much (the admin
  // API's clock advance; `action`, `params` and `ids` are unused, and it carries no
  // journal view: the mock journals the transitions it causes, not the advance).
  std::optional<contracts::Duration> clock_advance;
  friend bool operator==(const HistoryOp&, const HistoryOp&) = default;
};

// The ClientToken of a call ("" when it sent none).
std::string client_token(const HistoryOp& op);
// Whether a's interval ends before b's begins (a Ambiguous call never does).
bool precedes(const HistoryOp& a, const HistoryOp& b);

struct History {
  contracts::World initial;  // the world when the concurrent program started
  contracts::Instant now{};  // the world clock then (only clock-advance ops move it)
  std::vector<HistoryOp> ops;
};

}  // namespace ebsmock::harness::concurrent
