// paced_load.cpp: an open-loop load generator for tests/bench/bench.sh's "paced" section.
// wrk is closed-loop: each connection sends its next request when the last answer is in,
// so every server runs at its own saturation and a p99 compares queues of different
// lengths. This sends the same requests at a fixed offered rate instead, so two servers
// are compared at the same load, and it charges each answer's latency from the moment its
// request was due, not from when it could be sent: a server that falls behind pays for the
// queue it built (no coordinated omission; the correction wrk2 makes).
//   bench_paced_load --port P --requests FILE --rate R --duration S [--warm-up S]
//                    [--connections 64] [--threads 2] [--timeout-ms 5000]
// FILE is make_requests.cpp's: one raw request per line, each CRLF written as a lone CR.
// Thread t of T takes lines t, t+T, t+2T, ... (as requests.lua), so no two threads send
// the same request; a thread that runs out starts over and counts a wrap (a verifying
// ebsmock refuses the replayed nonces, so bench.sh treats a wrap as an invalid run).
// Schedule: connection c of C sends its k-th request at t0 + (c + k*C)/R, an even R
// requests per second in all. One request in flight per connection (HTTP/1.1 keep-alive,
// like wrk): a request due while its connection still waits for an answer goes as soon as
// that answer is in, its latency still counted from when it was due. A connection the
// server closes (its `Connection: close` at the keep-alive limit) is reopened at once.
// Requests due in the first --warm-up seconds are sent but not measured; requests due
// after warm-up + duration are not sent. Answers still missing --timeout-ms after the end
// count as timeouts, and requests due before the end but never sent by then as unsent
// (both mean the server could not take the offered rate).
// Prints one line:
//   PACED {"offered_rps":..,"connections":..,"duration_s":..,"measured":..,"answered_rps":..,
//          "answered_total":.. (warm-up's answers included, for a server's CPU per request),
//          "p50_ms":..,"p90_ms":..,"p99_ms":..,"p999_ms":..,"max_ms":..,"late_sends":..,
//          "statuses":{"200":..},"errors":{"connect":..,"read":..,"write":..,"timeout":..},"unsent":..,"wraps":..,
//          "reopened":..}
// late_sends counts measured requests sent more than 1 ms after they were due; reopened,
// the connections the server closed (or that failed) and that were opened again.
// Threads: each sender thread owns its connections, its lines and its latencies; the main
// thread reads the file before they start and merges their results after they are joined.
#include <sys/epoll.h>
#include <sys/prctl.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <chrono>
#include <cinttypes>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "tests/support/socket_client.h"

namespace {

using Clock = std::chrono::steady_clock;
using ebsmock::testing::Socket;

struct Options {
  int port = 0;
  std::string requests;
  double rate = 0;
  double duration_s = 0;
  double warm_up_s = 0;
  int connections = 64;
  int threads = 2;
  int timeout_ms = 5000;
};

// What one sender thread saw; merged by the main thread.
struct Tally {
  std::vector<std::uint32_t> latencies_us;  // measured answers only
  std::uint64_t answered = 0;               // every answer, warm-up's included
  std::map<int, std::uint64_t> statuses;
  std::uint64_t connect_errors = 0, read_errors = 0, write_errors = 0, timeouts = 0, unsent = 0, wraps = 0;
  std::uint64_t late_sends = 0;
  std::uint64_t reopened = 0;  // connections the server closed (or that failed), opened again
};

struct Connection {
  Socket socket;
  int index = 0;             // its place in the whole schedule, 0..C-1
  std::uint64_t next = 0;    // k of the next request to send
  bool in_flight = false;
  bool measured = false;     // the request in flight is one whose latency counts
  Clock::time_point due;     // when the request in flight was due
  std::string_view unsent;   // the rest of the request in flight not yet written
  std::string in;            // the answer so far
};

class Sender {
 public:
  Sender(const Options& o, std::vector<std::string_view> lines, int first_index, int count)
      : o_(o), lines_(std::move(lines)) {
    connections_.resize(static_cast<std::size_t>(count));
    for (int i = 0; i < count; ++i) connections_[static_cast<std::size_t>(i)].index = first_index + i;
  }

  // Opens every connection; false (and a message) when one cannot be made.
  bool connect_all() {
    epoll_ = ::epoll_create1(EPOLL_CLOEXEC);
    if (epoll_ < 0) return false;
    for (auto& c : connections_) {
      if (!open(c)) {
        std::cerr << "bench_paced_load: cannot connect to 127.0.0.1:" << o_.port << "\n";
        return false;
      }
    }
    return true;
  }

