// token_store.h: remembers ClientTokens per AccessKeyId: which tokens were seen (for
// fault rules on reused tokens) and what the first request carrying each answered, and
// applies contracts/idempotence.h's decisions to them.
// Memory is bounded: at most `capacity` tokens are remembered, and past that the token
// seen longest ago is forgotten first (a request still in flight is never forgotten; it
// moves to the back). The real service keeps a token for 24 h, which in a soak at
// thousands of calls per second would be gigabytes; a forgotten token only matters to a
// client that retries it after `capacity` newer tokens, and health counts every one.
// Expiry by the policy's TTL is decided per lookup (contracts::decide_token), so an
// expired record needs no sweep: it is overwritten when its token comes back.
// A token costs a fixed-size record in a flat table (tests/bench/token_memory.cpp
// measures it): the token is known by its Key's digest, its parameters by contracts::request_digest, its RequestId packed when it has the mock's
// own shape, and its answer body with the RequestId cut out, interned (TextPool), so
// answers that differ only in their RequestId share one copy.
// Not thread-safe: the Service calls it under its mutex (prefetch excepted).
#pragma once

#include <array>
#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "contracts/idempotence.h"
#include "mock/slot_index.h"
#include "mock/text_pool.h"

namespace ebsmock::mock {

class TokenStore {
 public:
  // A token as the store knows it: (AccessKeyId, ClientToken), by a SHA-256 digest of
  // both. The digest is the store's one costly step, so the Service makes a call's key
  // before it takes the lock that every call waits on (digest_token).
  class Key {
   public:
    Key(std::string_view access_key_id, std::string_view client_token);
    const contracts::RequestDigest& digest() const { return digest_; }
    friend bool operator==(const Key&, const Key&) = default;

   private:
    contracts::RequestDigest digest_;
  };
  static constexpr std::size_t kDefaultCapacity = 100'000;

  // The first answer of a token's request, as it is replayed.
  struct RecordedAnswer {
    int http_status = 0;
    std::string request_id;  // the first answer's
    std::string body;
    // The body carries the RequestId asked for, not the first one's. False when the body
    // held the first RequestId nowhere the store could find it: it is the first body.
    bool request_id_replaced = false;
  };

  explicit TokenStore(std::size_t capacity = kDefaultCapacity);

  // Starts loading the index bucket a look-up of `key` probes first (SlotIndex::prefetch).
  // Unlike the rest of the store, safe to call without the owner's lock: the Service calls
  // it before it waits for the world's lock, so the miss is not taken while holding it.
  void prefetch(const Key& key) const noexcept { index_.prefetch(hash_of(key.digest())); }
  // Records that a request carried `key`; returns whether it was seen before (and is
  // still remembered).
  bool note_seen(const Key& key);
  // Decides what to do with a request carrying `key` whose parameters have `digest`; on
  // Execute, records it in flight.
  contracts::TokenDecision begin(const Key& key, const contracts::RequestDigest& digest, contracts::Instant now,
                                 contracts::Duration ttl);
  // The decision begin() would make, without recording anything.
  contracts::TokenDecision peek(const Key& key, const contracts::RequestDigest& digest, contracts::Instant now,
                                contracts::Duration ttl) const;
  // The request that began `key` succeeded: remember its answer.
  void complete(const Key& key, int http_status, std::string_view body, std::string_view request_id);
  // The request that began `key` failed without effect: forget its answer, so a retry
  // re-executes (the token stays seen).
  void abandon(const Key& key);
  // The finished first answer of `key` (none: unseen, in flight, or abandoned). With
  // `request_id`, the body carries that RequestId in place of the first one.
  std::optional<RecordedAnswer> answer(const Key& key,
                                       std::optional<std::string_view> request_id = std::nullopt) const;
  void clear();

  std::size_t size() const { return order_.size(); }
  std::size_t capacity() const { return capacity_; }
  // Tokens forgotten to stay within capacity since construction (clear() keeps it).
  std::uint64_t evicted() const { return evicted_; }

 private:
  using Digest = contracts::RequestDigest;
  using Slot = SlotIndex::Slot;
  static constexpr Slot kNoSlot = SlotIndex::kNone;
  static constexpr std::uint16_t kNoCut = UINT16_MAX;

  enum class State : std::uint8_t { Seen, InFlight, Answered };
  struct Record {
    Digest key{};
    Digest params{};
    std::int64_t first_seen_ms = 0;
    std::array<std::uint8_t, 16> packed_request_id{};
    TextPool::Id body = 0;        // the body, its RequestId's value cut out at id_at
    TextPool::Id request_id = 0;  // when the id could not be packed (packed_id false)
    std::uint16_t id_at = kNoCut;
    std::int16_t http_status = 0;
    State state = State::Seen;
    bool packed_id = false;
  };

  std::optional<contracts::TokenState> state_of(const Record& r, const Digest& params) const;
  Slot lookup(const Digest& key) const;
  Slot touch(const Key& key, bool* existed);
  void make_room();
  void forget_answer(Record& r);
  void index_insert(Slot slot);
  void index_erase(const Digest& key);
  static std::uint64_t hash_of(const Digest& key);

  std::size_t capacity_;
  std::deque<Record> records_;  // slots; a deque: no slack or copy when it grows
  std::vector<Slot> free_;
  // Over slots, at most 3/4 full.
  SlotIndex index_;
  // Every live slot exactly once, oldest first (an in-flight slot that was due for
  // eviction moved to the back).
  std::deque<Slot> order_;
  TextPool texts_;
  std::uint64_t evicted_ = 0;
};

}  // namespace ebsmock::mock
