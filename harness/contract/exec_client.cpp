// exec_client.cpp: the driver process plumbing: posix_spawn with three pipes, a per-call
// deadline enforced with poll(), a stderr forwarder thread, and a bounded shutdown.
// posix_spawn rather than fork: the harness is multi-threaded, and posix_spawn does the
// dup2/setpgid/signal reset in the child without running our code there.
#include "harness/contract/exec_client.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <optional>
#include <thread>
#include <utility>
#include <variant>
#include <vector>

#include "harness/contract/driver_protocol.h"

namespace ebsmock::harness {
namespace {

using SteadyClock = std::chrono::steady_clock;

// A driver answer longer than this is not an answer (protects our memory from a driver
// that prints without newlines).
constexpr std::size_t kMaxLineBytes = std::size_t{64} << 20;
// How much of an offending line goes into a DriverError message.
constexpr std::size_t kShownLineBytes = 2000;
constexpr auto kExitGrace = std::chrono::seconds(2);
// After EOF on stdout, how long to wait for the exit status to report it.
constexpr auto kExitStatusWait = std::chrono::seconds(1);

constexpr const char* kEnvNames[] = {"EBSMOCK_ENDPOINT", "ALIBABA_CLOUD_ACCESS_KEY_ID",
                                     "ALIBABA_CLOUD_ACCESS_KEY_SECRET", "ALIBABA_CLOUD_REGION_ID"};

// The offending line as one printable line: control and non-ASCII bytes as \xNN,
// truncated, so a binary blob cannot wreck the report.
std::string shown(std::string_view line) {
  std::string out;
  std::string_view part = line.substr(0, kShownLineBytes);
  for (unsigned char c : part) {
    if (c >= 0x20 && c < 0x7f) {
      out += static_cast<char>(c);
    } else {
      char buf[5];
      std::snprintf(buf, sizeof buf, "\\x%02X", c);
      out += buf;
    }
  }
  if (line.size() > part.size()) out += "... (" + std::to_string(line.size()) + " bytes)";
  return out;
}

std::string signal_name(int sig) {
  switch (sig) {
    case SIGSEGV: return "SIGSEGV";
    case SIGABRT: return "SIGABRT";
    case SIGKILL: return "SIGKILL";
    case SIGTERM: return "SIGTERM";
    case SIGBUS: return "SIGBUS";
    case SIGFPE: return "SIGFPE";
    case SIGILL: return "SIGILL";
    case SIGPIPE: return "SIGPIPE";
    case SIGINT: return "SIGINT";
    case SIGHUP: return "SIGHUP";
    case SIGQUIT: return "SIGQUIT";
    case SIGTRAP: return "SIGTRAP";
    default: return "signal " + std::to_string(sig);
  }
}

void close_fd(int& fd) {
  if (fd >= 0) ::close(fd);
  fd = -1;
}

void set_nonblocking(int fd) { ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK); }

// Writes all of `data` to `fd` (our stderr), retrying short writes; errors are dropped
// (there is nowhere left to report them).
void write_fully(int fd, std::string_view data) {
  while (!data.empty()) {
    ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;
    data.remove_prefix(static_cast<std::size_t>(n));
  }
}

// Blocks SIGPIPE in the calling thread while writing to the driver's stdin, and swallows
// the SIGPIPE a write to a dead driver raises, so the harness needs no process-wide
// SIG_IGN (which every child would inherit) and a dead driver is an EPIPE, not our death.
class SigpipeBlock {
 public:
  SigpipeBlock() {
    sigemptyset(&pipe_set_);
    sigaddset(&pipe_set_, SIGPIPE);
    pthread_sigmask(SIG_BLOCK, &pipe_set_, &old_mask_);
    sigset_t pending;
    sigpending(&pending);
    was_pending_ = sigismember(&pending, SIGPIPE) == 1;
  }
  ~SigpipeBlock() {
    sigset_t pending;
    sigpending(&pending);
    if (!was_pending_ && sigismember(&pending, SIGPIPE) == 1) {
      timespec zero{};
      sigtimedwait(&pipe_set_, nullptr, &zero);
    }
    pthread_sigmask(SIG_SETMASK, &old_mask_, nullptr);
  }
  SigpipeBlock(const SigpipeBlock&) = delete;
  SigpipeBlock& operator=(const SigpipeBlock&) = delete;

 private:
  sigset_t pipe_set_;
  sigset_t old_mask_;
  bool was_pending_ = false;
};

class ExecClient final : public ApiClient {
 public:
  ExecClient(std::string command_line, const std::string& endpoint, const std::string& access_key_id,
             const std::string& access_key_secret, const std::string& region,
             std::chrono::milliseconds call_timeout)
      : command_line_(std::move(command_line)), call_timeout_(call_timeout) {
    spawn({{kEnvNames[0], endpoint},
           {kEnvNames[1], access_key_id},
           {kEnvNames[2], access_key_secret},
           {kEnvNames[3], region}});
    try {
      stderr_thread_ = std::thread([this] { forward_stderr(); });
    } catch (...) {
      shut_down();  // the destructor will not run: do not leave the driver behind
      throw;
    }
  }

