// nonce_store.cpp: see nonce_store.h.
#include "mock/nonce_store.h"

#include <algorithm>
#include <bit>
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

bool NonceStore::contains(std::uint64_t hash) const {
  if (index_.empty()) return false;
  for (std::size_t b = bucket_of(hash);; b = (b + 1) & (index_.size() - 1)) {
    const Slot s = index_[b];
    if (s == kNoSlot) return false;
    if (ring_[s].hash == hash) return true;
  }
}

bool NonceStore::remember(std::string_view access_key_id, std::string_view nonce, contracts::Instant now,
                          contracts::Duration window) {
  while (size_ > 0 && now - ring_[head_].seen > window) forget_oldest();
  const std::uint64_t hash = hash_of(access_key_id, nonce);
  if (contains(hash)) return false;
  if (size_ >= capacity_) forget_oldest();  // room only for a nonce that is recorded
  if (size_ == ring_.size()) grow();
  const auto slot = static_cast<Slot>((head_ + size_) % ring_.size());
  ring_[slot] = Entry{hash, now};
  ++size_;
  index_insert(slot);
  return true;
}

void NonceStore::forget_oldest() {
  const auto oldest = static_cast<Slot>(head_);
  const std::size_t mask = index_.size() - 1;
  std::size_t hole = bucket_of(ring_[oldest].hash);
  while (index_[hole] != oldest) hole = (hole + 1) & mask;
  // Backward shift: pull later entries of the probe run into the hole when their home
  // bucket allows it, so lookups need no tombstones (as TokenStore's index).
  for (std::size_t next = (hole + 1) & mask; index_[next] != kNoSlot; next = (next + 1) & mask) {
    const std::size_t home = bucket_of(ring_[index_[next]].hash);
    if (((next - home) & mask) < ((next - hole) & mask)) continue;
    index_[hole] = index_[next];
    hole = next;
  }
  index_[hole] = kNoSlot;
  head_ = (head_ + 1) % ring_.size();
  --size_;
}

void NonceStore::grow() {
  const std::size_t new_size = std::min(std::max(ring_.size() * 2, kFirstRingSize), capacity_);
  std::vector<Entry> ring(new_size);
  for (std::size_t i = 0; i < size_; ++i) ring[i] = ring_[(head_ + i) % ring_.size()];
  ring_.swap(ring);
  head_ = 0;
  index_.assign(std::bit_ceil(new_size * 2), kNoSlot);
  for (std::size_t i = 0; i < size_; ++i) index_insert(static_cast<Slot>(i));
}

void NonceStore::index_insert(Slot slot) {
  std::size_t b = bucket_of(ring_[slot].hash);
  while (index_[b] != kNoSlot) b = (b + 1) & (index_.size() - 1);
  index_[b] = slot;
}

void NonceStore::clear() {
  ring_.clear();
  ring_.shrink_to_fit();
  index_.clear();
  index_.shrink_to_fit();
  head_ = 0;
  size_ = 0;
}

}  // namespace ebsmock::mock
