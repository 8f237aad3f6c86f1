// served_process.h: `ebsmock serve ARGS...` as a child process, for tests of the command
// line itself (flags, signals, what it prints). Reads the first stdout line ("listening on
// http://HOST:PORT") to learn the endpoint; stderr is captured for the banner. In-process
// tests should use MockServer (mock_server_fixture.h) instead. Header-only; one thread.
#pragma once

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace ebsmock::testing {

class ServedProcess {
 public:
  explicit ServedProcess(std::vector<std::string> args) {
    int out[2], err[2];
    if (::pipe(out) != 0 || ::pipe(err) != 0) throw std::runtime_error("pipe() failed");
    pid_ = ::fork();
    if (pid_ == 0) {
      ::dup2(out[1], STDOUT_FILENO);
      ::dup2(err[1], STDERR_FILENO);
      for (int fd : {out[0], out[1], err[0], err[1]}) ::close(fd);
      std::string bin = EBSMOCK_BINARY;
      std::vector<char*> argv{bin.data()};
      for (auto& a : args) argv.push_back(a.data());
      argv.push_back(nullptr);
      ::execv(bin.c_str(), argv.data());
      ::_exit(127);
    }
    ::close(out[1]);
    ::close(err[1]);
    err_fd_ = err[0];
    char c;
    while (::read(out[0], &c, 1) == 1 && c != '\n') first_line_ += c;
    ::close(out[0]);
    if (auto at = first_line_.find("http://"); at != std::string::npos) endpoint_ = first_line_.substr(at);
    if (auto colon = endpoint_.rfind(':'); colon != std::string::npos) port_ = std::atoi(endpoint_.c_str() + colon + 1);
  }

  ~ServedProcess() {
    if (pid_ > 0) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
    if (err_fd_ >= 0) ::close(err_fd_);
  }
  ServedProcess(const ServedProcess&) = delete;
  ServedProcess& operator=(const ServedProcess&) = delete;

  const std::string& first_line() const { return first_line_; }
  const std::string& endpoint() const { return endpoint_; }  // "" when it did not start
  int port() const { return port_; }
  pid_t pid() const { return pid_; }  // -1 once it has exited and been waited for

  // Sends `sig` and waits for the exit; after `guard` (a guard against a hang, not a
  // timing assertion) the process is killed and false returned. `*status`: waitpid's.
  bool signal_and_wait(int sig, std::chrono::seconds guard, int* status) {
    ::kill(pid_, sig);
    const auto deadline = std::chrono::steady_clock::now() + guard;
    while (std::chrono::steady_clock::now() < deadline) {
      if (::waitpid(pid_, status, WNOHANG) == pid_) {
        pid_ = -1;
        return true;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    return false;  // the destructor kills it
  }

  // Everything the process wrote to stderr (call after it exited).
  std::string stderr_text() {
    std::string text;
    char buf[4096];
    ssize_t n;
    while ((n = ::read(err_fd_, buf, sizeof buf)) > 0) text.append(buf, static_cast<std::size_t>(n));
    return text;
  }

 private:
  pid_t pid_ = -1;
  int err_fd_ = -1;
  std::string first_line_;
  std::string endpoint_;
  int port_ = 0;
};

}  // namespace ebsmock::testing
