// delay_sampler_test.cpp: scenarios::sample_delay (fault_spec.h), the one sampler of
// `delay = {...}` for [[fault]] and [[replay]]: fixed is exact, uniform bounds are both
// reachable and never left, a log-normal sits at its median and stops at kMaxDelay, and
// the number of draws per kind is fixed. Single-threaded test code.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <deque>
#include <limits>
#include <random>
#include <set>
#include <vector>

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include "scenarios/loader/fault_spec.h"

namespace ebsmock::scenarios {
namespace {

using contracts::Duration;
using std::chrono::milliseconds;
using std::chrono::seconds;
using Kind = DelaySpec::Kind;

// Answers from a script and records what was asked, to pin draws and their arguments.
struct ScriptedRandom {
  std::deque<std::uint64_t> below_answers;
  std::deque<double> unit_answers;
  std::vector<std::uint64_t> below_bounds;
  int unit_calls = 0;

  std::uint64_t below(std::uint64_t bound) {
    below_bounds.push_back(bound);
    const std::uint64_t v = below_answers.empty() ? 0 : below_answers.front();
    if (!below_answers.empty()) below_answers.pop_front();
    return v;
  }
  double unit() {
    ++unit_calls;
    const double v = unit_answers.empty() ? 0.5 : unit_answers.front();
    if (!unit_answers.empty()) unit_answers.pop_front();
    return v;
  }
};

// A real generator with the same two entry points.
struct SeededRandom {
  explicit SeededRandom(std::uint64_t seed) : engine(seed) {}
  std::uint64_t below(std::uint64_t bound) {
    return std::uniform_int_distribution<std::uint64_t>(0, bound - 1)(engine);
  }
  double unit() { return std::uniform_real_distribution<double>(0.0, 1.0)(engine); }
  std::mt19937_64 engine;
};

TEST(SampleDelay, NoneAndFixedDrawNothing) {
  ScriptedRandom r;
  EXPECT_EQ(sample_delay(DelaySpec{}, r), Duration{0});
  EXPECT_EQ(sample_delay(DelaySpec{.kind = Kind::Fixed, .fixed = milliseconds(250)}, r),
            milliseconds(250));
  EXPECT_EQ(sample_delay(DelaySpec{.kind = Kind::Fixed, .fixed = kMaxDelay}, r), kMaxDelay);
  EXPECT_TRUE(r.below_bounds.empty());
  EXPECT_EQ(r.unit_calls, 0);
}

TEST(SampleDelay, UniformIsOneDrawOverBothBoundsIncluded) {
  const DelaySpec spec{.kind = Kind::Uniform, .low = milliseconds(50), .high = milliseconds(300)};
  ScriptedRandom r{.below_answers = {0, 250, 100}};
  EXPECT_EQ(sample_delay(spec, r), milliseconds(50));   // the lowest answer is low
  EXPECT_EQ(sample_delay(spec, r), milliseconds(300));  // the highest is high
  EXPECT_EQ(sample_delay(spec, r), milliseconds(150));
  // 251 values: [50, 300] with both ends.
  EXPECT_EQ(r.below_bounds, (std::vector<std::uint64_t>{251, 251, 251}));
  EXPECT_EQ(r.unit_calls, 0);
}

TEST(SampleDelay, UniformReachesBothEndsAndNothingElse) {
  const DelaySpec spec{.kind = Kind::Uniform, .low = milliseconds(5), .high = milliseconds(7)};
  SeededRandom r(42);
  std::set<Duration> seen;
  for (int i = 0; i < 200; ++i) seen.insert(sample_delay(spec, r));
  EXPECT_EQ(seen, (std::set<Duration>{milliseconds(5), milliseconds(6), milliseconds(7)}));
  const DelaySpec point{.kind = Kind::Uniform, .low = seconds(2), .high = seconds(2)};
  EXPECT_EQ(sample_delay(point, r), seconds(2));
}

TEST(SampleDelay, LogNormalAtZIsZeroIsTheMedian) {
  const DelaySpec spec{.kind = Kind::LogNormal, .median = milliseconds(80), .sigma = 0.5};
  // u2 = 0.25: cos(pi / 2) = 0, so z = 0 whatever u1 is.
  ScriptedRandom r{.unit_answers = {0.3, 0.25}};
  EXPECT_EQ(sample_delay(spec, r), milliseconds(80));
  EXPECT_EQ(r.unit_calls, 2);
  EXPECT_TRUE(r.below_bounds.empty());
}

TEST(SampleDelay, LogNormalFollowsBoxMuller) {
  const DelaySpec spec{.kind = Kind::LogNormal, .median = milliseconds(100), .sigma = 1.0};
  // u1 = 1 - unit() = e^-2 makes sqrt(-2 ln u1) = 2; u2 = 0 makes cos = 1: z = 2.
  ScriptedRandom r{.unit_answers = {1.0 - std::exp(-2.0), 0.0}};
  EXPECT_EQ(sample_delay(spec, r), milliseconds(739));  // 100 * e^2 = 738.9
}

TEST(SampleDelay, LogNormalStopsAtTheCap) {
  // z = sqrt(-2 ln 1e-12) = 7.4; 3600 s * e^(3 * 7.4) is far beyond an hour.
  const DelaySpec spec{.kind = Kind::LogNormal, .median = kMaxDelay, .sigma = kMaxLogNormalSigma};
  ScriptedRandom r{.unit_answers = {1.0 - 1e-12, 0.0}};
  EXPECT_EQ(sample_delay(spec, r), kMaxDelay);
  // And low tails stay at or above 0.
  ScriptedRandom low{.unit_answers = {1.0 - 1e-12, 0.5}};  // cos(pi) = -1: z = -7.4
  EXPECT_GE(sample_delay(spec, low), Duration{0});
}

TEST(SampleDelay, LogNormalMedianOfManyDrawsIsTheMedian) {
  const DelaySpec spec{.kind = Kind::LogNormal, .median = milliseconds(400), .sigma = 0.5};
  SeededRandom r(7);
  std::vector<Duration> draws;
  for (int i = 0; i < 2001; ++i) draws.push_back(sample_delay(spec, r));
  std::nth_element(draws.begin(), draws.begin() + 1000, draws.end());
  EXPECT_NEAR(static_cast<double>(draws[1000].count()), 400.0, 40.0);
}

TEST(SampleDelay, SpecsTheLoaderRefusesStillGiveADelayInRange) {
  ScriptedRandom r{.below_answers = {0, 0}};
  // Reversed: read as [50, 300].
  const DelaySpec reversed{.kind = Kind::Uniform, .low = milliseconds(300), .high = milliseconds(50)};
  EXPECT_EQ(sample_delay(reversed, r), milliseconds(50));
  EXPECT_EQ(r.below_bounds.back(), 251u);
  // Beyond the cap and below 0: clamped.
  EXPECT_EQ(sample_delay(DelaySpec{.kind = Kind::Fixed, .fixed = std::chrono::hours(5)}, r), kMaxDelay);
  EXPECT_EQ(sample_delay(DelaySpec{.kind = Kind::Fixed, .fixed = milliseconds(-5)}, r), Duration{0});
  const DelaySpec huge{.kind = Kind::Uniform, .low = std::chrono::hours(2), .high = std::chrono::hours(3)};
  EXPECT_EQ(sample_delay(huge, r), kMaxDelay);
  // A median of 0 draws nothing; a non-finite sigma stops at the cap.
  ScriptedRandom lognormal;
  EXPECT_EQ(sample_delay(DelaySpec{.kind = Kind::LogNormal, .median = Duration{0}, .sigma = 1}, lognormal),
            Duration{0});
  EXPECT_EQ(lognormal.unit_calls, 0);
  const double nan = std::numeric_limits<double>::quiet_NaN();
  EXPECT_EQ(sample_delay(DelaySpec{.kind = Kind::LogNormal, .median = seconds(1), .sigma = nan}, lognormal),
            kMaxDelay);
}

RC_GTEST_PROP(SampleDelay, AlwaysWithinTheSpecAndTheCap,
              (std::uint64_t seed, std::uint32_t a_ms, std::uint32_t b_ms, unsigned kind_pick)) {
  const Duration a{a_ms % (kMaxDelay.count() + 1)};
  const Duration b{b_ms % (kMaxDelay.count() + 1)};
  SeededRandom r(seed);
  const Duration lo = std::min(a, b), hi = std::max(a, b);
  switch (kind_pick % 3) {
    case 0: {
      const Duration d = sample_delay(DelaySpec{.kind = Kind::Uniform, .low = lo, .high = hi}, r);
      RC_ASSERT(d >= lo);
      RC_ASSERT(d <= hi);
      break;
    }
    case 1:
      RC_ASSERT(sample_delay(DelaySpec{.kind = Kind::Fixed, .fixed = a}, r) == a);
      break;
    default: {
      const double sigma = 0.01 + (kind_pick % 300) / 100.0;
      const DelaySpec spec{.kind = Kind::LogNormal, .median = std::max(a, Duration{1}), .sigma = sigma};
      const Duration d = sample_delay(spec, r);
      RC_ASSERT(d >= Duration{0});
      RC_ASSERT(d <= kMaxDelay);
    }
  }
}

}  // namespace
}  // namespace ebsmock::scenarios
