// driver_protocol.h: the JSON-lines driver protocol (README "Driver protocol") as pure
// functions: the request line the harness writes to a driver's stdin, and the strict
// reading of the one line the driver answers on stdout. Kept apart from the process
// plumbing (exec_client.h) so the parser can be unit-tested and fuzzed
// (tests/fuzz/driver_protocol_fuzz.cpp).
//
// Answer lines (one per request, in order):
//   {"id": N, "ok": true,  "body": {...}}
//   {"id": N, "ok": false, "error": {"code": "...", "status": 403, "message": "...",
//                                    "request_id": "..."}}
// Required: id (the integer that was sent), ok (boolean), and body (object) when ok, or
// error (object) with a non-empty string code and a string message when not ok.
// Optional: error.status (integer 100..599; absent or null = a transport failure, nothing
// was received), error.request_id (string or null), and two extensions a driver MAY send
// (the Node driver sends client_token): "attempts" (integer >= 1, requests actually sent;
// default 1) and "client_token" (string: the ClientToken the SDK sent last). On success "status"
// (default 200) may also be given. Unknown members are ignored, so drivers can add
// diagnostics. Anything else is a protocol error: the driver is broken, not the service.
//
// Pure functions; thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <variant>

#include "contracts/api_schema.h"
#include "harness/client/api_client.h"

namespace ebsmock::harness {

// Why an answer line is not a valid answer to the request with the expected id. `message`
// describes the problem only; callers add the line itself to their reports.
struct DriverProtocolError {
  std::string message;
};

// The request line, '\n'-terminated: {"id":N,"action":"...","params":{"Name":"value",...}}
// (members in that order; parameter values are JSON strings), then "call_id":"..." when
// `call_id` is not empty (concurrent mode: the driver sends it as the x-ebsmock-call-id
// header on every attempt of the call, if its SDK lets it add a header). Control characters are
// escaped, so the result is exactly one line. Throws std::invalid_argument when `action`
// or a parameter is not valid UTF-8, which JSON cannot carry.
std::string format_driver_request(int id, std::string_view action,
                                  const contracts::Params& params, std::string_view call_id = {});

// Reads one answer line (without its '\n'; a trailing '\r' is tolerated). On success the
// CallResult has ok/body/code/http_status/message/request_id/transport_error/attempts set
// as api_client.h documents; client_token is set only when the driver reported it.
// On an error answer `body` is null: the protocol carries the error fields, not the raw
// HTTP body.
std::variant<CallResult, DriverProtocolError> parse_driver_response(std::string_view line,
                                                                    int expected_id);

}  // namespace ebsmock::harness
