// startup_arena_test.cpp: without jemalloc (this binary is on the system allocator, as the
// sanitized builds are) a StartupArena binds nothing and costs nothing. The arena itself
// is tested on jemalloc in tests/allocator/.
#include <gtest/gtest.h>

#include <memory>

#include "mock/startup_arena.h"

namespace ebsmock::mock {
namespace {

TEST(StartupArenaWithoutJemalloc, IsInactiveAndHarmless) {
  StartupArena arena;
  EXPECT_FALSE(arena.active());
  auto block = std::make_unique<char[]>(1 << 20);
  block[0] = 1;
  arena.release();
  arena.release();  // idempotent
  EXPECT_FALSE(arena.active());
}

}  // namespace
}  // namespace ebsmock::mock
