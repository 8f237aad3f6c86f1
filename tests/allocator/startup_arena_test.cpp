// startup_arena_test.cpp: StartupArena on the allocator the servers ship with (this binary
// links jemalloc like `ebsmock` does): while bound, the thread's blocks come from the
// arena and its memory is advised huge; after release they do not, the memory is advised
// back, and the arena holds no dirty pages (they went back to the kernel).
#include <gtest/gtest.h>

#include <cstddef>
#include <cstdint>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "mock/startup_arena.h"

extern "C" int mallctl(const char* name, void* oldp, std::size_t* oldlenp, void* newp, std::size_t newlen);

namespace ebsmock::mock {
namespace {

int arena_of(const void* block) {
  unsigned index = 0;
  std::size_t size = sizeof(index);
  if (mallctl("arenas.lookup", &index, &size, &block, sizeof(block)) != 0) return -1;
  return static_cast<int>(index);
}

// The VmFlags of the mapping that holds `address` (/proc/self/smaps), "" if none.
std::string vm_flags_of(const void* address) {
  const auto at = reinterpret_cast<std::uintptr_t>(address);
  std::ifstream smaps("/proc/self/smaps");
  std::string line;
  bool inside = false;
  while (std::getline(smaps, line)) {
    std::uintptr_t from = 0, to = 0;
    char dash = 0;
    std::istringstream range(line);
    if (range >> std::hex >> from >> dash >> to && dash == '-') {
      inside = from <= at && at < to;
    } else if (inside && line.rfind("VmFlags:", 0) == 0) {
      return line;
    }
  }
  return "";
}

bool has_flag(const std::string& vm_flags, const std::string& flag) {
  return vm_flags.find(" " + flag + " ") != std::string::npos || vm_flags.ends_with(" " + flag);
}

std::size_t dirty_pages(int arena) {
  std::uint64_t epoch = 1;
  std::size_t size = sizeof(epoch);
  mallctl("epoch", &epoch, &size, &epoch, size);  // refreshes the statistics
  std::size_t pages = 0;
  size = sizeof(pages);
  const std::string name = "stats.arenas." + std::to_string(arena) + ".pdirty";
  EXPECT_EQ(mallctl(name.c_str(), &pages, &size, nullptr, 0), 0) << name;
  return pages;
}

TEST(StartupArena, BindsTheThreadToAHugePageArenaUntilReleased) {
  StartupArena arena;
  ASSERT_TRUE(arena.active()) << "a binary on jemalloc must get the start-up arena";
  const int index = StartupArena::arena_index();
  ASSERT_GE(index, 0);

  // Big enough to need a mapping of its own in the arena, not a cached slab.
  auto bound_block = std::make_unique<char[]>(3 << 20);
  EXPECT_EQ(arena_of(bound_block.get()), index);
  const std::string flags_bound = vm_flags_of(bound_block.get());
  EXPECT_TRUE(has_flag(flags_bound, "hg")) << flags_bound;

  arena.release();
  EXPECT_FALSE(arena.active());
  auto after_block = std::make_unique<char[]>(3 << 20);
  EXPECT_NE(arena_of(after_block.get()), index);
  const std::string flags_after = vm_flags_of(bound_block.get());
  EXPECT_TRUE(has_flag(flags_after, "nh")) << flags_after;
}

TEST(StartupArena, ReleaseReturnsWhatTheStartFreedToTheKernel) {
  int index = -1;
  {
    StartupArena arena;
    ASSERT_TRUE(arena.active());
    index = StartupArena::arena_index();
    // What a load does: many small blocks, most of them freed before it ends.
    std::vector<std::unique_ptr<std::string>> parse_tables;
    for (int i = 0; i < 100'000; ++i) parse_tables.push_back(std::make_unique<std::string>(100, 'x'));
    parse_tables.clear();
    ASSERT_GT(dirty_pages(index), 0u) << "the freed blocks should leave dirty pages before the release";
  }  // released here
  // (jemalloc 5.3 also purges the arena as the thread leaves it, so this holds without
  // release()'s own purge too; the purge is there not to depend on that.)
  EXPECT_EQ(dirty_pages(index), 0u);
}

TEST(StartupArena, EveryStartupArenaUsesTheSameArena) {
  StartupArena first;
  const int index = StartupArena::arena_index();
  first.release();
  StartupArena second;
  ASSERT_TRUE(second.active());
  EXPECT_EQ(StartupArena::arena_index(), index);
  auto block = std::make_unique<char[]>(1 << 20);
  EXPECT_EQ(arena_of(block.get()), index);
}

}  // namespace
}  // namespace ebsmock::mock
