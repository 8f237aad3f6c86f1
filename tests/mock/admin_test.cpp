// admin_test.cpp: the /__admin/ control plane (mock/admin_api.h) over real HTTP:
// health (with the latency probe only in a build made with it), reset (world, clock and journal back to the scenario; sequence numbers never
// repeat), the journal with ?since= and ?limit=, pairs (with pending transitions), clock
// advance (virtual: moves the world; real: 409; malformed: 400), unknown routes; and the
// loopback-only rule, unit-tested on AdminApi::handle with a non-loopback remote_addr (no
// traffic leaves the machine); the journal's bounded ring and its JSON-lines file. Each
// test owns its server.

#include <gtest/gtest.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <mutex>
#include <regex>
#include <string>
#include <thread>
#include <vector>

#include "mock/admin_api.h"
#include "mock/latency_probe.h"
#include "tests/support/mock_server_fixture.h"
#include "tests/support/temp_path.h"

namespace ebsmock::testing {
namespace {

constexpr const char* kNormal = "pair-cn-adminnormal00001";
constexpr const char* kCreating = "pair-cn-admincreating001";

std::string world() {
  return world_toml(false, pair_toml(kNormal, "normal") + pair_toml(kCreating, "creating"));
}

TEST(AdminApi, Health) {
  MockServer s(world());
  auto r = s.admin_get("/__admin/health");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json["status"], "ok");
  EXPECT_EQ(r.json["scenario"], "test");
  EXPECT_EQ(r.json["seed"], 7);
  EXPECT_EQ(r.json["clock"]["mode"], "virtual");
  EXPECT_EQ(r.json["clock"]["now"], "2024-01-01T00:00:00.000Z");
  EXPECT_EQ(r.json["pairs"], 2);
  EXPECT_EQ(r.json["verify_signatures"], false);
  EXPECT_EQ(r.json["journal"]["entries"], 0);
  // One client, one call at a time: nothing waited on the world's lock.
  s.call("DescribeDiskReplicaPairs", {});
  r = s.admin_get("/__admin/health");
  EXPECT_EQ(r.json["service_lock"]["sleeps"], 0);
  EXPECT_EQ(r.json["service_lock"]["slept_ms"], 0.0);
}

// The latency probe (mock/latency_probe.h) is in health only in a build made with it; there
// a call's handler, wait for the world's lock and hold are each counted.
TEST(AdminApi, HealthHasTheLatencyProbeOnlyWhenBuiltIn) {
  MockServer s(world());
  auto count = [&](const char* span) {
    return s.admin_get("/__admin/health").json["latency_probe"][span]["count"].get<std::uint64_t>();
  };
  ASSERT_EQ(s.admin_get("/__admin/health").json.contains("latency_probe"), mock::kLatencyProbe);
  if constexpr (!mock::kLatencyProbe) return;
  // One probe per process: other tests' calls count too, so compare before and after.
  const std::uint64_t handler = count("handler"), wait = count("world_lock_wait"), hold = count("world_lock_hold");
  ASSERT_EQ(s.call("DescribeDiskReplicaPairs", {{"RegionId", "cn-hangzhou"}}).status, 200);  // reaches the world
  EXPECT_GE(count("handler"), handler + 2);  // the call and the health read before this one
  EXPECT_EQ(count("world_lock_wait"), wait + 1);
  EXPECT_EQ(count("world_lock_hold"), hold + 1);
}

TEST(AdminApi, ClockAdvanceMovesTheWorld) {
  MockServer s(world());
  ASSERT_EQ(s.status_of(kCreating), "creating");
  auto r = s.admin_post("/__admin/clock/advance?by=1500ms");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json["now"], "2024-01-01T00:00:01Z");
  EXPECT_EQ(s.status_of(kCreating), "creating");  // create takes 2s
  s.advance("500ms");
  EXPECT_EQ(s.status_of(kCreating), "created");
  EXPECT_EQ(s.admin_get("/__admin/health").json["clock"]["now"], "2024-01-01T00:00:02.000Z");
  auto progress = progress_entries(s.journal());
  ASSERT_EQ(progress.size(), 1u);
  EXPECT_EQ(progress[0]["transition"]["pair"], kCreating);
  EXPECT_EQ(progress[0]["time"], "2024-01-01T00:00:02.000Z");
}

TEST(AdminApi, ClockAdvanceRejectsMalformedDurations) {
  MockServer s(world());
  for (const char* by : {"", "soon", "-5s", "5x"}) {
    SCOPED_TRACE(by);
    auto r = s.admin_post(std::string("/__admin/clock/advance?by=") + by);
    EXPECT_EQ(r.status, 400) << r.body;
    EXPECT_TRUE(r.json.contains("error")) << r.body;
  }
  EXPECT_EQ(s.admin_get("/__admin/health").json["clock"]["now"], "2024-01-01T00:00:00.000Z");
}

