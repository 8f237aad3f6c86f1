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
// Not thread-safe: the Service calls it under its mutex.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <string>
#include <utility>

#include "contracts/idempotence.h"

namespace ebsmock::mock {

class TokenStore {
 public:
  using Key = std::pair<std::string, std::string>;  // (AccessKeyId, ClientToken)
  static constexpr std::size_t kDefaultCapacity = 100'000;

  explicit TokenStore(std::size_t capacity = kDefaultCapacity);

  // Records that a request carried `key`; returns whether it was seen before (and is
  // still remembered).
  bool note_seen(const Key& key);
  // Decides what to do with a request carrying `key`; on Execute, records it in flight.
  contracts::TokenDecision begin(const Key& key, const std::string& fingerprint,
                                 contracts::Instant now, contracts::Duration ttl);
  // The request that began `key` succeeded: remember its answer.
  void complete(const Key& key, int http_status, std::string body, std::string request_id);
  // The request that began `key` failed without effect: forget its answer, so a retry
  // re-executes (the token stays seen).
  void abandon(const Key& key);
  const contracts::TokenRecord* find(const Key& key) const;
  void clear();

  std::size_t size() const { return slots_.size(); }
  std::size_t capacity() const { return capacity_; }
  // Tokens forgotten to stay within capacity since construction (clear() keeps it).
  std::uint64_t evicted() const { return evicted_; }

 private:
  struct Slot {
    std::optional<contracts::TokenRecord> record;  // none: seen, but no answer to replay
  };

  Slot& touch(const Key& key, bool* existed);
  void make_room();

  std::size_t capacity_;
  using Slots = std::map<Key, Slot>;
  Slots slots_;
  // Every slot exactly once, oldest first (an in-flight slot that was due for eviction
  // moved to the back). std::map iterators stay valid until their own erase.
  std::deque<Slots::iterator> order_;
  std::uint64_t evicted_ = 0;
};

}  // namespace ebsmock::mock
