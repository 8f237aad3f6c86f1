// router.h: the mock's RequestHandler: /__admin/ goes to the admin API, everything else
// is an RPC call for the Service; failures of the HTTP layer are answered and journaled
// by the Service like any other exchange. Thread-safe (both halves are).
#pragma once

#include <string>

#include "mock/admin_api.h"
#include "mock/request_handler.h"
#include "mock/service.h"

namespace ebsmock::mock {

class Router final : public RequestHandler {
 public:
  // `admin`: see AdminApi (no token = loopback peers only).
  explicit Router(Service& service, AdminOptions admin = {}) : service_(service), admin_(service, std::move(admin)) {}

  ConnectionAction handle(const RawRequest& raw, std::stop_token stop) override;
  Answer on_http_failure(HttpFailure failure, int status, std::string_view detail, const RawRequest& raw) override;

 private:
  Service& service_;
  AdminApi admin_;
};

}  // namespace ebsmock::mock
