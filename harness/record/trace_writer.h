// trace_writer.h: the file `ebsmock record` writes as it goes: one journal entry per
// exchange, in the journal's JSON-lines shape (mock::to_json, README "The journal"), so
// `ebsmock import-trace` reads a recording like any journal. Each line is written and
// flushed before the client gets its answer: a killed recorder loses nothing answered.
// Thread-safe: entries from concurrent calls are numbered and written one at a time.
#pragma once

#include <cstdint>
#include <fstream>
#include <mutex>
#include <string>

#include <nlohmann/json.hpp>

#include "mock/journal_entry.h"

namespace ebsmock::harness::record {

class TraceWriter {
 public:
  // "" writes nowhere (the recorder still answers and logs). Throws std::runtime_error
  // when the file cannot be opened; appends to an existing one.
  explicit TraceWriter(const std::string& path);

  // Numbers the entry (seq), adds `extra` members (the upstream, the latency) and writes
  // it as one line, flushed. Secrets must already be gone: the entry's params are
  // redacted by the caller (contracts::redact), and nothing else carries a credential.
  void write(mock::JournalEntry entry, const nlohmann::json& extra);
  std::uint64_t written() const;

 private:
  mutable std::mutex mu_;
  std::ofstream file_;
  bool has_file_ = false;
  std::uint64_t next_seq_ = 1;
};

}  // namespace ebsmock::harness::record