TEST(AdminApi, ClockAdvanceOnARealClockIsAConflict) {
  MockServer s(world_toml(false, "[clock]\nmode = \"real\"\n\n" + pair_toml(kNormal, "normal")));
  EXPECT_EQ(s.admin_get("/__admin/health").json["clock"]["mode"], "real");
  auto r = s.admin_post("/__admin/clock/advance?by=30s");
  EXPECT_EQ(r.status, 409) << r.body;
  EXPECT_TRUE(r.json.contains("error")) << r.body;
}

TEST(AdminApi, ResetRestoresTheScenario) {
  MockServer s(world());
  ASSERT_EQ(s.call("StopDiskReplicaPair", {{"RegionId", "cn-hangzhou"}, {"ReplicaPairId", kNormal}, {"ClientToken", "t1"}}).status,
            200);
  s.advance("1h");
  ASSERT_EQ(s.status_of(kNormal), "stopped");
  ASSERT_EQ(s.status_of(kCreating), "created");
  const auto last_seq_before = s.admin_get("/__admin/journal").json["last_seq"].get<std::uint64_t>();
  ASSERT_GT(last_seq_before, 0u);

  auto r = s.admin_post("/__admin/reset");
  ASSERT_EQ(r.status, 200) << r.body;
  auto journal = s.admin_get("/__admin/journal");
  EXPECT_TRUE(journal.json["entries"].empty()) << journal.body;
  auto health = s.admin_get("/__admin/health");
  EXPECT_EQ(health.json["clock"]["now"], "2024-01-01T00:00:00.000Z");
  EXPECT_EQ(health.json["journal"]["entries"], 0);
  EXPECT_EQ(s.status_of(kNormal), "normal");
  EXPECT_EQ(s.status_of(kCreating), "creating");

  // Tokens are forgotten: the same token with other parameters executes.
  auto again = s.call("StopDiskReplicaPair", {{"RegionId", "cn-shanghai"}, {"ReplicaPairId", kNormal}, {"ClientToken", "t1"}});
  EXPECT_EQ(again.status, 200) << again.body;
  // Sequence numbers continue after a reset, so a reader paging with `since` never
  // mistakes new entries for ones it has seen.
  auto after = s.journal();
  ASSERT_FALSE(after.empty());
  EXPECT_GT(after[0]["seq"].get<std::uint64_t>(), last_seq_before);
}

TEST(AdminApi, JournalSinceAndLimit) {
  MockServer s(world());
  for (int i = 0; i < 3; ++i) s.call("DescribeDiskReplicaPairs", {{"RegionId", "cn-hangzhou"}});
  auto all = s.admin_get("/__admin/journal");
  ASSERT_EQ(all.status, 200);
  ASSERT_EQ(all.json["entries"].size(), 3u);
  EXPECT_EQ(all.json["last_seq"], 3);
  EXPECT_EQ(all.json["dropped"], 0);
  for (int i = 0; i < 3; ++i) EXPECT_EQ(all.json["entries"][i]["seq"], i + 1);

  auto tail = s.admin_get("/__admin/journal?since=2");
  ASSERT_EQ(tail.json["entries"].size(), 1u);
  EXPECT_EQ(tail.json["entries"][0]["seq"], 3);
  EXPECT_TRUE(s.admin_get("/__admin/journal?since=3").json["entries"].empty());
  EXPECT_TRUE(s.admin_get("/__admin/journal?since=99").json["entries"].empty());

  auto limited = s.admin_get("/__admin/journal?since=0&limit=2");
  ASSERT_EQ(limited.json["entries"].size(), 2u);
  EXPECT_EQ(limited.json["entries"][1]["seq"], 2);

  EXPECT_EQ(s.admin_get("/__admin/journal?since=abc").status, 400);
  EXPECT_EQ(s.admin_get("/__admin/journal?since=-1").status, 400);
  EXPECT_EQ(s.admin_get("/__admin/journal?limit=0").status, 400);

  // An entry has the documented fields.
  const Json& e = all.json["entries"][0];
  EXPECT_EQ(e["kind"], "request");
  EXPECT_EQ(e["action"], "DescribeDiskReplicaPairs");
  EXPECT_EQ(e["status"], 200);
  EXPECT_EQ(e["params"]["RegionId"], "cn-hangzhou");
  EXPECT_TRUE(std::regex_match(e["request_id"].get<std::string>(), request_id_regex()));
}

