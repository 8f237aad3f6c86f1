// allocator_settings.h: the server process's allocator settings, applied by every
// HttpServer (ebsmock's and the bench's cpp-httplib floor alike, so the floor keeps
// ebsmock's own process settings). Thread-safe; idempotent.
#pragma once

#include <cstddef>

namespace ebsmock::mock {

// The cap on tcmalloc's per-thread free lists, summed over every thread: a server may
// run a thousand worker threads, and tcmalloc's default (32 MiB) let an idle pool keep
// ~10 MB more RSS than glibc's malloc in the bench's soak.
inline constexpr std::size_t kThreadCacheBytes = 8u << 20;

// Applies the settings when the process runs on tcmalloc (CMake's EBSMOCK_TCMALLOC, or
// an LD_PRELOAD); a no-op on any other allocator. Returns whether tcmalloc took them.
bool apply_allocator_settings();

}  // namespace ebsmock::mock
