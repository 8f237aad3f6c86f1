// served_large_world_test.cpp: `ebsmock serve` (the shipped binary, on jemalloc) loads a
// large world with the start-up arena and releases it once it listens: the world sits in
// huge pages, in mappings advised back to 4 KB pages ("nh") for what comes next, and no
// mapping is left advised huge ("hg"). The built-in world does not use the arena at all.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>

#include "tests/support/mock_server_fixture.h"
#include "tests/support/process_mappings.h"
#include "tests/support/served_process.h"
#include "tests/support/temp_path.h"

namespace ebsmock {
namespace {

struct Mappings {
  int advised_huge = 0;           // VmFlags with "hg"
  long huge_kib = 0;              // AnonHugePages over every mapping
  long huge_kib_advised_back = 0;  // ... over mappings whose VmFlags have "nh"
};

Mappings mappings_of(pid_t pid) {
  Mappings out;
  for (const auto& m : testing::mappings_of(pid)) {
    out.advised_huge += m.has_flag("hg");
    out.huge_kib += m.anon_huge_kib;
    if (m.has_flag("nh")) out.huge_kib_advised_back += m.anon_huge_kib;
  }
  return out;
}

// What the maps settle to after the start: release() runs on the main thread just after
// "listening on" is printed, so poll for it (a guard against a hang, not a timing
// assertion).
Mappings settled_mappings_of(pid_t pid) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  Mappings m = mappings_of(pid);
  while (m.advised_huge > 0 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
    m = mappings_of(pid);
  }
  return m;
}

// Only in THP's "madvise" mode (Debian's default) is every huge page one the process
// asked for; "always" gives them unasked, "never" not at all.
bool huge_pages_only_when_advised() {
  std::ifstream mode("/sys/kernel/mm/transparent_hugepage/enabled");
  std::string text;
  std::getline(mode, text);
  return text.find("[madvise]") != std::string::npos;
}

// The kernel's count of huge-page faults that fell back to 4 KB pages (memory too
// fragmented): a machine-wide counter, read around the start.
long thp_fault_fallbacks() {
  std::ifstream vmstat("/proc/vmstat");
  std::string name;
  long value = 0;
  while (vmstat >> name >> value) {
    if (name == "thp_fault_fallback") return value;
  }
  return 0;
}

std::filesystem::path write_world(int pairs) {
  const std::filesystem::path path = testing::unique_temp_path("large-world", "world.toml");
  std::string pair_tables;
  for (int i = 0; i < pairs; ++i) {
    char id[32];
    std::snprintf(id, sizeof id, "pair-cn-large%08d", i);
    pair_tables += testing::pair_toml(id, "normal", "cn-hangzhou", "cn-shanghai",
                                      "description = \"a pair of a world large enough for the start-up arena\"");
  }
  std::ofstream(path) << testing::world_toml(false, pair_tables);
  return path;
}

TEST(ServedLargeWorld, LoadsOnTheStartupArenaAndReleasesIt) {
  if (!huge_pages_only_when_advised()) GTEST_SKIP() << "transparent huge pages are not in madvise mode here";
  const auto world = write_world(3'000);
  ASSERT_GE(std::filesystem::file_size(world), 256u * 1024) << "below serve's threshold for the arena";
  const long fallbacks_before = thp_fault_fallbacks();
  testing::ServedProcess served({"serve", "--scenario", world.string(), "--port", "0"});
  std::filesystem::remove(world);
  ASSERT_FALSE(served.endpoint().empty()) << served.first_line();
  const Mappings m = settled_mappings_of(served.pid());
  EXPECT_EQ(m.advised_huge, 0) << "a mapping is still advised huge after the server listens";
  // A machine short of contiguous memory may refuse every huge page; the kernel then
  // counts the fallbacks, which shows the advice was given all the same.
  EXPECT_TRUE(m.huge_kib > 0 || thp_fault_fallbacks() > fallbacks_before)
      << "no huge page and no fallback: the world was not loaded on the arena";
  EXPECT_EQ(m.huge_kib_advised_back, m.huge_kib) << "huge pages in a mapping not advised back";
}

TEST(ServedLargeWorld, TheBuiltInWorldDoesNotUseTheArena) {
  if (!huge_pages_only_when_advised()) GTEST_SKIP() << "transparent huge pages are not in madvise mode here";
  testing::ServedProcess served({"serve", "--port", "0"});
  ASSERT_FALSE(served.endpoint().empty()) << served.first_line();
  const Mappings m = mappings_of(served.pid());
  EXPECT_EQ(m.advised_huge, 0);
  EXPECT_EQ(m.huge_kib, 0);
}

}  // namespace
}  // namespace ebsmock
