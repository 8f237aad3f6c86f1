// recording_proxy.h: `ebsmock record`'s request handler. Clients point at it as at the
// mock; it verifies nothing, refuses mutating actions unless writes are allowed, strips
// the client's signature and re-signs with the real credentials (resign.h), forwards each
// attempt exactly once (no retries of its own: the client's retries are the ones worth
// recording), answers the client what the upstream answered, and traces every exchange
// (trace_writer.h) with the answer's body when it is JSON. It runs on mock::HttpServer
// like the mock itself.
// Thread-safe: HttpServer calls it from many workers; each call uses its own upstream
// connection, and the shared state (nonces, trace, log) is locked.
#pragma once

#include <chrono>
#include <mutex>
#include <ostream>
#include <string_view>

#include "contracts/error_catalogue.h"
#include "contracts/random.h"
#include "harness/record/record_credentials.h"
#include "harness/record/trace_writer.h"
#include "harness/record/upstream_routes.h"
#include "mock/request_handler.h"

namespace ebsmock::harness::record {

// The recorder's own error codes (Alibaba-shaped bodies; never sent by the real service).
inline constexpr std::string_view kRecordReadOnly = "Ebsmock.RecordReadOnly";              // 403
inline constexpr std::string_view kUpstreamUnreachable = "Ebsmock.UpstreamUnreachable";    // 502
inline constexpr std::string_view kRecordNoRoute = "Ebsmock.RecordNoRoute";                // 400

struct RecordOptions {
  UpstreamRoutes routes;
  RecordCredentials credentials;
  bool allow_write = false;
  // Longer than any SDK's read timeout (3 s by default): the client gives up first, and
  // the trace still holds what the upstream finally said.
  std::chrono::milliseconds upstream_timeout{60'000};
};

class RecordingProxy : public mock::RequestHandler {
 public:
  // `trace` and `log` must outlive the proxy. `log` gets one line per call, no secrets.
  RecordingProxy(RecordOptions options, TraceWriter& trace, std::ostream& log);

  mock::ConnectionAction handle(const mock::RawRequest& raw, std::stop_token stop) override;
  mock::Answer on_http_failure(mock::HttpFailure failure, int status, std::string_view detail,
                               const mock::RawRequest& raw) override;

 private:
  struct Call;
  mock::ConnectionAction refuse(Call& call, const contracts::ApiError& error, std::string_view rule,
                                contracts::AnswerSource source = contracts::AnswerSource::Fault);
  void finish(Call& call, const mock::ConnectionAction& action);
  std::string request_id();
  std::string nonce();

  RecordOptions options_;
  TraceWriter& trace_;
  std::ostream& log_;
  contracts::ErrorCatalogue errors_;
  contracts::SeededRandom random_;
  std::mutex log_mu_;
};

}  // namespace ebsmock::harness::record
