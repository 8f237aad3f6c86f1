// crypto.cpp: SHA-256, SM3, MD5, HMAC and Base64 over OpenSSL 3's one-shot APIs.
// Pure functions; thread-safe (the one-shot calls keep no shared mutable state).
// SHA-256 uses OpenSSL's SHA256_* functions rather than EVP: the same block code without
// a provider look-up and a context allocation per call (the verifier hashes twice per
// request), and a SHA256_CTX can be copied, which HmacSha256Key relies on.
#define OPENSSL_SUPPRESS_DEPRECATED  // SHA256_Init & co.: deprecated in 3.0, not removed
#include "contracts/crypto.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>

#include <climits>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace ebsmock::contracts::crypto {
namespace {

// OpenSSL treats a NULL key/data pointer as "not given" (HMAC then fails with "no key"),
// while an empty std::string_view may well have data() == nullptr. Always hand it a
// real address.
const unsigned char* bytes_of(std::string_view s) {
  static const unsigned char kEmpty[1] = {0};
  return s.empty() ? kEmpty : reinterpret_cast<const unsigned char*>(s.data());
}

// Failure here means libcrypto lacks an algorithm we are built against (e.g. SM3 disabled
// in the provider config): a broken installation, not bad input, so crash loudly.
[[noreturn]] void die(const char* what) {
  std::fprintf(stderr, "ebsmock: OpenSSL %s failed\n", what);
  std::abort();
}

// Lower-case hex of size bytes into out[0, 2 * size).
void write_hex(char* out, const unsigned char* data, size_t size) {
  static constexpr char kHexLower[] = "0123456789abcdef";
  for (size_t i = 0; i < size; ++i) {
    out[2 * i] = kHexLower[data[i] >> 4];
    out[2 * i + 1] = kHexLower[data[i] & 0x0F];
  }
}

std::string to_hex(const unsigned char* data, size_t size) {
  std::string out(size * 2, '\0');
  write_hex(out.data(), data, size);
  return out;
}

std::string digest_raw(const EVP_MD* md, std::string_view data, const char* what) {
  if (md == nullptr) die(what);
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int out_len = 0;
  if (EVP_Digest(bytes_of(data), data.size(), out, &out_len, md, nullptr) != 1) die(what);
  return std::string(reinterpret_cast<const char*>(out), out_len);
}

std::string digest_hex(const EVP_MD* md, std::string_view data, const char* what) {
  const std::string raw = digest_raw(md, data, what);
  return to_hex(reinterpret_cast<const unsigned char*>(raw.data()), raw.size());
}

std::string hmac_raw(const EVP_MD* md, std::string_view key, std::string_view data,
                     const char* what) {
  if (md == nullptr || key.size() > static_cast<size_t>(INT_MAX)) die(what);
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int out_len = 0;
  if (HMAC(md, bytes_of(key), static_cast<int>(key.size()), bytes_of(data), data.size(), out,
           &out_len) == nullptr) {
    die(what);
  }
  return std::string(reinterpret_cast<const char*>(out), out_len);
}

std::string hex_of(std::string_view raw) {
  return to_hex(reinterpret_cast<const unsigned char*>(raw.data()), raw.size());
}

}  // namespace

std::array<std::uint8_t, 32> sha256(std::string_view data) {
  // The context API, not one-shot SHA256(): OpenSSL 3 fetches the algorithm on every
  // one-shot call (~6,500 instructions for a 60-byte input under callgrind, against
  // ~1,400 here), and the token store hashes a few times per request.
  SHA256_CTX ctx;
  SHA256_Init(&ctx);
  SHA256_Update(&ctx, data.data(), data.size());
  std::array<std::uint8_t, 32> out;
  SHA256_Final(out.data(), &ctx);
  return out;
}

std::string sha256_hex(std::string_view data) {
  const auto digest = sha256(data);
  return to_hex(digest.data(), digest.size());
}

void append_sha256_hex(std::string& out, std::string_view data) {
  const auto digest = sha256(data);
  const std::size_t at = out.size();
  out.resize(at + 2 * digest.size());
  write_hex(out.data() + at, digest.data(), digest.size());
}

std::string sha256_base64(std::string_view data) { return base64_encode(digest_raw(EVP_sha256(), data, "SHA-256")); }

std::string sm3_hex(std::string_view data) { return digest_hex(EVP_sm3(), data, "SM3"); }

std::string md5_hex(std::string_view data) { return digest_hex(EVP_md5(), data, "MD5"); }

std::string hmac_sha1_base64(std::string_view key, std::string_view data) {
  return base64_encode(hmac_raw(EVP_sha1(), key, data, "HMAC-SHA1"));
}

