// router.cpp: see router.h.
#include "mock/router.h"

namespace ebsmock::mock {

ConnectionAction Router::handle(const RawRequest& raw, std::stop_token stop) {
  std::string_view path = std::string_view(raw.target).substr(0, raw.target.find('?'));
  if (path.starts_with(kAdminPrefix)) return admin_.serve(raw);
  return service_.handle_rpc(raw, std::move(stop));
}

Answer Router::on_http_failure(HttpFailure failure, int status, std::string_view detail, const RawRequest& raw) {
  return service_.answer_http_failure(failure, status, detail, raw);
}

}  // namespace ebsmock::mock
