// startup_arena_test.cpp: StartupArena on the allocator the servers ship with (this binary
// links jemalloc like `ebsmock` does): while bound, what the thread's arena maps is
// advised huge; after release it is advised back, new memory is not, and the arena has
// its own hooks again.
#include <gtest/gtest.h>

#include <cstddef>
#include <memory>
#include <string>
#include <utility>

#include "mock/startup_arena.h"
#include "tests/support/process_mappings.h"

extern "C" int mallctl(const char* name, void* oldp, std::size_t* oldlenp, void* newp, std::size_t newlen);

namespace ebsmock::mock {
namespace {

int arena_of(const void* block) {
  unsigned index = 0;
  std::size_t size = sizeof(index);
  if (mallctl("arenas.lookup", &index, &size, &block, sizeof(block)) != 0) return -1;
  return static_cast<int>(index);
}

// The VmFlags of the mapping that holds `address`, "" if none.
std::string vm_flags_of(const void* address) {
  for (const auto& m : testing::mappings_of()) {
    if (m.holds(address)) return m.vm_flags;
  }
  return "";
}

bool has_flag(const std::string& vm_flags, const std::string& flag) {
  return testing::Mapping{.vm_flags = vm_flags}.has_flag(flag);
}

// Blocks under jemalloc's oversize threshold (8 MiB), above which they come from an arena
// of their own. Not written to: nothing here needs their pages.
std::unique_ptr<char[]> block_of(std::size_t mib) { return std::unique_ptr<char[]>(new char[mib << 20]); }

void* hooks_of(unsigned arena) {
  void* hooks = nullptr;
  std::size_t size = sizeof(hooks);
  const std::string name = "arena." + std::to_string(arena) + ".extent_hooks";
  EXPECT_EQ(mallctl(name.c_str(), &hooks, &size, nullptr, 0), 0) << name;
  return hooks;
}

TEST(StartupArena, NewMemoryIsHugeWhileBoundAndNotAfter) {
  StartupArena arena;
  ASSERT_TRUE(arena.active()) << "a binary on jemalloc must get the start-up arena";

  // The first large block in this process needs memory mapped for it, which is what the
  // arena advises; in the same process again (--gtest_repeat) it may reuse the first's.
  static bool first_run = true;
  if (!std::exchange(first_run, false)) GTEST_SKIP() << "needs a fresh process, as ctest runs it";
  auto bound_block = block_of(7);
  EXPECT_EQ(arena_of(bound_block.get()), static_cast<int>(arena.arena()));
  const std::string flags_bound = vm_flags_of(bound_block.get());
  EXPECT_TRUE(has_flag(flags_bound, "hg")) << flags_bound;

  arena.release();
  EXPECT_FALSE(arena.active());
  const std::string flags_released = vm_flags_of(bound_block.get());
  EXPECT_TRUE(has_flag(flags_released, "nh")) << flags_released;
  auto after_block = block_of(7);
  const std::string flags_after = vm_flags_of(after_block.get());
  EXPECT_FALSE(has_flag(flags_after, "hg")) << flags_after;
}

TEST(StartupArena, TheThreadKeepsItsArenaAndTheArenaItsHooks) {
  unsigned before = 0;
  std::size_t size = sizeof(before);
  ASSERT_EQ(mallctl("thread.arena", &before, &size, nullptr, 0), 0);
  void* const jemalloc_hooks = hooks_of(before);
  {
    StartupArena arena;
    ASSERT_TRUE(arena.active());
    EXPECT_EQ(arena.arena(), before);
    EXPECT_NE(hooks_of(before), jemalloc_hooks);
  }
  EXPECT_EQ(hooks_of(before), jemalloc_hooks);
  // What the start freed is the thread's to reuse: the same arena, not one left idle.
  auto block = std::make_unique<std::string>(100, 'x');
  EXPECT_EQ(arena_of(block->data()), static_cast<int>(before));
}

TEST(StartupArena, ASecondWhileOneIsBoundStaysInactive) {
  StartupArena first;
  ASSERT_TRUE(first.active());
  StartupArena second;  // would otherwise wrap the first's hooks in themselves
  EXPECT_FALSE(second.active());
  second.release();
  EXPECT_TRUE(first.active());
}

TEST(StartupArena, BindsAgainAfterARelease) {
  StartupArena first;
  ASSERT_TRUE(first.active());
  void* const ours = hooks_of(first.arena());
  first.release();
  first.release();  // idempotent
  EXPECT_NE(hooks_of(first.arena()), ours);
  StartupArena second;
  ASSERT_TRUE(second.active());
  EXPECT_EQ(hooks_of(second.arena()), ours);
}

}  // namespace
}  // namespace ebsmock::mock
