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
contracts::RequestDigest digest(const std::string& fingerprint) { return contracts::request_digest(fingerprint); }
const contracts::RequestDigest kFp = digest("fp");

// Begins and completes a request with token i, as a successful call would.
void execute(TokenStore& store, int i) {
  ASSERT_EQ(store.begin(key(i), kFp, kT0, kTtl), TokenDecision::Execute) << i;
  store.complete(key(i), 200, "{\"n\":" + std::to_string(i) + "}", "rid-" + std::to_string(i));
}

TEST(TokenStore, RemembersAtMostCapacityAndForgetsTheOldestFirst) {
  TokenStore store(3);
  for (int i = 0; i < 10; ++i) execute(store, i);
  EXPECT_EQ(store.size(), 3u);
  EXPECT_EQ(store.evicted(), 7u);
  for (int i = 0; i < 7; ++i) EXPECT_EQ(store.answer(key(i)), std::nullopt) << i;
  for (int i = 7; i < 10; ++i) {
    ASSERT_NE(store.answer(key(i)), std::nullopt) << i;
    EXPECT_EQ(store.answer(key(i))->body, "{\"n\":" + std::to_string(i) + "}");
    EXPECT_EQ(store.begin(key(i), kFp, kT0, kTtl), TokenDecision::Replay) << i;
  }
  // A forgotten token executes again.
  EXPECT_EQ(store.begin(key(0), kFp, kT0, kTtl), TokenDecision::Execute);
}

TEST(TokenStore, ARequestInFlightIsNeverForgotten) {
  TokenStore store(2);
  ASSERT_EQ(store.begin(key(0), kFp, kT0, kTtl), TokenDecision::Execute);  // stays in flight
  for (int i = 1; i < 6; ++i) execute(store, i);
  EXPECT_EQ(store.answer(key(0)), std::nullopt);  // nothing to replay yet...
  EXPECT_EQ(store.begin(key(0), kFp, kT0, kTtl), TokenDecision::InFlight);  // ...but not forgotten
  store.complete(key(0), 200, "{}", "rid-0");
  EXPECT_EQ(store.begin(key(0), kFp, kT0, kTtl), TokenDecision::Replay);
  EXPECT_EQ(store.size(), 2u);
  // Once finished it ages like any other token.
  execute(store, 6);
  execute(store, 7);
  EXPECT_EQ(store.answer(key(0)), std::nullopt);
}

TEST(TokenStore, MoreRequestsInFlightThanCapacityGoOverRatherThanForget) {
  TokenStore store(2);
  for (int i = 0; i < 4; ++i) ASSERT_EQ(store.begin(key(i), kFp, kT0, kTtl), TokenDecision::Execute);
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
  EXPECT_EQ(store.answer(key(0)), std::nullopt);  // seen, nothing to replay
  execute(store, 0);
  store.abandon(key(0));                   // the call failed without effect
  EXPECT_EQ(store.answer(key(0)), std::nullopt);
  EXPECT_TRUE(store.note_seen(key(0)));     // still seen, for rules on reused tokens
  // Seen-only tokens count against the capacity too.
  EXPECT_FALSE(store.note_seen(key(1)));
  EXPECT_FALSE(store.note_seen(key(2)));
  EXPECT_FALSE(store.note_seen(key(0)));
  EXPECT_EQ(store.evicted(), 2u);
}

TEST(TokenStore, AKeyIsItsAccessKeyIdAndTokenNotTheirJoinedText) {
  using Key = TokenStore::Key;
  EXPECT_EQ(Key("ak", "tok"), Key("ak", "tok"));
  EXPECT_NE(Key("ak", "tok"), Key("akt", "ok"));  // the same bytes, split elsewhere
  EXPECT_NE(Key("ak", "tok"), Key("ak2", "tok"));
  TokenStore store;
  EXPECT_FALSE(store.note_seen(Key("ak", "tok")));
  EXPECT_FALSE(store.note_seen(Key("akt", "ok")));
  EXPECT_TRUE(store.note_seen(Key("ak", "tok")));
}

TEST(TokenStore, AnExpiredRecordIsReplacedWhenItsTokenReturns) {
  TokenStore store(4);
  execute(store, 0);
  EXPECT_EQ(store.begin(key(0), digest("other"), kT0 + kTtl - std::chrono::seconds(1), kTtl),
            TokenDecision::Mismatch);
  EXPECT_EQ(store.begin(key(0), digest("other"), kT0 + kTtl, kTtl), TokenDecision::Execute);
  EXPECT_EQ(store.peek(key(0), digest("other"), kT0 + kTtl, kTtl), TokenDecision::InFlight);
  EXPECT_EQ(store.peek(key(0), kFp, kT0 + kTtl, kTtl), TokenDecision::Mismatch);
  EXPECT_EQ(store.size(), 1u);
}

