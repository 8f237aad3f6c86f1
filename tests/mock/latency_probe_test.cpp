// latency_probe_test.cpp: the latency probe's histogram files a span in the bucket whose
// bound is the first above it, reads its p50 and p99 as bucket bounds, and sums the
// time; a span records once into its histogram when on, and nothing when off (a build
// without the probe) or cancelled. Single-threaded.
#include <gtest/gtest.h>

#include <chrono>

#include "mock/latency_probe.h"

namespace ebsmock::mock {
namespace {

using std::chrono::microseconds;
using std::chrono::nanoseconds;

std::uint64_t count_below(const nlohmann::json& j, const nlohmann::json& below_us) {
  for (const auto& b : j["buckets"]) {
    if (b["below_us"] == below_us) return b["count"].get<std::uint64_t>();
  }
  ADD_FAILURE() << "no bucket below " << below_us;
  return 0;
}

TEST(LatencyHistogram, FilesEachSpanUnderTheFirstBoundAboveIt) {
  LatencyHistogram h;
  h.record(nanoseconds(999));        // below 1 us
  h.record(microseconds(1));         // at a bound: the next bucket
  h.record(microseconds(3));         // below 5 us
  h.record(microseconds(10'000));    // 10 ms: past the last bound
  h.record(microseconds(250'000));
  const nlohmann::json j = h.json();
  EXPECT_EQ(j["count"], 5);
  EXPECT_EQ(count_below(j, 1), 1u);
  EXPECT_EQ(count_below(j, 2), 1u);
  EXPECT_EQ(count_below(j, 5), 1u);
  EXPECT_EQ(count_below(j, 10'000), 0u);
  EXPECT_EQ(count_below(j, nullptr), 2u);
  EXPECT_EQ(j["buckets"].size(), LatencyHistogram::kBuckets);
  EXPECT_NEAR(j["total_ms"].get<double>(), 0.000999 + 0.001 + 0.003 + 10.0 + 250.0, 1e-9);
}

TEST(LatencyHistogram, PercentilesAreTheBoundsOfTheirBuckets) {
  LatencyHistogram h;
  EXPECT_TRUE(h.json()["p99_below_us"].is_null());  // nothing counted
  for (int i = 0; i < 98; ++i) h.record(microseconds(1));  // below 2 us
  h.record(microseconds(300));                             // below 500 us: the 99th of 100
  h.record(microseconds(40'000));                          // past the last bound
  nlohmann::json j = h.json();
  EXPECT_EQ(j["p50_below_us"], 2);
  EXPECT_EQ(j["p99_below_us"], 500);
  h.record(microseconds(40'000));  // now the 99th of 101 is past the last bound
  h.record(microseconds(40'000));
  j = h.json();
  EXPECT_EQ(j["p50_below_us"], 2);
  EXPECT_TRUE(j["p99_below_us"].is_null());
}

template <bool kOn>
std::uint64_t spans_recorded() {
  LatencyHistogram h;
  {
    BasicLatencySpan<kOn> span(h);
    span.stop();
    span.stop();  // a second stop records nothing
  }               // nor does the destructor after a stop
  { BasicLatencySpan<kOn> span(h); }  // the destructor stops it
  {
    BasicLatencySpan<kOn> span(h);
    span.cancel();
  }
  return h.json()["count"].get<std::uint64_t>();
}

TEST(LatencySpan, RecordsOnceWhenOnAndNeverWhenCancelled) { EXPECT_EQ(spans_recorded<true>(), 2u); }

TEST(LatencySpan, RecordsNothingWhenOff) { EXPECT_EQ(spans_recorded<false>(), 0u); }

TEST(LatencyProbe, HasTheHandlerAndTheWorldsLock) {
  const nlohmann::json j = latency_probe().json();
  EXPECT_TRUE(j.contains("handler"));
  EXPECT_TRUE(j.contains("world_lock_wait"));
  EXPECT_TRUE(j.contains("world_lock_hold"));
}

}  // namespace
}  // namespace ebsmock::mock
