// startup_arena.h: the start's allocations faulted in 2 MB pages instead of 4 KB ones.
// Loading a large world (10,000 pairs) allocates ~30 MB in small blocks, most of them the
// TOML tables freed again at once; touched 4 KB at a time that is ~7,000 page faults,
// more than half of the start on a VM where a fault costs ~7 us (tests/bench/RESULTS.md).
// While a StartupArena is bound, the memory jemalloc maps for the calling thread's arena
// is advised MADV_HUGEPAGE, so the kernel can fault it in whole 2 MB pages (with
// transparent huge pages in "madvise" or "always" mode). release() puts the arena's own
// hooks back and advises what was mapped meanwhile MADV_NOHUGEPAGE, so later memory is
// in 4 KB pages again and khugepaged does not refill what jemalloc purges. The arena stays
// the thread's own: what the load frees is reused by the requests that follow, as without
// it (a separate arena left that memory idle, +4 MB in the soak; huge pages for the whole
// process, jemalloc's thp:always, +33 MB).
// Without jemalloc (the sanitized builds, test binaries) it does nothing: active() is false.
// Thread-safety: bind and release on one thread. One binds at a time per process; a
// StartupArena made while another is bound stays inactive.
#pragma once

namespace ebsmock::mock {

class StartupArena {
 public:
  StartupArena();  // binds the calling thread's arena, when it can
  ~StartupArena();  // release()
  StartupArena(const StartupArena&) = delete;
  StartupArena& operator=(const StartupArena&) = delete;

  // True while the arena's new memory is advised huge.
  bool active() const { return active_; }
  // The jemalloc arena it advises (the calling thread's); meaningful while active().
  unsigned arena() const { return arena_; }
  // Back to 4 KB pages for whatever the arena maps next. Idempotent.
  void release();

 private:
  bool active_ = false;
  unsigned arena_ = 0;
};

}  // namespace ebsmock::mock
