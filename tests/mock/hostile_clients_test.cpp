// hostile_clients_test.cpp: clients that hold connections without finishing requests
// must not starve the others, and the server must stop promptly whatever connections are
// open. Each test is arranged so that the failure it guards against would mean waiting
// for a timeout set far longer than the test's guard (an hour of keep-alive or read
// timeout), never so that passing depends on how fast the machine is:
//  - 25 connections that never send a byte, 25 idle keep-alive connections and a
//    slowloris that sent half a request: normal requests are still answered, and the
//    slowloris's request too once it is complete;
//  - a burst of 64 connections is accepted by the kernel even while the server is not
//    yet accepting (cpp-httplib 0.11.4 listens with a backlog of 5; HttpServer widens it);
//  - stop() returns, and run() ends, with idle keep-alive connections open;
//  - `ebsmock serve` exits 0 on SIGTERM with idle keep-alives open, and a SIGTERM right
//    after the "listening on" line is not lost;
//  - a keep-alive connection is not closed every 5th request (cpp-httplib's default).
#include <gtest/gtest.h>

#include <atomic>
#include <cstdio>
#include <string>
#include <thread>
#include <vector>

#include "mock/http_server.h"
#include "tests/support/mock_server_fixture.h"
#include "tests/support/served_process.h"
#include "tests/support/socket_client.h"

