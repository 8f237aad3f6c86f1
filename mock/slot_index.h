// slot_index.h: an open-addressing hash index over the slots of a caller's table (linear
// probing, backward-shift deletion, so lookups need no tombstones). The caller owns the
// records and their keys; each bucket holds a 4-byte slot number and the low 32 bits of
// the hash it was filed under, so a probe asks the caller whether a slot holds the key
// sought (a read of a record, cold in a big table) only when those 32 bits agree, and
// deletion and growth never read a record at all. Used by TokenStore (ClientToken
// records) and NonceStore (signature nonces). Not thread-safe: each owner calls it under
// its own lock, except prefetch(), which any thread may call at any time.
#pragma once

#include <algorithm>
#include <atomic>
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
  SlotIndex(const SlotIndex&) = delete;
  SlotIndex& operator=(const SlotIndex&) = delete;

  // Empties the index into `buckets` buckets (rounded up to a power of two, at most
  // 2^32), releasing any larger table it had.
  void reset(std::size_t buckets) {
    std::vector<Bucket>(std::bit_ceil(std::clamp<std::size_t>(buckets, 1, std::size_t{1} << 32)), Bucket{})
        .swap(buckets_);
    hint_.table.store(reinterpret_cast<std::uintptr_t>(buckets_.data()), std::memory_order_relaxed);
    hint_.mask.store(buckets_.size() - 1, std::memory_order_relaxed);
  }
  // Starts loading the bucket a find or insert of `hash` probes first, so that the cache
  // miss it costs in a big table overlaps the caller's other work (a nonce's bucket with
  // the signature's hashing, a ClientToken's with the wait for the world's lock). A miss
  // of the TLB is not hidden: profiled on a virtual machine, the prefetch itself waited
  // for the page walk, and only the wait for the cache line moved off the look-up. Any
  // thread may call it, without the owner's lock: it reads only the table's address and
  // size as reset() last published them. Both may be stale or from two different resets,
  // which is harmless: a prefetch is a hint that cannot fault, and the address is formed
  // as an integer, never as a pointer past the table.
  void prefetch(std::uint64_t hash) const noexcept {
    const std::uintptr_t table = hint_.table.load(std::memory_order_relaxed);
    const std::size_t bucket = static_cast<std::uint32_t>(hash) & hint_.mask.load(std::memory_order_relaxed);
    __builtin_prefetch(reinterpret_cast<const void*>(table + bucket * sizeof(Bucket)));
  }
  std::size_t buckets() const { return buckets_.size(); }

  // The slot filed under `hash` for which is_key(slot) holds; kNone when there is none.
  template <class IsKey>
  Slot find(std::uint64_t hash, IsKey&& is_key) const {
    const auto low = static_cast<std::uint32_t>(hash);
    for (std::size_t b = home(low);; b = next(b)) {
      const Bucket& k = buckets_[b];
      if (k.slot == kNone) return kNone;
      if (k.low == low && is_key(k.slot)) return k.slot;
    }
  }
  // Files `slot` under `hash`. The caller keeps the index at most ~3/4 full (rehash).
  void insert(Slot slot, std::uint64_t hash) {
    const auto low = static_cast<std::uint32_t>(hash);
    std::size_t b = home(low);
    while (buckets_[b].slot != kNone) b = next(b);
    buckets_[b] = Bucket{slot, low};
  }
  // Removes the slot filed under `hash` for which is_key(slot) holds (it must be there).
  template <class IsKey>
  void erase(std::uint64_t hash, IsKey&& is_key) {
    const std::size_t mask = buckets_.size() - 1;
    const auto low = static_cast<std::uint32_t>(hash);
    std::size_t hole = home(low);
    while (buckets_[hole].low != low || !is_key(buckets_[hole].slot)) hole = next(hole);
    // Backward shift: pull later entries of the probe run into the hole when their home
    // bucket allows it.
    for (std::size_t n = next(hole); buckets_[n].slot != kNone; n = next(n)) {
      const std::size_t h = home(buckets_[n].low);
      if (((n - h) & mask) < ((n - hole) & mask)) continue;
      buckets_[hole] = buckets_[n];
      hole = n;
    }
    buckets_[hole] = Bucket{};
  }
  // Refiles every slot into `buckets` buckets.
  void rehash(std::size_t buckets) {
    std::vector<Bucket> old = std::move(buckets_);
    reset(buckets);
    for (const Bucket& k : old) {
      if (k.slot != kNone) insert(k.slot, k.low);
    }
  }

 private:
  struct Bucket {
    Slot slot = kNone;
    std::uint32_t low = 0;  // the low 32 bits of the hash the slot was filed under
  };

  // The bucket index needs at most 32 bits (reset caps the table at 2^32 buckets).
  std::size_t home(std::uint32_t low) const { return low & (buckets_.size() - 1); }
  std::size_t next(std::size_t b) const { return (b + 1) & (buckets_.size() - 1); }

  std::vector<Bucket> buckets_;
  // The table's address and size - 1, for prefetch() from threads without the lock. On a
  // cache line of its own: the owner's fields beside it change with every insert, and a
  // line another core has just written would make reading the hint the very miss that
  // prefetching is meant to hide.
  struct alignas(64) Hint {
    std::atomic<std::uintptr_t> table{0};
    std::atomic<std::size_t> mask{0};
  };
  Hint hint_;
};

}  // namespace ebsmock::mock
