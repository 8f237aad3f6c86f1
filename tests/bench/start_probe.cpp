// start_probe.cpp: measures a server's start-up and shutdown for tests/bench/bench.sh.
//   bench_start_probe --port P --request FILE [--idle N] [--runs R] -- COMMAND ARGS...
// Each run: fork/exec COMMAND (every "{port}" in ARGS becomes P), then send the raw HTTP
// request in FILE to 127.0.0.1:P over and over (a refused connection is retried at once;
// the time of the first complete HTTP response is "start"). Then, optionally, open N idle
// keep-alive connections (each has had one request answered), send SIGTERM and measure
// until the process has exited ("stop"). Prints one JSON line per run:
//   {"start_ms": 12.3, "status": 200, "stop_ms": 4.5, "exit": 0}
// A process that does not exit within 15 s is killed (SIGKILL) and reported with
// "stop_ms": null. Single-threaded.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iterator>
#include <optional>
#include <string>
#include <vector>

#include "tests/support/socket_client.h"

namespace {

using Clock = std::chrono::steady_clock;

double ms_since(Clock::time_point t0) {
  return std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
}

// Sends `request` on a new connection and reads one response; returns its status and
// the connection (kept open for the idle set), or nullopt if the connection failed.
std::optional<int> request_status(ebsmock::testing::Socket& c, const std::string& request) {
  if (!c.valid() || !c.send_all(request)) return std::nullopt;
  std::string in = c.read_response(5000);
  if (!ebsmock::testing::has_complete_response(in)) return std::nullopt;
  return std::atoi(in.c_str() + 9);
}

}  // namespace

int main(int argc, char** argv) {
  int port = 0, idle = 0, runs = 1;
  std::string request_file;
  int i = 1;
  for (; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--") { ++i; break; }
    if (i + 1 >= argc) return 2;
    if (a == "--port") port = std::atoi(argv[++i]);
    else if (a == "--request") request_file = argv[++i];
    else if (a == "--idle") idle = std::atoi(argv[++i]);
    else if (a == "--runs") runs = std::atoi(argv[++i]);
    else return 2;
  }
  if (port <= 0 || request_file.empty() || i >= argc) {
    std::fprintf(stderr, "usage: bench_start_probe --port P --request FILE [--idle N] [--runs R] -- CMD ARGS...\n");
    return 2;
  }
  std::ifstream rf(request_file, std::ios::binary);
  std::string request((std::istreambuf_iterator<char>(rf)), std::istreambuf_iterator<char>());
  std::vector<std::string> args;
  for (; i < argc; ++i) {
    std::string a = argv[i];
    for (auto p = a.find("{port}"); p != std::string::npos; p = a.find("{port}")) {
      a.replace(p, 6, std::to_string(port));
    }
    args.push_back(a);
  }

  for (int run = 0; run < runs; ++run) {
    auto t0 = Clock::now();
    pid_t pid = ::fork();
    if (pid == 0) {
      std::vector<char*> cargv;
      for (auto& a : args) cargv.push_back(a.data());
      cargv.push_back(nullptr);
      // The server's stdout/stderr are not ours to parse; keep the JSON lines clean.
      std::freopen("/dev/null", "w", stdout);
      ::execvp(cargv[0], cargv.data());
      _exit(127);
    }
    std::optional<int> status;
    double start_ms = -1;
    while (ms_since(t0) < 60000) {
      auto c = ebsmock::testing::Socket::connect(port);
      if (c.valid()) {
        status = request_status(c, request);
        if (status) {
          start_ms = ms_since(t0);
          break;
        }
      }
      int wstatus;
      if (::waitpid(pid, &wstatus, WNOHANG) == pid) break;  // died before answering
      ::usleep(200);
    }
    std::vector<ebsmock::testing::Socket> idle_connections;
    for (int k = 0; k < idle && status; ++k) {
      auto c = ebsmock::testing::Socket::connect(port);
      if (request_status(c, request)) idle_connections.push_back(std::move(c));
    }
    auto t1 = Clock::now();
    ::kill(pid, SIGTERM);
    int wstatus = 0;
    std::optional<double> stop_ms;
    while (ms_since(t1) < 15000) {
      if (::waitpid(pid, &wstatus, WNOHANG) == pid) {
        stop_ms = ms_since(t1);
        break;
      }
      ::usleep(200);
    }
    if (!stop_ms) {
      ::kill(pid, SIGKILL);
      ::waitpid(pid, &wstatus, 0);
    }
    const std::size_t idle_count = idle_connections.size();
    idle_connections.clear();
    int exit_code = WIFEXITED(wstatus) ? WEXITSTATUS(wstatus) : 128 + WTERMSIG(wstatus);
    std::printf("{\"start_ms\": %s, \"status\": %d, \"idle\": %zu, \"stop_ms\": %s, \"exit\": %d}\n",
                start_ms < 0 ? "null" : std::to_string(start_ms).c_str(), status.value_or(0),
                idle_count, stop_ms ? std::to_string(*stop_ms).c_str() : "null", exit_code);
    std::fflush(stdout);
  }
  return 0;
}