TEST(TokenStore, ClearForgetsEverythingButKeepsTheCount) {
  TokenStore store(1);
  execute(store, 0);
  execute(store, 1);
  store.clear();
  EXPECT_EQ(store.size(), 0u);
  EXPECT_EQ(store.evicted(), 1u);
  EXPECT_EQ(store.answer(key(1)), std::nullopt);
  execute(store, 1);
}

// The record keeps the body with its RequestId cut out and the id packed: a replay gives
// back the first bytes exactly, or the same bytes with another RequestId in place.
TEST(TokenStore, ReplaysTheFirstBodyOrTheSameWithAnotherRequestId) {
  TokenStore store(4);
  const std::string rid = "0A1B2C3D-4E5F-6789-ABCD-EF0123456789";
  const std::string body = "{\"PairId\":\"pair-1\",\"RequestId\":\"" + rid + "\"}";
  ASSERT_EQ(store.begin(key(0), kFp, kT0, kTtl), TokenDecision::Execute);
  store.complete(key(0), 200, body, rid);
  auto first = store.answer(key(0));
  ASSERT_TRUE(first);
  EXPECT_EQ(first->http_status, 200);
  EXPECT_EQ(first->request_id, rid);
  EXPECT_EQ(first->body, body);
  auto fresh = store.answer(key(0), "NEW-\"ID");
  ASSERT_TRUE(fresh);
  EXPECT_TRUE(fresh->request_id_replaced);
  EXPECT_EQ(fresh->request_id, rid);
  EXPECT_EQ(fresh->body, "{\"PairId\":\"pair-1\",\"RequestId\":\"NEW-\\\"ID\"}");
}

TEST(TokenStore, KeepsIdsOfAnyShapeAndBodiesWithoutTheirId) {
  TokenStore store(4);
  ASSERT_EQ(store.begin(key(0), kFp, kT0, kTtl), TokenDecision::Execute);
  store.complete(key(0), 200, "{\"RequestId\":\"rid-lower-0\"}", "rid-lower-0");
  EXPECT_EQ(store.answer(key(0))->request_id, "rid-lower-0");
  EXPECT_EQ(store.answer(key(0), "X")->body, "{\"RequestId\":\"X\"}");
  // A recorded body carries a customer's RequestId, not this request's: kept whole.
  ASSERT_EQ(store.begin(key(1), kFp, kT0, kTtl), TokenDecision::Execute);
  store.complete(key(1), 200, "{\"RequestId\":\"customer\"}", "0A1B2C3D-4E5F-6789-ABCD-EF0123456789");
  auto replay = store.answer(key(1), "X");
  EXPECT_FALSE(replay->request_id_replaced);
  EXPECT_EQ(replay->body, "{\"RequestId\":\"customer\"}");
  EXPECT_EQ(replay->request_id, "0A1B2C3D-4E5F-6789-ABCD-EF0123456789");
}

// The id's member is found however the id is escaped and after any earlier RequestId
// that merely starts like it; a body too long for the stack is cut alike.
TEST(TokenStore, CutsTheIdOutOfItsOwnMemberHoweverItIsWritten) {
  TokenStore store(4);
  const std::string rid = "id-\"q\\";  // id-"q\ written as id-\"q\\ in JSON
  const std::string body = R"({"Inner":{"RequestId":"id-"},"RequestId":"id-\"q\\"})";
  ASSERT_EQ(store.begin(key(0), kFp, kT0, kTtl), TokenDecision::Execute);
  store.complete(key(0), 200, body, rid);
  EXPECT_EQ(store.answer(key(0))->body, body);
  EXPECT_EQ(store.answer(key(0), "X")->body, R"({"Inner":{"RequestId":"id-"},"RequestId":"X"})");

  const std::string long_value(2000, 'v');
  const std::string long_body = "{\"Long\":\"" + long_value + "\",\"RequestId\":\"r-1\"}";
  ASSERT_EQ(store.begin(key(1), kFp, kT0, kTtl), TokenDecision::Execute);
  store.complete(key(1), 200, long_body, "r-1");
  EXPECT_EQ(store.answer(key(1))->body, long_body);
  EXPECT_EQ(store.answer(key(1), "r-2")->body, "{\"Long\":\"" + long_value + "\",\"RequestId\":\"r-2\"}");
}

// Many tokens, many evictions, lookups of every kind in between: the flat index finds
// exactly the remembered tokens (a wrong probe or a bad backward shift loses one).
TEST(TokenStore, FindsExactlyTheRememberedTokensThroughChurn) {
  TokenStore store(1000);
  for (int i = 0; i < 5000; ++i) {
    execute(store, i);
    if (i % 7 == 0) store.abandon(key(i / 2));
  }
  EXPECT_EQ(store.size(), 1000u);
  for (int i = 0; i < 5000; ++i) EXPECT_EQ(store.answer(key(i)).has_value(), i >= 4000) << i;
}

}  // namespace
}  // namespace ebsmock::mock
