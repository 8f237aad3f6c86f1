// admin_api.h: the control plane under /__admin/ on the mock's own port: health, reset,
// the journal, the pairs, groups and drills (with their pending transitions), the virtual
// clock, fault rules, the replay script and the
// scenario. It owns the admin JSON views of the Service's state. Answers loopback peers
// only (tests and drills run on the same machine; the journal is not for the network)
// unless a token is set, which every caller must then present.
// Thread-safe (delegates to the Service).
#pragma once

#include <string>

#include "mock/connection_action.h"
#include "mock/rpc_request.h"
#include "mock/service.h"

namespace ebsmock::mock {

inline constexpr std::string_view kAdminPrefix = "/__admin/";

bool is_loopback(std::string_view remote_addr);

class AdminApi {
 public:
  explicit AdminApi(Service& service, std::string token = {})
      : service_(service), token_(std::move(token)) {}
  Answer handle(const RawRequest& raw);

 private:
  bool authorized(const RawRequest& raw) const;
  nlohmann::json health_json();
  nlohmann::json pairs_json();
  nlohmann::json groups_json();
  nlohmann::json drills_json();

  Service& service_;
  std::string token_;
};

}  // namespace ebsmock::mock
