// connection_control.cpp: descriptor lookup via /proc/self/fd, RST/FIN and hang.
#include "mock/connection_control.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <thread>

namespace ebsmock::mock {
namespace {

bool endpoint_of(const sockaddr_storage& ss, std::string& addr, int& port) {
  char buf[INET6_ADDRSTRLEN] = {};
  if (ss.ss_family == AF_INET) {
    const auto* in = reinterpret_cast<const sockaddr_in*>(&ss);
    inet_ntop(AF_INET, &in->sin_addr, buf, sizeof buf);
    port = ntohs(in->sin_port);
  } else if (ss.ss_family == AF_INET6) {
    const auto* in6 = reinterpret_cast<const sockaddr_in6*>(&ss);
    inet_ntop(AF_INET6, &in6->sin6_addr, buf, sizeof buf);
    port = ntohs(in6->sin6_port);
  } else {
    return false;
  }
  addr = buf;
  return true;
}

struct ConnectedSocket {
  int fd;
  std::string local_addr, peer_addr;
  int local_port, peer_port;
};

// Calls visit() for every connected TCP socket of this process (listening sockets have
// no peer and are skipped) until it returns true. Returns that socket's fd, or -1.
template <typename Visit>
int find_connected_socket(Visit visit) {
  DIR* dir = opendir("/proc/self/fd");
  if (dir == nullptr) return -1;
  int found = -1;
  while (dirent* entry = readdir(dir)) {
    char* end = nullptr;
    long fd = std::strtol(entry->d_name, &end, 10);
    if (end == entry->d_name || *end != '\0' || fd == dirfd(dir)) continue;
    struct stat st{};
    if (fstat(static_cast<int>(fd), &st) != 0 || !S_ISSOCK(st.st_mode)) continue;
    sockaddr_storage peer{}, local{};
    socklen_t len = sizeof peer;
    if (getpeername(static_cast<int>(fd), reinterpret_cast<sockaddr*>(&peer), &len) != 0) continue;
    len = sizeof local;
    if (getsockname(static_cast<int>(fd), reinterpret_cast<sockaddr*>(&local), &len) != 0) continue;
    ConnectedSocket c{static_cast<int>(fd), "", "", 0, 0};
    if (!endpoint_of(peer, c.peer_addr, c.peer_port) || !endpoint_of(local, c.local_addr, c.local_port)) continue;
    if (visit(c)) {
      found = c.fd;
      break;
    }
  }
  closedir(dir);
  return found;
}

}  // namespace

int find_connection_fd(const std::string& remote_addr, int remote_port, int local_port) {
  return find_connected_socket([&](const ConnectedSocket& c) {
    return c.peer_port == remote_port && c.local_port == local_port &&
           (c.peer_addr == remote_addr || "::ffff:" + remote_addr == c.peer_addr ||
            c.peer_addr == "::ffff:" + remote_addr);
  });
}

int shut_reading_of_connections(int local_port) {
  int count = 0;
  find_connected_socket([&](const ConnectedSocket& c) {
    if (c.local_port == local_port && shutdown(c.fd, SHUT_RD) == 0) ++count;
    return false;  // visit them all
  });
  return count;
}

bool abort_connection(int fd, bool reset) {
  if (fd < 0) return false;
  if (reset) {
    linger l{1, 0};
    setsockopt(fd, SOL_SOCKET, SO_LINGER, &l, sizeof l);
  }
  int devnull = open("/dev/null", O_RDWR | O_CLOEXEC);
  if (devnull < 0) return false;
  bool ok = dup2(devnull, fd) >= 0;
  close(devnull);
  return ok;
}

bool hold_until_peer_closes(int fd, std::chrono::milliseconds cap,
                            const std::function<bool()>& should_stop) {
  auto deadline = std::chrono::steady_clock::now() + cap;
  while (std::chrono::steady_clock::now() < deadline && !should_stop()) {
    pollfd p{fd, POLLIN | POLLRDHUP, 0};
    int n = poll(&p, 1, 50);
    if (n > 0) {
      if (p.revents & (POLLRDHUP | POLLHUP | POLLERR)) return true;
      char byte;
      ssize_t got = recv(fd, &byte, 1, MSG_PEEK | MSG_DONTWAIT);
      if (got == 0) return true;
      // Unread bytes (a pipelined request) keep poll() readable; sleep so the hold does
      // not spin while the client is still there.
      if (got > 0) std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  }
  return false;
}

}  // namespace ebsmock::mock
