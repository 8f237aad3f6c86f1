// slot_index.h: an open-addressing hash index over the slots of a caller's table (linear
// probing, backward-shift deletion, so lookups need no tombstones). The caller owns the
// records and their keys; the index holds only 4-byte slot numbers and asks the caller
// for a slot's 64-bit hash or whether a slot holds the key sought. Used by TokenStore
// (ClientToken records) and NonceStore (signature nonces). Not thread-safe: each owner
// calls it under its own lock.
#pragma once

#include <algorithm>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace ebsmock::mock {

class SlotIndex {
 public:
  using Slot = std::uint32_t;
  static constexpr Slot kNone = UINT32_MAX;

  explicit SlotIndex(std::size_t buckets = 16) { reset(buckets); }

  // Empties the index into `buckets` buckets (rounded up to a power of two), releasing
  // any larger table it had.
  void reset(std::size_t buckets) {
    std::vector<Slot>(std::bit_ceil(std::max<std::size_t>(buckets, 1)), kNone).swap(buckets_);
  }
  std::size_t buckets() const { return buckets_.size(); }

  // The slot filed under `hash` for which is_key(slot) holds; kNone when there is none.
  template <class IsKey>
  Slot find(std::uint64_t hash, IsKey&& is_key) const {
    for (std::size_t b = home(hash);; b = next(b)) {
      const Slot s = buckets_[b];
      if (s == kNone || is_key(s)) return s;
    }
  }

  // Files `slot` under `hash`. The caller keeps the index at most ~3/4 full (rehash).
  void insert(Slot slot, std::uint64_t hash) {
    std::size_t b = home(hash);
    while (buckets_[b] != kNone) b = next(b);
    buckets_[b] = slot;
  }

  // Removes the slot filed under `hash` for which is_key(slot) holds (it must be there);
  // hash_of(slot) is the hash any filed slot was inserted with.
  template <class IsKey, class HashOf>
  void erase(std::uint64_t hash, IsKey&& is_key, HashOf&& hash_of) {
    const std::size_t mask = buckets_.size() - 1;
    std::size_t hole = home(hash);
    while (!is_key(buckets_[hole])) hole = next(hole);
    // Backward shift: pull later entries of the probe run into the hole when their home
    // bucket allows it.
    for (std::size_t n = next(hole); buckets_[n] != kNone; n = next(n)) {
      const std::size_t h = home(hash_of(buckets_[n]));
      if (((n - h) & mask) < ((n - hole) & mask)) continue;
      buckets_[hole] = buckets_[n];
      hole = n;
    }
    buckets_[hole] = kNone;
  }

  // Refiles every slot into `buckets` buckets.
  template <class HashOf>
  void rehash(std::size_t buckets, HashOf&& hash_of) {
    std::vector<Slot> old = std::move(buckets_);
    reset(buckets);
    for (Slot s : old) {
      if (s != kNone) insert(s, hash_of(s));
    }
  }

 private:
  std::size_t home(std::uint64_t hash) const { return hash & (buckets_.size() - 1); }
  std::size_t next(std::size_t b) const { return (b + 1) & (buckets_.size() - 1); }

  std::vector<Slot> buckets_;
};

}  // namespace ebsmock::mock
