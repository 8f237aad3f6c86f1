// admission.cpp: see admission.h.
#include "mock/admission.h"

#include "mock/envelope.h"

namespace ebsmock::mock {
namespace codes = contracts::codes;

namespace {

std::optional<contracts::ApiError> route(Exchange& x, const contracts::ErrorCatalogue& errors) {
  const RpcRequest& req = *x.request;
  if (req.method != "GET" && req.method != "POST") return errors.make(codes::kUnsupportedHttpMethod);
  if (req.path != "/") return errors.make(codes::kInvalidActionNotFound);
  if (req.action.empty()) return errors.make(codes::kMissingParameter, "Action");
  if (req.version.empty()) return errors.make(codes::kMissingParameter, "Version");
  if (req.version != contracts::kApiVersion) return errors.make(codes::kInvalidVersion);
  x.op = contracts::parse_operation(req.action);
  if (!x.op) return errors.make(codes::kInvalidActionNotFound);
  return std::nullopt;
}

std::optional<contracts::ApiError> check(Exchange& x, const contracts::ErrorCatalogue& errors, Authenticator& auth) {
  auto parsed = parse_rpc_request(*x.raw, errors);
  if (auto* err = std::get_if<contracts::ApiError>(&parsed)) return *err;
  x.request = std::move(std::get<RpcRequest>(parsed));
  if (auto it = x.request->params.find("ClientToken"); it != x.request->params.end()) x.client_token = it->second;
  if (auto err = route(x, errors)) return err;
  x.auth = auth.authenticate(*x.request);
  if (x.auth.error) return x.auth.error;
  return contracts::validate_params(*x.op, x.request->params, errors);
}

}  // namespace

bool admit(Exchange& x, const contracts::ErrorCatalogue& errors, Authenticator& auth) {
  x.refusal = check(x, errors, auth);
  if (!x.refusal) return true;
  x.service_answer = ServiceAnswer{error_answer(*x.refusal, x.request_id, x.host), x.refusal->code};
  return false;
}

}  // namespace ebsmock::mock