namespace ebsmock::testing {
namespace {

using namespace std::chrono_literals;

const std::string kHealth = "GET /__admin/health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";

// Timeouts so long that a worker waiting on one would outlast any test guard.
ServerOptions patient_server() {
  ServerOptions o;
  o.http.keep_alive_seconds = 3600;
  o.http.read_timeout_seconds = 3600;
  return o;
}

TEST(HostileClients, IdleAndSlowlorisConnectionsDoNotStarveOthers) {
  MockServer s(world_toml(false, pair_toml("pair-cn-hostile000000001", "normal")), patient_server());
  std::vector<Socket> held;
  for (int i = 0; i < 25; ++i) {
    held.push_back(Socket::connect(s.port()));  // never sends a byte
    ASSERT_TRUE(held.back().valid());
  }
  for (int i = 0; i < 25; ++i) {  // one answered request each, then silence
    held.push_back(Socket::connect(s.port()));
    ASSERT_TRUE(held.back().send_all(kHealth));
    ASSERT_NE(held.back().read_response(), "") << "keep-alive connection " << i;
  }
  const std::string request =
      "POST /?Action=DescribeDiskReplicaPairs&Version=2021-07-30&RegionId=cn-hangzhou HTTP/1.1\r\n"
      "Host: 127.0.0.1\r\nContent-Length: 0\r\n\r\n";
  Socket slowloris = Socket::connect(s.port());
  ASSERT_TRUE(slowloris.send_all(request.substr(0, request.size() / 2)));

  // With 51 connections held (a worker each) and an hour before any of them times out,
  // a starved request would never be answered: MockServer's client gives up after 30 s.
  for (int i = 0; i < 3; ++i) {
    auto r = s.call("DescribeDiskReplicaPairs", {{"RegionId", "cn-hangzhou"}});
    EXPECT_EQ(r.status, 200) << "normal request " << i << ": " << r;
  }
  ASSERT_TRUE(slowloris.send_all(request.substr(request.size() / 2)));
  Response slow_answer = parse_raw_response(slowloris.read_response());
  EXPECT_EQ(slow_answer.status, 200) << slow_answer;
  EXPECT_TRUE(slow_answer.json.contains("ReplicaPairs")) << slow_answer;
}

// Answers every request with 200 "{}": the HTTP layer alone.
class OkHandler final : public mock::RequestHandler {
 public:
  mock::ConnectionAction handle(const mock::RawRequest&, std::stop_token) override {
    return mock::Respond{mock::Answer{200, "{}"}};
  }
  mock::Answer on_http_failure(mock::HttpFailure, int status, std::string_view, const mock::RawRequest&) override {
    return mock::Answer{status, "{}"};
  }
};

// With cpp-httplib's backlog of 5, connections past the 6th are not accepted by the
// kernel until the server calls accept(); here the server is bound but not yet running,
// so they would never complete. With the widened backlog all 64 complete at once.
TEST(HostileClients, ABurstOf64ConnectionsIsAcceptedBeforeTheServerRuns) {
  OkHandler ok;
  mock::HttpServer server(ok);
  int port = server.bind("127.0.0.1", 0);
  ASSERT_GT(port, 0);
  std::vector<Socket> burst;
  for (int i = 0; i < 64; ++i) burst.push_back(Socket::connect(port, /*blocking=*/false));
  for (int i = 0; i < 64; ++i) {
    ASSERT_TRUE(burst[i].valid());
    EXPECT_TRUE(burst[i].wait_connected(10'000)) << "connection " << i << " was not accepted by the kernel";
  }
  std::thread serving([&] { server.run(); });
  for (int i = 0; i < 64; ++i) {
    int flags = ::fcntl(burst[i].fd(), F_GETFL);
    ::fcntl(burst[i].fd(), F_SETFL, flags & ~O_NONBLOCK);
    ASSERT_TRUE(burst[i].send_all(kHealth));
    EXPECT_NE(burst[i].read_response(), "") << "connection " << i;
  }
  server.stop();
  serving.join();
}

TEST(HostileClients, StopReturnsWithIdleKeepAlivesOpen) {
  auto s = std::make_unique<MockServer>(world_toml(false), patient_server());
  std::vector<Socket> idle;
  for (int i = 0; i < 10; ++i) {
    idle.push_back(Socket::connect(s->port()));
    ASSERT_TRUE(idle.back().send_all(kHealth));
    ASSERT_NE(idle.back().read_response(), "");
  }
  // Without waking them, run() would wait for their workers: an hour of keep-alive.
  s->server().stop();
  EXPECT_TRUE(s->server().wait()) << "run() did not end cleanly";
  for (auto& c : idle) {
    char byte;
    int error = 0;
    EXPECT_EQ(c.receive_once(&byte, 1, &error), 0) << "the idle connection was not closed";
  }
}

// With an hour of keep-alive, a serve that waited for its idle connections would outlast
// the 30 s guard; the time it took is printed for people, not asserted.
TEST(HostileClients, SigtermStopsServeWithAndWithoutIdleKeepAlives) {
  for (int connections : {0, 10}) {
    SCOPED_TRACE(std::to_string(connections) + " idle keep-alive connections");
    ServedProcess served({"serve", "--port", "0", "--keep-alive-timeout", "3600"});
    ASSERT_GT(served.port(), 0) << served.first_line();
    std::vector<Socket> idle;
    for (int i = 0; i < connections; ++i) {
      idle.push_back(Socket::connect(served.port()));
      ASSERT_TRUE(idle.back().send_all(kHealth));
      ASSERT_NE(idle.back().read_response(), "");
    }
    int status = 0;
    auto t0 = std::chrono::steady_clock::now();
    ASSERT_TRUE(served.signal_and_wait(SIGTERM, 30s, &status)) << "still running 30 s after SIGTERM";
    std::printf("[ measure  ] serve exited %.3f s after SIGTERM with %d idle keep-alive connections\n",
                std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count(), connections);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "wait status " << status;
    EXPECT_NE(served.stderr_text().find("ebsmock: stopped"), std::string::npos);
  }
}

// A SIGTERM right after the "listening on" line, before the accept loop runs, used to be
// lost (the stop did nothing until the server was running): about 1 run in 4.
TEST(HostileClients, SigtermRightAfterListeningLineIsNotLost) {
  for (int run = 0; run < 8; ++run) {
    ServedProcess served({"serve", "--port", "0"});
    ASSERT_GT(served.port(), 0) << served.first_line();
    int status = 0;
    ASSERT_TRUE(served.signal_and_wait(SIGTERM, 30s, &status)) << "run " << run << ": still running after SIGTERM";
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "wait status " << status;
  }
}

// cpp-httplib closes a keep-alive connection after 5 requests unless told otherwise, so
// every client (wrk, a Node agent, a chaos drill) would reconnect every 5th call.
TEST(HostileClients, AKeepAliveConnectionServesManyRequests) {
  MockServer s(world_toml(false));
  Socket c = Socket::connect(s.port());
  ASSERT_TRUE(c.valid());
  for (int i = 0; i < 50; ++i) {
    ASSERT_TRUE(c.send_all(kHealth)) << "request " << i;
    std::string answer = c.read_response();
    ASSERT_NE(answer, "") << "request " << i << ": the connection was closed";
    EXPECT_EQ(answer.find("Connection: close"), std::string::npos) << "request " << i << ":\n" << answer;
  }
}

}  // namespace
}  // namespace ebsmock::testing
