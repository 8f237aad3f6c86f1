// linearizability_bench.cpp: how long the linearizability checker takes per history
// (tests/bench/RESULTS.md, bench.sh section `checker`). For each shape it generates
// histories with the seeded generator (tests/concurrent/support), valid ones and corrupted
// ones, checks each with a 1 s budget, and prints one JSON line per shape and kind:
// p50/p99/max milliseconds of wall time and of the thread's CPU time (on a shared machine
// a history that loses the CPU for a time slice shows it in wall time only), Unknown and
// NotLinearizable counts, and the baseline measured in the same run: replaying each valid
// history's witness on the sequential specification (one model step per call, the least
// any checker must do), with the checker's median as a ratio of it.
//   bench_linearizability [--histories N] [--seed S]
// Single-threaded; a bench tool, not a test.
#include <algorithm>
#include <chrono>
#include <cstring>
#include <ctime>
#include <iostream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "contracts/random.h"
#include "harness/concurrent/linearizability_checker.h"
#include "tests/concurrent/support/history_generator.h"

namespace {

using namespace ebsmock;
using namespace ebsmock::testing::concurrent;
using harness::concurrent::Verdict;
using Clock = std::chrono::steady_clock;

struct Shape {
  std::string name;
  GeneratorConfig config;
};

double percentile(std::vector<double> xs, double p) {
  if (xs.empty()) return 0;
  std::sort(xs.begin(), xs.end());
  const auto i = static_cast<std::size_t>(p * static_cast<double>(xs.size() - 1) + 0.5);
  return xs[std::min(i, xs.size() - 1)];
}

double ms_since(Clock::time_point t0) { return std::chrono::duration<double, std::milli>(Clock::now() - t0).count(); }

double cpu_ms() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) * 1e3 + static_cast<double>(ts.tv_nsec) / 1e6;
}

// Wall and CPU milliseconds of one check.
struct Timing {
  std::vector<double> wall, cpu;
  int unknown = 0, refuted = 0;
  void check(const harness::concurrent::History& h, const harness::concurrent::CheckOptions& options) {
    const auto t0 = Clock::now();
    const double c0 = cpu_ms();
    const Verdict v = harness::concurrent::check_linearizable(h, options).verdict;
    cpu.push_back(cpu_ms() - c0);
    wall.push_back(ms_since(t0));
    unknown += v == Verdict::Unknown;
    refuted += v == Verdict::NotLinearizable;
  }
};

double replay_ms(const Generated& g) {
  const auto t0 = Clock::now();
  auto state = harness::concurrent::initial_state(g.history.initial, g.history.now);
  for (std::size_t i : g.witness) state = harness::concurrent::predict(state, g.history.ops[i]).next;
  return ms_since(t0);
}

}  // namespace

int main(int argc, char** argv) {
  int histories = 1000;
  std::uint64_t seed = 1;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (std::strcmp(argv[i], "--histories") == 0) histories = std::stoi(argv[i + 1]);
    if (std::strcmp(argv[i], "--seed") == 0) seed = std::stoull(argv[i + 1]);
  }
  GeneratorConfig small;  // 3 clients x 10 calls, one pair, 20% ambiguous
  GeneratorConfig large;
  large.clients = 8;
  large.calls_per_client = 25;
  large.pairs = 4;
  const std::vector<Shape> shapes = {{"3x10-1pair-20pct", small}, {"8x25-4pairs-20pct", large}};
  harness::concurrent::CheckOptions options;
  options.time_budget = std::chrono::seconds(1);
  for (const auto& shape : shapes) {
    contracts::SeededRandom r(seed);
    Timing valid, corrupted;
    std::vector<double> replay;
    for (int n = 0; n < histories; ++n) {
      Generated g = generate_valid(shape.config, r);
      replay.push_back(replay_ms(g));
      valid.check(g.history, options);
      if (auto bad = corrupt(g.history, r)) corrupted.check(bad->history, options);
    }
    const double replay_p50 = percentile(replay, 0.5);
    for (const auto& [kind, t] : {std::pair<const char*, const Timing&>{"valid", valid}, {"corrupted", corrupted}}) {
      nlohmann::json j = {{"kind", "checker"},
                          {"shape", shape.name},
                          {"histories", kind},
                          {"count", t.wall.size()},
                          {"p50_ms", percentile(t.wall, 0.5)},
                          {"p99_ms", percentile(t.wall, 0.99)},
                          {"max_ms", percentile(t.wall, 1.0)},
                          {"cpu_p50_ms", percentile(t.cpu, 0.5)},
                          {"cpu_p99_ms", percentile(t.cpu, 0.99)},
                          {"cpu_max_ms", percentile(t.cpu, 1.0)},
                          {"unknown", t.unknown},
                          {"not_linearizable", t.refuted},
                          {"replay_p50_ms", replay_p50},
                          {"p50_over_replay", replay_p50 > 0 ? percentile(t.wall, 0.5) / replay_p50 : 0}};
      std::cout << j.dump() << std::endl;
    }
  }
  return 0;
}