  void run(Clock::time_point t0) {
    t0_ = t0;
    measure_from_ = t0 + to_duration(o_.warm_up_s);
    end_ = measure_from_ + to_duration(o_.duration_s);
    const auto give_up = end_ + std::chrono::milliseconds(o_.timeout_ms);
    std::array<epoll_event, 64> events{};
    for (;;) {
      auto now = Clock::now();
      bool waiting = false;
      auto wake = give_up;
      for (auto& c : connections_) {
        if (c.in_flight) {
          waiting = true;
          continue;
        }
        const auto due = due_of(c, c.next);
        if (due >= end_) continue;
        if (due <= now) {
          send_next(c, due, now);
          waiting = true;
        } else {
          wake = std::min(wake, due);
          waiting = true;
        }
      }
      if (!waiting || now >= give_up) break;
      const auto left = std::max<Clock::duration>(wake - now, Clock::duration::zero());
      const auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(left).count();
      timespec timeout{static_cast<time_t>(ns / 1'000'000'000), static_cast<long>(ns % 1'000'000'000)};
      const int n = ::epoll_pwait2(epoll_, events.data(), static_cast<int>(events.size()), &timeout, nullptr);
      for (int i = 0; i < n; ++i) on_event(connections_[events[static_cast<std::size_t>(i)].data.u32], events[static_cast<std::size_t>(i)].events);
    }
    for (auto& c : connections_) {
      if (c.in_flight && c.measured) ++tally_.timeouts;
      // The measured requests due before the end that were never sent.
      const auto from = std::max(c.next, first_due_at_or_after(c, measure_from_));
      const auto to = first_due_at_or_after(c, end_);
      if (to > from) tally_.unsent += to - from;
    }
  }

  Tally& tally() { return tally_; }
  ~Sender() {
    if (epoll_ >= 0) ::close(epoll_);
  }

 private:
  static Clock::duration to_duration(double seconds) {
    return std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
  }

  Clock::time_point due_of(const Connection& c, std::uint64_t k) const {
    const double at = (static_cast<double>(c.index) + static_cast<double>(k) * o_.connections) / o_.rate;
    return t0_ + to_duration(at);
  }

  // The first k whose request is due at or after `t` on connection c: the arithmetic
  // estimate, then moved onto due_of's own rounding (a rate far beyond what is sent must
  // not make counting the unsent a loop over every slot).
  std::uint64_t first_due_at_or_after(const Connection& c, Clock::time_point t) const {
    const double seconds = std::chrono::duration<double>(t - t0_).count();
    const double estimate = std::ceil((seconds * o_.rate - c.index) / o_.connections);
    std::uint64_t k = estimate > 0 ? static_cast<std::uint64_t>(estimate) : 0;
    while (k > 0 && due_of(c, k - 1) >= t) --k;
    while (due_of(c, k) < t) ++k;
    return k;
  }

  // What epoll hands back for c: its place in connections_ (which never reallocates).
  std::uint32_t key_of(const Connection& c) const { return static_cast<std::uint32_t>(&c - connections_.data()); }

  bool open(Connection& c) {
    c.socket = Socket::connect(o_.port);  // loopback: the handshake is done when this returns
    if (!c.socket.valid()) return false;
    ::fcntl(c.socket.fd(), F_SETFL, ::fcntl(c.socket.fd(), F_GETFL) | O_NONBLOCK);
    epoll_event e{};
    e.events = EPOLLIN;
    e.data.u32 = key_of(c);
    return ::epoll_ctl(epoll_, EPOLL_CTL_ADD, c.socket.fd(), &e) == 0;
  }

  // The connection is gone (the server closed it, or it failed): a new one, at once.
  void reopen(Connection& c) {
    ++tally_.reopened;
    c.socket.close();
    c.in.clear();
    c.in_flight = false;
    c.unsent = {};
    if (!open(c)) ++tally_.connect_errors;
  }

