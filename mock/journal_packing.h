// journal_packing.h: a JournalEntry packed into one heap block: the form the Journal's
// ring keeps. Why: unpacked, an entry is ~30 heap blocks (strings, a map node per
// parameter); by the time the ring drops it, 10,000 requests later, every block is cold,
// and freeing them and reusing their memory cost ~35 last-level cache misses per request
// (tests/bench/RESULTS.md). Packed, it is one block of ~250 bytes, written once.
// The byte layout is private to journal_packing.cpp, where one function describes it for
// sizing, writing and reading alike, so the three cannot disagree.
// A PackedEntry owns its block alone: no reference count sits in it, so dropping a cold
// entry reads none of its memory (jemalloc keeps no header inline either). Move-only;
// copy() makes a second block, for the journal file's batch and for readers that unpack
// after the Journal's lock. A plain value: not thread-safe; the Journal guards its own.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>

#include "contracts/journal_terms.h"
#include "mock/journal_entry.h"

namespace ebsmock::mock {

class PackedEntry {
 public:
  explicit PackedEntry(const JournalEntry& entry);
  PackedEntry(PackedEntry&&) noexcept = default;
  PackedEntry& operator=(PackedEntry&&) noexcept = default;

  PackedEntry copy() const;

  // The Journal numbers an entry when it appends it, after packing (the seq is drawn
  // under its lock, the packing is done before it).
  void stamp_seq(std::uint64_t seq);

  std::uint64_t seq() const;
  contracts::JournalKind kind() const;
  // A request's x-ebsmock-call-id and ClientToken ("" when none), read in place: what a
  // hold_until fault searches the ring for.
  std::string_view call_id() const;
  std::string_view client_token() const;

  JournalEntry unpack() const;

 private:
  PackedEntry(std::unique_ptr<std::byte[]> bytes, std::size_t size) : bytes_(std::move(bytes)), size_(size) {}

  std::unique_ptr<std::byte[]> bytes_;
  std::size_t size_ = 0;
};

}  // namespace ebsmock::mock
