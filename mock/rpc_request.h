// rpc_request.h: turns a raw HTTP request into an RPC call: parameters merged from the
// query string and an application/x-www-form-urlencoded body (decoded), Action and
// Version from the parameters or the x-acs-action / x-acs-version headers.
// Independent of the HTTP library so it can be unit-tested and fuzzed without sockets.
// Pure functions; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <variant>

#include "contracts/api_schema.h"
#include "contracts/error_catalogue.h"
#include "contracts/percent_encoding.h"
#include "contracts/wire.h"

namespace ebsmock::mock {

struct RawRequest {
  std::string method;       // "POST"
  std::string target;       // raw request-target, e.g. "/?Action=...&RegionId=cn-hangzhou"
  contracts::HeaderList headers;
  std::string body;         // de-chunked
  std::string remote_addr;  // peer address, for the admin API's loopback check
};

struct RpcRequest {
  std::string method;
  std::string path;
  contracts::ParamList query;  // decoded, wire order
  contracts::ParamList form;   // decoded, wire order (empty unless a form body)
  contracts::Params params;    // query and form merged
  const RawRequest* raw = nullptr;
  std::string action;   // Action parameter, else x-acs-action header
  std::string version;  // Version parameter, else x-acs-version header
};

// Splits the target, decodes query and form, merges them. Errors: malformed
// percent-encoding or a parameter given twice -> InvalidParameter naming it.
std::variant<RpcRequest, contracts::ApiError> parse_rpc_request(
    const RawRequest& raw, const contracts::ErrorCatalogue& errors);

}  // namespace ebsmock::mock
