// authenticator.h: verifies a request's signature against the world's credentials:
// V1 (HMAC-SHA1, signature in the parameters) or V3 (ACS3-HMAC-SHA256 / ACS3-HMAC-SM3,
// Authorization header). Decodes what is on the wire and re-encodes it strictly, as the
// real gateway does (sdk-wire.md §5). Also enforces the timestamp window and refuses a
// reused nonce. Thread-safe (the nonce cache has its own locks, one per shard).
#pragma once

#include <array>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "contracts/crypto.h"
#include "contracts/error_catalogue.h"
#include "contracts/journal_terms.h"
#include "mock/clock.h"
#include "mock/nonce_store.h"
#include "mock/rpc_request.h"
#include "mock/spinning_mutex.h"
#include "scenarios/loader/scenario.h"

namespace ebsmock::mock {

struct AuthResult {
  std::optional<contracts::ApiError> error;
  contracts::SignatureScheme scheme = contracts::SignatureScheme::None;
  contracts::SignatureVerdict verdict = contracts::SignatureVerdict::NotChecked;
  std::string access_key_id;  // as claimed by the request
};

class Authenticator {
 public:
  // `wall_clock` is the clock request timestamps are compared with; it is real time
  // even when the world runs on a virtual clock (a client signs with its own time).
  Authenticator(std::vector<scenarios::Credential> credentials, bool verify,
                contracts::Duration window, const Clock& wall_clock,
                const contracts::ErrorCatalogue& errors);

  AuthResult authenticate(const RpcRequest& req);

 private:
  AuthResult verify_v1(const RpcRequest& req);
  AuthResult verify_v3(const RpcRequest& req);
  std::optional<contracts::ApiError> check_time(std::string_view stamp);
  // The nonce's hash (NonceStore::hash_of), its shard's bucket already on its way into
  // the cache: called before the signature's hashing, whose time hides the cache miss
  // (not a TLB miss: SlotIndex::prefetch).
  std::uint64_t prefetch_nonce(std::string_view access_key_id, std::string_view nonce) const;
  // The last step of both schemes: refuses a nonce already used within the window.
  AuthResult check_nonce(AuthResult r, std::uint64_t nonce_hash);
  // Records the nonce; false when it was already used within the window.
  bool remember_nonce(std::uint64_t nonce_hash);
  // What is kept per credential: the secret, and its HMAC-SHA256 pads hashed once (the
  // V3 verification of every request signed with it starts from them).
  struct Key {
    std::string secret;
    contracts::crypto::HmacSha256Key hmac_sha256;
  };
  const Key* key_for(const std::string& access_key_id) const;
  contracts::ApiError fail(std::string_view code, std::string_view detail = {}) const;

  std::map<std::string, Key, std::less<>> keys_;
  bool verify_;
  contracts::Duration window_;
  const Clock& wall_clock_;
  const contracts::ErrorCatalogue errors_;  // a copy: outlives any reset of the Service

  // Bounds the nonce cache even under a flood of unique nonces inside one window.
  static constexpr std::size_t kMaxNonces = 1'000'000;
  // The nonces in shards by hash, each under its own lock: every signed request holds
  // one for a fraction of a microsecond, and two cores seldom meet on one shard's lock
  // or cache lines. Forgetting (the window, the capacity) is oldest first within a shard.
  static constexpr std::size_t kNonceShards = 16;
  struct alignas(64) NonceShard {
    SpinningMutex mu;
    NonceStore nonces{kMaxNonces / kNonceShards};  // under mu
  };
  std::array<NonceShard, kNonceShards> nonce_shards_;
  // Which shard a nonce's hash files it in: the top bits (the store's index files by the
  // low ones).
  static std::size_t shard_index(std::uint64_t hash) {
    static_assert(kNonceShards == 16, "hash >> 60 picks one of 16 shards");
    return static_cast<std::size_t>(hash >> 60);
  }
};

}  // namespace ebsmock::mock
