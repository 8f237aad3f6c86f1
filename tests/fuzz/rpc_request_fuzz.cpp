// rpc_request_fuzz.cpp: libFuzzer target (a): request parsing, parameter decoding and
// signature verification, through the transport-independent Service::handle_rpc.
//
// Input format (text, so seeds are readable and hand-writable):
//   [!sign-v3 | !sign-v1]\n     optional: the target signs the request itself with the
//                               known credential, so mutated parameters still get past
//                               verification and reach validation, idempotence and the model
//   METHOD TARGET\n             e.g. "POST /?RegionId=cn-hangzhou"
//   Name: value\n ...           headers (value's leading spaces trimmed, as HTTP does)
//   \n
//   body...                     the rest, verbatim
// Without a directive the bytes are sent as they are: a V3 seed signed at kWallTime
// verifies, because the Service's wall clock is pinned there.
//
// Besides the Service, the same bytes go to the parsers directly: parse_rpc_request,
// percent_decode (both modes), parse_urlencoded and parse_v3_authorization.
// Thread-safety: libFuzzer calls this from one thread; the Service is reset per input so
// every input runs against the same world (and nonces are forgotten), which keeps crashes
// reproducible from the single input.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

#include "contracts/percent_encoding.h"
#include "contracts/signature_v1.h"
#include "contracts/signature_v3.h"
#include "contracts/time.h"
#include "mock/clock.h"
#include "mock/rpc_request.h"
#include "mock/service.h"
#include "scenarios/loader/scenario_loader.h"

namespace {

using namespace ebsmock;

// 2024-06-01T00:00:00Z: seeds carry this x-acs-date / Timestamp.
constexpr contracts::Instant kWallTime{std::chrono::seconds(1717200000)};
constexpr std::string_view kAccessKeyId = "testid";
constexpr std::string_view kAccessKeySecret = "testsecret";

// A small world: one credential, verification on, a virtual world clock, pairs in the
// statuses the mutating calls care about.
constexpr std::string_view kWorld = R"toml(
[scenario]
name = "fuzz"
seed = 1

[[credential]]
access_key_id = "testid"
access_key_secret = "testsecret"

[auth]
verify_signatures = true

[clock]
mode = "virtual"
start = 2024-06-01T00:00:00Z

[[pair]]
id = "pair-cn-fuzz0000000000a"
region = "cn-hangzhou"
destination_region = "cn-shanghai"
status = "normal"

[[pair]]
id = "pair-cn-fuzz0000000000b"
region = "cn-hangzhou"
destination_region = "cn-shanghai"
status = "stopped"

[[pair]]
id = "pair-cn-fuzz0000000000c"
region = "cn-hangzhou"
destination_region = "cn-shanghai"
status = "created"
)toml";

mock::Service& service() {
  // Built once: parsing the scenario per input would dominate the run time.
  static mock::Service* s = [] {
    mock::ServiceOptions opts;
    opts.wall_clock = std::make_shared<mock::ManualClock>(kWallTime);
    opts.journal_capacity = 64;  // bounded memory over millions of inputs
    return new mock::Service(scenarios::load_scenario_string(kWorld, "fuzz.toml"), opts);
  }();
  return *s;
}

std::string_view next_line(std::string_view& rest) {
  auto nl = rest.find('\n');
  std::string_view line = rest.substr(0, nl);
  rest = nl == std::string_view::npos ? std::string_view{} : rest.substr(nl + 1);
  return line;
}

enum class Sign { None, V3, V1 };

struct Parsed {
  Sign sign = Sign::None;
  mock::RawRequest raw;
};

Parsed split(std::string_view in) {
  Parsed p;
  p.raw.remote_addr = "127.0.0.1";
  if (in.starts_with("!sign-v3\n")) {
    p.sign = Sign::V3;
    in.remove_prefix(9);
  } else if (in.starts_with("!sign-v1\n")) {
    p.sign = Sign::V1;
    in.remove_prefix(9);
  }
  std::string_view request_line = next_line(in);
  auto sp = request_line.find(' ');
  p.raw.method = std::string(request_line.substr(0, sp));
  p.raw.target = sp == std::string_view::npos ? "/" : std::string(request_line.substr(sp + 1));
  while (!in.empty()) {
    std::string_view line = next_line(in);
    if (line.empty()) break;
    auto colon = line.find(':');
    std::string_view name = line.substr(0, colon);
    std::string_view value = colon == std::string_view::npos ? "" : line.substr(colon + 1);
    while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
    p.raw.headers.emplace_back(std::string(name), std::string(value));
  }
  p.raw.body = std::string(in);
  return p;
}

