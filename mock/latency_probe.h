// latency_probe.h: where a request's time goes inside the mock, for the benchmark: the
// handler's span (cpp-httplib hands over a parsed request; the answer is in its
// response), the wait for the world's lock and the lock's hold, each counted in buckets.
// Built in only with the CMake option EBSMOCK_LATENCY_PROBE (kLatencyProbe); otherwise a
// span compiles to nothing and /__admin/health has no "latency_probe".
// Why: under load, a client's p99 is mostly time outside the handler (the scheduler's);
// these spans separate what the mock's own code took (tests/bench/RESULTS.md, thirty-first
// session). One probe per process, whatever number of Services it runs. Reads
// std::chrono::steady_clock, not an injected Clock: it measures, and decides nothing.
// Thread-safe: relaxed atomic counters; a snapshot taken under load may miss the records
// in flight.
#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>

#include <nlohmann/json.hpp>

namespace ebsmock::mock {

#ifdef EBSMOCK_LATENCY_PROBE
inline constexpr bool kLatencyProbe = true;
#else
inline constexpr bool kLatencyProbe = false;
#endif

class LatencyHistogram {
 public:
  // Each bucket counts the spans below its bound and at or above the previous one; the
  // last bucket, past 10 ms, has none. Steps of 1-2-5: fine enough to tell a spin from a
  // sleep and a sleep from a descheduled holder.
  static constexpr std::array<std::int64_t, 13> kBoundsNs{
      1'000, 2'000, 5'000, 10'000, 20'000, 50'000, 100'000, 200'000, 500'000, 1'000'000, 2'000'000, 5'000'000, 10'000'000};
  static constexpr std::size_t kBuckets = kBoundsNs.size() + 1;

  void record(std::chrono::nanoseconds span) noexcept;
  // {"count", "total_ms", "p50_below_us", "p99_below_us", "buckets": [{"below_us", "count"}]}:
  // a percentile is the bound of the bucket it falls in (null past the last bound, or
  // with nothing counted); the last bucket's "below_us" is null.
  nlohmann::json json() const;

 private:
  std::array<std::atomic<std::uint64_t>, kBuckets> counts_{};
  std::atomic<std::uint64_t> total_ns_{0};
};

struct LatencyProbe {
  LatencyHistogram handler;          // HttpServer's dispatch, start to finish
  LatencyHistogram world_lock_wait;  // from asking for the world's lock to holding it
  LatencyHistogram world_lock_hold;  // a call's hold, unless a delay, hold or race window let it go
  nlohmann::json json() const;
};

// The process's probe: constant-initialized, so reaching it costs nothing when it is off.
inline constinit LatencyProbe process_latency_probe{};
inline LatencyProbe& latency_probe() { return process_latency_probe; }

// Records the time from its construction to stop() (or its destruction) into one
// histogram, once; cancel() records nothing. Off (without the probe built in), does
// nothing: a template so that a test can build both.
template <bool kOn>
class BasicLatencySpan {
 public:
  explicit BasicLatencySpan(LatencyHistogram& into) noexcept {
    if constexpr (kOn) {
      into_ = &into;
      from_ = std::chrono::steady_clock::now();
    }
  }
  BasicLatencySpan(const BasicLatencySpan&) = delete;
  BasicLatencySpan& operator=(const BasicLatencySpan&) = delete;
  ~BasicLatencySpan() { stop(); }

  void stop() noexcept {
    if constexpr (kOn) {
      if (into_ == nullptr) return;
      into_->record(std::chrono::steady_clock::now() - from_);
      into_ = nullptr;
    }
  }
  void cancel() noexcept { into_ = nullptr; }

 private:
  LatencyHistogram* into_ = nullptr;
  std::chrono::steady_clock::time_point from_{};
};
using LatencySpan = BasicLatencySpan<kLatencyProbe>;

}  // namespace ebsmock::mock
