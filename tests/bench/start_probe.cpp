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
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
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

namespace {

using Clock = std::chrono::steady_clock;

double ms_since(Clock::time_point t0) {
  return std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
}

int connect_to(int port) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

// Sends `request` and reads until the end of the response head plus a Content-Length
// body; returns the status, or nullopt if the connection failed first.
std::optional<int> exchange(int fd, const std::string& request, int timeout_ms = 5000) {
  if (::send(fd, request.data(), request.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(request.size())) {
    return std::nullopt;
  }
  std::string in;
  char buf[8192];
  auto t0 = Clock::now();
  for (;;) {
    auto head_end = in.find("\r\n\r\n");
    if (head_end != std::string::npos) {
      std::string lower = in.substr(0, head_end);
      for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      std::size_t len = 0;
      if (auto p = lower.find("content-length:"); p != std::string::npos) {
        len = std::strtoul(lower.c_str() + p + 15, nullptr, 10);
      }
      if (in.size() >= head_end + 4 + len) return std::atoi(in.c_str() + 9);
    }
    pollfd pfd{fd, POLLIN, 0};
    int left = timeout_ms - static_cast<int>(ms_since(t0));
    if (left <= 0 || ::poll(&pfd, 1, left) <= 0) return std::nullopt;
    ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n <= 0) return std::nullopt;
    in.append(buf, static_cast<std::size_t>(n));
  }
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
      int fd = connect_to(port);
      if (fd >= 0) {
        status = exchange(fd, request);
        ::close(fd);
        if (status) {
          start_ms = ms_since(t0);
          break;
        }
      }
      int wstatus;
      if (::waitpid(pid, &wstatus, WNOHANG) == pid) break;  // died before answering
      ::usleep(200);
    }
    std::vector<int> idle_fds;
    for (int k = 0; k < idle && status; ++k) {
      int fd = connect_to(port);
      if (fd >= 0 && exchange(fd, request)) idle_fds.push_back(fd);
      else if (fd >= 0) ::close(fd);
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
    for (int fd : idle_fds) ::close(fd);
    int exit_code = WIFEXITED(wstatus) ? WEXITSTATUS(wstatus) : 128 + WTERMSIG(wstatus);
    std::printf("{\"start_ms\": %s, \"status\": %d, \"idle\": %zu, \"stop_ms\": %s, \"exit\": %d}\n",
                start_ms < 0 ? "null" : std::to_string(start_ms).c_str(), status.value_or(0),
                idle_fds.size(), stop_ms ? std::to_string(*stop_ms).c_str() : "null", exit_code);
    std::fflush(stdout);
  }
  return 0;
}