  void send_next(Connection& c, Clock::time_point due, Clock::time_point now) {
    if (!c.socket.valid() && !open(c)) {
      ++tally_.connect_errors;
      ++c.next;
      return;
    }
    c.due = due;
    c.measured = due >= measure_from_;
    if (c.measured && now - due > std::chrono::milliseconds(1)) ++tally_.late_sends;
    if (cursor_ == lines_.size()) {
      cursor_ = 0;
      ++tally_.wraps;
    }
    c.unsent = lines_[cursor_++];
    c.in_flight = true;
    c.in.clear();
    ++c.next;
    write_some(c);
  }

  void write_some(Connection& c) {
    while (!c.unsent.empty()) {
      const ssize_t n = ::send(c.socket.fd(), c.unsent.data(), c.unsent.size(), MSG_NOSIGNAL);
      if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) break;
      if (n <= 0) {
        if (c.measured) ++tally_.write_errors;
        reopen(c);
        return;
      }
      c.unsent.remove_prefix(static_cast<std::size_t>(n));
    }
    epoll_event e{};
    e.events = EPOLLIN | (c.unsent.empty() ? 0u : static_cast<std::uint32_t>(EPOLLOUT));
    e.data.u32 = key_of(c);
    ::epoll_ctl(epoll_, EPOLL_CTL_MOD, c.socket.fd(), &e);
  }

  void on_event(Connection& c, std::uint32_t events) {
    if ((events & EPOLLOUT) && !c.unsent.empty()) write_some(c);
    if (!(events & (EPOLLIN | EPOLLHUP | EPOLLERR))) return;
    char buf[16384];
    for (;;) {
      const ssize_t n = ::recv(c.socket.fd(), buf, sizeof buf, 0);
      if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return;
      if (n <= 0) {  // closed or failed: a lost answer if one was awaited
        if (c.in_flight && c.measured) ++tally_.read_errors;
        reopen(c);
        return;
      }
      c.in.append(buf, static_cast<std::size_t>(n));
      const auto frame = ebsmock::testing::frame_response(c.in);
      if (!frame || !ebsmock::testing::complete_response_size(c.in, *frame)) continue;
      if (c.in_flight) ++tally_.answered;
      if (c.in_flight && c.measured) {
        const auto us = std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - c.due).count();
        tally_.latencies_us.push_back(static_cast<std::uint32_t>(std::max<std::int64_t>(us, 0)));
        ++tally_.statuses[frame->status];
      }
      c.in_flight = false;
      c.in.clear();
      if (frame->closes) reopen(c);
      return;
    }
  }

  const Options& o_;
  std::vector<std::string_view> lines_;
  std::size_t cursor_ = 0;
  std::vector<Connection> connections_;
  int epoll_ = -1;
  Clock::time_point t0_, measure_from_, end_;
  Tally tally_;
};

int usage() {
  std::cerr << "usage: bench_paced_load --port P --requests FILE --rate R --duration S [--warm-up S]\n"
               "                        [--connections 64] [--threads 2] [--timeout-ms 5000]\n";
  return 2;
}

bool parse(int argc, char** argv, Options& o) {
  for (int i = 1; i < argc; ++i) {
    const std::string_view flag = argv[i];
    if (i + 1 >= argc) return false;
    const char* v = argv[++i];
    char* end = nullptr;
    if (flag == "--port") o.port = static_cast<int>(std::strtol(v, &end, 10));
    else if (flag == "--requests") { o.requests = v; continue; }
    else if (flag == "--rate") o.rate = std::strtod(v, &end);
    else if (flag == "--duration") o.duration_s = std::strtod(v, &end);
    else if (flag == "--warm-up") o.warm_up_s = std::strtod(v, &end);
    else if (flag == "--connections") o.connections = static_cast<int>(std::strtol(v, &end, 10));
    else if (flag == "--threads") o.threads = static_cast<int>(std::strtol(v, &end, 10));
    else if (flag == "--timeout-ms") o.timeout_ms = static_cast<int>(std::strtol(v, &end, 10));
    else return false;
    if (end == v || *end != '\0') return false;
  }
  return o.port > 0 && o.port < 65536 && !o.requests.empty() && o.rate > 0 && o.duration_s > 0 &&
         o.warm_up_s >= 0 && o.threads > 0 && o.connections >= o.threads && o.timeout_ms > 0;
}

