// http_server.h: binds the Service and the AdminApi to a cpp-httplib server: every
// method and path goes to one dispatcher (the RPC pipeline decides what is supported).
// Lifecycle: bind() then run() (blocks) on one thread; stop() from any thread, at any
// time (before run() too), returns within about a second: idle keep-alive connections are
// woken rather than waited out, and answers being written are finished.
// Thread-safe as cpp-httplib is: handlers run on the elastic pool's workers.
#pragma once

#include <atomic>
#include <memory>
#include <string>

#include <httplib.h>

#include "mock/admin_api.h"
#include "mock/elastic_thread_pool.h"
#include "mock/service.h"

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
  // When set, admin calls must carry it and may come from any peer (see admin_api.h).
  std::string admin_token;
};

class HttpServer {
 public:
  HttpServer(Service& service, HttpServerOptions options = {});
  ~HttpServer();

  // Binds host:port (port 0 picks a free one); returns the port, or -1 on failure.
  int bind(const std::string& host, int port);
  // Serves until stop(). Returns false if the server could not run.
  bool run();
  void stop();
  bool is_running() const { return server_.is_running(); }

 private:
  void dispatch(const httplib::Request& req, httplib::Response& res);

  // Carries out a transport fault the Service decided on (reset, close, hang, truncate).
  void apply_transport(const httplib::Request& req, const HttpResponse& answer, httplib::Response& res);

  Service& service_;
  AdminApi admin_;
  HttpServerOptions options_;
  httplib::Server server_;
  std::atomic<int> port_{-1};
  std::atomic<int> listen_fd_{-1};
  // stop() may come before run() reaches cpp-httplib's accept loop (a SIGTERM right after
  // "listening on"); these let neither side miss the other.
  std::atomic<bool> stop_requested_{false};
  std::atomic<bool> run_entered_{false};
  std::atomic<bool> run_returned_{false};
};

}  // namespace ebsmock::mock
