// journal.h: what happened, in the order it happened. One entry per HTTP exchange
// (whatever became of it: refused by the HTTP layer, the gateway checks, the model, a
// fault), and one per status change the service made on its own as time passed.
// Sequence numbers are the order in which the Service applied effects to the world: the
// Service appends a call's entry under the same lock as its commit, and progress entries
// as it advances the world, so replaying the journal in seq order on a fresh model gives
// the same world (README "The journal"). Entries state their own conclusions
// (effect_applied, answer_source) so readers need not re-derive them from fault fields.
// A bounded ring (oldest dropped, counted); seq never repeats, so a reader can page with
// `since`. With a file, every entry also goes there as a JSON line, in seq order, flushed
// before the call's answer is written. Thread-safe.
#pragma once

#include <cstdint>
#include <deque>
#include <fstream>
#include <map>
#include <memory>
#include <mutex>
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
};

nlohmann::json to_json(const JournalEntry& e);

class Journal {
 public:
  explicit Journal(std::size_t capacity = 10'000) : capacity_(capacity) {}

  // Also write every entry to this file as one JSON line (appended). Survives clear():
  // the file is the whole history, across resets and restarts: numbering goes on after
  // the file's last seq. Throws std::runtime_error if the file cannot be opened.
  void open_file(const std::string& path);

  // Assigns the next seq and stores the entry; returns the seq. Cheap (no I/O, no frees),
  // so the Service can call it under its own lock: that is what makes seq the commit order.
  std::uint64_t append(JournalEntry entry);
  // The work append leaves for after the caller's lock, called before the answer goes
  // out: writes every appended entry not yet in the file, in seq order, and flushes (so a
  // crash or SIGKILL loses nothing already answered; no-op without a file), and frees the
  // entries the capacity pushed out of the ring.
  void settle();

  // The seq of the oldest request entry still in the ring for which `match` holds.
  template <class Match>
  std::optional<std::uint64_t> find_request(Match&& match) const {
    std::lock_guard lock(mu_);
    for (const auto& e : entries_) {
      if (e->kind == contracts::JournalKind::Request && match(*e)) return e->seq;
    }
    return std::nullopt;
  }
  // Entries with seq > since, oldest first, at most `limit`.
  std::vector<JournalEntry> since(std::uint64_t since, std::size_t limit = SIZE_MAX) const;
  void clear();
  std::uint64_t last_seq() const;
  std::size_t size() const;
  std::uint64_t dropped() const;
  // Every request answered since the last clear(), whether or not still in the ring:
  // {"model": {OUTCOME: n}, "fault": {OUTCOME: n}}, "fault" when a rule or replay step
  // fired on the request. OUTCOME: the error Code, "ok", "no-answer" (reset/close/hang),
  // or "http-STATUS" (a non-2xx without a Code, e.g. a gateway HTML page). A soak reads it
  // to prove that no error came from anything but the scenario.
  nlohmann::json answers_json() const;

 private:
  mutable std::mutex mu_;
  std::size_t capacity_;
  // Shared with unwritten_ (one copy of an entry whether or not there is a file);
  // immutable once appended.
  using EntryPtr = std::shared_ptr<const JournalEntry>;
  std::deque<EntryPtr> entries_;
  std::uint64_t next_seq_ = 1;
  std::uint64_t dropped_ = 0;
  std::map<std::string, std::uint64_t> model_answers_, fault_answers_;
  // Entries appended but not yet written to the file (only with a file).
  std::vector<EntryPtr> unwritten_;
  // Entries pushed out of the ring, freed by settle() after it has let go of every lock.
  std::vector<EntryPtr> dropped_entries_;

  std::mutex file_mu_;  // serializes writers, so the file stays in seq order
  std::unique_ptr<std::ofstream> file_;
  bool has_file_ = false;  // read under mu_
};

}  // namespace ebsmock::mock
