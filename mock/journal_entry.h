// journal_entry.h: one journal entry as the mock's code reads and writes it: one HTTP
// exchange (whatever became of it), or one status change the service made on its own as
// time passed; and its JSON form (GET /__admin/journal, the journal file). The Journal
// keeps entries packed (journal_packing.h) and hands them out in this form. Plain values.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "contracts/idempotence.h"
#include "contracts/journal_terms.h"
#include "contracts/wire.h"
#include "contracts/world.h"

namespace ebsmock::mock {

// The fault rule (or replay step) that decided a request, as the journal shows it.
struct FaultSummary {
  std::string rule;  // "f1", "replay:3", "replay:mismatch"
  long long delay_ms = 0;
  std::string commit;     // "before" / "after"
  std::string transport;  // "none", "reset", ...
  std::string error;      // the error code the rule answers, "" for none
  std::optional<int> status;
  friend bool operator==(const FaultSummary&, const FaultSummary&) = default;
};

struct JournalEntry {
  std::uint64_t seq = 0;  // assigned by Journal::append
  contracts::JournalKind kind = contracts::JournalKind::Request;
  std::string time;  // world time, ISO 8601 with milliseconds
  // kind == Request:
  std::string method;
  std::string action;
  contracts::Params params;  // redacted (contracts/redaction.h)
  std::string client_token;
  std::string call_id;  // the x-ebsmock-call-id header; "" when none or invalid
  std::string access_key_id;
  contracts::SignatureScheme signature_scheme = contracts::SignatureScheme::None;
  contracts::SignatureVerdict signature_verdict = contracts::SignatureVerdict::NotChecked;
  int status = 0;            // 0: no HTTP answer (reset, close, hang)
  std::string code;          // the error Code the client could read; "" for none
  std::string request_id;    // the RequestId the client saw (x-acs-request-id)
  std::optional<contracts::TokenDecision> idempotence;  // nullopt: the token step did not apply
  bool effect_applied = false;  // the call ran on the world (see mock::Effect::Applied)
  contracts::AnswerSource answer_source = contracts::AnswerSource::Model;
  std::optional<contracts::Transition> transition;
  // A group operation's member pairs, moved with the group in the same step.
  std::vector<contracts::Transition> member_transitions;
  // Ids the service drew for a call that succeeded: what a replay of the journal needs to
  // recreate the same resources (a drill's disks are only named here and in Describe).
  contracts::NewIds new_ids;
  std::optional<FaultSummary> fault;
  std::string replay_mismatch;  // why the request did not match the next replay step
  // A hold_until fault parked the request: how long (wait clock), and what ended it: the
  // seq of the request that released it, or "budget", "reset", "shutdown".
  std::optional<long long> held_ms;
  std::optional<std::uint64_t> released_by;  // the releasing request's seq
  std::string hold_end;                      // otherwise: "budget", "reset" or "shutdown"
  // kind == Progress: `transition` holds the change; `vanished` when a deleted pair left
  // the listing.
  bool vanished = false;
  // kind == Progress: the scenario's [[event]] that forced the change, as "file:line:col"
  // and its description; "" for a change time made (a transient status running out).
  std::string event;
  friend bool operator==(const JournalEntry&, const JournalEntry&) = default;
};

nlohmann::json to_json(const JournalEntry& e);

}  // namespace ebsmock::mock
