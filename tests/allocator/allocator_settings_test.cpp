// allocator_settings_test.cpp: the server allocator (CMake's EBSMOCK_TCMALLOC) is really
// in the process and an HttpServer applies its settings. Built only when ebsmock links
// tcmalloc, into a binary linked the way ebsmock is (ebsmock_link_server_allocator).
#include <gperftools/malloc_extension_c.h>
#include <gtest/gtest.h>

#include "mock/allocator_settings.h"
#include "mock/http_server.h"

namespace ebsmock::mock {
namespace {

std::size_t thread_cache_cap() {
  std::size_t value = 0;
  EXPECT_TRUE(MallocExtension_GetNumericProperty("tcmalloc.max_total_thread_cache_bytes", &value));
  return value;
}

class Nothing final : public RequestHandler {
 public:
  ConnectionAction handle(const RawRequest&, std::stop_token) override { return Respond{Answer{200, "{}"}}; }
  Answer on_http_failure(HttpFailure, int status, std::string_view, const RawRequest&) override {
    return Answer{status, "{}"};
  }
};

TEST(AllocatorSettings, TheProcessRunsOnTcmallocAndAnHttpServerCapsItsThreadCaches) {
  // Linked but dropped (--as-needed), the weak entry point is null and this fails.
  ASSERT_TRUE(MallocExtension_SetNumericProperty("tcmalloc.max_total_thread_cache_bytes", 64u << 20));
  ASSERT_EQ(thread_cache_cap(), 64u << 20);
  Nothing handler;
  HttpServer server(handler, HttpServerOptions{});
  EXPECT_EQ(thread_cache_cap(), kThreadCacheBytes);
  EXPECT_TRUE(apply_allocator_settings());
}

}  // namespace
}  // namespace ebsmock::mock
