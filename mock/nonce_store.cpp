// nonce_store.cpp: see nonce_store.h.
#include "mock/nonce_store.h"

#include <algorithm>
#include <functional>

namespace ebsmock::mock {

namespace {
constexpr std::size_t kFirstRingSize = 1024;
}  // namespace

NonceStore::NonceStore(std::size_t capacity) : capacity_(std::max<std::size_t>(capacity, 1)) {}

std::uint64_t NonceStore::hash_of(std::string_view access_key_id, std::string_view nonce) {
  // libstdc++'s string hash is 64-bit Murmur; the key's hash seeds the combination so the
  // same nonce under two AccessKeyIds is two entries. Only ever compared in this process.
  const std::uint64_t k = std::hash<std::string_view>{}(access_key_id);
  const std::uint64_t n = std::hash<std::string_view>{}(nonce);
  return n ^ (k + 0x9e3779b97f4a7c15ULL + (n << 6) + (n >> 2));
}

bool NonceStore::remember(std::string_view access_key_id, std::string_view nonce, contracts::Instant now,
                          contracts::Duration window) {
  return remember(hash_of(access_key_id, nonce), now, window);
}

bool NonceStore::remember(std::uint64_t hash, contracts::Instant now, contracts::Duration window) {
  while (size_ > 0 && now - ring_[head_].seen > window) forget_oldest();
  if (index_.find(hash, [&](Slot s) { return ring_[s].hash == hash; }) != SlotIndex::kNone) return false;
  if (size_ >= capacity_) forget_oldest();  // room only for a nonce that is recorded
  if (size_ == ring_.size()) grow();
  const auto slot = static_cast<Slot>((head_ + size_) % ring_.size());
  ring_[slot] = Entry{hash, now};
  ++size_;
  index_.insert(slot, hash);
  return true;
}

void NonceStore::forget_oldest() {
  const auto oldest = static_cast<Slot>(head_);
  index_.erase(ring_[oldest].hash, [&](Slot s) { return s == oldest; });
  head_ = (head_ + 1) % ring_.size();
  --size_;
}

void NonceStore::grow() {
  const std::size_t new_size = std::min(std::max(ring_.size() * 2, kFirstRingSize), capacity_);
  std::vector<Entry> ring(new_size);
  for (std::size_t i = 0; i < size_; ++i) ring[i] = ring_[(head_ + i) % ring_.size()];
  ring_.swap(ring);
  head_ = 0;
  index_.reset(new_size * 2);
  for (std::size_t i = 0; i < size_; ++i) index_.insert(static_cast<Slot>(i), ring_[i].hash);
}

void NonceStore::clear() {
  ring_.clear();
  ring_.shrink_to_fit();
  index_.reset(0);
  head_ = 0;
  size_ = 0;
}

}  // namespace ebsmock::mock
