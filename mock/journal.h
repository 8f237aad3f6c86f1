// journal.h: what happened, in the order it happened. One entry per HTTP exchange
// (whatever became of it: refused by the HTTP layer, the gateway checks, the model, a
// fault), and one per status change the service made on its own as time passed.
// Sequence numbers are the order in which the Service applied effects to the world: the
// Service appends a call's entry under the same lock as its commit, and progress entries
// as it advances the world, so replaying the journal in seq order on a fresh model gives
// the same world (README "The journal"). Entries state their own conclusions
// (effect_applied, answer_source) so readers need not re-derive them from fault fields.
// A bounded ring (oldest dropped, counted) of entries packed one block each
// (journal_packing.h); seq never repeats, so a reader can page with `since`. With a file,
// every entry also goes there as a JSON line, in seq order, flushed before the call's
// answer is written. Thread-safe: the ring is guarded by one lock, the Service's own when
// it passes it (so an entry appended under the commit's lock takes no second lock; the
// `_locked` calls are for a caller that holds it), else the journal's. Every other call
// takes that lock, so none may be made while holding it.
#pragma once

#include <atomic>
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

#include "mock/journal_entry.h"
#include "mock/journal_packing.h"
#include "mock/spinning_mutex.h"

namespace ebsmock::mock {

class Journal {
 public:
  // `guard`: the lock that guards the ring, owned by the caller and outliving the journal;
  // none: the journal's own.
  explicit Journal(std::size_t capacity = 10'000, SpinningMutex* guard = nullptr)
      : mu_(guard ? *guard : own_mu_), capacity_(capacity) {}

  // Also write every entry to this file as one JSON line (appended). Survives clear_locked():
  // the file is the whole history, across resets and restarts: numbering goes on after
  // the file's last seq. Throws std::runtime_error if the file cannot be opened.
  void open_file(const std::string& path);

  // Assigns the next seq and stores the entry, packed; returns the seq. Cheap (no I/O;
  // the only free is of the one block the ring drops; the caller keeps `entry`, to free
  // it after the lock), so the Service appends under its commit's lock (append_locked):
  // that is what makes seq the commit order.
  std::uint64_t append(const JournalEntry& entry);
  std::uint64_t append_locked(const JournalEntry& entry);  // the caller holds the guard
  // The work append leaves for after the caller's lock, called before the answer goes
  // out: writes every appended entry not yet in the file, in seq order, and flushes (so a
  // crash or SIGKILL loses nothing already answered). Without a file, returns at once.
  void settle();

  // The seq of the oldest request entry still in the ring for which
  // match(call_id, client_token) holds. Reads the packed entries in place.
  template <class Match>
  std::optional<std::uint64_t> find_request(Match&& match) const {
    std::lock_guard lock(mu_);
    for (const auto& e : entries_) {
      if (e.kind() == contracts::JournalKind::Request && match(e.call_id(), e.client_token())) return e.seq();
    }
    return std::nullopt;
  }
  // Entries with seq > since, oldest first, at most `limit`.
  std::vector<JournalEntry> since(std::uint64_t since, std::size_t limit = SIZE_MAX) const;
  void clear_locked();  // the caller holds the guard
  std::uint64_t last_seq() const;
  std::uint64_t dropped() const;
  // Every request answered since the last clear_locked(), whether or not still in the ring:
  // {"model": {OUTCOME: n}, "fault": {OUTCOME: n}}, "fault" when a rule or replay step
  // fired on the request. OUTCOME: the error Code, "ok", "no-answer" (reset/close/hang),
  // or "http-STATUS" (a non-2xx without a Code, e.g. a gateway HTML page). A soak reads it
  // to prove that no error came from anything but the scenario.
  nlohmann::json answers_json() const;
  // The ring's size, last_seq(), dropped() and answers_json() at one instant, for a
  // caller that holds the guard (the admin API's health, consistent with the world it
  // reads alongside).
  struct Summary {
    std::size_t entries;
    std::uint64_t last_seq, dropped;
    nlohmann::json answers;
  };
  Summary summary_locked() const;

 private:
  std::uint64_t store_locked(PackedEntry packed, const JournalEntry& entry);

  mutable SpinningMutex own_mu_;  // the guard when none was passed
  SpinningMutex& mu_;             // the guard
  std::size_t capacity_;
  std::deque<PackedEntry> entries_;
  std::uint64_t next_seq_ = 1;
  std::uint64_t dropped_ = 0;
  // Answers by outcome (the error Code, "ok", "no-answer", "http-STATUS"). Most are "ok",
  // which is counted apart so the request path, under the lock, skips the map.
  struct AnswerCounts {
    std::uint64_t ok = 0;
    std::map<std::string, std::uint64_t, std::less<>> others;
  };
  AnswerCounts model_answers_, fault_answers_;
  // Copies of the entries appended but not yet written to the file (only with a file).
  std::vector<PackedEntry> unwritten_;

  std::mutex file_mu_;  // serializes writers, so the file stays in seq order
  std::unique_ptr<std::ofstream> file_;
  std::atomic<bool> has_file_ = false;  // set under file_mu_ and mu_, once
};

}  // namespace ebsmock::mock