std::string hmac_sha256_hex(std::string_view key, std::string_view data) {
  return hex_of(hmac_raw(EVP_sha256(), key, data, "HMAC-SHA256"));
}

std::string hmac_sm3_hex(std::string_view key, std::string_view data) {
  return hex_of(hmac_raw(EVP_sm3(), key, data, "HMAC-SM3"));
}

static_assert(sizeof(SHA256_CTX) <= 128, "HmacSha256Key keeps a SHA256_CTX in 128 bytes");

HmacSha256Key::HmacSha256Key(std::string_view key) {
  // RFC 2104: a key longer than the block is hashed first; then padded to the block.
  unsigned char block[SHA256_CBLOCK] = {};
  if (key.size() > SHA256_CBLOCK) {
    SHA256(bytes_of(key), key.size(), block);
  } else {
    std::memcpy(block, key.data(), key.size());
  }
  unsigned char pad[SHA256_CBLOCK];
  SHA256_CTX ctx;
  for (int i = 0; i < SHA256_CBLOCK; ++i) pad[i] = block[i] ^ 0x36;
  SHA256_Init(&ctx);
  SHA256_Update(&ctx, pad, sizeof pad);
  std::memcpy(inner_.data(), &ctx, sizeof ctx);
  for (int i = 0; i < SHA256_CBLOCK; ++i) pad[i] = block[i] ^ 0x5c;
  SHA256_Init(&ctx);
  SHA256_Update(&ctx, pad, sizeof pad);
  std::memcpy(outer_.data(), &ctx, sizeof ctx);
}

std::array<unsigned char, 32> HmacSha256Key::mac(std::string_view data) const {
  SHA256_CTX ctx;
  unsigned char inner_hash[SHA256_DIGEST_LENGTH];
  std::array<unsigned char, 32> out;
  std::memcpy(&ctx, inner_.data(), sizeof ctx);
  SHA256_Update(&ctx, bytes_of(data), data.size());
  SHA256_Final(inner_hash, &ctx);
  std::memcpy(&ctx, outer_.data(), sizeof ctx);
  SHA256_Update(&ctx, inner_hash, sizeof inner_hash);
  SHA256_Final(out.data(), &ctx);
  return out;
}

std::string HmacSha256Key::hex(std::string_view data) const {
  const auto out = mac(data);
  return to_hex(out.data(), out.size());
}

bool HmacSha256Key::hex_equals(std::string_view data, std::string_view expected_hex) const {
  const auto out = mac(data);
  std::array<char, 2 * SHA256_DIGEST_LENGTH> hex;
  write_hex(hex.data(), out.data(), out.size());
  return expected_hex == std::string_view(hex.data(), hex.size());
}

std::string base64_encode(std::string_view data) {
  if (data.empty()) return {};
  // EVP_EncodeBlock takes an int length; chunk on a multiple of 3 so the pieces
  // concatenate without interior padding.
  constexpr size_t kChunk = 3 * (1u << 20);
  std::string out;
  out.reserve(4 * ((data.size() + 2) / 3));
  for (size_t pos = 0; pos < data.size(); pos += kChunk) {
    const std::string_view piece = data.substr(pos, kChunk);
    std::string buf(4 * ((piece.size() + 2) / 3) + 1, '\0');  // + NUL written by OpenSSL
    const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(buf.data()),
                                  bytes_of(piece), static_cast<int>(piece.size()));
    if (n < 0) die("Base64");
    buf.resize(static_cast<size_t>(n));
    out += buf;
  }
  return out;
}

std::optional<std::string> base64_decode(std::string_view text) {
  // Table-driven rather than EVP_DecodeBlock, which pads its output with zero bytes and
  // cannot tell a short final group from a damaged one.
  auto value = [](char c) -> int {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+') return 62;
    if (c == '/') return 63;
    return -1;
  };
  std::string out;
  out.reserve(text.size() / 4 * 3);
  unsigned buffer = 0;
  int bits = 0, symbols = 0, padding = 0;
  for (char c : text) {
    if (c == ' ' || c == '\n' || c == '\r' || c == '\t') continue;
    if (c == '=') {
      ++padding;
      continue;
    }
    const int v = value(c);
    if (v < 0 || padding > 0) return std::nullopt;  // data after padding is damage too
    buffer = (buffer << 6) | static_cast<unsigned>(v);
    bits += 6;
    ++symbols;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((buffer >> bits) & 0xFF));
    }
  }
  if (symbols % 4 == 1 || padding > 2) return std::nullopt;
  return out;
}

}  // namespace ebsmock::contracts::crypto
