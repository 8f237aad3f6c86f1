// embedded_server.cpp: see embedded_server.h.
#include "mock/embedded_server.h"

#include <stdexcept>

namespace ebsmock::mock {

EmbeddedServer::EmbeddedServer(scenarios::Scenario scenario, EmbeddedServerOptions options)
    : options_(std::move(options)) {
  // One wait clock for the Service's delays and the server's holds.
  if (!options_.service.wait_clock) options_.service.wait_clock = make_real_clock();
  service_ = std::make_unique<Service>(std::move(scenario), options_.service);
  router_ = std::make_unique<Router>(
      *service_, AdminOptions{.token = options_.admin_token, .ui_page = options_.admin_ui, .events = options_.events,
                                .render_report = options_.render_report});
  http_ = std::make_unique<HttpServer>(*router_, options_.http, options_.service.wait_clock);
  port_ = http_->bind(options_.host, options_.port);
  if (port_ < 0) {
    throw std::runtime_error("cannot listen on " + options_.host + ":" + std::to_string(options_.port));
  }
  // The socket listens already: connections made before run() reaches accept() wait in
  // the backlog, so the server is usable as soon as the constructor returns.
  thread_ = std::thread([this] { ran_ok_ = http_->run(); });
}

EmbeddedServer::~EmbeddedServer() {
  stop();
  wait();
}

bool EmbeddedServer::wait() {
  if (thread_.joinable()) thread_.join();
  return ran_ok_;
}

}  // namespace ebsmock::mock
