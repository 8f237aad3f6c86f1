// latency_probe.cpp: see latency_probe.h.
#include "mock/latency_probe.h"

#include <algorithm>
#include <cmath>

namespace ebsmock::mock {

void LatencyHistogram::record(std::chrono::nanoseconds span) noexcept {
  const std::int64_t ns = span.count();
  const auto bucket = static_cast<std::size_t>(std::upper_bound(kBoundsNs.begin(), kBoundsNs.end(), ns) - kBoundsNs.begin());
  counts_[bucket].fetch_add(1, std::memory_order_relaxed);
  total_ns_.fetch_add(static_cast<std::uint64_t>(std::max<std::int64_t>(ns, 0)), std::memory_order_relaxed);
}

nlohmann::json LatencyHistogram::json() const {
  std::array<std::uint64_t, kBuckets> counts{};
  std::uint64_t count = 0;
  for (std::size_t i = 0; i < kBuckets; ++i) count += counts[i] = counts_[i].load(std::memory_order_relaxed);
  auto bound_us = [](std::size_t bucket) -> nlohmann::json {
    if (bucket >= kBoundsNs.size()) return nullptr;
    return kBoundsNs[bucket] / 1000;
  };
  // The bucket holding the span that `fraction` of all spans are at or below.
  auto percentile = [&](double fraction) -> nlohmann::json {
    if (count == 0) return nullptr;
    const auto rank = std::max<std::uint64_t>(1, static_cast<std::uint64_t>(std::ceil(fraction * static_cast<double>(count))));
    std::uint64_t seen = 0;
    for (std::size_t i = 0; i < kBuckets; ++i) {
      seen += counts[i];
      if (seen >= rank) return bound_us(i);
    }
    return nullptr;
  };
  nlohmann::json buckets = nlohmann::json::array();
  for (std::size_t i = 0; i < kBuckets; ++i) buckets.push_back({{"below_us", bound_us(i)}, {"count", counts[i]}});
  return {{"count", count},
          {"total_ms", static_cast<double>(total_ns_.load(std::memory_order_relaxed)) / 1e6},
          {"p50_below_us", percentile(0.50)},
          {"p99_below_us", percentile(0.99)},
          {"buckets", std::move(buckets)}};
}

nlohmann::json LatencyProbe::json() const {
  return {{"handler", handler.json()}, {"world_lock_wait", world_lock_wait.json()}, {"world_lock_hold", world_lock_hold.json()}};
}

}  // namespace ebsmock::mock
