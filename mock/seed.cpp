// seed.cpp: see seed.h.
#include "mock/seed.h"

#include <chrono>
#include <random>

namespace ebsmock::mock {

std::uint64_t fresh_seed() {
  std::random_device rd;
  return (static_cast<std::uint64_t>(rd()) << 32) ^ rd() ^
         static_cast<std::uint64_t>(std::chrono::steady_clock::now().time_since_epoch().count());
}

}  // namespace ebsmock::mock