  ~ExecClient() override { shut_down(); }

  ExecClient(const ExecClient&) = delete;
  ExecClient& operator=(const ExecClient&) = delete;

  CallResult call(std::string_view action, contracts::Params params) override {
    if (broken_) {
      throw DriverError(broken_->first,
                        prefix() + "unusable after an earlier failure: " + broken_->second);
    }
    const int id = ++next_id_;
    // Before any I/O: a parameter JSON cannot carry is the caller's problem, not the
    // driver's, so it is std::invalid_argument and leaves the client usable.
    const std::string request = format_driver_request(id, action, params, call_id_);
    const std::string what = "request #" + std::to_string(id) + " (" + std::string(action) + ")";
    const auto deadline = SteadyClock::now() + call_timeout_;

    write_request(request, deadline, what);
    const std::string line = read_line(deadline, what);
    auto parsed = parse_driver_response(line, id);
    if (auto* err = std::get_if<DriverProtocolError>(&parsed)) {
      fail(DriverError::Kind::Garbage,
           "answered " + what + " with an invalid line: " + err->message + "; line: " + shown(line));
    }
    CallResult result = std::get<CallResult>(std::move(parsed));
    if (result.client_token.empty()) {
      // The driver did not report a token: it used ours when we gave one (the protocol
      // says it picks its own only when params have none, and then we cannot know it).
      if (auto it = params.find("ClientToken"); it != params.end()) result.client_token = it->second;
    }
    return result;
  }

  std::string name() const override { return "exec:" + command_line_; }
  void set_call_id(std::string id) override { call_id_ = std::move(id); }

 private:
  std::string prefix() const { return "driver \"" + command_line_ + "\" "; }

  [[noreturn]] void fail(DriverError::Kind kind, const std::string& message) {
    broken_ = std::make_pair(kind, message);
    throw DriverError(kind, prefix() + message);
  }

