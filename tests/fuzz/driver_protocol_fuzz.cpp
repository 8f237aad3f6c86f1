// driver_protocol_fuzz.cpp: libFuzzer target (c): the driver protocol
// (harness/contract/driver_protocol.h), i.e. what the harness believes about a line an
// arbitrary external driver printed.
//
// Input: the bytes are (1) one answer line for parse_driver_response, expecting id 7 (the
// id every seed uses), and (2) read as "action\nName=value\n..." to build a request for
// format_driver_request.
// Checked beyond "no crash":
//  - an accepted answer is self-consistent as api_client.h documents it (ok <-> no code,
//    transport_error <-> no status, statuses are HTTP statuses, attempts >= 1, an error
//    has a null body), and re-encoding it canonically parses back to the same CallResult;
//  - any line is rejected for a different expected id unless it names that id;
//  - a request that formats is exactly one '\n'-terminated line of JSON that decodes back
//    to the same id, action and parameters.
// Thread-safety: single-threaded, no state kept between inputs.
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <variant>

#include <nlohmann/json.hpp>

#include "harness/contract/driver_protocol.h"

namespace {

using namespace ebsmock;
using harness::CallResult;
using harness::DriverProtocolError;

constexpr int kId = 7;

void check(bool condition) {
  if (!condition) __builtin_trap();
}

bool same(const CallResult& a, const CallResult& b) {
  return a.ok == b.ok && a.body == b.body && a.code == b.code && a.http_status == b.http_status &&
         a.message == b.message && a.request_id == b.request_id &&
         a.transport_error == b.transport_error && a.attempts == b.attempts &&
         a.client_token == b.client_token;
}

// The canonical line for an accepted answer.
std::string canonical_line(const CallResult& r) {
  nlohmann::json j = {{"id", kId}, {"ok", r.ok}, {"attempts", r.attempts}};
  if (!r.client_token.empty()) j["client_token"] = r.client_token;
  if (r.ok) {
    j["body"] = r.body;
    j["status"] = *r.http_status;
  } else {
    nlohmann::json e = {{"code", r.code}, {"message", r.message}};
    if (r.http_status) e["status"] = *r.http_status;
    if (!r.request_id.empty()) e["request_id"] = r.request_id;
    j["error"] = e;
  }
  return j.dump();
}

void check_answer(std::string_view line) {
  auto parsed = harness::parse_driver_response(line, kId);
  if (auto* err = std::get_if<DriverProtocolError>(&parsed)) {
    check(!err->message.empty());
    return;
  }
  const CallResult& r = std::get<CallResult>(parsed);
  check(r.attempts >= 1);
  check(!r.http_status || (*r.http_status >= 100 && *r.http_status <= 599));
  if (r.ok) {
    check(r.body.is_object() && r.code.empty() && r.http_status && !r.transport_error);
  } else {
    check(!r.code.empty() && r.body.is_null() && r.transport_error == !r.http_status);
  }
  // The same answer cannot also be the answer to another request.
  check(std::holds_alternative<DriverProtocolError>(harness::parse_driver_response(line, kId + 1)));

  auto again = harness::parse_driver_response(canonical_line(r), kId);
  check(std::holds_alternative<CallResult>(again));
  check(same(std::get<CallResult>(again), r));
}

void check_request(std::string_view text) {
  auto nl = text.find('\n');
  std::string action(text.substr(0, nl));
  contracts::Params params;
  while (nl != std::string_view::npos) {
    text.remove_prefix(nl + 1);
    nl = text.find('\n');
    std::string_view item = text.substr(0, nl);
    auto eq = item.find('=');
    if (eq == std::string_view::npos) continue;
    params[std::string(item.substr(0, eq))] = std::string(item.substr(eq + 1));
  }
  std::string line;
  try {
    line = harness::format_driver_request(kId, action, params);
  } catch (const std::invalid_argument&) {
    return;  // documented for strings that are not valid UTF-8
  }
  check(!line.empty() && line.back() == '\n' && line.find('\n') == line.size() - 1);
  auto j = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
  check(j.is_object() && j["id"] == kId && j["action"] == action && j["params"].is_object());
  check(j["params"].size() == params.size());
  for (const auto& [name, value] : params) check(j["params"][name] == value);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  check_answer(input);
  check_request(input);
  return 0;
}
