// journal.h: what happened, request by request: the action, parameters (secrets
// redacted), ClientToken, signature verdict, the answer, and the state transition it
// caused; plus the status changes the service made on its own as time passed.
// A bounded ring buffer (oldest entries dropped, counted in `dropped()`); sequence
// numbers never repeat, so a reader can page with `since`. Thread-safe.
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

#include "contracts/api_schema.h"
#include "contracts/world.h"

namespace ebsmock::mock {

struct JournalEntry {
  std::uint64_t seq = 0;       // assigned by Journal::append
  std::string kind;            // "request" or "progress"
  std::string time;            // world time, ISO 8601 with milliseconds
  // kind == "request":
  std::string method;
  std::string action;
  contracts::Params params;    // redacted
  std::string client_token;
  std::string access_key_id;
  std::string signature_scheme;   // v1 / v3 / none
  std::string signature_verdict;  // ok / skipped / bad-signature / ...
  int status = 0;
  std::string code;               // empty on success
  std::string request_id;
  std::string idempotence;        // "", "executed", "replayed", "mismatch", "in-flight"
  std::optional<contracts::Transition> transition;
  nlohmann::json fault;            // null, or the rule that fired and what it did
  std::string replay_mismatch;     // why the request did not match the next replay step
  // kind == "progress": `transition` holds the change; `vanished` when a deleted pair
  // left the listing.
  bool vanished = false;
};

nlohmann::json to_json(const JournalEntry& e);

// Replaces secret-bearing parameter values (Signature, SecurityToken, ...) with "***".
contracts::Params redact(const contracts::Params& params);

class Journal {
 public:
  explicit Journal(std::size_t capacity = 10'000) : capacity_(capacity) {}

  // Also write every entry, as one JSON line, to this file (appended; flushed after each
  // entry, so a crash or SIGKILL loses nothing already answered). Survives clear():
  // the file is the whole history, across resets. Throws std::runtime_error if the file
  // cannot be opened.
  void open_file(const std::string& path);

  std::uint64_t append(JournalEntry entry);
  // Entries with seq > since, oldest first, at most `limit`.
  std::vector<JournalEntry> since(std::uint64_t since, std::size_t limit = SIZE_MAX) const;
  void clear();
  std::uint64_t last_seq() const;
  std::size_t size() const;
  std::uint64_t dropped() const;
  // Every request answered since the last clear(), whether or not still in the ring:
  // {"model": {OUTCOME: n}, "fault": {OUTCOME: n}}, "fault" when a rule or replay step
  // answered. OUTCOME: the error Code, "ok", "no-answer" (reset/close/hang), or
  // "http-STATUS" (a non-2xx without a Code, e.g. a gateway HTML page). A soak reads it to
  // prove that no error came from anything but the scenario.
  nlohmann::json answers_json() const;

 private:
  mutable std::mutex mu_;
  std::size_t capacity_;
  std::deque<JournalEntry> entries_;
  std::uint64_t next_seq_ = 1;
  std::uint64_t dropped_ = 0;
  std::map<std::string, std::uint64_t> model_answers_, fault_answers_;
  std::unique_ptr<std::ofstream> file_;
};

}  // namespace ebsmock::mock
