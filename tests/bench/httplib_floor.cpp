// httplib_floor.cpp: the bench's "HTTP layer only" baseline. A server on Debian's
// cpp-httplib 0.11.4 set up exactly as mock::HttpServer is (its elastic worker pool,
// TCP_NODELAY, 1,000 requests per keep-alive connection, a SOMAXCONN backlog) whose
// handler does nothing but answer a fixed body, optionally after sleeping. What ebsmock
// cannot beat without replacing its HTTP layer: the gap between this row and nginx is
// cpp-httplib's, the gap between this row and ebsmock is ebsmock's own work.
// The set-up repeats HttpServer's on purpose (HttpServer needs a Service): when
// HttpServer's server settings change, change them here too.
//   bench_httplib_floor --port N --body FILE [--delay-ms MS]
// Runs until killed. Thread-safety: handlers share only read-only state.
#include <sys/socket.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <string_view>
#include <thread>

#include <httplib.h>

#include "mock/elastic_thread_pool.h"

int main(int argc, char** argv) {
  int port = 0;
  int delay_ms = 0;
  std::string body_file;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string_view flag = argv[i];
    if (flag == "--port") port = std::atoi(argv[i + 1]);
    else if (flag == "--delay-ms") delay_ms = std::atoi(argv[i + 1]);
    else if (flag == "--body") body_file = argv[i + 1];
    else {
      std::cerr << "bench_httplib_floor: unknown flag " << flag << "\n";
      return 2;
    }
  }
  std::ifstream in(body_file);
  if (port <= 0 || !in) {
    std::cerr << "usage: bench_httplib_floor --port N --body FILE [--delay-ms MS]\n";
    return 2;
  }
  std::stringstream buf;
  buf << in.rdbuf();
  const std::string body = buf.str();

  httplib::Server server;
  server.new_task_queue = [] { return new ebsmock::mock::ElasticThreadPool(8, 4096); };
  server.set_tcp_nodelay(true);
  server.set_keep_alive_max_count(1000);
  int listen_fd = -1;
  server.set_socket_options([&](socket_t sock) {
    int yes = 1;
    ::setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
    listen_fd = sock;
  });
  auto answer = [&](const httplib::Request&, httplib::Response& res) {
    if (delay_ms > 0) std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms));
    res.set_content(body, "application/json;charset=utf-8");
  };
  server.Get(".*", answer);
  server.Post(".*", answer);
  if (!server.bind_to_port("127.0.0.1", port)) {
    std::cerr << "bench_httplib_floor: cannot listen on 127.0.0.1:" << port << "\n";
    return 2;
  }
  ::listen(listen_fd, SOMAXCONN);
  return server.listen_after_bind() ? 0 : 2;
}
