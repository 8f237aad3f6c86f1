// random_test.cpp: the seeded stream's helpers draw exactly what the one-value-at-a-time
// definition draws, so a run stays reproducible from its seed whatever way they batch.
#include <gtest/gtest.h>

#include <deque>

#include "contracts/random.h"

namespace ebsmock::contracts {
namespace {

// The same stream as SeededRandom, one value per call (Random's default next_u64s), with
// values of its own placed first (e.g. ones below() must reject).
class OneAtATime final : public Random {
 public:
  explicit OneAtATime(std::uint64_t seed, std::deque<std::uint64_t> first = {})
      : engine_(seed), first_(std::move(first)) {}
  std::uint64_t next_u64() override {
    if (!first_.empty()) {
      const auto v = first_.front();
      first_.pop_front();
      return v;
    }
    return engine_();
  }

 private:
  std::mt19937_64 engine_;
  std::deque<std::uint64_t> first_;
};

// What request_id() means: 32 calls of below(16), dashes after 8, 12, 16 and 20.
std::string reference_request_id(Random& r) {
  std::string out;
  for (int i = 0; i < 32; ++i) {
    if (i == 8 || i == 12 || i == 16 || i == 20) out += '-';
    out += "0123456789ABCDEF"[r.below(16)];
  }
  return out;
}

TEST(Random, BatchedDrawsFollowTheStreamOneValueAtATime) {
  for (std::uint64_t seed : {1ULL, 42ULL, 0xDEADBEEFULL}) {
    SeededRandom batched(seed);
    OneAtATime reference(seed);
    for (int i = 0; i < 50; ++i) {
      ASSERT_EQ(batched.request_id(), reference_request_id(reference)) << "seed " << seed << ", draw " << i;
      // Interleaved with other draws: the next value each takes must still agree.
      ASSERT_EQ(batched.below(1000), reference.below(1000));
      ASSERT_EQ(batched.hex(40), [&] {
        std::string s;
        for (int k = 0; k < 40; ++k) s += "0123456789abcdef"[reference.below(16)];
        return s;
      }());
    }
  }
}

TEST(Random, ARejectedValueIsReplacedByTheNextOneOfTheStream) {
  // UINT64_MAX is above below(16)'s limit: rejected, and the digit comes from the value
  // after it; the batch must not skip or reorder the values around it.
  OneAtATime with_reject(7, {3, UINT64_MAX, 10});
  OneAtATime reference(7, {3, UINT64_MAX, 10});
  const std::string id = with_reject.request_id();
  EXPECT_EQ(id, reference_request_id(reference));
  EXPECT_TRUE(id.starts_with("3A")) << id;
  EXPECT_EQ(with_reject.next_u64(), reference.next_u64()) << "both consumed the stream equally far";
}

}  // namespace
}  // namespace ebsmock::contracts
