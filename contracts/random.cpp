// random.cpp: helpers over the raw 64-bit stream. Pure; see random.h.
#include "contracts/random.h"

#include <cstring>
#include <string_view>

namespace ebsmock::contracts {

std::uint64_t Random::below(std::uint64_t bound) {
  // Rejection sampling keeps the distribution exactly uniform.
  std::uint64_t limit = UINT64_MAX - UINT64_MAX % bound;
  std::uint64_t x;
  do {
    x = next_u64();
  } while (x >= limit);
  return x % bound;
}

double Random::unit() { return static_cast<double>(next_u64() >> 11) * 0x1.0p-53; }

bool Random::chance(double p) {
  if (p <= 0) return false;
  if (p >= 1) return true;
  return unit() < p;
}

namespace {

// `n` characters drawn uniformly from `alphabet`, appended to `out`: the same characters
// as `n` calls of below(alphabet.size()), from values taken in one batch (a rejected
// value is replaced by the next one of the stream, as below() does).
void draw(Random& random, std::string_view alphabet, std::size_t n, std::string& out) {
  constexpr std::size_t kBatch = 32;
  const std::uint64_t bound = alphabet.size();
  const std::uint64_t limit = UINT64_MAX - UINT64_MAX % bound;
  std::uint64_t values[kBatch];
  // Never takes more values than characters still missing, so the stream is consumed
  // exactly as far as the one-at-a-time draw would.
  for (std::size_t made = 0; made < n;) {
    const std::size_t take = n - made < kBatch ? n - made : kBatch;
    random.next_u64s(values, take);
    for (std::size_t i = 0; i < take; ++i) {
      if (values[i] >= limit) continue;
      out += alphabet[values[i] % bound];
      ++made;
    }
  }
}

std::string draw(Random& random, std::string_view alphabet, std::size_t n) {
  std::string out;
  out.reserve(n);
  draw(random, alphabet, n, out);
  return out;
}

}  // namespace

void Random::next_u64s(std::uint64_t* out, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i) out[i] = next_u64();
}

std::string Random::hex(std::size_t n) { return draw(*this, "0123456789abcdef", n); }

std::string Random::request_id() {
  // 32 digits drawn in one batch into the answer itself, then spread out to 8-4-4-4-12
  // from the back (every request draws one; a second string cost an allocation each).
  std::string out;
  out.reserve(36);
  draw(*this, "0123456789ABCDEF", 32, out);
  out.resize(36);
  char* p = out.data();
  std::memmove(p + 24, p + 20, 12);
  p[23] = '-';
  std::memmove(p + 19, p + 16, 4);
  p[18] = '-';
  std::memmove(p + 14, p + 12, 4);
  p[13] = '-';
  std::memmove(p + 9, p + 8, 4);
  p[8] = '-';
  return out;
}

std::string Random::alnum_lower(std::size_t n) { return draw(*this, "0123456789abcdefghijklmnopqrstuvwxyz", n); }

std::string request_id_form(const std::array<std::uint8_t, 16>& bytes) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out(kRequestIdLength, '-');
  std::size_t nibble = 0;
  for (std::size_t i = 0; i < kRequestIdLength; ++i) {
    if (is_request_id_dash(i)) continue;
    const std::uint8_t byte = bytes[nibble / 2];
    out[i] = kHex[nibble % 2 == 0 ? byte >> 4 : byte & 0xF];
    ++nibble;
  }
  return out;
}

std::string RequestIds::at(std::uint64_t seed, std::uint64_t n) {
  auto splitmix = [seed](std::uint64_t i) {  // output i of SplitMix64 seeded with `seed`
    std::uint64_t z = seed + (i + 1) * 0x9E3779B97F4A7C15ULL;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  };
  const std::uint64_t halves[2] = {splitmix(2 * n), splitmix(2 * n + 1)};
  std::array<std::uint8_t, 16> bytes;
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    bytes[i] = static_cast<std::uint8_t>(halves[i / 8] >> (56 - 8 * (i % 8)));  // big-endian
  }
  return request_id_form(bytes);
}

std::uint64_t SeededRandom::next_u64() {
  std::lock_guard lock(mu_);
  return engine_();
}

void SeededRandom::next_u64s(std::uint64_t* out, std::size_t n) {
  std::lock_guard lock(mu_);
  for (std::size_t i = 0; i < n; ++i) out[i] = engine_();
}

}  // namespace ebsmock::contracts
