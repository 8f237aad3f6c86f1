// vcpu_gaps.cpp: how much of its time each CPU of this machine takes away from a thread
// that never blocks. One thread per CPU the process may run on, pinned there, reads the
// monotonic clock in a loop for --seconds; a gap between two reads longer than 50 us is
// time that thread did not run. On an otherwise idle guest that is the hypervisor running
// something else on that vCPU (steal time that a Firecracker guest's /proc/stat does not
// show), or an interrupt. The benchmark runs it before and after its sections (bench.sh,
// raw/machine.jsonl), because a vCPU stopped while one of ebsmock's workers holds the
// world's lock stops every request that needs the world, where cpp-httplib alone loses
// only that vCPU's requests: the machine's stalls are part of what a run's p99 measured.
// Prints one JSON line. Reads the real clock on purpose: it measures the machine.
// Single-threaded apart from its own per-CPU threads, which share nothing until joined.
#include <pthread.h>
#include <sched.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace {

struct CpuGaps {
  int cpu = 0;
  long over_200us = 0, over_1ms = 0;
  double lost_ms = 0, max_us = 0;
};

CpuGaps watch(int cpu, std::chrono::milliseconds span) {
  CpuGaps g{.cpu = cpu};
  cpu_set_t set;
  CPU_ZERO(&set);
  CPU_SET(cpu, &set);
  pthread_setaffinity_np(pthread_self(), sizeof set, &set);
  using Clock = std::chrono::steady_clock;
  const auto start = Clock::now();
  auto last = start;
  while (last - start < span) {
    const auto now = Clock::now();
    const double gap_us = std::chrono::duration<double, std::micro>(now - last).count();
    if (gap_us > 50) {
      g.lost_ms += gap_us / 1000;
      g.max_us = std::max(g.max_us, gap_us);
      if (gap_us > 200) ++g.over_200us;
      if (gap_us > 1000) ++g.over_1ms;
    }
    last = now;
  }
  return g;
}

int usage() {
  std::fprintf(stderr, "usage: bench_vcpu_gaps [--seconds N]  (N from 1 to 600, default 5)\n");
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  long seconds = 5;
  for (int i = 1; i < argc; i += 2) {
    const std::string_view flag = argv[i];
    if (flag != "--seconds" || i + 1 >= argc) return usage();
    char* end = nullptr;
    seconds = std::strtol(argv[i + 1], &end, 10);
    if (*end != '\0' || seconds < 1 || seconds > 600) return usage();
  }
  cpu_set_t allowed;
  if (sched_getaffinity(0, sizeof allowed, &allowed) != 0) {
    std::perror("bench_vcpu_gaps: sched_getaffinity");
    return 1;
  }
  std::vector<int> cpus;
  for (int c = 0; c < CPU_SETSIZE; ++c) {
    if (CPU_ISSET(c, &allowed)) cpus.push_back(c);
  }
  std::vector<CpuGaps> results(cpus.size());
  std::vector<std::thread> threads;
  for (std::size_t i = 0; i < cpus.size(); ++i) {
    threads.emplace_back([&results, &cpus, i, seconds] { results[i] = watch(cpus[i], std::chrono::seconds(seconds)); });
  }
  for (auto& t : threads) t.join();
  std::printf("{\"seconds\":%ld,\"cpus\":[", seconds);
  for (std::size_t i = 0; i < results.size(); ++i) {
    const CpuGaps& g = results[i];
    std::printf("%s{\"cpu\":%d,\"gaps_over_200us\":%ld,\"gaps_over_1ms\":%ld,\"lost_ms\":%.1f,\"max_gap_us\":%.0f}",
                i ? "," : "", g.cpu, g.over_200us, g.over_1ms, g.lost_ms, g.max_us);
  }
  std::printf("]}\n");
  return 0;
}
