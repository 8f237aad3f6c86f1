// random.h: the injected, seeded source of randomness. Every random choice the mock or a
// bundled client makes (pair ids, nonces, fault coin flips, delays) goes through a Random,
// and the mock's RequestIds come from RequestIds, so a run is reproducible from its seed.
// It lives in contracts because it is pure (a deterministic function of the seed and the
// order of draws) and both the mock and the harness's bundled client draw from it; fresh
// seeds (OS entropy) are the mock's business (mock/seed.h). SeededRandom is thread-safe
// (one mutex; draws are cheap); its sequence depends on the order of calls. RequestIds is
// thread-safe without a lock.
#pragma once

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <random>
#include <string>

namespace ebsmock::contracts {

class Random {
 public:
  virtual ~Random() = default;
  virtual std::uint64_t next_u64() = 0;
  // The next `n` values of the stream, exactly as `n` calls of next_u64() would give
  // them; an implementation may take them in one step (SeededRandom: one lock).
  virtual void next_u64s(std::uint64_t* out, std::size_t n);

  // Uniform in [0, bound); bound > 0.
  std::uint64_t below(std::uint64_t bound);
  // True with probability `p` (clamped to [0, 1]).
  bool chance(double p);
  // Uniform in [0, 1).
  double unit();
  // Upper-case UUID form "8-4-4-4-12", as Alibaba RequestIds look.
  std::string request_id();
  // `n` characters from [0-9a-z].
  std::string alnum_lower(std::size_t n);
  // `n` lower-case hex characters.
  std::string hex(std::size_t n);
};

// The seed of a bundled client's stream for a run seeded with `run_seed`: a different
// stream from the mock's, so the client's ClientTokens and nonces never look like the
// mock's RequestIds, yet both follow from the one seed a person reruns with.
constexpr std::uint64_t client_seed(std::uint64_t run_seed) { return run_seed ^ 0x9E3779B97F4A7C15ULL; }

class SeededRandom final : public Random {
 public:
  explicit SeededRandom(std::uint64_t seed) : engine_(seed), seed_(seed) {}
  std::uint64_t next_u64() override;
  void next_u64s(std::uint64_t* out, std::size_t n) override;
  std::uint64_t seed() const { return seed_; }

 private:
  std::mutex mu_;
  std::mt19937_64 engine_;
  std::uint64_t seed_;
};

// How a RequestId looks (as Alibaba's do): 32 upper-case hex digits as 8-4-4-4-12, 36
// characters. request_id_form writes 16 bytes that way; the token store reads an id back
// into 16 bytes with the same layout.
constexpr std::size_t kRequestIdLength = 36;
constexpr bool is_request_id_dash(std::size_t i) { return i == 8 || i == 13 || i == 18 || i == 23; }
std::string request_id_form(const std::array<std::uint8_t, 16>& bytes);

// The RequestIds a server seeded with `seed` gives its answers, in the order it takes
// them: the n-th (from 0) is the SplitMix64 stream seeded with `seed`, outputs 2n and
// 2n+1, as 32 upper-case hex digits in the UUID form. A counter and a pure function, so
// it needs no lock (every request takes one, from any worker) and the n-th id is the same
// whatever else the run drew. Thread-safe.
class RequestIds {
 public:
  explicit RequestIds(std::uint64_t seed) : seed_(seed) {}
  std::string next() { return at(seed_, taken_.fetch_add(1, std::memory_order_relaxed)); }
  static std::string at(std::uint64_t seed, std::uint64_t n);

 private:
  std::uint64_t seed_;
  std::atomic<std::uint64_t> taken_ = 0;
};

}  // namespace ebsmock::contracts
