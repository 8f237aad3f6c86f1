// concurrency_test.cpp: the mock under concurrent clients, over real HTTP (each thread
// has its own connection, so the server really runs them on different workers):
//  - 64 threads send the same mutating call with the same ClientToken at once: exactly
//    one transition, identical answers (RequestId aside), one "executed" journal entry;
//  - 64 threads sign the very same V3 request (same nonce): exactly one is accepted;
//  - 64 threads work on 64 different pairs (verification off): the journal holds exactly
//    the requests sent, with unique, consecutive sequence numbers, none lost or doubled.
// Each test owns its server. Every thread connects first, one after the other, and all
// send together when a latch opens: the calls overlap as much as possible.
#include <gtest/gtest.h>

#include <latch>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "tests/support/mock_server_fixture.h"

namespace ebsmock::testing {
namespace {

constexpr int kThreads = 64;

// Zero transition times: a Stop/Start cycle never meets a transient status.
constexpr std::string_view kInstantTiming =
    "[timing]\ncreate = \"0\"\ninitial_sync = \"0\"\nsync = \"0\"\nstop = \"0\"\n\n";

std::string pair_name(int i) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "pair-cn-conc%012d", i);
  return buf;
}

// One client connection, opened ahead of use, reopened when the server closed it. Not
// thread-safe: one per thread.
class Connection {
 public:
  explicit Connection(int port) : port_(port) { open(); }

  Response send(const WireRequest& w) {
    // The server may have closed an idle connection: reopen before sending, never
    // resend after (a resent mutating call would be a second call).
    if (socket_.valid() && socket_.peer_closed()) socket_.close();
    if (!socket_.valid()) open();
    std::string bytes = w.method + " " + w.target + " HTTP/1.1\r\n";
    for (const auto& [k, v] : w.headers) bytes += k + ": " + v + "\r\n";
    bytes += "content-length: " + std::to_string(w.body.size()) + "\r\n\r\n" + w.body;
    socket_.send_all(bytes);
    Response r = parse_raw_response(socket_.read_response());
    r.sent = w;
    if (r.header("Connection") == "close" || !r.transport_ok) socket_.close();
    return r;
  }

 private:
  void open() {
    socket_ = Socket::connect(port_);
    // One admin call (not journaled) proves the server accepted the connection.
    if (socket_.send_all("GET /__admin/health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")) socket_.read_response();
  }
  int port_;
  Socket socket_;
};

// Runs fn(connection, i) on kThreads threads, each with its own connection opened
// beforehand, released together; returns their results in order.
template <typename Fn>
auto run_together(const MockServer& s, Fn fn) {
  std::vector<std::unique_ptr<Connection>> connections;
  for (int i = 0; i < kThreads; ++i) connections.push_back(std::make_unique<Connection>(s.port()));
  using R = decltype(fn(*connections[0], 0));
  std::vector<R> results(kThreads);
  std::latch start(kThreads);
  std::vector<std::thread> threads;
  threads.reserve(kThreads);
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&, i] {
      start.arrive_and_wait();
      results[i] = fn(*connections[i], i);
    });
  }
  for (auto& t : threads) t.join();
  return results;
}

// Action + Version + params, signed as the server's default (V3 when it verifies).
WireRequest rpc(const MockServer& s, std::string_view action, const contracts::ParamList& params) {
  contracts::ParamList all{{"Action", std::string(action)},
                           {"Version", std::string(contracts::kApiVersion)}};
  all.insert(all.end(), params.begin(), params.end());
  return build_request(all, s.host(), s.default_signing());
}

TEST(Concurrency, SameTokenFromManyThreadsTransitionsOnce) {
  const std::string pair = pair_name(0);
  MockServer s(world_toml(/*verify_signatures=*/true, pair_toml(pair, "normal")));
  contracts::ParamList params{{"RegionId", "cn-hangzhou"},
                              {"ReplicaPairId", pair},
                              {"ClientToken", "conc-same-token-0001"}};
  // Signed (V3, each thread its own nonce): the nonce cache is under contention too.
  auto answers = run_together(s, [&](Connection& c, int) {
    return c.send(rpc(s, "StopDiskReplicaPair", params));
  });

  for (int i = 0; i < kThreads; ++i) {
    SCOPED_TRACE("thread " + std::to_string(i));
    expect_success_envelope(answers[i]);
    EXPECT_EQ(answers[i].without_request_id(), answers[0].without_request_id());
  }
  auto journal = s.journal();
  EXPECT_EQ(request_transitions(journal).size(), 1u);
  std::map<std::string, int> idempotence;
  for (const auto& e : request_entries(journal)) ++idempotence[e.value("idempotence", "")];
  EXPECT_EQ(idempotence["executed"], 1);
  EXPECT_EQ(idempotence["replayed"], kThreads - 1);
  EXPECT_EQ(s.status_of(pair), "stopping");
}

