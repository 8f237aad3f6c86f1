// crypto.h: the hash and MAC primitives the signature algorithms need, over OpenSSL's
// libcrypto. Pure functions; thread-safe (OpenSSL 3 EVP/HMAC one-shot APIs).
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace ebsmock::contracts::crypto {

std::string sha256_hex(std::string_view data);         // lower-case hex
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

}  // namespace ebsmock::contracts::crypto
