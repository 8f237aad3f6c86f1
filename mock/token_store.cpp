// token_store.cpp: ClientToken records, bounded with oldest-first eviction.
#include "mock/token_store.h"

#include <algorithm>

namespace ebsmock::mock {

TokenStore::TokenStore(std::size_t capacity) : capacity_(std::max<std::size_t>(1, capacity)) {}

TokenStore::Slot& TokenStore::touch(const Key& key, bool* existed) {
  auto it = slots_.find(key);
  if (existed) *existed = it != slots_.end();
  if (it != slots_.end()) return it->second;
  make_room();
  it = slots_.try_emplace(key).first;
  order_.push_back(it);
  return it->second;
}

void TokenStore::make_room() {
  // Each step drops the oldest slot or moves an in-flight one to the back, at most one
  // lap: if every remembered token is in flight (more delayed requests than capacity),
  // the store goes over capacity for a while rather than forget an answer it owes.
  std::size_t moves_left = order_.size();
  while (slots_.size() >= capacity_ && moves_left > 0) {
    auto it = order_.front();
    order_.pop_front();
    if (it->second.record && it->second.record->in_flight) {
      --moves_left;
      order_.push_back(it);
      continue;
    }
    slots_.erase(it);
    ++evicted_;
  }
}

bool TokenStore::note_seen(const Key& key) {
  bool existed = false;
  touch(key, &existed);
  return existed;
}

contracts::TokenDecision TokenStore::begin(const Key& key, const std::string& fingerprint,
                                           contracts::Instant now, contracts::Duration ttl) {
  Slot& slot = touch(key, nullptr);
  const contracts::TokenRecord* existing = slot.record ? &*slot.record : nullptr;
  auto decision = contracts::decide_token(existing, fingerprint, now, ttl);
  if (decision == contracts::TokenDecision::Execute) {
    contracts::TokenRecord record;
    record.fingerprint = fingerprint;
    record.first_seen = now;
    slot.record = std::move(record);
  }
  return decision;
}

void TokenStore::complete(const Key& key, int http_status, std::string body,
                          std::string request_id) {
  auto it = slots_.find(key);
  if (it == slots_.end() || !it->second.record) return;
  auto& record = *it->second.record;
  record.in_flight = false;
  record.http_status = http_status;
  record.body = std::move(body);
  record.request_id = std::move(request_id);
}

void TokenStore::abandon(const Key& key) {
  auto it = slots_.find(key);
  if (it != slots_.end()) it->second.record.reset();
}

const contracts::TokenRecord* TokenStore::find(const Key& key) const {
  auto it = slots_.find(key);
  return it == slots_.end() || !it->second.record ? nullptr : &*it->second.record;
}

void TokenStore::clear() {
  slots_.clear();
  order_.clear();
}

}  // namespace ebsmock::mock