// Signs like the SDKs do (V3: headers; V1: the common parameters that are missing, then
// Signature, appended to the query), over whatever the input put on the wire, as the
// Service will decode it. Leaves the request alone when it does not parse: the Service
// must refuse it anyway.
void sign(Parsed& p, const contracts::ErrorCatalogue& errors) {
  const std::string stamp = contracts::format_iso8601(kWallTime);
  if (p.sign == Sign::V1) {
    auto first = mock::parse_rpc_request(p.raw, errors);
    if (!std::holds_alternative<mock::RpcRequest>(first)) return;
    const auto& params = std::get<mock::RpcRequest>(first).params;
    std::string extra;
    for (auto [name, value] : {std::pair<std::string_view, std::string_view>{"AccessKeyId", kAccessKeyId},
                               {"SignatureMethod", "HMAC-SHA1"},
                               {"SignatureVersion", "1.0"},
                               {"SignatureNonce", "fuzz-nonce"},
                               {"Timestamp", stamp},
                               {"Format", "JSON"}}) {
      if (params.contains(name)) continue;
      extra += '&';
      extra += std::string(name) + "=" + contracts::percent_encode(value);
    }
    // Nothing to add when the input already carries every common parameter.
    if (!extra.empty()) p.raw.target += p.raw.target.find('?') == std::string::npos ? "?" + extra.substr(1) : extra;
    auto parsed = mock::parse_rpc_request(p.raw, errors);
    if (!std::holds_alternative<mock::RpcRequest>(parsed)) return;
    const auto& req = std::get<mock::RpcRequest>(parsed);
    contracts::ParamList all = req.query;
    all.insert(all.end(), req.form.begin(), req.form.end());
    std::string sig =
        contracts::v1_signature(kAccessKeySecret, contracts::v1_string_to_sign(req.method, all));
    p.raw.target += "&Signature=" + contracts::percent_encode(sig);
    return;
  }
  const std::string algorithm(contracts::kAcs3HmacSha256);
  std::string payload_hash = *contracts::v3_payload_hash(algorithm, p.raw.body);
  p.raw.headers.emplace_back("x-acs-date", stamp);
  p.raw.headers.emplace_back("x-acs-signature-nonce", "fuzz-nonce");
  p.raw.headers.emplace_back("x-acs-content-sha256", payload_hash);
  auto parsed = mock::parse_rpc_request(p.raw, errors);
  if (!std::holds_alternative<mock::RpcRequest>(parsed)) return;
  const auto& req = std::get<mock::RpcRequest>(parsed);
  contracts::V3Request v3;
  v3.method = req.method;
  v3.path = req.path;
  v3.query = req.query;
  v3.headers = p.raw.headers;
  v3.payload_hash = payload_hash;
  auto signed_headers = contracts::v3_headers_to_sign(p.raw.headers);
  std::string sts =
      contracts::v3_string_to_sign(algorithm, contracts::v3_canonical_request(v3, signed_headers));
  std::string sig = *contracts::v3_signature(algorithm, kAccessKeySecret, sts);
  p.raw.headers.emplace_back("authorization", contracts::v3_authorization(
                                                  algorithm, kAccessKeyId, signed_headers, sig));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);

  // The pure parsers on the raw bytes.
  (void)contracts::percent_decode(in, true);
  (void)contracts::percent_decode(in, false);
  (void)contracts::parse_urlencoded(in);
  (void)contracts::parse_v3_authorization(in);

  mock::Service& s = service();
  const contracts::ErrorCatalogue errors = s.inspect([](const mock::WorldState& w) { return *w.gate->errors; });
  Parsed p = split(in);
  if (p.sign != Sign::None) sign(p, errors);
  (void)contracts::parse_v3_authorization(contracts::header_value(p.raw.headers, "authorization"));

  (void)mock::parse_rpc_request(p.raw, errors);
  s.reset();
  const mock::ConnectionAction action = s.handle_rpc(p.raw);
  const auto* respond = std::get_if<mock::Respond>(&action);
  // The fuzz world has no fault rules: every call is answered, never dropped or held.
  if (respond == nullptr) __builtin_trap();
  const mock::Answer& r = respond->answer;
  // EBSMOCK_FUZZ_VERBOSE=1: print each answer, to check what a seed reaches.
  static const bool verbose = std::getenv("EBSMOCK_FUZZ_VERBOSE") != nullptr;
  if (verbose) std::fprintf(stderr, "  -> %d %s\n", r.status, r.body.substr(0, 300).c_str());
  // Every answer is the documented envelope: a JSON body and a real HTTP status.
  if (r.status < 200 || r.status > 599 || r.body.empty() || r.body.front() != '{') __builtin_trap();
  // A second identical request exercises the nonce cache and ClientToken replay.
  (void)s.handle_rpc(p.raw);
  return 0;
}
