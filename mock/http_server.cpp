// http_server.cpp: cpp-httplib wiring.
#include "mock/http_server.h"

#include <sys/socket.h>

#include <chrono>
#include <thread>

#include "mock/connection_control.h"

namespace ebsmock::mock {
namespace {

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

void write(const HttpResponse& from, httplib::Response& res) {
  res.status = from.status;
  for (const auto& [k, v] : from.headers) res.set_header(k, v);
  res.set_content(from.body, from.content_type);
}

}  // namespace

HttpServer::HttpServer(Service& service, HttpServerOptions options)
    : service_(service), admin_(service, options.admin_token), options_(options) {
  server_.new_task_queue = [opts = options_] {
    return new ElasticThreadPool(opts.min_threads, opts.max_threads);
  };
  server_.set_payload_max_length(options_.max_body_bytes);
  // Without it, Nagle + delayed ACK add ~40 ms to every answer on a reused keep-alive
  // connection (small header and body writes).
  server_.set_tcp_nodelay(true);
  server_.set_keep_alive_timeout(options_.keep_alive_seconds);
  server_.set_keep_alive_max_count(options_.keep_alive_max_requests);
  // Replaces cpp-httplib's default options for the listening socket: SO_REUSEADDR only.
  // Its default SO_REUSEPORT lets a second server bind the same port and silently take
  // half the connections. The descriptor is kept to widen the backlog after bind().
  server_.set_socket_options([this](socket_t sock) {
    int yes = 1;
    ::setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
    listen_fd_ = sock;
  });
  server_.set_read_timeout(options_.read_timeout_seconds, 0);
  auto handler = [this](const httplib::Request& req, httplib::Response& res) { dispatch(req, res); };
  server_.Get(".*", handler);
  server_.Post(".*", handler);
  server_.Put(".*", handler);
  server_.Delete(".*", handler);
  server_.Patch(".*", handler);
  server_.Options(".*", handler);
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
  // Failures cpp-httplib detects before routing (oversized body, unparsable request)
  // still get the documented Alibaba error body.
  server_.set_error_handler([this](const httplib::Request& req, httplib::Response& res) {
    if (!res.body.empty() || res.content_provider_) return;  // answered, or a truncate fault
    std::string host = req.get_header_value("Host");
    contracts::ApiError err;
    if (res.status == 413) {
      err = service_.errors().make(contracts::codes::kRequestBodyTooLarge,
                                   std::to_string(options_.max_body_bytes));
    } else {
      err = service_.errors().make(contracts::codes::kInvalidParameter, "",
                                   "The HTTP request is malformed.");
    }
    int status = res.status;
    write(service_.error_response(err, host), res);
    res.status = status;  // keep the transport-level status (413, 400, ...)
  });
  server_.set_exception_handler([this](const httplib::Request& req, httplib::Response& res,
                                       std::exception_ptr) {
    // A bug of ours, not the client's: answer like the real service's unknown failure.
    write(service_.error_response(service_.errors().make(contracts::codes::kInternalError),
                                  req.get_header_value("Host")),
          res);
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
  run_entered_ = true;
  bool ok = stop_requested_ ? true : server_.listen_after_bind();
  run_returned_ = true;
  return ok;
}

void HttpServer::stop() {
  stop_requested_ = true;
  // Wake delayed and hanging requests first, so their workers can finish.
  service_.shutdown();
  // run() may have passed its stop_requested_ check without cpp-httplib running yet:
  // wait (bounded) until it runs or returns, or stop() would be lost.
  for (int i = 0; i < 400 && run_entered_ && !run_returned_ && !server_.is_running(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  if (server_.is_running()) server_.stop();
  // Workers idling on keep-alive connections would otherwise notice the stop only after
  // the keep-alive timeout (5 s); EOF on their socket wakes them now.
  if (port_ >= 0) shut_reading_of_connections(port_);
}

void HttpServer::dispatch(const httplib::Request& req, httplib::Response& res) {
  RawRequest raw = to_raw(req);
  if (req.path.starts_with(kAdminPrefix)) {
    write(admin_.handle(raw), res);
    return;
  }
  HttpResponse answer = service_.handle_rpc(raw);
  if (answer.transport == scenarios::Transport::None || answer.transport == scenarios::Transport::Html ||
      answer.transport == scenarios::Transport::MalformedJson) {
    write(answer, res);
    return;
  }
  apply_transport(req, answer, res);
}

void HttpServer::apply_transport(const httplib::Request& req, const HttpResponse& answer,
                                 httplib::Response& res) {
  using scenarios::Transport;
  if (answer.transport == Transport::Truncate) {
    // The real headers (with the full Content-Length), half the body, then a close:
    // returning false from the provider makes cpp-httplib drop the connection.
    res.status = answer.status;
    for (const auto& [k, v] : answer.headers) res.set_header(k, v);
    auto body = std::make_shared<std::string>(answer.body);
    res.set_content_provider(body->size(), answer.content_type,
                             [body](size_t offset, size_t, httplib::DataSink& sink) {
                               if (offset == 0) sink.write(body->data(), body->size() / 2);
                               return false;
                             });
    return;
  }
  int fd = find_connection_fd(req.remote_addr, req.remote_port, port_.load());
  if (answer.transport == Transport::Hang) {
    hold_until_peer_closes(fd, answer.hang_cap, [this] { return service_.is_shutting_down(); });
  }
  if (!abort_connection(fd, answer.transport == Transport::Reset)) {
    // The socket could not be found: still never answer. A response cpp-httplib cannot
    // frame makes it close the connection.
    res.status = 500;
  }
  // Whatever cpp-httplib writes now goes to /dev/null.
  res.set_header("Connection", "close");
}

}  // namespace ebsmock::mock
