// http_server.h: cpp-httplib carrying a RequestHandler: every method and path goes to the
// handler, whose ConnectionAction is carried out in one place (apply); failures
// cpp-httplib finds itself (413, unparsable requests, handler exceptions) go to the
// handler too, so they are answered and journaled like everything else.
// Lifecycle: bind() then run() (blocks) on one thread; stop() from any thread, at any
// time (before run() too), returns at once: the listening socket is shut so run() ends,
// idle keep-alive connections are woken rather than waited out, waits inside handlers
// (delays, holds) end through the stop token, and answers being written are finished.
// Thread-safe as cpp-httplib is: handlers run on the elastic pool's workers.
#pragma once

#include <atomic>
#include <memory>
#include <stop_token>
#include <string>

#include <httplib.h>

#include "mock/clock.h"
#include "mock/elastic_thread_pool.h"
#include "mock/request_handler.h"

namespace ebsmock::mock {

struct HttpServerOptions {
  // Bodies above this are refused with RequestBodyTooLarge (413). The real APIs take
  // small form bodies; 1 MiB is far above any legitimate request.
  std::size_t max_body_bytes = 1 << 20;
  std::size_t min_threads = 8;
  std::size_t max_threads = 4096;
  int keep_alive_seconds = 5;
  // Requests served on one keep-alive connection before the server closes it. cpp-httplib
  // defaults to 5, which makes a client reconnect (handshake, new worker task, fresh
  // buffers) every 5th request; nginx's default is 1000.
  std::size_t keep_alive_max_requests = 1000;
  int read_timeout_seconds = 5;
  // Nice steps the workers run below the thread that starts them (0-19). The mock shares
  // its machine with the client under test, and a client kept from its CPU while the
  // workers run sees it as the mock's latency: under 64 connections on two cores, the
  // client's p99 against ebsmock was 1.41x and 1.98x cpp-httplib alone's with both at the
  // client's priority, and 1.04x and 1.13x with both at 10 (two bench.sh runs,
  // tests/bench/RESULTS.md, thirty-second session). When the client waits on the mock,
  // the workers run at once all the same.
  // The price: beside a neighbour that keeps the CPUs busy at the default priority, a
  // worker waits longer for one (with two such threads under the same load, a p99 of
  // 8.5-8.8 ms against 5.8-6.2 ms at 0); 0 puts the workers level again.
  int worker_nice = 10;
};

class HttpServer {
 public:
  // `wait_clock` is what a held connection waits on (nullptr = the system clock).
  HttpServer(RequestHandler& handler, HttpServerOptions options = {}, std::shared_ptr<Clock> wait_clock = nullptr);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Binds host:port (port 0 picks a free one) and listens; returns the port, or -1.
  int bind(const std::string& host, int port);
  // Serves until stop(). Returns false if the server could not run.
  bool run();
  void stop();
  bool is_running() const { return server_.is_running(); }

 private:
  void dispatch(const httplib::Request& req, httplib::Response& res);
  void apply(ConnectionAction action, const httplib::Request& req, httplib::Response& res);
  void on_http_failure(HttpFailure failure, const httplib::Request& req, httplib::Response& res);

  RequestHandler& handler_;
  HttpServerOptions options_;
  std::shared_ptr<Clock> wait_clock_;
  httplib::Server server_;
  std::stop_source stopping_;
  std::atomic<int> port_{-1};
  std::atomic<int> listen_fd_{-1};
};

}  // namespace ebsmock::mock
