// random.cpp: helpers over the raw 64-bit stream. Pure; see random.h.
#include "contracts/random.h"

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

// `n` characters drawn uniformly from `alphabet`.
std::string draw(Random& random, std::string_view alphabet, std::size_t n) {
  std::string out;
  out.reserve(n);
  for (std::size_t i = 0; i < n; ++i) out += alphabet[random.below(alphabet.size())];
  return out;
}

}  // namespace

std::string Random::hex(std::size_t n) { return draw(*this, "0123456789abcdef", n); }

std::string Random::request_id() {
  std::string out;
  for (std::size_t group : {8, 4, 4, 4, 12}) {
    if (!out.empty()) out += '-';
    out += draw(*this, "0123456789ABCDEF", group);
  }
  return out;
}

std::string Random::alnum_lower(std::size_t n) { return draw(*this, "0123456789abcdefghijklmnopqrstuvwxyz", n); }

std::uint64_t SeededRandom::next_u64() {
  std::lock_guard lock(mu_);
  return engine_();
}

}  // namespace ebsmock::contracts
