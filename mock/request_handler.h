// request_handler.h: what HttpServer needs from whatever answers requests: a handler
// turns a raw request into a connection action, and answers the failures cpp-httplib
// detects before any handler runs. HttpServer depends on this interface only, so the mock
// (Router) and a benchmark's trivial handler run on the same server code.
// Implementations must be thread-safe: HttpServer calls them from many workers at once.
#pragma once

#include <stop_token>
#include <string_view>

#include "mock/connection_action.h"
#include "mock/rpc_request.h"

namespace ebsmock::mock {

// Failures the HTTP layer finds itself, before a request reaches a handler.
enum class HttpFailure {
  BodyTooLarge,      // 413: the body exceeds the configured limit
  Malformed,         // 400, 414...: the request line or headers do not parse
  HandlerException,  // a handler threw: a bug of ours, answered as InternalError
};

class RequestHandler {
 public:
  virtual ~RequestHandler() = default;
  // `stop` fires when the server stops: waits inside the handler must end early.
  virtual ConnectionAction handle(const RawRequest& raw, std::stop_token stop) = 0;
  // The answer to a failure of the HTTP layer; `status` is the one cpp-httplib chose and
  // the answer keeps it; `detail` fills the error message (the body limit of a 413).
  // `raw` holds what could be read (no body for a 413).
  virtual Answer on_http_failure(HttpFailure failure, int status, std::string_view detail,
                                 const RawRequest& raw) = 0;
};

}  // namespace ebsmock::mock
