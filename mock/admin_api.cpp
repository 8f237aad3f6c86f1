// admin_api.cpp: routes of the admin API. Errors are JSON {"error": "..."} with a 4xx
// status; they are the mock's own, not Alibaba-shaped.
#include "mock/admin_api.h"

#include "contracts/time.h"

namespace ebsmock::mock {
namespace {

HttpResponse json_response(int status, const nlohmann::json& body) {
  HttpResponse r;
  r.status = status;
  r.body = body.dump();
  return r;
}

HttpResponse admin_error(int status, std::string message) {
  return json_response(status, {{"error", std::move(message)}});
}

}  // namespace

bool is_loopback(std::string_view addr) {
  return addr.starts_with("127.") || addr == "::1" || addr.starts_with("::ffff:127.");
}

HttpResponse AdminApi::handle(const RawRequest& raw) {
  if (!is_loopback(raw.remote_addr)) {
    return admin_error(403, "the admin API answers loopback peers only");
  }
  std::string_view target = raw.target;
  std::string_view path = target.substr(0, target.find('?'));
  contracts::ParamList query;
  if (auto q = target.find('?'); q != std::string_view::npos) {
    auto parsed = contracts::parse_urlencoded(target.substr(q + 1));
    if (!parsed) return admin_error(400, "malformed query string");
    query = std::move(*parsed);
  }
  auto arg = [&](std::string_view name) -> std::string {
    for (const auto& [k, v] : query) {
      if (k == name) return v;
    }
    return {};
  };
  const std::string& method = raw.method;
  std::string_view route = path.substr(kAdminPrefix.size());

  if (route == "health" && method == "GET") return json_response(200, service_.health_json());
  if (route == "reset" && method == "POST") {
    service_.reset();
    return json_response(200, {{"status", "reset"}});
  }
  if (route == "pairs" && method == "GET") return json_response(200, {{"pairs", service_.pairs_json()}});
  if (route == "journal" && method == "GET") {
    std::uint64_t since = 0;
    std::size_t limit = SIZE_MAX;
    if (auto s = arg("since"); !s.empty()) {
      auto n = contracts::parse_int(s);
      if (!n || *n < 0) return admin_error(400, "since must be a non-negative integer");
      since = static_cast<std::uint64_t>(*n);
    }
    if (auto s = arg("limit"); !s.empty()) {
      auto n = contracts::parse_int(s);
      if (!n || *n < 1) return admin_error(400, "limit must be a positive integer");
      limit = static_cast<std::size_t>(*n);
    }
    nlohmann::json entries = nlohmann::json::array();
    for (const auto& e : service_.journal().since(since, limit)) entries.push_back(to_json(e));
    return json_response(200, {{"entries", entries},
                               {"last_seq", service_.journal().last_seq()},
                               {"dropped", service_.journal().dropped()}});
  }
  if (route == "clock/advance" && method == "POST") {
    auto by = contracts::parse_duration(arg("by"));
    if (!by) return admin_error(400, "by must be a duration such as 30s, 250ms or 5m");
    if (!service_.advance_clock(*by)) {
      return admin_error(409, "the clock is real; set [clock] mode = \"virtual\" to advance it");
    }
    return json_response(200, {{"now", contracts::format_iso8601(service_.now())}});
  }
  return admin_error(404, "no admin route " + method + " " + std::string(path));
}

}  // namespace ebsmock::mock
