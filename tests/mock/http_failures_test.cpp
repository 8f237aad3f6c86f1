// http_failures_test.cpp: answers the HTTP layer gives before a request becomes an RPC
// call (a body over the limit, a request cpp-httplib cannot parse, a handler that throws)
// are journaled like every other answer, with answer_source "http", and counted in
// health's answer tally. The journal is what happened, request by request, including
// these.
#include <gtest/gtest.h>

#include <stdexcept>

#include "mock/router.h"
#include "tests/support/mock_server_fixture.h"

namespace ebsmock::testing {
namespace {

const std::string kV = "Version=2021-07-30";

// The entries of the journal that are requests.
std::vector<Json> requests(const MockServer& s) { return request_entries(s.journal()); }

TEST(HttpFailures, AnOversizedBodyIsJournaledAndCounted) {
  ServerOptions options;
  options.http.max_body_bytes = 4096;
  MockServer s(world_toml(false), options);
  std::string head = "POST /?Action=DescribeDiskReplicaPairs&" + kV +
                     "&RegionId=cn-hangzhou HTTP/1.1\r\nHost: " + s.host() +
                     "\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 10005\r\n\r\nName=";
  auto r = parse_raw_response(raw_exchange(s.port(), head + std::string(10'000, 'a')));
  expect_error_envelope(r, 413, "RequestBodyTooLarge");
  EXPECT_NE(r.message().find("4096"), std::string::npos) << r.message();

  auto entries = requests(s);
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_EQ(entries[0]["status"], 413);
  EXPECT_EQ(entries[0]["code"], "RequestBodyTooLarge");
  EXPECT_EQ(entries[0]["answer_source"], "http");
  EXPECT_EQ(entries[0]["method"], "POST");
  EXPECT_EQ(entries[0]["request_id"], r.json["RequestId"]);
  EXPECT_EQ(entries[0]["effect_applied"], false);
  auto health = s.admin_get("/__admin/health");
  EXPECT_EQ(health.json["answers"]["model"]["RequestBodyTooLarge"], 1) << health.body;
}

TEST(HttpFailures, AnUnparsableRequestIsJournaledAndCounted) {
  MockServer s(world_toml(false));
  // A request line that is not one: cpp-httplib refuses it before any handler runs.
  auto r = parse_raw_response(raw_exchange(s.port(), "NOT-HTTP\r\nHost: x\r\n\r\n"));
  expect_error_envelope(r, 400, "InvalidParameter");
  auto entries = requests(s);
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_EQ(entries[0]["status"], 400);
  EXPECT_EQ(entries[0]["code"], "InvalidParameter");
  EXPECT_EQ(entries[0]["answer_source"], "http");
  auto health = s.admin_get("/__admin/health");
  EXPECT_EQ(health.json["answers"]["model"]["InvalidParameter"], 1) << health.body;
}

// The mock's Router, except that one path throws: a bug of ours, in the handler.
class ThrowingRouter final : public mock::RequestHandler {
 public:
  explicit ThrowingRouter(mock::Service& service) : router_(service) {}
  mock::ConnectionAction handle(const mock::RawRequest& raw, std::stop_token stop) override {
    if (raw.target.starts_with("/boom")) throw std::runtime_error("a bug");
    return router_.handle(raw, std::move(stop));
  }
  mock::Answer on_http_failure(mock::HttpFailure f, int status, std::string_view detail,
                               const mock::RawRequest& raw) override {
    return router_.on_http_failure(f, status, detail, raw);
  }

 private:
  mock::Router router_;
};

TEST(HttpFailures, AHandlerExceptionIsAnInternalErrorJournaledAndCounted) {
  auto scenario = scenarios::load_scenario_string(world_toml(false) + "[clock]\nmode = \"virtual\"\n", "t.toml");
  mock::Service service(std::move(scenario));
  ThrowingRouter handler(service);
  mock::HttpServer server(handler);
  int port = server.bind("127.0.0.1", 0);
  ASSERT_GT(port, 0);
  std::thread serving([&] { server.run(); });
  auto r = parse_raw_response(raw_exchange(port, "GET /boom HTTP/1.1\r\nHost: x\r\n\r\n"));
  expect_error_envelope(r, 500, "InternalError");
  // The connection's next request is an ordinary one again (no stale state).
  auto ok = parse_raw_response(raw_exchange(
      port, "GET /?Action=DescribeDiskReplicaPairs&" + kV + "&RegionId=cn-hangzhou HTTP/1.1\r\nHost: x\r\n\r\n"));
  EXPECT_EQ(ok.status, 200) << ok;
  server.stop();
  serving.join();

  auto entries = service.journal().since(0);
  ASSERT_EQ(entries.size(), 2u);
  EXPECT_EQ(entries[0].code, "InternalError");
  EXPECT_EQ(entries[0].status, 500);
  EXPECT_EQ(entries[0].answer_source, contracts::AnswerSource::Http);
  EXPECT_EQ(entries[1].action, "DescribeDiskReplicaPairs");
  EXPECT_EQ(service.journal().answers_json()["model"]["InternalError"], 1);
}

// A worker that answered an RPC error (4xx, from our handler) and then meets a request
// cpp-httplib refuses itself must still give that refusal its error body: the two paths
// share the error handler.
TEST(HttpFailures, AnOwnErrorAnswerThenAnHttpFailureOnTheSameConnection) {
  MockServer s(world_toml(false));
  Socket c = Socket::connect(s.port());
  ASSERT_TRUE(c.send_all("GET /?Action=NoSuchAction&" + kV + " HTTP/1.1\r\nHost: x\r\n\r\n"));
  expect_error_envelope(parse_raw_response(c.read_response()), 404, "InvalidAction.NotFound");
  ASSERT_TRUE(c.send_all("GET /?" + kV + " HTTP/1.1\r\nHost: x\r\nX-Long: " + std::string(100'000, 'a') + "\r\n\r\n"));
  expect_error_envelope(parse_raw_response(c.read_response()), 400, "InvalidParameter");
  EXPECT_EQ(requests(s).size(), 2u);
}

}  // namespace
}  // namespace ebsmock::testing
