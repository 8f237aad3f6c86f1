// token_store.cpp: ClientToken records.
#include "mock/token_store.h"

namespace ebsmock::mock {

contracts::TokenDecision TokenStore::begin(const Key& key, const std::string& fingerprint,
                                           contracts::Instant now, contracts::Duration ttl) {
  if (records_.size() >= sweep_at_) expire(now, ttl);
  auto it = records_.find(key);
  auto decision =
      contracts::decide_token(it == records_.end() ? nullptr : &it->second, fingerprint, now, ttl);
  if (decision == contracts::TokenDecision::Execute) {
    contracts::TokenRecord record;
    record.fingerprint = fingerprint;
    record.first_seen = now;
    records_[key] = std::move(record);
  }
  return decision;
}

void TokenStore::complete(const Key& key, int http_status, std::string body,
                          std::string request_id) {
  auto it = records_.find(key);
  if (it == records_.end()) return;
  it->second.in_flight = false;
  it->second.http_status = http_status;
  it->second.body = std::move(body);
  it->second.request_id = std::move(request_id);
}

void TokenStore::abandon(const Key& key) { records_.erase(key); }

const contracts::TokenRecord* TokenStore::find(const Key& key) const {
  auto it = records_.find(key);
  return it == records_.end() ? nullptr : &it->second;
}

void TokenStore::expire(contracts::Instant now, contracts::Duration ttl) {
  for (auto it = records_.begin(); it != records_.end();) {
    if (!it->second.in_flight && now - it->second.first_seen >= ttl) it = records_.erase(it);
    else ++it;
  }
  // Sweep again only after the live set doubles, keeping the amortised cost constant.
  sweep_at_ = std::max<std::size_t>(1024, records_.size() * 2);
}

}  // namespace ebsmock::mock
