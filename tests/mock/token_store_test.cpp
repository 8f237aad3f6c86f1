// token_store_test.cpp: TokenStore's bound. It remembers at most `capacity` tokens,
// forgets the one seen longest ago first and counts it, never forgets a request still in
// flight, and keeps "seen" apart from "has an answer to replay". Not thread-safe, like
// the store: single-threaded tests.
#include <gtest/gtest.h>

#include <string>

#include "mock/token_store.h"

namespace ebsmock::mock {
namespace {

using contracts::TokenDecision;

const contracts::Instant kT0{};
const contracts::Duration kTtl = std::chrono::hours(24);

TokenStore::Key key(int i) { return {"ak", "tok-" + std::to_string(i)}; }

// Begins and completes a request with token i, as a successful call would.
void execute(TokenStore& store, int i) {
  ASSERT_EQ(store.begin(key(i), "fp", kT0, kTtl), TokenDecision::Execute) << i;
  store.complete(key(i), 200, "{\"n\":" + std::to_string(i) + "}", "rid-" + std::to_string(i));
}

TEST(TokenStore, RemembersAtMostCapacityAndForgetsTheOldestFirst) {
  TokenStore store(3);
  for (int i = 0; i < 10; ++i) execute(store, i);
  EXPECT_EQ(store.size(), 3u);
  EXPECT_EQ(store.evicted(), 7u);
  for (int i = 0; i < 7; ++i) EXPECT_EQ(store.find(key(i)), nullptr) << i;
  for (int i = 7; i < 10; ++i) {
    ASSERT_NE(store.find(key(i)), nullptr) << i;
    EXPECT_EQ(store.find(key(i))->body, "{\"n\":" + std::to_string(i) + "}");
    EXPECT_EQ(store.begin(key(i), "fp", kT0, kTtl), TokenDecision::Replay) << i;
  }
  // A forgotten token executes again.
  EXPECT_EQ(store.begin(key(0), "fp", kT0, kTtl), TokenDecision::Execute);
}

TEST(TokenStore, ARequestInFlightIsNeverForgotten) {
  TokenStore store(2);
  ASSERT_EQ(store.begin(key(0), "fp", kT0, kTtl), TokenDecision::Execute);  // stays in flight
  for (int i = 1; i < 6; ++i) execute(store, i);
  ASSERT_NE(store.find(key(0)), nullptr);
  EXPECT_EQ(store.begin(key(0), "fp", kT0, kTtl), TokenDecision::InFlight);
  store.complete(key(0), 200, "{}", "rid-0");
  EXPECT_EQ(store.begin(key(0), "fp", kT0, kTtl), TokenDecision::Replay);
  EXPECT_EQ(store.size(), 2u);
  // Once finished it ages like any other token.
  execute(store, 6);
  execute(store, 7);
  EXPECT_EQ(store.find(key(0)), nullptr);
}

TEST(TokenStore, MoreRequestsInFlightThanCapacityGoOverRatherThanForget) {
  TokenStore store(2);
  for (int i = 0; i < 4; ++i) ASSERT_EQ(store.begin(key(i), "fp", kT0, kTtl), TokenDecision::Execute);
  EXPECT_EQ(store.size(), 4u);
  EXPECT_EQ(store.evicted(), 0u);
  for (int i = 0; i < 4; ++i) store.complete(key(i), 200, "{}", "rid");
  execute(store, 4);  // now there is room to make: back to capacity
  EXPECT_EQ(store.size(), 2u);
  EXPECT_EQ(store.evicted(), 3u);
}

TEST(TokenStore, SeenIsRememberedApartFromTheAnswer) {
  TokenStore store(2);
  EXPECT_FALSE(store.note_seen(key(0)));
  EXPECT_TRUE(store.note_seen(key(0)));
  EXPECT_EQ(store.find(key(0)), nullptr);  // seen, nothing to replay
  execute(store, 0);
  store.abandon(key(0));                   // the call failed without effect
  EXPECT_EQ(store.find(key(0)), nullptr);
  EXPECT_TRUE(store.note_seen(key(0)));     // still seen, for rules on reused tokens
  // Seen-only tokens count against the capacity too.
  EXPECT_FALSE(store.note_seen(key(1)));
  EXPECT_FALSE(store.note_seen(key(2)));
  EXPECT_FALSE(store.note_seen(key(0)));
  EXPECT_EQ(store.evicted(), 2u);
}

TEST(TokenStore, AnExpiredRecordIsReplacedWhenItsTokenReturns) {
  TokenStore store(4);
  execute(store, 0);
  EXPECT_EQ(store.begin(key(0), "other", kT0 + kTtl - std::chrono::seconds(1), kTtl),
            TokenDecision::Mismatch);
  EXPECT_EQ(store.begin(key(0), "other", kT0 + kTtl, kTtl), TokenDecision::Execute);
  EXPECT_EQ(store.find(key(0))->fingerprint, "other");
  EXPECT_EQ(store.size(), 1u);
}

TEST(TokenStore, ClearForgetsEverythingButKeepsTheCount) {
  TokenStore store(1);
  execute(store, 0);
  execute(store, 1);
  store.clear();
  EXPECT_EQ(store.size(), 0u);
  EXPECT_EQ(store.evicted(), 1u);
  EXPECT_EQ(store.find(key(1)), nullptr);
  execute(store, 1);
}

}  // namespace
}  // namespace ebsmock::mock
