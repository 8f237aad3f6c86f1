// crypto.h: the hash and MAC primitives the signature algorithms need, over OpenSSL's
// libcrypto. Pure functions; thread-safe (OpenSSL 3 EVP/HMAC one-shot APIs).
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace ebsmock::contracts::crypto {

std::string sha256_hex(std::string_view data);         // lower-case hex
void append_sha256_hex(std::string& out, std::string_view data);  // the same, appended to `out`
std::array<std::uint8_t, 32> sha256(std::string_view data);
std::string sha256_base64(std::string_view data);      // as CSP source hashes want it
std::string sm3_hex(std::string_view data);            // lower-case hex
std::string hmac_sha1_base64(std::string_view key, std::string_view data);
std::string hmac_sha256_hex(std::string_view key, std::string_view data);
std::string hmac_sm3_hex(std::string_view key, std::string_view data);
std::string base64_encode(std::string_view data);
// Standard alphabet, '=' padding optional, ASCII whitespace ignored (HAR bodies wrap
// lines); nullopt on any other byte or a bad length.
std::optional<std::string> base64_decode(std::string_view text);
std::string md5_hex(std::string_view data);

// HMAC-SHA256 under one key, with the key's inner and outer pads hashed once: a verifier
// that checks many requests signed with the same secret then hashes only each message
// (two compression blocks fewer per call, and no key set-up). Same results as
// hmac_sha256_hex(key, data). Immutable after construction; thread-safe.
class HmacSha256Key {
 public:
  explicit HmacSha256Key(std::string_view key);
  std::string hex(std::string_view data) const;
  // hex(data) == expected_hex, without building the hex string (a verifier's question).
  bool hex_equals(std::string_view data, std::string_view expected_hex) const;

 private:
  std::array<unsigned char, 32> mac(std::string_view data) const;

  // Two SHA256_CTX states (OpenSSL's, 112 bytes each), after the ipad and opad blocks.
  std::array<unsigned char, 128> inner_{}, outer_{};
};

}  // namespace ebsmock::contracts::crypto
