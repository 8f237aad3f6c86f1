// random_test.cpp: the seeded stream's helpers draw exactly what the one-value-at-a-time
// definition draws, so a run stays reproducible from its seed whatever way they batch;
// and the server's RequestIds are SplitMix64's published outputs, each taken once, from
// any number of threads.
#include <gtest/gtest.h>

#include <deque>
#include <set>
#include <thread>
#include <vector>

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

TEST(RequestIds, AreSplitMix64sOutputsInTheUuidForm) {
  // SplitMix64 seeded with 0 starts E220A8397B1DCDAF, 6E789E6AA1B965F4, 06C45D188009454F,
  // F88BB8A8724C81EC (the reference implementation's known answers).
  EXPECT_EQ(RequestIds::at(0, 0), "E220A839-7B1D-CDAF-6E78-9E6AA1B965F4");
  EXPECT_EQ(RequestIds::at(0, 1), "06C45D18-8009-454F-F88B-B8A8724C81EC");
  RequestIds ids(0);
  EXPECT_EQ(ids.next(), RequestIds::at(0, 0));
  EXPECT_EQ(ids.next(), RequestIds::at(0, 1));
  EXPECT_NE(RequestIds::at(1, 0), RequestIds::at(0, 0));
}

TEST(RequestIds, EveryIdIsTakenExactlyOnceUnderConcurrentWorkers) {
  constexpr int kThreads = 8, kEach = 5'000;
  RequestIds ids(42);
  std::vector<std::vector<std::string>> taken(kThreads);
  std::vector<std::thread> workers;
  for (int t = 0; t < kThreads; ++t) {
    workers.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i) taken[t].push_back(ids.next());
    });
  }
  for (auto& w : workers) w.join();
  std::set<std::string> all;
  for (const auto& list : taken) all.insert(list.begin(), list.end());
  std::set<std::string> expected;
  for (int n = 0; n < kThreads * kEach; ++n) expected.insert(RequestIds::at(42, n));
  EXPECT_EQ(all, expected);
}

}  // namespace
}  // namespace ebsmock::contracts