  void spawn(const std::vector<std::pair<std::string, std::string>>& added_env) {
    // The environment: inherited, minus the four protocol variables, plus ours.
    std::vector<std::string> env_strings;
    for (char** e = environ; e && *e; ++e) {
      std::string_view entry(*e);
      bool replaced = false;
      for (const auto& [name, value] : added_env) {
        if (entry.size() > name.size() && entry.starts_with(name) && entry[name.size()] == '=') {
          replaced = true;
        }
      }
      if (!replaced) env_strings.emplace_back(entry);
    }
    for (const auto& [name, value] : added_env) env_strings.push_back(name + "=" + value);
    std::vector<char*> envp;
    for (auto& s : env_strings) envp.push_back(s.data());
    envp.push_back(nullptr);
    std::string sh = "/bin/sh", dash_c = "-c";
    std::vector<char*> argv = {sh.data(), dash_c.data(), command_line_.data(), nullptr};

    int in[2] = {-1, -1}, out[2] = {-1, -1}, err[2] = {-1, -1}, wake[2] = {-1, -1};
    auto close_all = [&] {
      for (int* p : {in, out, err, wake}) {
        close_fd(p[0]);
        close_fd(p[1]);
      }
    };
    // O_CLOEXEC everywhere: only the dup2'ed copies may reach the driver, and no other
    // child the harness starts concurrently may inherit our ends (it would hold the pipes
    // open and hide EOF).
    if (::pipe2(in, O_CLOEXEC) != 0 || ::pipe2(out, O_CLOEXEC) != 0 ||
        ::pipe2(err, O_CLOEXEC) != 0 || ::pipe2(wake, O_CLOEXEC | O_NONBLOCK) != 0) {
      int e = errno;
      close_all();
      throw DriverError(DriverError::Kind::Crashed,
                        prefix() + "could not be started: pipe: " + std::strerror(e));
    }

    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, in[0], STDIN_FILENO);
    posix_spawn_file_actions_adddup2(&actions, out[1], STDOUT_FILENO);
    posix_spawn_file_actions_adddup2(&actions, err[1], STDERR_FILENO);
    posix_spawnattr_t attr;
    posix_spawnattr_init(&attr);
    // Own process group: the destructor can end the driver and everything it started.
    // Empty signal mask and default dispositions: the harness may block SIGTERM/SIGINT or
    // ignore SIGPIPE (ebsmock does), and a driver must not inherit either.
    sigset_t empty, defaults;
    sigemptyset(&empty);
    sigemptyset(&defaults);
    for (int sig : {SIGPIPE, SIGINT, SIGTERM, SIGQUIT, SIGHUP, SIGCHLD}) sigaddset(&defaults, sig);
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK |
                                        POSIX_SPAWN_SETSIGDEF);
    posix_spawnattr_setpgroup(&attr, 0);
    posix_spawnattr_setsigmask(&attr, &empty);
    posix_spawnattr_setsigdefault(&attr, &defaults);
    pid_t pid = -1;
    int rc = ::posix_spawn(&pid, "/bin/sh", &actions, &attr, argv.data(), envp.data());
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attr);
    if (rc != 0) {
      close_all();
      throw DriverError(DriverError::Kind::Crashed,
                        prefix() + "could not be started: /bin/sh: " + std::strerror(rc));
    }
    pid_ = pid;
    close_fd(in[0]);
    close_fd(out[1]);
    close_fd(err[1]);
    stdin_fd_ = in[1];
    stdout_fd_ = out[0];
    stderr_fd_ = err[0];
    wake_read_fd_ = wake[0];
    wake_write_fd_ = wake[1];
    set_nonblocking(stdin_fd_);
    set_nonblocking(stdout_fd_);
    set_nonblocking(stderr_fd_);
  }

  // Milliseconds left until `deadline`, rounded up (0 = expired).
  static int remaining_ms(SteadyClock::time_point deadline) {
    auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - SteadyClock::now());
    return left.count() <= 0 ? 0 : static_cast<int>(std::min<long long>(left.count(), 1 << 30));
  }

  void write_request(const std::string& request, SteadyClock::time_point deadline,
                     const std::string& what) {
    SigpipeBlock block;
    std::size_t off = 0;
    while (off < request.size()) {
      ssize_t n = ::write(stdin_fd_, request.data() + off, request.size() - off);
      if (n > 0) {
        off += static_cast<std::size_t>(n);
        continue;
      }
      if (n < 0 && errno == EINTR) continue;
      if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
        // The pipe is full: the driver is not reading its stdin (busy or stuck).
        int ms = remaining_ms(deadline);
        if (ms == 0) {
          fail(DriverError::Kind::Hung, "did not read " + what + " from its stdin within " +
                                            std::to_string(call_timeout_.count()) + " ms");
        }
        pollfd p{stdin_fd_, POLLOUT, 0};
        ::poll(&p, 1, ms);
        continue;
      }
      int e = errno;
      if (e == EPIPE) fail(DriverError::Kind::Crashed, "closed its stdin before " + what + ": " + exit_description());
      fail(DriverError::Kind::Crashed, "cannot be written to (" + what + "): " + std::strerror(e));
    }
  }

  std::string read_line(SteadyClock::time_point deadline, const std::string& what) {
    char buf[65536];
    for (;;) {
      if (auto nl = out_buffer_.find('\n'); nl != std::string::npos) {
        std::string line = out_buffer_.substr(0, nl);
        out_buffer_.erase(0, nl + 1);
        return line;
      }
      if (out_buffer_.size() > kMaxLineBytes) {
        fail(DriverError::Kind::Garbage, "answered " + what + " with a line longer than " +
                                             std::to_string(kMaxLineBytes) + " bytes: " + shown(out_buffer_));
      }
      int ms = remaining_ms(deadline);
      if (ms == 0) {
        std::string message = "did not answer " + what + " within " + std::to_string(call_timeout_.count()) + " ms";
        if (!out_buffer_.empty()) message += "; partial line so far: " + shown(out_buffer_);
        fail(DriverError::Kind::Hung, message);
      }
      pollfd p{stdout_fd_, POLLIN, 0};
      int ready = ::poll(&p, 1, ms);
      if (ready <= 0) continue;  // timeout (checked above) or EINTR
      ssize_t n = ::read(stdout_fd_, buf, sizeof buf);
      if (n > 0) {
        out_buffer_.append(buf, static_cast<std::size_t>(n));
        continue;
      }
      if (n < 0 && (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK)) continue;
      std::string message = n == 0 ? "closed its stdout instead of answering " + what
                                   : "stdout read failed (" + what + "): " + std::strerror(errno);
      if (!out_buffer_.empty()) message += " (after a partial line: " + shown(out_buffer_) + ")";
      fail(DriverError::Kind::Crashed, message + ": " + exit_description());
    }
  }

  // How the driver ended, waiting up to kExitStatusWait for it to do so. WNOWAIT leaves
  // it a zombie, so its pid (and process group id) cannot be reused before shut_down().
  std::string exit_description() {
    auto until = SteadyClock::now() + kExitStatusWait;
    for (;;) {
      if (auto status = peek_exit()) return *status;
      if (SteadyClock::now() >= until) return "it is still running";
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
  }

  std::optional<std::string> peek_exit() {
    siginfo_t info{};
    if (::waitid(P_PID, static_cast<id_t>(pid_), &info, WEXITED | WNOHANG | WNOWAIT) != 0) {
      return "its exit status is unknown (" + std::string(std::strerror(errno)) + ")";
    }
    if (info.si_pid == 0) return std::nullopt;
    if (info.si_code == CLD_EXITED) {
      std::string text = "it exited with status " + std::to_string(info.si_status);
      // The command runs under sh -c: a driver killed by a signal shows as 128+N.
      if (info.si_status > 128 && info.si_status < 128 + 65) {
        text += " (128+" + std::to_string(info.si_status - 128) + ": killed by " +
                signal_name(info.si_status - 128) + "?)";
      }
      return text;
    }
    return "it was killed by " + signal_name(info.si_status) + " (signal " +
           std::to_string(info.si_status) + (info.si_code == CLD_DUMPED ? ", core dumped)" : ")");
  }

  // The stderr forwarder: whole lines, prefixed. Ends at EOF, or when woken by
  // shut_down() (after a final drain), so a grandchild that escaped the process group and
  // kept our pipe open cannot make the destructor wait.
  void forward_stderr() {
    std::string pending;
    char buf[16384];
    auto flush_lines = [&](bool all) {
      std::size_t start = 0;
      for (;;) {
        auto nl = pending.find('\n', start);
        if (nl == std::string::npos) break;
        write_fully(STDERR_FILENO, "[driver] " + pending.substr(start, nl - start + 1));
        start = nl + 1;
      }
      pending.erase(0, start);
      // A very long or final unterminated line is forwarded as it is.
      if (!pending.empty() && (all || pending.size() > 65536)) {
        write_fully(STDERR_FILENO, "[driver] " + pending + "\n");
        pending.clear();
      }
    };
    // Reads what is available; false at EOF or on an error.
    auto drain = [&] {
      for (;;) {
        ssize_t n = ::read(stderr_fd_, buf, sizeof buf);
        if (n > 0) {
          pending.append(buf, static_cast<std::size_t>(n));
          flush_lines(false);
          continue;
        }
        if (n < 0 && errno == EINTR) continue;
        return n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK);
      }
    };
    for (;;) {
      pollfd p[2] = {{stderr_fd_, POLLIN, 0}, {wake_read_fd_, POLLIN, 0}};
      if (::poll(p, 2, -1) < 0) {
        if (errno == EINTR) continue;
        break;
      }
      if (p[0].revents != 0 && !drain()) break;
      if (p[1].revents != 0) {
        drain();
        break;
      }
    }
    flush_lines(true);
  }

  void shut_down() {
    close_fd(stdin_fd_);  // EOF: the protocol's "end"
    if (pid_ > 0) {
      auto until = SteadyClock::now() + kExitGrace;
      while (!peek_exit() && SteadyClock::now() < until) {
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
      }
      // The whole group, also after a clean exit: whatever the driver left behind would
      // hold the stderr pipe. Safe: the leader is not reaped yet, so the id is still ours.
      ::kill(-pid_, SIGKILL);
      int status = 0;
      while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
      }
      pid_ = -1;
    }
    if (stderr_thread_.joinable()) {
      write_fully(wake_write_fd_, "x");
      stderr_thread_.join();
    }
    close_fd(stdout_fd_);
    close_fd(stderr_fd_);
    close_fd(wake_read_fd_);
    close_fd(wake_write_fd_);
  }

  std::string command_line_;
  std::chrono::milliseconds call_timeout_;
  std::string call_id_;  // sent with every request line while set (concurrent mode)
  pid_t pid_ = -1;
  int stdin_fd_ = -1;
  int stdout_fd_ = -1;
  int stderr_fd_ = -1;
  int wake_read_fd_ = -1;
  int wake_write_fd_ = -1;
  std::string out_buffer_;  // stdout read but not yet consumed (bytes after a line)
  int next_id_ = 0;
  // Set by the first DriverError: its kind and message.
  std::optional<std::pair<DriverError::Kind, std::string>> broken_;
  std::thread stderr_thread_;
};

}  // namespace

std::string_view to_string(DriverError::Kind kind) {
  switch (kind) {
    case DriverError::Kind::Crashed: return "crashed";
    case DriverError::Kind::Hung: return "hung";
    case DriverError::Kind::Garbage: return "garbage";
  }
  return "unknown";
}

std::unique_ptr<ApiClient> make_exec_client(const std::string& command_line,
                                            const std::string& endpoint,
                                            const std::string& access_key_id,
                                            const std::string& access_key_secret,
                                            const std::string& region,
                                            std::chrono::milliseconds call_timeout) {
  if (call_timeout.count() <= 0) throw std::invalid_argument("make_exec_client: call_timeout must be positive");
  return std::make_unique<ExecClient>(command_line, endpoint, access_key_id, access_key_secret,
                                      region, call_timeout);
}

}  // namespace ebsmock::harness
