// token_memory.cpp: bytes per remembered ClientToken. Fills a TokenStore to its default
// capacity the way a soak does (AccessKeyId "testid", a fresh 36-character token per
// StopDiskReplicaPair, its success answer remembered), churns it twice over, and prints
// the bytes in use (glibc's mallinfo2: heap and mmapped blocks) with the tokens minus
// without, divided by their number, as one JSON line (bench.sh's rss section records it).
// Load-independent: allocator bytes, not RSS or time. Single-threaded.
#include <malloc.h>

#include <cstdio>
#include <string>

#include "contracts/idempotence.h"
#include "contracts/random.h"
#include "mock/envelope.h"
#include "mock/token_store.h"

namespace {

using namespace ebsmock;

// Blocks in use from the heap plus those malloc gave as their own mappings (hblkhd): a
// big table (the token index is megabytes) is mmapped, and uordblks alone misses it.
std::size_t heap_in_use() {
  const auto info = mallinfo2();
  return info.uordblks + info.hblkhd;
}

}  // namespace

int main() {
  contracts::SeededRandom random(7);
  const contracts::Instant t0{};
  const contracts::Duration ttl = std::chrono::hours(24);
  const std::size_t capacity = mock::TokenStore::kDefaultCapacity;
  const std::size_t before = heap_in_use();
  {
    mock::TokenStore store(capacity);
    for (std::size_t i = 0; i < 3 * capacity; ++i) {
      const std::string token = random.request_id();
      const mock::TokenStore::Key key{"testid", token};
      contracts::Params params{{"RegionId", "cn-hangzhou"},
                               {"ReplicaPairId", "pair-" + std::to_string(i % 10'000)},
                               {"ClientToken", token}};
      const auto digest = contracts::request_digest(
          contracts::request_fingerprint(contracts::Operation::StopDiskReplicaPair, params));
      store.begin(key, digest, t0, ttl);
      const std::string rid = random.request_id();
      mock::Answer answer = mock::success_answer(nlohmann::json(), rid);  // {"RequestId":"..."}
      store.complete(key, answer.status, answer.body, rid);
    }
    const std::size_t with = heap_in_use();
    std::printf("{\"tokens\":%zu,\"heap_bytes_with\":%zu,\"heap_bytes_without\":%zu,\"bytes_per_token\":%.1f}\n",
                store.size(), with, before, double(with - before) / double(store.size()));
  }
  return 0;
}
