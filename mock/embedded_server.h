// embedded_server.h: a whole mock in one object: Service, Router and HttpServer, bound
// and serving from a background thread as soon as it is constructed, stopped and joined
// when destroyed. What `serve`, `demo`, the contract harness and the tests all run, so
// there is one start-up and one shutdown path.
// Thread-safe: stop() from any thread; construction and destruction are single-threaded.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <thread>

#include "mock/clock.h"
#include "mock/http_server.h"
#include "mock/router.h"
#include "mock/service.h"
#include "scenarios/loader/scenario.h"

namespace ebsmock::mock {

struct EmbeddedServerOptions {
  std::string host = "127.0.0.1";
  int port = 0;  // 0 picks a free port
  ServiceOptions service;
  HttpServerOptions http;
  // Required on admin calls when set; then the admin API answers any peer (admin_api.h).
  std::string admin_token;
  // The dashboard page for GET /__admin/ui (built by the harness), and the event stream's
  // bound and throttle.
  std::optional<Answer> admin_ui;
  EventStreamOptions events;
  // Renders a drill verdict as HTML for GET /__admin/drill/report (admin_api.h).
  std::function<std::string(const nlohmann::json&)> render_report;
};

class EmbeddedServer {
 public:
  // Builds the Service (throws what it throws, e.g. an unwritable journal file), binds
  // (throws std::runtime_error naming host:port when it cannot) and starts serving.
  explicit EmbeddedServer(scenarios::Scenario scenario, EmbeddedServerOptions options = {});
  ~EmbeddedServer();
  EmbeddedServer(const EmbeddedServer&) = delete;
  EmbeddedServer& operator=(const EmbeddedServer&) = delete;

  int port() const { return port_; }
  const std::string& host() const { return options_.host; }
  std::string endpoint() const { return "http://" + options_.host + ":" + std::to_string(port_); }
  Service& service() { return *service_; }

  // Stops serving (idempotent; returns at once, see HttpServer::stop).
  void stop() { http_->stop(); }
  // Blocks until the server stops (by stop() or a failure); true for a clean stop.
  bool wait();

 private:
  EmbeddedServerOptions options_;
  std::unique_ptr<Service> service_;
  std::unique_ptr<Router> router_;
  std::unique_ptr<HttpServer> http_;
  int port_ = -1;
  std::thread thread_;
  bool ran_ok_ = false;
};

}  // namespace ebsmock::mock
