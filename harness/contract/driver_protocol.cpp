// driver_protocol.cpp: formatting requests and strictly reading answers of the JSON-lines
// driver protocol. Strict on purpose: a driver that answers something half-right would
// otherwise turn its own bugs into "contract violations" of the service.
#include "harness/contract/driver_protocol.h"

#include <cstdint>
#include <stdexcept>

#include <nlohmann/json.hpp>

#include "contracts/text.h"

namespace ebsmock::harness {
namespace {

using Json = nlohmann::json;

// Deeper JSON than this is not an SDK response. Rejecting it keeps every later consumer
// (comparisons, dump(), reports, all recursive) safe from a driver printing "[[[[...".
constexpr int kMaxDepth = 128;

std::string type_name(const Json& j) {
  if (j.is_number_integer()) return "an integer";
  if (j.is_number_float()) return "a non-integer number";
  if (j.is_string()) return "a string";
  if (j.is_boolean()) return "a boolean";
  if (j.is_null()) return "null";
  if (j.is_array()) return "an array";
  return "an object";
}

// The integer value of `j`, when it is one that fits in int64.
std::optional<std::int64_t> as_int64(const Json& j) {
  if (j.is_number_unsigned()) {
    auto u = j.get<std::uint64_t>();
    if (u > static_cast<std::uint64_t>(INT64_MAX)) return std::nullopt;
    return static_cast<std::int64_t>(u);
  }
  if (j.is_number_integer()) return j.get<std::int64_t>();
  return std::nullopt;
}

DriverProtocolError protocol_error(std::string message) { return {std::move(message)}; }

}  // namespace

std::string format_driver_request(int id, std::string_view action,
                                  const contracts::Params& params, std::string_view call_id) {
  // ordered_json keeps id, action, params in the documented order (easier to read in logs).
  nlohmann::ordered_json request;
  request["id"] = id;
  request["action"] = std::string(action);
  nlohmann::ordered_json object = nlohmann::ordered_json::object();
  for (const auto& [name, value] : params) object[name] = value;
  request["params"] = std::move(object);
  if (!call_id.empty()) request["call_id"] = std::string(call_id);
  try {
    return request.dump() + "\n";
  } catch (const nlohmann::ordered_json::type_error&) {
    // Name the culprit: the harness generated a value the protocol cannot carry.
    if (!contracts::is_valid_utf8(action)) throw std::invalid_argument("driver request: action is not valid UTF-8");
    for (const auto& [name, value] : params) {
      if (!contracts::is_valid_utf8(name)) throw std::invalid_argument("driver request: a parameter name is not valid UTF-8");
      if (!contracts::is_valid_utf8(value)) {
        throw std::invalid_argument("driver request: parameter " + name + " is not valid UTF-8");
      }
    }
    throw std::invalid_argument("driver request: not encodable as JSON");
  }
}

std::variant<CallResult, DriverProtocolError> parse_driver_response(std::string_view line,
                                                                    int expected_id) {
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  if (line.empty()) return protocol_error("empty line instead of an answer");
  bool too_deep = false;
  // Prunes (and flags) anything nested deeper than kMaxDepth while parsing, so a hostile
  // line never becomes a deep tree in memory.
  auto limit_depth = [&too_deep](int depth, Json::parse_event_t, Json&) {
    if (depth > kMaxDepth) too_deep = true;
    return depth <= kMaxDepth;
  };
  Json answer = Json::parse(line, limit_depth, /*allow_exceptions=*/false);
  if (answer.is_discarded()) return protocol_error("not a JSON value");
  if (too_deep) return protocol_error("JSON nested deeper than " + std::to_string(kMaxDepth) + " levels");
  if (!answer.is_object()) return protocol_error("answer is " + type_name(answer) + ", not a JSON object");

  auto id = answer.find("id");
  if (id == answer.end()) return protocol_error("no \"id\" (expected " + std::to_string(expected_id) + ")");
  auto id_value = as_int64(*id);
  if (!id_value) {
    return protocol_error("\"id\" is " + type_name(*id) + ", expected the integer " +
                          std::to_string(expected_id));
  }
  if (*id_value != expected_id) {
    return protocol_error("answer to request " + std::to_string(*id_value) + ", expected " +
                          std::to_string(expected_id) + " (answers out of step with requests)");
  }

  auto ok = answer.find("ok");
  if (ok == answer.end()) return protocol_error("no \"ok\"");
  if (!ok->is_boolean()) return protocol_error("\"ok\" is " + type_name(*ok) + ", not a boolean");

  CallResult result;
  result.attempts = 1;
  if (auto attempts = answer.find("attempts"); attempts != answer.end()) {
    auto n = as_int64(*attempts);
    if (!n || *n < 1 || *n > 1'000'000) return protocol_error("\"attempts\" is not an integer >= 1");
    result.attempts = static_cast<int>(*n);
  }
  if (auto token = answer.find("client_token"); token != answer.end() && !token->is_null()) {
    if (!token->is_string()) return protocol_error("\"client_token\" is " + type_name(*token) + ", not a string");
    result.client_token = token->get<std::string>();
  }
  // The HTTP status: required to be plausible wherever it is given.
  auto read_status = [](const Json& holder) -> std::variant<std::optional<int>, DriverProtocolError> {
    auto status = holder.find("status");
    if (status == holder.end() || status->is_null()) return std::optional<int>{};
    auto n = as_int64(*status);
    if (!n) return protocol_error("\"status\" is " + type_name(*status) + ", not an integer");
    if (*n < 100 || *n > 599) return protocol_error("\"status\" " + std::to_string(*n) + " is not an HTTP status");
    return std::optional<int>(static_cast<int>(*n));
  };

  if (ok->get<bool>()) {
    auto body = answer.find("body");
    if (body == answer.end()) return protocol_error("\"ok\": true without \"body\"");
    if (!body->is_object()) return protocol_error("\"body\" is " + type_name(*body) + ", not an object");
    auto status = read_status(answer);
    if (auto* err = std::get_if<DriverProtocolError>(&status)) return *err;
    result.ok = true;
    // An SDK only returns a body for a 2xx answer; the protocol does not carry which.
    result.http_status = std::get<std::optional<int>>(status).value_or(200);
    if (auto rid = body->find("RequestId"); rid != body->end() && rid->is_string()) {
      result.request_id = rid->get<std::string>();
    }
    result.body = std::move(*body);
    return result;
  }

  auto error = answer.find("error");
  if (error == answer.end()) return protocol_error("\"ok\": false without \"error\"");
  if (!error->is_object()) return protocol_error("\"error\" is " + type_name(*error) + ", not an object");
  auto code = error->find("code");
  if (code == error->end()) return protocol_error("\"error\" has no \"code\"");
  if (!code->is_string()) return protocol_error("\"error.code\" is " + type_name(*code) + ", not a string");
  if (code->get_ref<const std::string&>().empty()) return protocol_error("\"error.code\" is empty");
  auto message = error->find("message");
  if (message == error->end()) return protocol_error("\"error\" has no \"message\"");
  if (!message->is_string()) {
    return protocol_error("\"error.message\" is " + type_name(*message) + ", not a string");
  }
  if (auto rid = error->find("request_id"); rid != error->end() && !rid->is_null()) {
    if (!rid->is_string()) {
      return protocol_error("\"error.request_id\" is " + type_name(*rid) + ", not a string");
    }
    result.request_id = rid->get<std::string>();
  }
  auto status = read_status(*error);
  if (auto* err = std::get_if<DriverProtocolError>(&status)) return *err;
  result.ok = false;
  result.body = nullptr;
  result.code = code->get<std::string>();
  result.message = message->get<std::string>();
  result.http_status = std::get<std::optional<int>>(status);
  result.transport_error = !result.http_status.has_value();
  return result;
}

}  // namespace ebsmock::harness
