// http_server.cpp: cpp-httplib wiring and the one place connection actions are applied.
#include "mock/http_server.h"

#include <sys/socket.h>

#include "mock/connection_control.h"
#include "mock/latency_probe.h"

namespace ebsmock::mock {
namespace {

// Set while a worker writes an answer our handler produced: cpp-httplib calls the error
// handler for every status >= 400, and only its own failures (empty bodies it made) may
// be turned into error bodies. A worker handles one request at a time, start to finish.
thread_local bool answered_by_handler = false;

RawRequest to_raw(const httplib::Request& req) {
  RawRequest raw;
  raw.method = req.method;
  raw.target = req.target;
  raw.body = req.body;
  raw.remote_addr = req.remote_addr;
  raw.headers.reserve(req.headers.size());
  for (const auto& [k, v] : req.headers) {
    // cpp-httplib adds these pseudo-headers itself; they were not sent by the client and
    // must not enter a V3 canonical request.
    if (k == "REMOTE_ADDR" || k == "REMOTE_PORT" || k == "LOCAL_ADDR" || k == "LOCAL_PORT") continue;
    raw.headers.emplace_back(k, v);
  }
  return raw;
}

void write(Answer&& from, httplib::Response& res) {
  res.status = from.status;
  for (const auto& [k, v] : from.headers) res.set_header(k, v);
  // What set_content does, with the body moved instead of copied (cpp-httplib 0.11.4 has
  // no overload taking it by value).
  res.body = std::move(from.body);
  res.headers.erase("Content-Type");
  res.set_header("Content-Type", from.content_type);
}

}  // namespace

HttpServer::HttpServer(RequestHandler& handler, HttpServerOptions options, std::shared_ptr<Clock> wait_clock)
    : handler_(handler), options_(options), wait_clock_(wait_clock ? std::move(wait_clock) : make_real_clock()) {
  server_.new_task_queue = [opts = options_] {
    return new ElasticThreadPool(opts.min_threads, opts.max_threads, opts.worker_nice);
  };
  server_.set_payload_max_length(options_.max_body_bytes);
  // Without it, Nagle + delayed ACK add ~40 ms to every answer on a reused keep-alive
  // connection (small header and body writes).
  server_.set_tcp_nodelay(true);
  server_.set_keep_alive_timeout(options_.keep_alive_seconds);
  server_.set_keep_alive_max_count(options_.keep_alive_max_requests);
  // Replaces cpp-httplib's default options for the listening socket: SO_REUSEADDR only.
  // Its default SO_REUSEPORT lets a second server bind the same port and silently take
  // half the connections. The descriptor is kept to widen the backlog and to stop.
  server_.set_socket_options([this](socket_t sock) {
    int yes = 1;
    ::setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
    listen_fd_ = sock;
  });
  server_.set_read_timeout(options_.read_timeout_seconds, 0);
  auto route = [this](const httplib::Request& req, httplib::Response& res) { dispatch(req, res); };
  server_.Get(".*", route);
  server_.Post(".*", route);
  server_.Put(".*", route);
  server_.Delete(".*", route);
  server_.Patch(".*", route);
  server_.Options(".*", route);
  // cpp-httplib 0.11.4 refuses a POST that has neither Content-Length nor chunked framing
  // (e.g. `curl -X POST URL`) with a bare 400. Such a request has no body by definition,
  // so answer it here, before cpp-httplib tries to read one.
  server_.set_pre_routing_handler([this](const httplib::Request& req, httplib::Response& res) {
    if (req.has_header("Content-Length") || req.has_header("Transfer-Encoding")) {
      return httplib::Server::HandlerResponse::Unhandled;
    }
    dispatch(req, res);
    return httplib::Server::HandlerResponse::Handled;
  });
  server_.set_error_handler(httplib::Server::HandlerWithResponse([this](const httplib::Request& req,
                                                                       httplib::Response& res) {
    if (answered_by_handler) {
      answered_by_handler = false;
      return httplib::Server::HandlerResponse::Unhandled;
    }
    on_http_failure(res.status == 413 ? HttpFailure::BodyTooLarge : HttpFailure::Malformed, req, res);
    return httplib::Server::HandlerResponse::Handled;
  }));
  server_.set_exception_handler([this](const httplib::Request& req, httplib::Response& res, std::exception_ptr) {
    res.status = 500;
    on_http_failure(HttpFailure::HandlerException, req, res);
    answered_by_handler = true;  // the error handler runs next (status 500) and must keep it
  });
}

HttpServer::~HttpServer() { stop(); }

int HttpServer::bind(const std::string& host, int port) {
  int bound = port == 0 ? server_.bind_to_any_port(host) : (server_.bind_to_port(host, port) ? port : -1);
  port_ = bound;
  // cpp-httplib 0.11.4 listens with a backlog of 5: a burst of new connections overflows
  // the accept queue and the overflow waits for SYN retransmits (1 s, 3 s, ...). Calling
  // listen() again on a listening socket only changes its backlog.
  if (bound >= 0 && listen_fd_ >= 0) ::listen(listen_fd_, SOMAXCONN);
  return bound;
}

bool HttpServer::run() {
  // After stop(), accept() fails at once and cpp-httplib closes the socket and returns
  // false: a stop, not a failure.
  bool ok = server_.listen_after_bind();
  return ok || stopping_.stop_requested();
}

void HttpServer::stop() {
  stopping_.request_stop();  // ends delays and holds inside handlers
  // Shutting the listening socket makes accept() fail, whether or not run() has reached
  // it yet, so a stop right after bind() is never lost; cpp-httplib then closes it. Only
  // once: after that the descriptor number may belong to someone else.
  if (int fd = listen_fd_.exchange(-1); fd >= 0) ::shutdown(fd, SHUT_RDWR);
  // Workers idling on keep-alive connections would otherwise notice the stop only after
  // the keep-alive timeout (5 s); EOF on their socket wakes them now.
  if (port_ >= 0) shut_reading_of_connections(port_);
}

void HttpServer::dispatch(const httplib::Request& req, httplib::Response& res) {
  LatencySpan span(latency_probe().handler);
  apply(handler_.handle(to_raw(req), stopping_.get_token()), req, res);
}

void HttpServer::on_http_failure(HttpFailure failure, const httplib::Request& req, httplib::Response& res) {
  const int status = res.status;
  std::string detail = failure == HttpFailure::BodyTooLarge ? std::to_string(options_.max_body_bytes) : "";
  write(handler_.on_http_failure(failure, status, detail, to_raw(req)), res);
  res.status = status;
}

void HttpServer::apply(ConnectionAction action, const httplib::Request& req, httplib::Response& res) {
  answered_by_handler = true;
  std::visit(
      [&](auto& a) {
        using A = std::decay_t<decltype(a)>;
        if constexpr (std::is_same_v<A, Respond>) {
          write(std::move(a.answer), res);
          answered_by_handler = a.answer.status >= 400;
        } else if constexpr (std::is_same_v<A, RespondTruncated>) {
          // The real headers (with the full Content-Length), half the body, then a close:
          // returning false from the provider makes cpp-httplib drop the connection.
          res.status = a.answer.status;
          for (const auto& [k, v] : a.answer.headers) res.set_header(k, v);
          auto body = std::make_shared<std::string>(std::move(a.answer.body));
          res.set_content_provider(body->size(), a.answer.content_type,
                                   [body](size_t offset, size_t, httplib::DataSink& sink) {
                                     if (offset == 0) sink.write(body->data(), body->size() / 2);
                                     return false;
                                   });
          answered_by_handler = a.answer.status >= 400;
        } else if constexpr (std::is_same_v<A, StreamChunks>) {
          res.status = a.head.status;
          for (const auto& [k, v] : a.head.headers) res.set_header(k, v);
          // The source waits on the stop token, so a stop ends the stream within one tick;
          // a write that fails (the peer left) ends it too, and frees the worker.
          res.set_chunked_content_provider(
              a.head.content_type,
              [source = a.source, stop = stopping_.get_token()](size_t, httplib::DataSink& sink) {
                auto chunk = source->next(stop);
                if (!chunk) {
                  sink.done();
                  return true;
                }
                return sink.write(chunk->data(), chunk->size());
              });
          answered_by_handler = a.head.status >= 400;
        } else {
          const int fd = find_connection_fd(req.remote_addr, req.remote_port, port_.load());
          bool reset = false;
          if constexpr (std::is_same_v<A, HoldThenDrop>) {
            hold(fd, a.cap, *wait_clock_, stopping_.get_token());
          } else {
            reset = a.reset;
          }
          // Whatever cpp-httplib writes after this goes to /dev/null. If the socket could
          // not be found, a 500 without a body (the error handler leaves it alone) and
          // Connection: close still keep the client from a usable answer.
          if (!abort_connection(fd, reset)) res.status = 500;
          res.set_header("Connection", "close");
          answered_by_handler = res.status >= 400;
        }
      },
      action);
}

}  // namespace ebsmock::mock
