// allocator_settings.cpp: see allocator_settings.h.
#include "mock/allocator_settings.h"

// gperftools' C entry point (gperftools/malloc_extension_c.h), declared weak so that the
// mock library links without tcmalloc (the tests, the sanitizer builds): null there.
extern "C" int MallocExtension_SetNumericProperty(const char* property, std::size_t value) __attribute__((weak));

namespace ebsmock::mock {

bool apply_allocator_settings() {
  if (MallocExtension_SetNumericProperty == nullptr) return false;
  return MallocExtension_SetNumericProperty("tcmalloc.max_total_thread_cache_bytes", kThreadCacheBytes) != 0;
}

}  // namespace ebsmock::mock