TEST(Concurrency, SameTokenCreateFromManyThreadsCreatesOnePair) {
  MockServer s(world_toml(/*verify_signatures=*/false));
  contracts::ParamList create{{"RegionId", "cn-hangzhou"},
                              {"SourceZoneId", "cn-hangzhou-h"},
                              {"DiskId", "d-conc0001"},
                              {"DestinationRegionId", "cn-shanghai"},
                              {"DestinationZoneId", "cn-shanghai-l"},
                              {"DestinationDiskId", "d-conc0002"},
                              {"ClientToken", "conc-create-token-0001"}};
  auto answers = run_together(s, [&](Connection& c, int) {
    return c.send(rpc(s, "CreateDiskReplicaPair", create));
  });

  std::set<std::string> pair_ids;
  for (int i = 0; i < kThreads; ++i) {
    SCOPED_TRACE("thread " + std::to_string(i));
    expect_success_envelope(answers[i]);
    EXPECT_EQ(answers[i].without_request_id(), answers[0].without_request_id());
    pair_ids.insert(answers[i].json.value("ReplicaPairId", ""));
  }
  EXPECT_EQ(pair_ids.size(), 1u);
  auto listed = s.call("DescribeDiskReplicaPairs", {{"RegionId", "cn-hangzhou"}});
  ASSERT_EQ(listed.status, 200) << listed.body;
  EXPECT_EQ(listed.json["ReplicaPairs"].size(), 1u) << listed.body;
  EXPECT_EQ(request_transitions(s.journal()).size(), 1u);
}

TEST(Concurrency, SameNonceFromManyThreadsIsAcceptedOnce) {
  const std::string pair = pair_name(0);
  MockServer s(world_toml(/*verify_signatures=*/true, pair_toml(pair, "normal")));
  contracts::ParamList params{{"Action", "DescribeDiskReplicaPairs"},
                              {"Version", std::string(contracts::kApiVersion)},
                              {"RegionId", "cn-hangzhou"}};
  SignOptions sign = s.default_signing();
  sign.nonce = "conc-one-nonce";
  const WireRequest request = build_request(params, s.host(), sign);
  auto answers = run_together(s, [&](Connection& c, int) { return c.send(request); });

  int accepted = 0;
  for (int i = 0; i < kThreads; ++i) {
    SCOPED_TRACE("thread " + std::to_string(i));
    if (answers[i].status == 200) {
      ++accepted;
    } else {
      expect_error_envelope(answers[i], answers[i].status, "SignatureNonceUsed");
    }
  }
  EXPECT_EQ(accepted, 1);
}

TEST(Concurrency, DifferentPairsJournalEveryRequestExactlyOnce) {
  // 4 calls + open()'s warm-up = the 5 requests cpp-httplib serves on one connection, so
  // no thread reconnects (64 threads reconnecting at once would wait on SYN retransmits).
  constexpr int kCallsPerThread = 4;
  std::string rest(kInstantTiming);
  for (int i = 0; i < kThreads; ++i) {
    rest += pair_toml(pair_name(i), "normal", "cn-hangzhou", "cn-shanghai",
                      "last_recover_point = 2024-01-01T00:00:00Z");
  }
  MockServer s(world_toml(/*verify_signatures=*/false, rest));
  const std::uint64_t before = s.service().journal().last_seq();

  // Thread i alternates Stop and Start on its own pair: every call is valid, and each
  // one is a transition, so a lost or doubled call shows in the journal and the status.
  auto statuses = run_together(s, [&](Connection& c, int i) {
    std::vector<int> out;
    for (int k = 0; k < kCallsPerThread; ++k) {
      const char* action = k % 2 == 0 ? "StopDiskReplicaPair" : "StartDiskReplicaPair";
      auto r = c.send(rpc(s, action, {{"RegionId", "cn-hangzhou"},
                                      {"ReplicaPairId", pair_name(i)},
                                      {"ClientToken", "conc-" + std::to_string(i) + "-" + std::to_string(k)}}));
      out.push_back(r.status);
    }
    return out;
  });
  for (int i = 0; i < kThreads; ++i) {
    for (int k = 0; k < kCallsPerThread; ++k) {
      EXPECT_EQ(statuses[i][k], 200) << "thread " << i << " call " << k;
    }
  }

  auto entries = s.journal(before);
  ASSERT_FALSE(entries.empty());
  // Sequence numbers: unique and consecutive (no gap = nothing lost, no repeat).
  std::uint64_t expected_seq = before + 1;
  for (const auto& e : entries) {
    ASSERT_EQ(e["seq"].get<std::uint64_t>(), expected_seq) << e.dump();
    ++expected_seq;
  }
  auto requests = request_entries(entries);
  ASSERT_EQ(requests.size(), static_cast<std::size_t>(kThreads * kCallsPerThread));
  std::set<std::string> request_ids, tokens;
  std::map<std::string, int> per_pair;
  for (const auto& e : requests) {
    request_ids.insert(e["request_id"].get<std::string>());
    tokens.insert(e["client_token"].get<std::string>());
    ++per_pair[e["params"].value("ReplicaPairId", "")];
    EXPECT_EQ(e["status"], 200) << e.dump();
    EXPECT_FALSE(e["transition"].is_null()) << e.dump();
  }
  EXPECT_EQ(request_ids.size(), requests.size());
  EXPECT_EQ(tokens.size(), requests.size());
  for (int i = 0; i < kThreads; ++i) EXPECT_EQ(per_pair[pair_name(i)], kCallsPerThread) << pair_name(i);
  // An even number of Stop/Start calls leaves every pair where it began.
  for (int i = 0; i < kThreads; i += 7) EXPECT_EQ(s.status_of(pair_name(i)), "normal") << pair_name(i);
}

}  // namespace
}  // namespace ebsmock::testing
