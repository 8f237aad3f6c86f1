// token_store.cpp: see token_store.h.
#include "mock/token_store.h"

#include <algorithm>
#include <cstring>
#include <mutex>

namespace ebsmock::mock {

TokenStore::TokenStore(std::size_t capacity) : capacity_(std::max<std::size_t>(1, capacity)) {
  const std::size_t n = capacity_ < kShardedFrom ? 1 : kShards;
  for (std::size_t i = 0; i < n; ++i) shards_.push_back(std::make_unique<Shard>((capacity_ + n - 1) / n));
}

TokenStore::Shard& TokenStore::shard(const Key& key) const {
  // The digest's last bytes: the shard's own index hashes its first ones.
  std::uint64_t h;
  std::memcpy(&h, key.digest().data() + key.digest().size() - sizeof h, sizeof h);
  return *shards_[h % shards_.size()];
}

bool TokenStore::note_seen(const Key& key) {
  Shard& s = shard(key);
  std::lock_guard lock(s.mu);
  return s.tokens.note_seen(key);
}

contracts::TokenDecision TokenStore::begin(const Key& key, const contracts::RequestDigest& digest,
                                           contracts::Instant now, contracts::Duration ttl) {
  Shard& s = shard(key);
  std::lock_guard lock(s.mu);
  return s.tokens.begin(key, digest, now, ttl);
}

contracts::TokenDecision TokenStore::peek(const Key& key, const contracts::RequestDigest& digest,
                                          contracts::Instant now, contracts::Duration ttl) const {
  Shard& s = shard(key);
  std::lock_guard lock(s.mu);
  return s.tokens.peek(key, digest, now, ttl);
}

void TokenStore::complete(const Key& key, int http_status, std::string_view body, std::string_view request_id) {
  Shard& s = shard(key);
  std::lock_guard lock(s.mu);
  s.tokens.complete(key, http_status, body, request_id);
}

void TokenStore::abandon(const Key& key) {
  Shard& s = shard(key);
  std::lock_guard lock(s.mu);
  s.tokens.abandon(key);
}

std::optional<TokenStore::RecordedAnswer> TokenStore::answer(const Key& key,
                                                            std::optional<std::string_view> request_id) const {
  Shard& s = shard(key);
  std::lock_guard lock(s.mu);
  return s.tokens.answer(key, request_id);
}

void TokenStore::clear() {
  for (auto& s : shards_) {
    std::lock_guard lock(s->mu);
    s->tokens.clear();
  }
}

std::size_t TokenStore::size() const {
  std::size_t n = 0;
  for (const auto& s : shards_) {
    std::lock_guard lock(s->mu);
    n += s->tokens.size();
  }
  return n;
}

std::uint64_t TokenStore::evicted() const {
  std::uint64_t n = 0;
  for (const auto& s : shards_) {
    std::lock_guard lock(s->mu);
    n += s->tokens.evicted();
  }
  return n;
}

}  // namespace ebsmock::mock
