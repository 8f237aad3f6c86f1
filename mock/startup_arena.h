// startup_arena.h: the start's allocations faulted in 2 MB pages instead of 4 KB ones.
// Loading a large world (10,000 pairs) allocates ~30 MB in small blocks, most of them the
// TOML tables freed again at once; touched 4 KB at a time that is ~7,000 page faults,
// more than half of the start on a VM where a fault costs ~7 us (tests/bench/RESULTS.md).
// While a StartupArena is bound, the thread that made it allocates from a jemalloc arena
// of its own whose memory is advised MADV_HUGEPAGE, so the kernel can fault it in whole
// 2 MB pages (with transparent huge pages in "madvise" or "always" mode). release()
// rebinds the thread to the arena it had, advises that memory back to MADV_NOHUGEPAGE and
// returns the arena's free pages to the kernel: a long run's RSS stays what it was
// without it (huge pages for the whole process, jemalloc's thp:always, raised the soak's
// RSS from 59 to 92 MB).
// Without jemalloc (the sanitized builds, test binaries) it does nothing: active() is false.
// Thread-safety: bind and release on one thread; one StartupArena at a time per process
// (the arena is created once and reused by the next).
#pragma once

namespace ebsmock::mock {

class StartupArena {
 public:
  StartupArena();  // binds the calling thread, when it can
  ~StartupArena();  // release()
  StartupArena(const StartupArena&) = delete;
  StartupArena& operator=(const StartupArena&) = delete;

  // True while the thread allocates from the huge-page arena.
  bool active() const { return active_; }
  // Back to the thread's own arena; the huge-page arena's free pages go back to the kernel.
  // Idempotent.
  void release();

  // The arena's jemalloc index (made on first use), or -1 when no StartupArena can bind:
  // for tests, which ask jemalloc where a block lives.
  static int arena_index();

 private:
  bool active_ = false;
  unsigned previous_ = 0;  // the thread's arena before
};

}  // namespace ebsmock::mock
