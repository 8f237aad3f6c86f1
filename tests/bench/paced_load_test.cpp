// paced_load_test.cpp: bench_paced_load against a real `ebsmock serve`. It sends exactly
// the requests its schedule makes due, reopens connections the server closes at its
// keep-alive limit without losing an answer, counts every due request it could not get
// answered, and charges a late answer from when its request was due (what makes it
// open-loop; a closed-loop tool reports the server's service time instead). Every
// assertion is a count or a bound the schedule fixes, not a timing the machine could
// miss. Also the response framing it reads answers with (socket_client.h's
// frame_response). One thread per test.
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

#include "tests/support/command_line.h"
#include "tests/support/served_process.h"
#include "tests/support/socket_client.h"
#include "tests/support/temp_path.h"

namespace ebsmock::testing {
namespace {

// A world that does not verify signatures, one pair, and optionally one [[fault]] delay.
std::string write_world(const std::string& delay) {
  const auto path = unique_temp_path("paced", "world.toml");
  std::ofstream(path) << "[scenario]\nname = \"paced\"\nseed = 1\n\n[auth]\nverify_signatures = false\n\n"
                      << (delay.empty() ? "" : "[[fault]]\naction = \"*\"\ndelay = \"" + delay + "\"\n\n")
                      << "[[pair]]\nid = \"pair-cn-paced\"\nregion = \"cn-hangzhou\"\n"
                         "destination_region = \"cn-shanghai\"\nstatus = \"normal\"\n";
  return path;
}

// COUNT unsigned DescribeDiskReplicaPairs requests, one per line, CRLF written as CR.
std::string write_requests(int count) {
  const auto path = unique_temp_path("paced", "requests.txt");
  std::ofstream out(path);
  for (int i = 0; i < count; ++i) {
    out << "POST /?PairIds=pair-cn-paced&RegionId=cn-hangzhou HTTP/1.1\rhost: 127.0.0.1\r"
           "x-acs-action: DescribeDiskReplicaPairs\rx-acs-version: 2021-07-30\rcontent-length: 0\r\r\n";
  }
  return path;
}

// Serves a world (optionally delaying every answer by DELAY), writes LINES requests, and
// runs bench_paced_load against it with FLAGS; its PACED line's JSON, or null (a failure
// added) when the server did not start or the tool printed none.
nlohmann::json paced_run(const std::string& delay, int lines, const std::string& flags) {
  const auto world = write_world(delay);
  const auto requests = write_requests(lines);
  ServedProcess server({"serve", "--scenario", world, "--port", "0"});
  if (server.port() <= 0) {
    ADD_FAILURE() << "ebsmock serve did not start: " << server.stderr_text();
    return nullptr;
  }
  const auto output = test::run_command(std::string(EBSMOCK_PACED_LOAD) + " --port " +
                                        std::to_string(server.port()) + " --requests " + requests + " " + flags)
                          .output;
  const auto at = output.find("PACED ");
  if (at == std::string::npos) {
    ADD_FAILURE() << "no PACED line in: " << output;
    return nullptr;
  }
  return nlohmann::json::parse(output.substr(at + 6));
}

TEST(PacedLoad, SendsEveryDueRequestAcrossKeepAliveLimitsWithoutLosingAnAnswer) {
  // ebsmock closes a connection after 1,000 requests: 2 connections at 2,000 req/s for
  // 1.2 s measured (after 0.3 s unmeasured) send 1,500 each, so each is reopened.
  const auto result = paced_run("", 3200, "--rate 2000 --duration 1.2 --warm-up 0.3 --connections 2 --threads 2");
  ASSERT_FALSE(result.is_null());
  EXPECT_EQ(result["measured"], 2400);  // due in the measured 1.2 s: exactly rate x duration
  EXPECT_EQ(result["answered_total"], 3000);
  EXPECT_EQ(result["statuses"], nlohmann::json({{"200", 2400}}));
  EXPECT_EQ(result["errors"], nlohmann::json({{"connect", 0}, {"read", 0}, {"write", 0}, {"timeout", 0}}));
  EXPECT_EQ(result["unsent"], 0);
  EXPECT_EQ(result["wraps"], 0);
  EXPECT_EQ(result["reopened"], 2);  // each connection once, at its 1,000th answer
}

TEST(PacedLoad, ChargesALateAnswerFromWhenItsRequestWasDue) {
  // Every answer takes 200 ms, and one connection is offered 20 requests a second for 1 s:
  // the k-th request (due at k x 50 ms) cannot be sent before k answers have come back, at
  // k x 200 ms, so its latency counted from when it was due is at least k x 150 ms + 200.
  // A closed-loop tool would report 200 ms for every one.
  const auto result =
      paced_run("200ms", 40, "--rate 20 --duration 1 --connections 1 --threads 1 --timeout-ms 10000");
  ASSERT_FALSE(result.is_null());
  EXPECT_EQ(result["measured"], 20);
  EXPECT_EQ(result["unsent"], 0);
  EXPECT_GE(result["max_ms"].get<double>(), 19 * 150 + 200);   // the last one
  EXPECT_GE(result["p50_ms"].get<double>(), 10 * 150 + 200);   // the 11th of 20, or later
  // Every one but the first went more than 1 ms after it was due (the first too, if the
  // sender thread itself started late).
  EXPECT_GE(result["late_sends"].get<int>(), 19);
}

TEST(PacedLoad, CountsEveryDueRequestTheServerCouldNotTake) {
  // 100 requests are due on one connection in the measured second, and every answer takes
  // 200 ms: at most 7 can be answered by the end plus the 300 ms timeout. Each due request
  // is then answered, timed out in flight, or never sent: nothing goes uncounted.
  const auto result =
      paced_run("200ms", 200, "--rate 100 --duration 1 --connections 1 --threads 1 --timeout-ms 300");
  ASSERT_FALSE(result.is_null());
  const int measured = result["measured"], timeouts = result["errors"]["timeout"], unsent = result["unsent"];
  EXPECT_EQ(measured + timeouts + unsent, 100);
  EXPECT_LE(measured, 7);
  EXPECT_GE(unsent, 92);
}

TEST(PacedLoad, RefusesBadFlags) {
  const auto run = test::run_command(std::string(EBSMOCK_PACED_LOAD) + " --port 1 --rate -3 --requests x");
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_NE(run.output.find("usage: bench_paced_load"), std::string::npos) << run.output;
}

TEST(ResponseFrame, ReadsStatusBodyLengthAndCloseFromTheHead) {
  const std::string head = "HTTP/1.1 403 Forbidden\r\nContent-Type: application/json\r\nconnection:  Close \r\n"
                           "CONTENT-LENGTH: 5\r\n\r\n";
  EXPECT_FALSE(frame_response(head.substr(0, head.size() - 2)));  // the blank line not in yet
  const auto frame = frame_response(head + "ab");
  ASSERT_TRUE(frame);
  EXPECT_EQ(frame->status, 403);
  EXPECT_EQ(frame->body_start, head.size());
  EXPECT_EQ(frame->content_length, 5u);
  EXPECT_FALSE(frame->chunked);
  EXPECT_TRUE(frame->closes);
  EXPECT_FALSE(has_complete_response(head + "abcd"));
  EXPECT_EQ(complete_response_size(head + "abcde" + "HTTP/1.1 200"), head.size() + 5);
}

TEST(ResponseFrame, KeepAliveAndUnframedAnswers) {
  const auto kept = frame_response("HTTP/1.1 200 OK\r\nConnection: keep-alive\r\nContent-Length: 0\r\n\r\n");
  ASSERT_TRUE(kept);
  EXPECT_EQ(kept->status, 200);
  EXPECT_FALSE(kept->closes);
  EXPECT_EQ(kept->content_length, 0u);
  // Without a Content-Length or chunks the body runs to the close: not a keep-alive frame.
  EXPECT_FALSE(frame_response("HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nbody"));
}

TEST(ResponseFrame, ChunkedAnswersEndAtTheLastChunk) {
  // WireMock answers this way; the start probe waited out its whole window for it.
  const std::string head = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n";
  const auto frame = frame_response(head);
  ASSERT_TRUE(frame);
  EXPECT_TRUE(frame->chunked);
  const std::string body = "5\r\nhello\r\n1a;ext=1\r\nabcdefghijklmnopqrstuvwxyz\r\n0\r\n\r\n";
  for (std::size_t cut = 0; cut < body.size(); ++cut) {
    EXPECT_FALSE(complete_response_size(head + body.substr(0, cut))) << "complete after " << cut << " bytes";
  }
  EXPECT_EQ(complete_response_size(head + body + "HTTP/1.1"), head.size() + body.size());
  // Trailers after the last chunk, then the blank line.
  const std::string trailed = "2\r\nok\r\n0\r\nX-Checksum: 1\r\n\r\n";
  EXPECT_FALSE(complete_response_size(head + trailed.substr(0, trailed.size() - 2)));
  EXPECT_EQ(complete_response_size(head + trailed), head.size() + trailed.size());
  EXPECT_FALSE(complete_response_size(head + "zz\r\n"));  // not a chunk size
}

}  // namespace
}  // namespace ebsmock::testing
