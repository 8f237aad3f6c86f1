// token_store.h: remembers ClientTokens per AccessKeyId with what the first request
// answered, and applies contracts/idempotence.h's decisions. Records expire after the
// policy's TTL of world time. Not thread-safe: the Service calls it under its mutex.
#pragma once

#include <map>
#include <string>
#include <utility>

#include "contracts/idempotence.h"

namespace ebsmock::mock {

class TokenStore {
 public:
  using Key = std::pair<std::string, std::string>;  // (AccessKeyId, ClientToken)

  // Decides what to do with a request carrying `key`; on Execute, records it in flight.
  contracts::TokenDecision begin(const Key& key, const std::string& fingerprint,
                                 contracts::Instant now, contracts::Duration ttl);
  // The request that began `key` succeeded: remember its answer.
  void complete(const Key& key, int http_status, std::string body, std::string request_id);
  // The request that began `key` failed without effect: forget it, a retry re-executes.
  void abandon(const Key& key);
  const contracts::TokenRecord* find(const Key& key) const;
  void clear() { records_.clear(); }
  std::size_t size() const { return records_.size(); }

 private:
  void expire(contracts::Instant now, contracts::Duration ttl);

  std::map<Key, contracts::TokenRecord> records_;
  std::size_t sweep_at_ = 1024;
};

}  // namespace ebsmock::mock
