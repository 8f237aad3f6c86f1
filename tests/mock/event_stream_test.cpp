// event_stream_test.cpp: the dashboard's feed, GET /__admin/events (mock/event_stream.h):
// journal batches carry the last seq as their id, a backlog is split into batches, the
// throttle and the keep-alive follow an injected clock (no wall-clock sleeps), a stream
// resumes after the seq it is given (also across a restart on the same journal file,
// whose numbering the journal continues) and says so when entries are gone, the number
// of streams is bounded, the access rules are the admin API's (loopback, token as header
// or the cookie /__admin/ui?token= sets), and a real server streams and stops with a
// stream open.

#include <gtest/gtest.h>

#include <atomic>
#include <cstdio>
#include <fstream>
#include <regex>
#include <string>
#include <thread>
#include <vector>

#include "mock/admin_api.h"
#include "mock/event_stream.h"
#include "tests/support/mock_server_fixture.h"
#include "tests/support/temp_path.h"

namespace ebsmock::testing {
namespace {

using namespace std::chrono_literals;

mock::JournalEntry request(std::string action = "DescribeDiskReplicaPairs") {
  mock::JournalEntry e;
  e.action = std::move(action);
  e.method = "POST";
  e.status = 200;
  return e;
}

struct Event {
  std::string name;
  std::string id;
  Json data;
};

// The events in SSE text (comments and `retry:` skipped).
std::vector<Event> events(const std::string& text) {
  std::vector<Event> out;
  std::size_t start = 0;
  while (start < text.size()) {
    auto end = text.find("\n\n", start);
    if (end == std::string::npos) end = text.size();
    std::string block = text.substr(start, end - start);
    start = end + 2;
    Event ev;
    std::size_t p = 0;
    while (p < block.size()) {
      auto nl = block.find('\n', p);
      std::string line = block.substr(p, nl == std::string::npos ? std::string::npos : nl - p);
      p = nl == std::string::npos ? block.size() : nl + 1;
      if (line.starts_with("event: ")) ev.name = line.substr(7);
      if (line.starts_with("id: ")) ev.id = line.substr(4);
      if (line.starts_with("data: ")) ev.data = Json::parse(line.substr(6));
    }
    if (!ev.name.empty()) out.push_back(std::move(ev));
  }
  return out;
}

std::vector<std::uint64_t> seqs(const std::vector<Event>& evs) {
  std::vector<std::uint64_t> out;
  for (const auto& e : evs) {
    if (e.name != "journal") continue;
    for (const auto& entry : e.data) out.push_back(entry["seq"].get<std::uint64_t>());
  }
  return out;
}

const contracts::Instant t0 = contracts::Instant{} + 1000h;

TEST(EventStream, FirstPollSendsStateAndBacklogInBatchesWithTheLastSeqAsId) {
  mock::Journal journal;
  for (int i = 0; i < 5; ++i) journal.append(request());
  mock::JournalTexts stream_texts(journal);
  mock::EventStream stream(stream_texts, [] { return Json{{"x", 1}}; }, 0, {.max_batch = 2}, mock::make_real_clock());
  std::string text = stream.poll(t0);
  EXPECT_TRUE(text.starts_with("retry: ")) << text;
  auto evs = events(text);
  ASSERT_EQ(evs.size(), 4u) << text;
  EXPECT_EQ(evs[0].name, "state");
  EXPECT_EQ(evs[0].data, (Json{{"x", 1}}));
  EXPECT_EQ(evs[1].id, "2");
  EXPECT_EQ(evs[2].id, "4");
  EXPECT_EQ(evs[3].id, "5");
  EXPECT_EQ(seqs(evs), (std::vector<std::uint64_t>{1, 2, 3, 4, 5}));
}

TEST(EventStream, ThrottledToOneUpdatePerIntervalOfTheInjectedClock) {
  mock::Journal journal;
  int state = 0;
  mock::JournalTexts stream_texts(journal);
  mock::EventStream stream(stream_texts, [&] { return Json{{"v", state}}; }, 0, {}, mock::make_real_clock());
  ASSERT_FALSE(stream.poll(t0).empty());
  journal.append(request());
  journal.append(request());
  EXPECT_EQ(stream.poll(t0 + 100ms), "") << "too soon after the last update";
  EXPECT_EQ(stream.poll(t0 + 249ms), "");
  auto evs = events(stream.poll(t0 + 250ms));
  ASSERT_EQ(evs.size(), 1u) << "two new entries make one batch; the state did not change";
  EXPECT_EQ(seqs(evs), (std::vector<std::uint64_t>{1, 2}));
  EXPECT_EQ(evs[0].id, "2");
  // Nothing new: nothing sent, until the keep-alive is due.
  EXPECT_EQ(stream.poll(t0 + 500ms), "");
  EXPECT_EQ(stream.poll(t0 + 5249ms), "");
  EXPECT_EQ(stream.poll(t0 + 5250ms), ": keep-alive\n\n");
  state = 1;
  evs = events(stream.poll(t0 + 5500ms));
  ASSERT_EQ(evs.size(), 1u);
  EXPECT_EQ(evs[0].name, "state");
  EXPECT_EQ(evs[0].data["v"], 1);
}

TEST(EventStream, AfterTheBacklogEachUpdateCarriesAtMostOneBatch) {
  mock::Journal journal;
  mock::JournalTexts stream_texts(journal);
  mock::EventStream stream(stream_texts, [] { return Json{}; }, 0, {.max_batch = 2}, mock::make_real_clock());
  ASSERT_FALSE(stream.poll(t0).empty());
  for (int i = 0; i < 5; ++i) journal.append(request());
  EXPECT_EQ(seqs(events(stream.poll(t0 + 250ms))), (std::vector<std::uint64_t>{1, 2}));
  EXPECT_EQ(seqs(events(stream.poll(t0 + 500ms))), (std::vector<std::uint64_t>{3, 4}));
  EXPECT_EQ(seqs(events(stream.poll(t0 + 750ms))), (std::vector<std::uint64_t>{5}));
}

TEST(EventStream, AStreamTooFarBehindSkipsToTheNewestEntriesAndSaysSo) {
  mock::Journal journal;
  mock::JournalTexts texts(journal);
  mock::EventStream stream(texts, [] { return Json{}; }, 0, {.max_batch = 2, .max_lag = 5}, mock::make_real_clock());
  ASSERT_FALSE(stream.poll(t0).empty());
  for (int i = 0; i < 20; ++i) journal.append(request());
  auto evs = events(stream.poll(t0 + 250ms));
  ASSERT_EQ(evs.size(), 2u);
  EXPECT_EQ(evs[0].name, "gap");
  EXPECT_EQ(evs[0].data, (Json{{"after", 0}, {"next", 19}}));
  EXPECT_EQ(seqs(evs), (std::vector<std::uint64_t>{19, 20}));
}

TEST(EventStream, StreamsShareEachEntrysTextAndTheTextIsTheJournals) {
  mock::Journal journal(4);
  mock::JournalTexts texts(journal, 3);
  for (int i = 0; i < 3; ++i) journal.append(request("Action" + std::to_string(i)));
  auto first = texts.after(0, 10);
  ASSERT_EQ(first.size(), 3u);
  for (std::size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(first[i].first, i + 1);
    EXPECT_EQ(Json::parse(first[i].second), mock::to_json(journal.since(i, 1)[0]));
  }
  EXPECT_EQ(texts.after(1, 1), (std::vector<std::pair<std::uint64_t, std::string>>{first[1]}));
  for (int i = 0; i < 5; ++i) journal.append(request());  // the ring now holds 5-8
  auto later = texts.after(3, 10);
  ASSERT_FALSE(later.empty());
  EXPECT_EQ(later.front().first, 5u) << "what left the ring is skipped (the stream says gap)";
  EXPECT_EQ(later.back().first, 8u);
  EXPECT_TRUE(texts.after(8, 10).empty());
}

TEST(EventStream, ResumesAfterTheGivenSeqAndReportsEntriesNoLongerInMemory) {
  mock::Journal journal(3);
  for (int i = 0; i < 4; ++i) journal.append(request());
  mock::JournalTexts resumed_texts(journal);
  mock::EventStream resumed(resumed_texts, [] { return Json{}; }, 3, {}, mock::make_real_clock());
  EXPECT_EQ(seqs(events(resumed.poll(t0))), (std::vector<std::uint64_t>{4})) << "no repeat of 1-3";
  for (int i = 0; i < 3; ++i) journal.append(request());  // the ring now holds 5-7
  mock::JournalTexts late_texts(journal);
  mock::EventStream late(late_texts, [] { return Json{}; }, 2, {}, mock::make_real_clock());
  auto evs = events(late.poll(t0));
  ASSERT_GE(evs.size(), 3u);
  EXPECT_EQ(evs[1].name, "gap");
  EXPECT_EQ(evs[1].data, (Json{{"after", 2}, {"next", 5}}));
  EXPECT_EQ(seqs(evs), (std::vector<std::uint64_t>{5, 6, 7}));
}

TEST(EventStream, ARestartOnTheSameJournalFileGoesOnNumberingSoAResumeNeitherRepeatsNorSkips) {
  const std::string path = unique_temp_path("events", "journal.jsonl");
  std::remove(path.c_str());
  std::vector<std::uint64_t> seen;
  std::uint64_t last = 0;
  {
    mock::Journal first;
    first.open_file(path);
    for (int i = 0; i < 3; ++i) first.append(request());
    first.settle();
    mock::JournalTexts s_texts(first);
    mock::EventStream s(s_texts, [] { return Json{}; }, 0, {}, mock::make_real_clock());
    for (auto q : seqs(events(s.poll(t0)))) seen.push_back(q);
    last = s.last_sent_seq();
  }
  mock::Journal second;
  second.open_file(path);
  EXPECT_EQ(second.last_seq(), 3u);
  for (int i = 0; i < 2; ++i) second.append(request());
  second.settle();
  mock::JournalTexts s_texts(second);
  mock::EventStream s(s_texts, [] { return Json{}; }, last, {}, mock::make_real_clock());
  auto evs = events(s.poll(t0));
  for (const auto& e : evs) EXPECT_NE(e.name, "gap");
  for (auto q : seqs(evs)) seen.push_back(q);
  EXPECT_EQ(seen, (std::vector<std::uint64_t>{1, 2, 3, 4, 5}));
  std::ifstream in(path);
  std::vector<std::uint64_t> in_file;
  for (std::string line; std::getline(in, line);) in_file.push_back(Json::parse(line)["seq"].get<std::uint64_t>());
  EXPECT_EQ(in_file, (std::vector<std::uint64_t>{1, 2, 3, 4, 5})) << "seq stays unique in the file";
  std::remove(path.c_str());
}

TEST(EventStream, NextWaitsOnTheInjectedClockAndEndsOnStop) {
  mock::Journal journal;
  auto clock = std::make_shared<mock::ManualClock>(t0);
  mock::JournalTexts stream_texts(journal);
  mock::EventStream stream(stream_texts, [] { return Json{}; }, 0, {}, clock);
  std::stop_source stop;
  ASSERT_TRUE(stream.next(stop.get_token()).has_value()) << "the first chunk goes at once";
  std::optional<std::string> chunk;
  std::thread reader([&] { chunk = stream.next(stop.get_token()); });
  ASSERT_TRUE(clock->wait_for_sleepers(1));
  journal.append(request());
  clock->advance(250ms);
  reader.join();
  ASSERT_TRUE(chunk.has_value());
  EXPECT_EQ(seqs(events(*chunk)), (std::vector<std::uint64_t>{1}));
  std::thread waiting([&] { chunk = stream.next(stop.get_token()); });
  ASSERT_TRUE(clock->wait_for_sleepers(1));
  stop.request_stop();
  waiting.join();
  EXPECT_FALSE(chunk.has_value()) << "a stopping server ends the stream";
}

std::string world() {
  return world_toml(false, pair_toml("pair-cn-events0000000001", "normal")) + "\n[clock]\nmode = \"virtual\"\n";
}

TEST(EventStream, TheNumberOfOpenStreamsIsBounded) {
  mock::Service service(scenarios::load_scenario_string(world(), "test.toml"));
  mock::AdminApi admin(service, mock::AdminOptions{.events = {.max_streams = 2}});
  mock::RawRequest raw{.method = "GET", .target = "/__admin/events", .remote_addr = "127.0.0.1"};
  auto a = admin.serve(raw);
  auto b = admin.serve(raw);
  ASSERT_TRUE(std::holds_alternative<mock::StreamChunks>(a));
  ASSERT_TRUE(std::holds_alternative<mock::StreamChunks>(b));
  EXPECT_EQ(admin.open_streams(), 2u);
  auto c = admin.serve(raw);
  ASSERT_TRUE(std::holds_alternative<mock::Respond>(c));
  EXPECT_EQ(std::get<mock::Respond>(c).answer.status, 503);
  a = mock::Respond{};  // the connection ended: its stream and slot go
  EXPECT_EQ(admin.open_streams(), 1u);
  EXPECT_TRUE(std::holds_alternative<mock::StreamChunks>(admin.serve(raw)));
}

TEST(EventStream, LastEventIdOrSinceSetsTheResumePoint) {
  mock::RawRequest raw{.method = "GET", .target = "/__admin/events"};
  EXPECT_EQ(mock::resume_point(raw, ""), 0u);
  EXPECT_EQ(mock::resume_point(raw, "12"), 12u);
  raw.headers.emplace_back("Last-Event-ID", "40");
  EXPECT_EQ(mock::resume_point(raw, "12"), 40u) << "what EventSource sends on reconnect wins";
  raw.headers.back().second = "x";
  EXPECT_EQ(mock::resume_point(raw, ""), std::nullopt);
}

TEST(EventStream, AccessRulesAreTheAdminApisWithACookieForTheBrowser) {
  mock::Service service(scenarios::load_scenario_string(world(), "test.toml"));
  mock::Answer page;
  page.body = "<!doctype html>page";
  mock::AdminApi open(service, mock::AdminOptions{.ui_page = page});
  for (const char* target : {"/__admin/events", "/__admin/ui"}) {
    mock::RawRequest far{.method = "GET", .target = target, .remote_addr = "10.1.2.3"};
    auto refused = open.serve(far);
    ASSERT_TRUE(std::holds_alternative<mock::Respond>(refused)) << target;
    EXPECT_EQ(std::get<mock::Respond>(refused).answer.status, 403) << target;
  }

  mock::AdminApi guarded(service, mock::AdminOptions{.token = "s3cret", .ui_page = page});
  auto status = [&](mock::RawRequest raw) {
    auto a = guarded.serve(raw);
    return std::holds_alternative<mock::StreamChunks>(a) ? 200 : std::get<mock::Respond>(a).answer.status;
  };
  const std::string far = "10.1.2.3";
  EXPECT_EQ(status({.method = "GET", .target = "/__admin/events", .remote_addr = far}), 401);
  EXPECT_EQ(status({.method = "GET", .target = "/__admin/ui", .remote_addr = far}), 401);
  EXPECT_EQ(status({.method = "GET", .target = "/__admin/ui?token=wrong", .remote_addr = far}), 401);
  auto swap = guarded.handle({.method = "GET", .target = "/__admin/ui?token=s3cret", .remote_addr = far});
  ASSERT_EQ(swap.status, 303);
  EXPECT_EQ(contracts::header_value(swap.headers, "location"), "/__admin/ui") << "the token leaves the address bar";
  std::string cookie = contracts::header_value(swap.headers, "set-cookie");
  EXPECT_NE(cookie.find("HttpOnly"), std::string::npos) << cookie;
  EXPECT_NE(cookie.find("SameSite=Strict"), std::string::npos) << cookie;
  const std::string pair = cookie.substr(0, cookie.find(';'));
  mock::RawRequest with_cookie{.method = "GET", .target = "/__admin/events", .remote_addr = far};
  with_cookie.headers.emplace_back("Cookie", "theme=dark; " + pair);
  EXPECT_EQ(status(with_cookie), 200);
  with_cookie.target = "/__admin/ui";
  EXPECT_EQ(status(with_cookie), 200);
  with_cookie.target = "/__admin/health";
  EXPECT_EQ(status(with_cookie), 200) << "the page's own admin calls carry the cookie";
  mock::RawRequest bad_cookie{.method = "GET", .target = "/__admin/events", .remote_addr = far};
  bad_cookie.headers.emplace_back("Cookie", std::string(mock::kAdminCookie) + "=s3creT");
  EXPECT_EQ(status(bad_cookie), 401);
  mock::RawRequest header{.method = "GET", .target = "/__admin/events", .remote_addr = far};
  header.headers.emplace_back("x-ebsmock-admin-token", "s3cret");
  EXPECT_EQ(status(header), 200);
}

TEST(EventStream, ARealServerStreamsTheJournalAndStopsWithAStreamOpen) {
  auto s = std::make_unique<MockServer>(world());
  for (int i = 0; i < 3; ++i) {
    ASSERT_EQ(s->raw_http("GET", "/?Action=DescribeDiskReplicaPairs&Version=2021-07-30&RegionId=cn-hangzhou", {}, "")
                  .status,
              200);
  }
  httplib::Client client("127.0.0.1", s->port());
  std::string received;
  std::string content_type;
  auto res = client.Get(
      "/__admin/events", httplib::Headers{{"Last-Event-ID", "1"}},
      [&](const httplib::Response& r) {
        content_type = r.get_header_value("Content-Type");
        return true;
      },
      [&](const char* data, size_t n) {
        received.append(data, n);
        return received.find("event: journal") == std::string::npos;  // enough: hang up
      });
  EXPECT_EQ(content_type, "text/event-stream");
  EXPECT_EQ(seqs(events(received)), (std::vector<std::uint64_t>{2, 3})) << received;

  // A stream left open (its client thread waiting) must not hold up the server's stop.
  std::string second;
  std::atomic<bool> streaming{false};
  std::thread reader([&, port = s->port()] {
    httplib::Client c("127.0.0.1", port);
    c.Get("/__admin/events", [&](const char* data, size_t n) {
      second.append(data, n);
      streaming = true;
      return true;
    });
  });
  while (!streaming) std::this_thread::yield();
  s.reset();  // returns: the stream ended through the stop token
  reader.join();
  EXPECT_NE(second.find("event: state"), std::string::npos);
}

}  // namespace
}  // namespace ebsmock::testing
