// envelope.cpp: see envelope.h.
#include "mock/envelope.h"

namespace ebsmock::mock {

std::string json_text(const nlohmann::json& j) {
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

Answer success_answer(nlohmann::json body, const std::string& request_id) {
  body["RequestId"] = request_id;
  Answer a;
  a.status = 200;
  a.body = json_text(body);
  a.headers.emplace_back("x-acs-request-id", request_id);
  return a;
}

Answer error_answer(const contracts::ApiError& err, const std::string& request_id,
                    std::string_view host) {
  nlohmann::json body = {{"RequestId", request_id},
                         {"HostId", host.empty() ? std::string("ebs.aliyuncs.com") : std::string(host)},
                         {"Code", err.code},
                         {"Message", err.message},
                         {"Recommend", "https://api.aliyun.com/troubleshoot?q=" + err.code +
                                           "&product=ebs&requestId=" + request_id}};
  Answer a;
  a.status = err.http_status;
  a.body = json_text(body);
  a.headers.emplace_back("x-acs-request-id", request_id);
  return a;
}

}  // namespace ebsmock::mock