// A request carrying bytes that are not UTF-8 (legal once percent-decoded) is refused as
// InvalidParameter and journaled; reading the journal must still work afterwards.
TEST(AdminApi, JournalSurvivesNonUtf8Parameters) {
  MockServer s(world());
  auto r = s.raw_http("GET", "/?Action=DescribeDiskReplicaPairs&Version=2021-07-30&RegionId=cn-hangzhou&Name=%FF", {}, "");
  expect_error_envelope(r, 400, "InvalidParameter");
  auto journal = s.admin_get("/__admin/journal");
  EXPECT_EQ(journal.status, 200) << journal.body;
  EXPECT_EQ(journal.json["entries"].size(), 1u) << journal.body;
}

// The in-memory journal is a ring of journal_capacity entries; the JSON-lines file keeps
// every entry, byte for byte what GET /__admin/journal shows, across a reset.
TEST(AdminApi, JournalRingIsBoundedAndTheFileKeepsEverything) {
  const std::string path = unique_temp_path("journal", "journal.jsonl");
  std::remove(path.c_str());
  {
    ServerOptions o;
    o.journal_capacity = 3;
    o.journal_file = path;
    MockServer s(world(), o);
    std::vector<nlohmann::json> served;
    for (int i = 0; i < 5; ++i) {
      auto r = s.raw_http("GET", "/?Action=DescribeDiskReplicaPairs&Version=2021-07-30&RegionId=cn-hangzhou", {}, "");
      ASSERT_EQ(r.status, 200) << r.body;
    }
    auto journal = s.admin_get("/__admin/journal");
    ASSERT_EQ(journal.json["entries"].size(), 3u) << journal.body;
    EXPECT_EQ(journal.json["entries"][0]["seq"], 3);
    auto health = s.admin_get("/__admin/health");
    EXPECT_EQ(health.json["journal"]["dropped"], 2);
    EXPECT_EQ(health.json["journal"]["last_seq"], 5);

    std::ifstream in(path);
    std::vector<nlohmann::json> lines;
    for (std::string line; std::getline(in, line);) lines.push_back(nlohmann::json::parse(line));
    ASSERT_EQ(lines.size(), 5u);
    for (int i = 0; i < 3; ++i) EXPECT_EQ(lines[2 + i], journal.json["entries"][i]);
    ASSERT_EQ(s.raw_http("POST", "/__admin/reset", {}, "").status, 200);
    s.raw_http("GET", "/?Action=DescribeDiskReplicaPairs&Version=2021-07-30&RegionId=cn-hangzhou", {}, "");
  }
  std::ifstream in(path);
  int count = 0;
  for (std::string line; std::getline(in, line);) ++count;
  EXPECT_EQ(count, 6) << "a reset empties the ring, never the file";
  std::remove(path.c_str());
}

// A clock advance journals the world's progress with no request after it: the file has
// it when the advance answers (a SIGKILL then must not lose it), not at the next request.
TEST(AdminApi, AClockAdvanceWritesItsProgressToTheJournalFileBeforeAnswering) {
  const std::string path = unique_temp_path("advance", "journal.jsonl");
  std::remove(path.c_str());
  ServerOptions o;
  o.journal_file = path;
  MockServer s(world(), o);
  ASSERT_EQ(s.admin_post("/__admin/clock/advance?by=2s").status, 200);
  std::ifstream in(path);
  std::vector<nlohmann::json> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(nlohmann::json::parse(line));
  ASSERT_EQ(lines.size(), 1u) << "the creating pair's progress to created";
  EXPECT_EQ(lines[0]["kind"], "progress");
  EXPECT_EQ(lines[0]["transition"]["pair"], kCreating) << lines[0].dump();
  EXPECT_EQ(lines[0]["transition"]["to"], "created") << lines[0].dump();
  std::remove(path.c_str());
}

TEST(AdminApi, Pairs) {
  MockServer s(world());
  auto r = s.admin_get("/__admin/pairs");
  ASSERT_EQ(r.status, 200) << r.body;
  ASSERT_EQ(r.json["pairs"].size(), 2u);
  bool saw_creating = false;
  for (const auto& p : r.json["pairs"]) {
    if (p["ReplicaPairId"] == kCreating) {
      saw_creating = true;
      EXPECT_EQ(p["Status"], "creating");
      EXPECT_EQ(p["_pending"]["to"], "created");
      EXPECT_EQ(p["_pending"]["due"], "2024-01-01T00:00:02.000Z");
    } else {
      EXPECT_EQ(p["Status"], "normal");
      EXPECT_FALSE(p.contains("_pending"));
    }
  }
  EXPECT_TRUE(saw_creating);
  // Admin reads are not RPC calls: the journal stays empty.
  EXPECT_TRUE(s.journal().empty());
}

