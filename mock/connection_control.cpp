// connection_control.cpp: descriptor lookup via /proc/self/fd, RST/FIN and holds.
#include "mock/connection_control.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <fcntl.h>
#include <poll.h>
#include <sys/eventfd.h>
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

void hold(int fd, contracts::Duration cap, Clock& clock, std::stop_token stop) {
  if (fd < 0) {
    clock.sleep_for(cap, stop);
    return;
  }
  std::stop_source give_up;
  std::stop_callback on_stop(stop, [&] { give_up.request_stop(); });
  // The watcher blocks in poll() on the peer's half-close (POLLRDHUP; unread request
  // bytes do not wake it) and on an eventfd that tells it the hold is over.
  int done = eventfd(0, EFD_CLOEXEC);
  std::thread watcher([&] {
    pollfd p[2] = {{fd, POLLRDHUP, 0}, {done, POLLIN, 0}};
    while (poll(p, done >= 0 ? 2 : 1, done >= 0 ? -1 : 50) < 0 && errno == EINTR) {
    }
    if (p[0].revents & (POLLRDHUP | POLLHUP | POLLERR)) give_up.request_stop();
  });
  clock.sleep_for(cap, give_up.get_token());
  if (done >= 0) {
    std::uint64_t one = 1;
    (void)!write(done, &one, sizeof one);
  }
  watcher.join();
  if (done >= 0) close(done);
}

}  // namespace ebsmock::mock
