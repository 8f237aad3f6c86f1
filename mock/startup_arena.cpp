// startup_arena.cpp: see startup_arena.h. Talks to jemalloc through mallctl, declared
// weak: a binary without jemalloc leaves it null and every StartupArena is inactive.
#include "mock/startup_arena.h"

#include <sys/mman.h>

#include <array>
#include <atomic>
#include <cstddef>
#include <mutex>
#include <string>

extern "C" int mallctl(const char* name, void* oldp, std::size_t* oldlenp, void* newp, std::size_t newlen)
    __attribute__((weak));

namespace ebsmock::mock {
namespace {

// jemalloc's extent_hooks_t (jemalloc.h, stable since 5.0): nine function pointers, the
// first the one that maps new memory. Declared here so the source builds without
// jemalloc's header; only `alloc` is replaced, the others stay jemalloc's own.
struct ExtentHooks {
  void* (*alloc)(ExtentHooks*, void* new_addr, std::size_t size, std::size_t alignment, bool* zero, bool* commit,
                 unsigned arena);
  void* rest[8];
};

// A memory range the arena mapped, advised huge while a StartupArena is bound.
struct Range {
  void* addr;
  std::size_t size;
};

// The arena, set up once; every member after `ready` is written before it is set.
struct HugePageArena {
  std::once_flag once;
  bool ready = false;
  unsigned index = 0;
  ExtentHooks* jemalloc_hooks = nullptr;
  ExtentHooks hooks{};
  std::mutex mu;  // guards ranges, count and advise_huge
  // A world's start maps a handful (jemalloc grows an arena's mappings geometrically);
  // past the last one the memory is left in 4 KB pages.
  std::array<Range, 64> ranges{};
  std::size_t count = 0;
  bool advise_huge = false;
};

HugePageArena& arena() {
  static HugePageArena a;
  return a;
}

void* alloc_advised(ExtentHooks*, void* new_addr, std::size_t size, std::size_t alignment, bool* zero, bool* commit,
                    unsigned index) {
  HugePageArena& a = arena();
  void* p = a.jemalloc_hooks->alloc(a.jemalloc_hooks, new_addr, size, alignment, zero, commit, index);
  if (p == nullptr) return p;
  std::lock_guard lock(a.mu);
  if (a.count < a.ranges.size()) {
    a.ranges[a.count++] = Range{p, size};
    if (a.advise_huge) madvise(p, size, MADV_HUGEPAGE);
  }
  return p;
}

// Marks every range the arena has mapped (huge while bound, not after).
void advise_all(HugePageArena& a, bool huge) {
  std::lock_guard lock(a.mu);
  a.advise_huge = huge;
  for (std::size_t i = 0; i < a.count; ++i) {
    madvise(a.ranges[i].addr, a.ranges[i].size, huge ? MADV_HUGEPAGE : MADV_NOHUGEPAGE);
  }
}

void set_up(HugePageArena& a) {
  std::size_t size = sizeof(a.jemalloc_hooks);
  if (mallctl("arena.0.extent_hooks", &a.jemalloc_hooks, &size, nullptr, 0) != 0 || a.jemalloc_hooks == nullptr) {
    return;
  }
  a.hooks = *a.jemalloc_hooks;
  a.hooks.alloc = &alloc_advised;
  ExtentHooks* ours = &a.hooks;
  size = sizeof(a.index);
  if (mallctl("arenas.create", &a.index, &size, &ours, sizeof(ours)) != 0) return;
  a.ready = true;
}

}  // namespace

StartupArena::StartupArena() {
  if (mallctl == nullptr) return;
  HugePageArena& a = arena();
  std::call_once(a.once, [&] { set_up(a); });
  if (!a.ready) return;
  advise_all(a, true);
  // Blocks the thread cache already holds came from the old arena: hand them back first.
  mallctl("thread.tcache.flush", nullptr, nullptr, nullptr, 0);
  std::size_t size = sizeof(previous_);
  unsigned index = a.index;
  active_ = mallctl("thread.arena", &previous_, &size, &index, sizeof(index)) == 0;
}

StartupArena::~StartupArena() { release(); }

void StartupArena::release() {
  if (!active_) return;
  active_ = false;
  HugePageArena& a = arena();
  mallctl("thread.tcache.flush", nullptr, nullptr, nullptr, 0);
  mallctl("thread.arena", nullptr, nullptr, &previous_, sizeof(previous_));
  // No longer huge: khugepaged would otherwise fill the purged holes back in to 2 MB.
  advise_all(a, false);
  const std::string purge = "arena." + std::to_string(a.index) + ".purge";
  mallctl(purge.c_str(), nullptr, nullptr, nullptr, 0);
}

int StartupArena::arena_index() {
  if (mallctl == nullptr) return -1;
  HugePageArena& a = arena();
  std::call_once(a.once, [&] { set_up(a); });
  return a.ready ? static_cast<int>(a.index) : -1;
}

}  // namespace ebsmock::mock
