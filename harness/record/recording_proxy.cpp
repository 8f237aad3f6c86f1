// recording_proxy.cpp: see recording_proxy.h.
#include "harness/record/recording_proxy.h"

#include <httplib.h>

#include <random>

#include "contracts/api_schema.h"
#include "contracts/redaction.h"
#include "contracts/time.h"
#include "harness/client/reference_client.h"
#include "harness/record/resign.h"
#include "mock/envelope.h"

namespace ebsmock::harness::record {
namespace {

using Clock = std::chrono::system_clock;

contracts::Instant wall_now() { return std::chrono::time_point_cast<std::chrono::milliseconds>(Clock::now()); }

// "https://ebs.cn-hangzhou.aliyuncs.com" -> "ebs.cn-hangzhou.aliyuncs.com": what V3 signs
// as host, and what cpp-httplib would send (it omits a default port).
std::string authority_of(const std::string& url) {
  std::string rest = url.substr(url.find("://") + 3);
  return rest.substr(0, rest.find('/'));
}

// Upstream answer headers the client may need (request id, retry-after, content type
// comes with the body); framing and cookies stay with the upstream connection.
bool passes_back(std::string_view name) {
  return contracts::iequals(name, "x-acs-request-id") || contracts::iequals(name, "x-acs-retry-after") ||
         contracts::iequals(name, "retry-after");
}

}  // namespace

// One client exchange on its way through the proxy; becomes one trace entry.
struct RecordingProxy::Call {
  const mock::RawRequest* raw = nullptr;
  std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();
  mock::JournalEntry entry;
  nlohmann::json extra = nlohmann::json::object();
};

RecordingProxy::RecordingProxy(RecordOptions options, TraceWriter& trace, std::ostream& log)
    : options_(std::move(options)), trace_(trace), log_(log), random_(std::random_device{}()) {}

std::string RecordingProxy::request_id() { return random_.request_id(); }
std::string RecordingProxy::nonce() { return random_.hex(32); }

mock::ConnectionAction RecordingProxy::handle(const mock::RawRequest& raw, std::stop_token stop) {
  Call call{.raw = &raw};
  call.entry.time = contracts::format_iso8601(wall_now());
  call.entry.method = raw.method;
  // The proxy checks no signature: "skipped" is the journal's word for that.
  call.entry.signature_verdict = contracts::SignatureVerdict::Skipped;
  auto parsed = mock::parse_rpc_request(raw, errors_);
  if (auto* error = std::get_if<contracts::ApiError>(&parsed)) return refuse(call, *error, "record:unparsable");
  const auto& request = std::get<mock::RpcRequest>(parsed);
  call.entry.action = request.action;
  // The call's own parameters: the client's signing parameters (its AccessKeyId, nonce,
  // Timestamp, Signature) describe an attempt that was never forwarded as such.
  for (const auto& [name, value] : request.params) {
    if (!contracts::is_protocol_parameter(name) || name == "Action" || name == "Version") {
      call.entry.params.emplace(name, value);
    }
  }
  call.entry.params = contracts::redact(call.entry.params);
  call.entry.signature_scheme = client_scheme(request);
  if (auto it = request.params.find("ClientToken"); it != request.params.end()) call.entry.client_token = it->second;

  if (request.action.empty()) {
    return refuse(call, errors_.make(contracts::codes::kMissingParameter, "Action"), "record:unparsable");
  }
  // Safe by default: even StopDiskReplicaPair changes real replication state. Unknown
  // actions count as mutating unless they are Describe* (the reference client's rule).
  if (!options_.allow_write && ReferenceClient::is_mutating_action(request.action)) {
    return refuse(call,
                  {std::string(kRecordReadOnly), 403,
                   request.action + " changes state, so ebsmock record did not forward it; pass --allow-write to "
                                    "record mutating calls against the real service"},
                  "record:read-only");
  }
  auto region = request.params.find("RegionId");
  auto base = options_.routes.resolve(region == request.params.end() ? std::string_view() : region->second);
  if (!base) {
    return refuse(call,
                  {std::string(kRecordNoRoute), 400,
                   "no upstream for this call: it has no valid RegionId; pass --upstream URL or --region-endpoint"},
                  "record:no-route");
  }
  auto forward_request = resign(request, options_.credentials, authority_of(*base), call.entry.time.substr(0, 19) + "Z",
                                nonce());
  call.entry.access_key_id = options_.credentials.access_key_id;
  call.extra["upstream"] = *base;
  httplib::Client client(*base);
  client.set_connection_timeout(std::chrono::seconds(10));
  client.set_read_timeout(options_.upstream_timeout);
  client.set_write_timeout(std::chrono::seconds(10));
  client.set_keep_alive(false);
  client.set_url_encode(false);  // the target is percent-encoded already
  httplib::Request out;
  out.method = forward_request.method;
  out.path = forward_request.target;
  for (const auto& [k, v] : forward_request.headers) out.headers.emplace(k, v);
  out.body = forward_request.body;
  httplib::Result res = [&] {
    // A stopping recorder must not wait out a slow upstream.
    std::stop_callback on_stop(stop, [&] { client.stop(); });
    return client.send(out);
  }();
  call.extra["latency_ms"] = std::chrono::duration_cast<std::chrono::milliseconds>(
                                 std::chrono::steady_clock::now() - call.started)
                                 .count();
  if (!res) {
    const httplib::Error error = res.error();
    // Never connected: nothing reached the service, so the client is told so plainly.
    // Connected, then cut (reset, close, timeout): the service may have acted; the client
    // gets what the upstream gave, no answer, and the trace says "reset".
    if (error == httplib::Error::Connection || error == httplib::Error::SSLConnection ||
        error == httplib::Error::SSLServerVerification || error == httplib::Error::ConnectionTimeout) {
      return refuse(call,
                    {std::string(kUpstreamUnreachable), 502,
                     "ebsmock record could not reach the upstream " + *base + ": " + httplib::to_string(error)},
                    "record:upstream-unreachable");
    }
    call.entry.fault = mock::FaultSummary{.rule = "record:upstream-dropped", .commit = "before", .transport = "reset"};
    call.entry.answer_source = contracts::AnswerSource::Model;
    mock::ConnectionAction action = mock::DropConnection{.reset = true};
    finish(call, action);
    return action;
  }
  mock::Answer answer{.status = res->status, .body = res->body};
  if (res->has_header("Content-Type")) answer.content_type = res->get_header_value("Content-Type");
  for (const auto& [k, v] : res->headers) {
    if (passes_back(k)) answer.headers.emplace_back(k, v);
  }
  call.entry.status = res->status;
  auto body = nlohmann::json::parse(res->body, nullptr, false);
  if (body.is_object()) {
    // The answer as the client got it, so a replay answers with it (journal_reader.cpp);
    // an answer carrying credentials (none of EBS's do) loses those members first.
    nlohmann::json kept = body;
    contracts::strip_secret_members(kept);
    call.extra["body"] = mock::json_text(kept);
    if (auto id = body.find("RequestId"); id != body.end() && id->is_string()) call.entry.request_id = *id;
    if (auto code = body.find("Code"); res->status >= 300 && code != body.end() && code->is_string()) {
      call.entry.code = *code;
    }
  }
  if (call.entry.request_id.empty()) call.entry.request_id = res->get_header_value("x-acs-request-id");
  mock::ConnectionAction action = mock::Respond{std::move(answer)};
  finish(call, action);
  return action;
}

mock::ConnectionAction RecordingProxy::refuse(Call& call, const contracts::ApiError& error, std::string_view rule,
                                              contracts::AnswerSource source) {
  // The recorder's own answer, never the service's: the trace marks it as a rule that
  // fired (like a mock fault) so a reader cannot take it for the cloud's.
  const std::string id = request_id();
  std::string host = call.raw ? contracts::header_value(call.raw->headers, "host") : std::string();
  mock::ConnectionAction action = mock::Respond{mock::error_answer(error, id, host)};
  call.extra["body"] = std::get<mock::Respond>(action).answer.body;
  call.entry.status = error.http_status;
  call.entry.code = error.code;
  call.entry.request_id = id;
  call.entry.answer_source = source;
  call.entry.fault = mock::FaultSummary{
      .rule = std::string(rule), .commit = "before", .transport = "none", .error = error.code, .status = error.http_status};
  finish(call, action);
  return action;
}

void RecordingProxy::finish(Call& call, const mock::ConnectionAction& action) {
  trace_.write(call.entry, call.extra);
  std::lock_guard lock(log_mu_);
  // Action, region, status and code only: parameters may be business data, and
  // credentials never leave the process.
  auto region = call.entry.params.find("RegionId");
  log_ << "ebsmock record: " << (call.entry.action.empty() ? "(no action)" : call.entry.action) << ' '
       << (region == call.entry.params.end() ? "-" : region->second) << " -> "
       << (mock::answers(action) ? std::to_string(call.entry.status) : std::string("no answer"))
       << (call.entry.code.empty() ? "" : " " + call.entry.code)
       << (call.entry.fault ? " (" + call.entry.fault->rule + ")" : "") << '\n'
       << std::flush;
}

mock::Answer RecordingProxy::on_http_failure(mock::HttpFailure failure, int status, std::string_view detail,
                                             const mock::RawRequest& raw) {
  Call call{.raw = &raw};
  call.entry.time = contracts::format_iso8601(wall_now());
  call.entry.method = raw.method;
  contracts::ApiError error =
      failure == mock::HttpFailure::BodyTooLarge ? errors_.make(contracts::codes::kRequestBodyTooLarge, detail)
      : failure == mock::HttpFailure::HandlerException
          ? errors_.make(contracts::codes::kInternalError)
          : errors_.make(contracts::codes::kInvalidParameter, "request");
  error.http_status = status;
  auto action = refuse(call, error, "record:http", contracts::AnswerSource::Http);
  return std::get<mock::Respond>(action).answer;
}

}  // namespace ebsmock::harness::record
