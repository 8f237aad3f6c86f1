// nonce_store.h: the signature nonces used within the timestamp window, so that a request
// replayed with its nonce is refused (SignatureNonceUsed). A nonce is per AccessKeyId.
// Forgetting is oldest first: a nonce older than the window cannot come back (its
// request's timestamp would be refused first), and at `capacity` the oldest goes even
// inside the window, so a flood of unique nonces cannot grow memory without bound.
// Memory and the request path: a nonce is known by a 64-bit hash of (AccessKeyId, nonce),
// not by its text: a 16-byte entry in a ring kept in arrival order plus an 8-byte bucket of
// an open-addressing index, and no allocation per request once the ring has grown (the
// text form, a string per nonce in a hash set, cost ~150 bytes and two allocations each).
// Two different nonces whose hashes collide would make the second look reused: with a
// full store of 1,000,000 nonces, about one request in 2^44.
// Not thread-safe: the Authenticator calls it under its own mutex (prefetch excepted).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "contracts/time.h"
#include "mock/slot_index.h"

namespace ebsmock::mock {

class NonceStore {
 public:
  explicit NonceStore(std::size_t capacity);

  // Forgets the nonces seen more than `window` before `now`, then records
  // (access_key_id, nonce) at `now`, forgetting the oldest if the store is at capacity.
  // False when it was already recorded: the nonce is reused (nothing is forgotten for it).
  bool remember(std::string_view access_key_id, std::string_view nonce, contracts::Instant now,
                contracts::Duration window);
  // The same for a nonce known by hash_of(access_key_id, nonce).
  bool remember(std::uint64_t hash, contracts::Instant now, contracts::Duration window);
  void clear();

  // The 64-bit hash a nonce is known by (the index files by its low 32 bits).
  static std::uint64_t hash_of(std::string_view access_key_id, std::string_view nonce);
  // Starts loading the index bucket remember(hash) probes first (SlotIndex::prefetch).
  // Unlike the rest of the store, safe to call without the owner's lock.
  void prefetch(std::uint64_t hash) const noexcept { index_.prefetch(hash); }

  std::size_t size() const { return size_; }
  std::size_t capacity() const { return capacity_; }

 private:
  using Slot = SlotIndex::Slot;  // a position in ring_
  struct Entry {
    std::uint64_t hash = 0;
    contracts::Instant seen{};
  };

  void forget_oldest();
  void grow();  // doubles the ring (oldest first at position 0) and rebuilds the index

  std::size_t capacity_;
  std::vector<Entry> ring_;  // size_ entries from head_, wrapping; grows up to capacity_
  std::size_t head_ = 0;     // the oldest entry
  std::size_t size_ = 0;
  // Over ring positions, with at least twice the ring's size in buckets (at most half full).
  SlotIndex index_;
};

}  // namespace ebsmock::mock
