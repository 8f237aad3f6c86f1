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

}  // namespace

int find_connection_fd(const std::string& remote_addr, int remote_port, int local_port) {
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
    std::string peer_addr, local_addr;
    int peer_port = 0, lport = 0;
    if (!endpoint_of(peer, peer_addr, peer_port) || !endpoint_of(local, local_addr, lport)) continue;
    if (peer_port == remote_port && lport == local_port &&
        (peer_addr == remote_addr || "::ffff:" + remote_addr == peer_addr ||
         peer_addr == "::ffff:" + remote_addr)) {
      found = static_cast<int>(fd);
      break;
    }
  }
  closedir(dir);
  return found;
}

int shut_reading_of_connections(int local_port) {
  DIR* dir = opendir("/proc/self/fd");
  if (dir == nullptr) return 0;
  int count = 0;
  while (dirent* entry = readdir(dir)) {
    char* end = nullptr;
    long fd = std::strtol(entry->d_name, &end, 10);
    if (end == entry->d_name || *end != '\0' || fd == dirfd(dir)) continue;
    struct stat st{};
    if (fstat(static_cast<int>(fd), &st) != 0 || !S_ISSOCK(st.st_mode)) continue;
    sockaddr_storage peer{}, local{};
    socklen_t len = sizeof peer;
    // Connected sockets only: the listening socket has no peer.
    if (getpeername(static_cast<int>(fd), reinterpret_cast<sockaddr*>(&peer), &len) != 0) continue;
    len = sizeof local;
    if (getsockname(static_cast<int>(fd), reinterpret_cast<sockaddr*>(&local), &len) != 0) continue;
    std::string local_addr;
    int lport = 0;
    if (!endpoint_of(local, local_addr, lport) || lport != local_port) continue;
    if (shutdown(static_cast<int>(fd), SHUT_RD) == 0) ++count;
  }
  closedir(dir);
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
