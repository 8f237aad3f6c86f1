// admin_api.h: the control plane under /__admin/ on the mock's own port: health,
// reset, the journal, the pairs, and the virtual clock. Answers loopback peers only
// (tests and drills run on the same machine; the journal is not for the network).
// Thread-safe (delegates to Service).
#pragma once

#include <string>

#include "mock/rpc_request.h"
#include "mock/service.h"

namespace ebsmock::mock {

inline constexpr std::string_view kAdminPrefix = "/__admin/";

bool is_loopback(std::string_view remote_addr);

class AdminApi {
 public:
  explicit AdminApi(Service& service, std::string token = {})
      : service_(service), token_(std::move(token)) {}
  HttpResponse handle(const RawRequest& raw);

 private:
  bool authorized(const RawRequest& raw) const;

  Service& service_;
  std::string token_;
};

}  // namespace ebsmock::mock
