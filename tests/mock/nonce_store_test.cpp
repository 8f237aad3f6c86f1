// nonce_store_test.cpp: NonceStore's contract. A nonce is refused the second time per
// AccessKeyId within the window, remembered again once the window has passed, and at
// capacity the oldest is forgotten first; the ring's growth and wrap-around keep every
// remembered nonce findable. Not thread-safe, like the store: single-threaded tests.
#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "mock/nonce_store.h"

namespace ebsmock::mock {
namespace {

using std::chrono::milliseconds;
using std::chrono::minutes;

const contracts::Instant kT0{std::chrono::hours(24 * 365 * 50)};
const contracts::Duration kWindow = minutes(15);

std::string nonce(int i) { return "nonce-" + std::to_string(i); }

TEST(NonceStore, RefusesANonceUsedTwiceBySameKey) {
  NonceStore store(100);
  EXPECT_TRUE(store.remember("ak", "n1", kT0, kWindow));
  EXPECT_FALSE(store.remember("ak", "n1", kT0 + milliseconds(1), kWindow));
  EXPECT_TRUE(store.remember("ak", "n2", kT0, kWindow));
  EXPECT_EQ(store.size(), 2u);
}

TEST(NonceStore, ANonceIsPerAccessKeyId) {
  NonceStore store(100);
  EXPECT_TRUE(store.remember("ak1", "n", kT0, kWindow));
  EXPECT_TRUE(store.remember("ak2", "n", kT0, kWindow));
  // The key and the nonce are not just concatenated.
  EXPECT_TRUE(store.remember("ak", "1n", kT0, kWindow));
  EXPECT_FALSE(store.remember("ak2", "n", kT0, kWindow));
}

TEST(NonceStore, ForgetsNoncesOlderThanTheWindow) {
  NonceStore store(100);
  ASSERT_TRUE(store.remember("ak", "old", kT0, kWindow));
  ASSERT_TRUE(store.remember("ak", "newer", kT0 + minutes(10), kWindow));
  // At the window's edge it is still remembered...
  EXPECT_FALSE(store.remember("ak", "old", kT0 + kWindow, kWindow));
  // ...and one millisecond later it is gone, while the newer one is kept.
  EXPECT_TRUE(store.remember("ak", "old", kT0 + kWindow + milliseconds(1), kWindow));
  EXPECT_FALSE(store.remember("ak", "newer", kT0 + kWindow + milliseconds(2), kWindow));
  EXPECT_EQ(store.size(), 2u);
}

TEST(NonceStore, AtCapacityForgetsTheOldestFirst) {
  NonceStore store(3);
  for (int i = 0; i < 10; ++i) ASSERT_TRUE(store.remember("ak", nonce(i), kT0, kWindow)) << i;
  EXPECT_EQ(store.size(), 3u);
  // 7, 8, 9 are remembered; checking 9 first keeps the others (a refused nonce adds none).
  EXPECT_FALSE(store.remember("ak", nonce(9), kT0, kWindow));
  EXPECT_FALSE(store.remember("ak", nonce(8), kT0, kWindow));
  EXPECT_FALSE(store.remember("ak", nonce(7), kT0, kWindow));
  // 6 was forgotten: accepted again, which pushes out 7.
  EXPECT_TRUE(store.remember("ak", nonce(6), kT0, kWindow));
  EXPECT_TRUE(store.remember("ak", nonce(7), kT0, kWindow));
}

// Enough nonces to grow the ring several times and wrap it many times over, with the
// window forgetting a moving prefix: every nonce inside the window must still be found
// (the index's backward-shift deletion must not lose an entry of a probe run).
TEST(NonceStore, GrowthAndWrapKeepEveryRememberedNonce) {
  NonceStore store(5000);
  const contracts::Duration window = milliseconds(2999);
  for (int i = 0; i < 40'000; ++i) {
    const auto now = kT0 + milliseconds(i);
    ASSERT_TRUE(store.remember("ak", nonce(i), now, window)) << i;
    if (i % 97 == 0) {
      // The last 3,000 (within the window and the capacity) are all remembered.
      for (int j = std::max(0, i - 2999); j <= i; j += 7) {
        ASSERT_FALSE(store.remember("ak", nonce(j), now, window)) << i << " " << j;
      }
      // The one seen 3,000 ms ago is outside the window: forgotten, so accepted again.
      if (i >= 3000) {
        ASSERT_TRUE(store.remember("ak", nonce(i - 3000), now, window)) << i;
      }
    }
  }
  EXPECT_LE(store.size(), 5000u);
}

TEST(NonceStore, ClearForgetsEverything) {
  NonceStore store(10);
  ASSERT_TRUE(store.remember("ak", "n", kT0, kWindow));
  store.clear();
  EXPECT_EQ(store.size(), 0u);
  EXPECT_TRUE(store.remember("ak", "n", kT0, kWindow));
}

}  // namespace
}  // namespace ebsmock::mock
