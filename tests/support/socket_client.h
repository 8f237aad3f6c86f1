// socket_client.h: a raw loopback TCP client for tests that must choose the bytes and
// what happens to the connection themselves (half-sent requests, resets, holds, bursts of
// connections). The one copy of the socket code every such test and tool uses.
// Header-only. A Socket is one connection, used by one thread at a time; move-only.
#pragma once

#include <arpa/inet.h>
#include <cerrno>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace ebsmock::testing {

// The framing of one HTTP response whose head is complete: its status, where its body
// starts, how the body ends (Content-Length, or chunked transfer coding; a response with
// neither runs until the peer closes, which a caller reading keep-alive answers treats as
// not framed), and whether the server said it will close the connection after it.
struct ResponseFrame {
  int status = 0;
  std::size_t body_start = 0;
  std::size_t content_length = 0;  // when !chunked
  bool chunked = false;
  bool closes = false;
};

// The frame of the response at the start of `text`, once its head (through the blank
// line) is all there and says how its body ends; nullopt before that.
inline std::optional<ResponseFrame> frame_response(std::string_view text) {
  const auto head_end = text.find("\r\n\r\n");
  if (head_end == std::string_view::npos || text.size() < 12) return std::nullopt;
  ResponseFrame frame;
  frame.status = std::atoi(std::string(text.substr(9, 3)).c_str());
  frame.body_start = head_end + 4;
  bool has_length = false;
  auto lower_equals = [](std::string_view a, std::string_view lower) {
    return a.size() == lower.size() &&
           std::equal(a.begin(), a.end(), lower.begin(), [](char x, char y) {
             return std::tolower(static_cast<unsigned char>(x)) == y;
           });
  };
  for (std::size_t at = text.find("\r\n") + 2; at < head_end;) {
    const auto eol = text.find("\r\n", at);
    const std::string_view line = text.substr(at, eol - at);
    at = eol + 2;
    const auto colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    std::string_view value = line.substr(colon + 1);
    while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
    value = value.substr(0, value.find_last_not_of(" \t") + 1);
    if (lower_equals(line.substr(0, colon), "content-length")) {
      frame.content_length = std::strtoul(std::string(value).c_str(), nullptr, 10);
      has_length = true;
    } else if (lower_equals(line.substr(0, colon), "transfer-encoding")) {
      frame.chunked = lower_equals(value, "chunked");
    } else if (lower_equals(line.substr(0, colon), "connection")) {
      frame.closes = lower_equals(value, "close");
    }
  }
  if (!has_length && !frame.chunked) return std::nullopt;
  return frame;
}

// How many bytes of `text` the response at its start takes, once all of it is there
// (the body's Content-Length, or its chunks through the last, empty one and the blank
// line after any trailers); nullopt before that. `frame` is frame_response(text)'s.
inline std::optional<std::size_t> complete_response_size(std::string_view text, const ResponseFrame& frame) {
  if (!frame.chunked) {
    const auto size = frame.body_start + frame.content_length;
    return text.size() >= size ? std::optional<std::size_t>(size) : std::nullopt;
  }
  for (std::size_t at = frame.body_start;;) {
    const auto eol = text.find("\r\n", at);
    if (eol == std::string_view::npos) return std::nullopt;
    char* end = nullptr;
    const std::string size_line(text.substr(at, eol - at));
    const auto chunk = std::strtoul(size_line.c_str(), &end, 16);
    if (end == size_line.c_str()) return std::nullopt;  // not a chunk size: never completes
    if (chunk == 0) {  // trailers, if any, then the blank line
      const auto blank = text.find("\r\n\r\n", eol);
      return blank == std::string_view::npos ? std::nullopt : std::optional<std::size_t>(blank + 4);
    }
    at = eol + 2 + chunk + 2;  // the chunk's data and its CRLF
    if (at > text.size()) return std::nullopt;
  }
}

// The same, framing the head itself; nullopt too when the response is not framed.
inline std::optional<std::size_t> complete_response_size(std::string_view text) {
  const auto frame = frame_response(text);
  return frame ? complete_response_size(text, *frame) : std::nullopt;
}

// Whether `text` holds one complete HTTP response (see complete_response_size).
inline bool has_complete_response(std::string_view text) { return complete_response_size(text).has_value(); }

class Socket {
 public:
  // A connection to 127.0.0.1:port; !valid() when it could not be made.
  static Socket connect(int port, bool blocking = true) {
    Socket s(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | (blocking ? 0 : SOCK_NONBLOCK), 0));
    if (!s.valid()) return s;
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<uint16_t>(port));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(s.fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 &&
        !(!blocking && errno == EINPROGRESS)) {
      s.close();
    }
    return s;
  }

  Socket() = default;
  explicit Socket(int fd) : fd_(fd) {}
  ~Socket() { close(); }
  Socket(Socket&& o) noexcept : fd_(std::exchange(o.fd_, -1)) {}
  Socket& operator=(Socket&& o) noexcept {
    if (this != &o) {
      close();
      fd_ = std::exchange(o.fd_, -1);
    }
    return *this;
  }
  Socket(const Socket&) = delete;
  Socket& operator=(const Socket&) = delete;

  bool valid() const { return fd_ >= 0; }
  int fd() const { return fd_; }

  // For a connection started with connect(port, false): waits until the handshake is
  // complete (true) or failed (false). `guard_ms` only keeps a broken test from hanging.
  bool wait_connected(int guard_ms = 30'000) const {
    pollfd p{fd_, POLLOUT, 0};
    if (::poll(&p, 1, guard_ms) <= 0) return false;
    int err = 0;
    socklen_t len = sizeof err;
    return ::getsockopt(fd_, SOL_SOCKET, SO_ERROR, &err, &len) == 0 && err == 0;
  }

  // Sends every byte; false when the peer stopped reading first.
  bool send_all(std::string_view bytes) const {
    while (!bytes.empty()) {
      ssize_t n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
      if (n <= 0) return false;
      bytes.remove_prefix(static_cast<std::size_t>(n));
    }
    return true;
  }

  // Reads one complete response (Content-Length framing), or what came before the peer
  // closed; "" when nothing came within `guard_ms` (a guard, not a timing assertion).
  std::string read_response(int guard_ms = 30'000) const {
    std::string in;
    char buf[16384];
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(guard_ms);
    while (!has_complete_response(in)) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
      pollfd p{fd_, POLLIN, 0};
      if (left.count() <= 0 || ::poll(&p, 1, static_cast<int>(left.count())) <= 0) break;
      ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
      if (n <= 0) break;
      in.append(buf, static_cast<std::size_t>(n));
    }
    return in;
  }

  // One recv(): the byte count (0 = orderly close), or -1 with `*error` set (errno).
  ssize_t receive_once(char* buf, std::size_t size, int* error, int guard_ms = 30'000) const {
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, guard_ms) <= 0) {
      *error = ETIMEDOUT;
      return -1;
    }
    ssize_t n = ::recv(fd_, buf, size, 0);
    *error = n < 0 ? errno : 0;
    return n;
  }

  // Readable before anything was asked: the peer closed (or reset) the connection.
  bool peer_closed() const {
    pollfd p{fd_, POLLIN, 0};
    return ::poll(&p, 1, 0) != 0;
  }

  void shutdown_write() const { ::shutdown(fd_, SHUT_WR); }

  void close() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

 private:
  int fd_ = -1;
};

}  // namespace ebsmock::testing