double percentile_ms(const std::vector<std::uint32_t>& sorted, double q) {
  if (sorted.empty()) return 0;
  const auto i = std::min(sorted.size() - 1, static_cast<std::size_t>(q * static_cast<double>(sorted.size())));
  return sorted[i] / 1000.0;
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  if (!parse(argc, argv, o)) return usage();
  // Every line, CRs turned back into CRLFs, in one buffer the threads' views point into.
  std::ifstream file(o.requests, std::ios::binary);
  if (!file) {
    std::cerr << "bench_paced_load: cannot read " << o.requests << "\n";
    return 1;
  }
  std::string all;
  std::vector<std::pair<std::size_t, std::size_t>> spans;
  for (std::string line; std::getline(file, line);) {
    if (line.empty()) continue;
    const auto start = all.size();
    for (char ch : line) {
      if (ch == '\r') all += "\r\n";
      else all += ch;
    }
    spans.emplace_back(start, all.size() - start);
  }
  if (spans.size() < static_cast<std::size_t>(o.threads)) {
    std::cerr << "bench_paced_load: " << o.requests << " holds fewer requests than threads\n";
    return 1;
  }
  // Sleeps to the next due time should end on time, not up to 50 µs late (the default).
  ::prctl(PR_SET_TIMERSLACK, 1UL);

  std::vector<std::unique_ptr<Sender>> senders;
  for (int t = 0; t < o.threads; ++t) {
    std::vector<std::string_view> lines;
    for (std::size_t i = static_cast<std::size_t>(t); i < spans.size(); i += static_cast<std::size_t>(o.threads)) {
      lines.emplace_back(all.data() + spans[i].first, spans[i].second);
    }
    const int first = o.connections * t / o.threads;
    const int count = o.connections * (t + 1) / o.threads - first;
    senders.push_back(std::make_unique<Sender>(o, std::move(lines), first, count));
    if (!senders.back()->connect_all()) return 1;
  }
  const auto t0 = Clock::now() + std::chrono::milliseconds(20);
  std::vector<std::thread> threads;
  for (auto& s : senders) threads.emplace_back([&s, t0] {
    ::prctl(PR_SET_TIMERSLACK, 1UL);
    s->run(t0);
  });
  for (auto& t : threads) t.join();

  Tally all_tally;
  for (auto& s : senders) {
    auto& t = s->tally();
    all_tally.latencies_us.insert(all_tally.latencies_us.end(), t.latencies_us.begin(), t.latencies_us.end());
    for (auto [status, n] : t.statuses) all_tally.statuses[status] += n;
    all_tally.answered += t.answered;
    all_tally.connect_errors += t.connect_errors;
    all_tally.read_errors += t.read_errors;
    all_tally.write_errors += t.write_errors;
    all_tally.timeouts += t.timeouts;
    all_tally.unsent += t.unsent;
    all_tally.wraps += t.wraps;
    all_tally.late_sends += t.late_sends;
    all_tally.reopened += t.reopened;
  }
  auto& lat = all_tally.latencies_us;
  std::sort(lat.begin(), lat.end());
  std::string statuses;
  for (auto [status, n] : all_tally.statuses) {
    statuses += (statuses.empty() ? "" : ",") + std::string("\"") + std::to_string(status) + "\":" + std::to_string(n);
  }
  std::printf(
      "PACED {\"offered_rps\":%.1f,\"connections\":%d,\"duration_s\":%.3f,\"measured\":%zu,"
      "\"answered_rps\":%.1f,\"answered_total\":%" PRIu64 ",\"p50_ms\":%.3f,\"p90_ms\":%.3f,\"p99_ms\":%.3f,\"p999_ms\":%.3f,"
      "\"max_ms\":%.3f,\"late_sends\":%" PRIu64 ",\"statuses\":{%s},\"errors\":{\"connect\":%" PRIu64
      ",\"read\":%" PRIu64 ",\"write\":%" PRIu64 ",\"timeout\":%" PRIu64 "},\"unsent\":%" PRIu64 ",\"wraps\":%" PRIu64 ",\"reopened\":%" PRIu64 "}\n",
      o.rate, o.connections, o.duration_s, lat.size(), static_cast<double>(lat.size()) / o.duration_s,
      all_tally.answered,
      percentile_ms(lat, 0.50), percentile_ms(lat, 0.90), percentile_ms(lat, 0.99), percentile_ms(lat, 0.999),
      lat.empty() ? 0.0 : lat.back() / 1000.0, all_tally.late_sends, statuses.c_str(), all_tally.connect_errors,
      all_tally.read_errors, all_tally.write_errors, all_tally.timeouts, all_tally.unsent, all_tally.wraps, all_tally.reopened);
  return 0;
}
