// journal.h: what happened, in the order it happened. One entry per HTTP exchange
// (whatever became of it: refused by the HTTP layer, the gateway checks, the model, a
// fault), and one per status change the service made on its own as time passed.
// Sequence numbers are the order in which the Service applied effects to the world: it
// appends a call's entry while it still holds the world's locks its commit took (the
// pair's, or all of them), and progress entries as it advances the world holding all,
// so replaying the journal in seq order on a fresh model gives the same world (README
// "The journal"). Entries state their own conclusions (effect_applied, answer_source) so
// readers need not re-derive them from fault fields.
// A bounded ring (oldest dropped, counted) of entries packed one block each
// (journal_packing.h); seq never repeats, so a reader can page with `since`. With a file,
// every entry also goes there as a JSON line, in seq order, flushed before the call's
// answer is written. Thread-safe: the ring is guarded by the journal's own lock, held
// only to number and store an entry that was packed before it (or to copy entries out),
// since calls on different pairs all pass through it.
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
  explicit Journal(std::size_t capacity = 10'000) : capacity_(capacity) {}

  // Also write every entry to this file as one JSON line (appended). Survives clear():
  // the file is the whole history, across resets and restarts: numbering goes on after
  // the file's last seq. Throws std::runtime_error if the file cannot be opened.
  void open_file(const std::string& path);

  // Assigns the next seq and stores the entry, packed; returns the seq. Cheap (no I/O;
  // packed before the lock; the only free is of the one block the ring drops; the caller
  // keeps `entry`, to free it later), so the Service appends holding its commit's locks:
  // that is what makes seq the commit order.
  std::uint64_t append(const JournalEntry& entry);
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
  void clear();
  std::uint64_t last_seq() const;
  std::uint64_t dropped() const;
  // Every request answered since the last clear(), whether or not still in the ring:
  // {"model": {OUTCOME: n}, "fault": {OUTCOME: n}}, "fault" when a rule or replay step
  // fired on the request. OUTCOME: the error Code, "ok", "no-answer" (reset/close/hang),
  // or "http-STATUS" (a non-2xx without a Code, e.g. a gateway HTML page). A soak reads it
  // to prove that no error came from anything but the scenario.
  nlohmann::json answers_json() const;
  // The ring's size, last_seq(), dropped() and answers_json() at one instant (the admin
  // API's health reads it holding the world, so it is consistent with the world too).
  struct Summary {
    std::size_t entries;
    std::uint64_t last_seq, dropped;
    nlohmann::json answers;
  };
  Summary summary() const;

 private:
  std::uint64_t store_locked(PackedEntry packed, const JournalEntry& entry);

  Summary summary_locked() const;

  mutable SpinningMutex mu_;  // guards everything below but the file's members
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
