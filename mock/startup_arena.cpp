// startup_arena.cpp: see startup_arena.h. Talks to jemalloc through mallctl, declared
// weak: a binary without jemalloc leaves it null and every StartupArena is inactive.
#include "mock/startup_arena.h"

#include <sys/mman.h>

#include <array>
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

// A memory range mapped while bound (advised huge then, not after).
struct Range {
  void* addr;
  std::size_t size;
};

// What one binding changed; a single one per process (startup_arena.h).
struct Binding {
  std::mutex mu;  // the hook may run on any thread that shares the arena
  ExtentHooks* jemalloc_hooks = nullptr;  // the arena's own, restored by release()
  ExtentHooks hooks{};                    // jemalloc's, with alloc_advised
  // A world's start maps a handful (jemalloc grows an arena's mappings geometrically);
  // past the last one the memory is left in 4 KB pages.
  std::array<Range, 64> ranges{};
  std::size_t count = 0;
  // False once release() has begun: a mapping made by a call already inside the hook then
  // is left in 4 KB pages rather than advised huge after release() advised the rest back.
  bool bound = false;
};

Binding& binding() {
  static Binding b;
  return b;
}

void* alloc_advised(ExtentHooks*, void* new_addr, std::size_t size, std::size_t alignment, bool* zero, bool* commit,
                    unsigned index) {
  Binding& b = binding();
  void* p = b.jemalloc_hooks->alloc(b.jemalloc_hooks, new_addr, size, alignment, zero, commit, index);
  if (p == nullptr) return p;
  std::lock_guard lock(b.mu);
  if (b.bound && b.count < b.ranges.size()) {
    b.ranges[b.count++] = Range{p, size};
    madvise(p, size, MADV_HUGEPAGE);
  }
  return p;
}

std::string hooks_name(unsigned arena) { return "arena." + std::to_string(arena) + ".extent_hooks"; }

}  // namespace

StartupArena::StartupArena() {
  if (mallctl == nullptr) return;
  std::size_t size = sizeof(arena_);
  if (mallctl("thread.arena", &arena_, &size, nullptr, 0) != 0) return;
  // b.mu is not held across mallctl: jemalloc may map memory for itself, through the hook.
  Binding& b = binding();
  const std::string name = hooks_name(arena_);
  ExtentHooks* theirs = nullptr;
  size = sizeof(theirs);
  if (mallctl(name.c_str(), &theirs, &size, nullptr, 0) != 0 || theirs == nullptr) return;
  if (reinterpret_cast<void*>(theirs) == reinterpret_cast<void*>(&b.hooks)) return;  // another is bound
  {
    std::lock_guard lock(b.mu);
    b.jemalloc_hooks = theirs;
    b.hooks = *theirs;
    b.hooks.alloc = &alloc_advised;
    b.count = 0;
    b.bound = true;
  }
  ExtentHooks* ours = &b.hooks;
  active_ = mallctl(name.c_str(), nullptr, nullptr, &ours, sizeof(ours)) == 0;
  if (!active_) {
    std::lock_guard lock(b.mu);
    b.bound = false;
  }
}

StartupArena::~StartupArena() { release(); }

void StartupArena::release() {
  if (!active_) return;
  active_ = false;
  Binding& b = binding();
  ExtentHooks* theirs = b.jemalloc_hooks;
  mallctl(hooks_name(arena_).c_str(), nullptr, nullptr, &theirs, sizeof(theirs));
  // No longer huge: khugepaged would otherwise refill the holes jemalloc purges later.
  std::lock_guard lock(b.mu);
  b.bound = false;
  for (std::size_t i = 0; i < b.count; ++i) madvise(b.ranges[i].addr, b.ranges[i].size, MADV_NOHUGEPAGE);
}

}  // namespace ebsmock::mock
