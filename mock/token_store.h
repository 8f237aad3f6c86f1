// token_store.h: the ClientTokens the mock remembers (token_shard.h says what a token's
// record holds and how memory stays bounded), split into shards by the token's digest,
// each behind its own lock, so calls on different pairs that carry tokens do not queue
// on one lock (the Service runs such calls at the same time, mock/world_locks.h).
// Past capacity, the token seen longest ago in its shard is forgotten first. A store of
// fewer than kShardedFrom tokens is one shard, so there it is the oldest of all; a large
// one evicts nearly the oldest overall (the digest spreads tokens evenly).
// Thread-safe: every call takes its token's shard lock; size() and evicted() read each
// shard in turn, so under load they are a moment's sum, not one instant's.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string_view>
#include <vector>

#include "contracts/idempotence.h"
#include "mock/spinning_mutex.h"
#include "mock/token_shard.h"

namespace ebsmock::mock {

class TokenStore {
 public:
  using Key = TokenShard::Key;
  using RecordedAnswer = TokenShard::RecordedAnswer;
  static constexpr std::size_t kDefaultCapacity = 100'000;
  static constexpr std::size_t kShardedFrom = 4096;
  static constexpr std::size_t kShards = 16;

  explicit TokenStore(std::size_t capacity = kDefaultCapacity);

  // As TokenShard's (no lock taken).
  void prefetch(const Key& key) const noexcept { shard(key).tokens.prefetch(key); }
  bool note_seen(const Key& key);
  contracts::TokenDecision begin(const Key& key, const contracts::RequestDigest& digest, contracts::Instant now,
                                 contracts::Duration ttl);
  contracts::TokenDecision peek(const Key& key, const contracts::RequestDigest& digest, contracts::Instant now,
                                contracts::Duration ttl) const;
  void complete(const Key& key, int http_status, std::string_view body, std::string_view request_id);
  void abandon(const Key& key);
  std::optional<RecordedAnswer> answer(const Key& key, std::optional<std::string_view> request_id = std::nullopt) const;
  void clear();

  std::size_t size() const;
  std::size_t capacity() const { return capacity_; }
  // Tokens forgotten to stay within capacity since construction (clear() keeps it).
  std::uint64_t evicted() const;

 private:
  struct alignas(64) Shard {
    explicit Shard(std::size_t capacity) : tokens(capacity) {}
    mutable SpinningMutex mu;
    TokenShard tokens;
  };
  Shard& shard(const Key& key) const;

  std::size_t capacity_;
  std::vector<std::unique_ptr<Shard>> shards_;
};

}  // namespace ebsmock::mock
