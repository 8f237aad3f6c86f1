// random.cpp: helpers over the raw 64-bit stream. Pure; see random.h.
#include "contracts/random.h"

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

std::string Random::hex(std::size_t n) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(n);
  for (std::size_t i = 0; i < n; ++i) out += kHex[below(16)];
  return out;
}

std::string Random::request_id() {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (int group : {8, 4, 4, 4, 12}) {
    if (!out.empty()) out += '-';
    for (int i = 0; i < group; ++i) out += kHex[below(16)];
  }
  return out;
}

std::string Random::alnum_lower(std::size_t n) {
  static constexpr char kChars[] = "0123456789abcdefghijklmnopqrstuvwxyz";
  std::string out;
  out.reserve(n);
  for (std::size_t i = 0; i < n; ++i) out += kChars[below(36)];
  return out;
}

std::uint64_t SeededRandom::next_u64() {
  std::lock_guard lock(mu_);
  return engine_();
}

}  // namespace ebsmock::contracts