TEST(AdminApi, UnknownRoutesAndMethods) {
  MockServer s(world());
  EXPECT_EQ(s.admin_get("/__admin/nope").status, 404);
  EXPECT_EQ(s.admin_get("/__admin/reset").status, 404);          // reset is POST
  EXPECT_EQ(s.admin_post("/__admin/health").status, 404);        // health is GET
  EXPECT_EQ(s.admin_get("/__admin/clock/advance?by=1s").status, 404);
  EXPECT_EQ(s.status_of(kCreating), "creating");
}

// /__admin/reset while signed calls are in flight (a harness resetting between tests while
// a previous test's client still retries). Every call must get a normal answer; the
// Service must not free what a concurrent request is still using. Runs in a child process
// (a memory error there must not take the whole test binary down) and exits 0 only when
// every answer was 200.
void reset_storm() {
  int wrong_count = 0;
  std::string first_wrong;
  {
    MockServer s(world_toml(true, pair_toml(kNormal, "normal")));
    std::atomic<bool> done{false};
    std::atomic<int> wrong{0};
    std::mutex mu;
    std::vector<std::thread> callers;
    for (int i = 0; i < 4; ++i) {
      callers.emplace_back([&] {
        while (!done) {
          auto r = s.call("DescribeDiskReplicaPairs", {{"RegionId", "cn-hangzhou"}});
          if (r.status != 200) {
            ++wrong;
            std::lock_guard lock(mu);
            if (first_wrong.empty()) first_wrong = r.body;
          }
        }
      });
    }
    for (int i = 0; i < 1500 && wrong == 0; ++i) s.admin_post("/__admin/reset");
    done = true;
    for (auto& t : callers) t.join();
    wrong_count = wrong;
  }
  if (wrong_count != 0) {
    std::fprintf(stderr, "%d answers were not 200; first: %s\n", wrong_count, first_wrong.c_str());
  }
  std::fflush(stderr);
  std::_Exit(wrong_count == 0 ? 0 : 1);
}

TEST(AdminApiDeathTest, ResetWhileSignedCallsAreInFlight) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_EXIT(reset_storm(), ::testing::ExitedWithCode(0), "");
}

// The loopback rule, on the handler itself (no traffic to non-loopback addresses).
TEST(AdminApi, RefusesNonLoopbackPeers) {
  auto scenario = scenarios::load_scenario_string(world() + "\n[clock]\nmode = \"virtual\"\n", "test.toml");
  mock::Service service(std::move(scenario));
  mock::AdminApi admin(service);
  for (const char* remote : {"10.1.2.3", "192.168.0.10", "::ffff:10.1.2.3", "2001:db8::1", ""}) {
    SCOPED_TRACE(remote);
    for (const char* target : {"/__admin/health", "/__admin/journal", "/__admin/pairs"}) {
      mock::RawRequest raw{.method = "GET", .target = target, .remote_addr = remote};
      auto r = admin.handle(raw);
      EXPECT_EQ(r.status, 403) << r.body;
      EXPECT_EQ(r.body.find("pair-cn-"), std::string::npos) << "leaked pairs to " << remote;
    }
    mock::RawRequest reset{.method = "POST", .target = "/__admin/reset", .remote_addr = remote};
    EXPECT_EQ(admin.handle(reset).status, 403);
    mock::RawRequest advance{.method = "POST", .target = "/__admin/clock/advance?by=1h", .remote_addr = remote};
    EXPECT_EQ(admin.handle(advance).status, 403);
  }
  // Nothing moved.
  EXPECT_EQ(service.inspect([](const mock::WorldState& s) { return contracts::format_iso8601_millis(s.gate->world_clock->now()); }),
            "2024-01-01T00:00:00.000Z");
  for (const char* remote : {"127.0.0.1", "127.8.9.10", "::1", "::ffff:127.0.0.1"}) {
    SCOPED_TRACE(remote);
    mock::RawRequest raw{.method = "GET", .target = "/__admin/health", .remote_addr = remote};
    EXPECT_EQ(admin.handle(raw).status, 200);
  }
  EXPECT_FALSE(mock::is_loopback("10.127.0.1"));
  EXPECT_FALSE(mock::is_loopback("::ffff:10.0.0.1"));
  EXPECT_TRUE(mock::is_loopback("127.0.0.1"));
}

}  // namespace
}  // namespace ebsmock::testing
