// call_command.cpp: `ebsmock call ACTION [Name=Value ...]`: one signed API call with the
// bundled reference client, for poking a running mock (or any endpoint) by hand the way
// the aliyun CLI would, without an SDK. The answer body goes to stdout as JSON; one line
// on stderr says status, Code, RequestId, attempts and the ClientToken sent. Exit 0 on
// success, 1 on an API or transport error, 2 on bad usage. Runs once, on the main thread.
#include <iostream>
#include <map>

#include "harness/cli/commands.h"
#include "harness/client/reference_client.h"
#include "mock/seed.h"

namespace ebsmock::cli {
namespace {

struct CallOptions {
  std::string endpoint = "http://127.0.0.1:8080";
  std::string access_key_id = "testid";
  std::string access_key_secret = "testsecret";
  std::string signing = "v3";
  int attempts = 1;
  int timeout_ms = 30'000;
  std::string action;
  std::vector<std::string> params;
};

const std::map<std::string, harness::ReferenceClient::Signing>& signings() {
  using S = harness::ReferenceClient::Signing;
  static const std::map<std::string, S> kSignings = {{"v3", S::V3}, {"v1-query", S::V1Query}, {"v1-form", S::V1Form}};
  return kSignings;
}

int run_call(const CallOptions& opts) {
  contracts::Params params;
  for (const auto& p : opts.params) {
    const auto eq = p.find('=');
    if (eq == std::string::npos || eq == 0) {
      std::cerr << "ebsmock call: parameter '" << p << "' is not Name=Value\n";
      return 2;
    }
    params[p.substr(0, eq)] = p.substr(eq + 1);
  }
  // Tokens and nonces must differ between runs: two calls of one shell session are two calls.
  contracts::SeededRandom random(mock::fresh_seed());
  harness::ReferenceClient client({.endpoint = opts.endpoint,
                                   .access_key_id = opts.access_key_id,
                                   .access_key_secret = opts.access_key_secret,
                                   .signing = signings().at(opts.signing),
                                   .max_attempts = opts.attempts,
                                   .timeout = std::chrono::milliseconds(opts.timeout_ms)},
                                  random);
  const harness::CallResult r = client.call(opts.action, std::move(params));
  std::cerr << (r.http_status ? "HTTP " + std::to_string(*r.http_status) : std::string("no HTTP answer"))
            << (r.ok ? " ok" : " " + r.code) << (r.request_id.empty() ? "" : " RequestId=" + r.request_id) << " ("
            << r.attempts << (r.attempts == 1 ? " attempt" : " attempts")
            << (r.client_token.empty() ? "" : ", ClientToken " + r.client_token) << ")\n";
  if (!r.body.is_null()) {
    std::cout << r.body.dump(2) << "\n";
  } else if (!r.message.empty()) {
    std::cerr << r.message << "\n";
  }
  return r.ok ? 0 : 1;
}

}  // namespace

void add_call_command(CLI::App& app, int& exit_code) {
  auto opts = std::make_shared<CallOptions>();
  auto* cmd = app.add_subcommand("call", "Make one signed API call (e.g. to a running mock) and print the answer");
  cmd->add_option("action", opts->action, "The API action, e.g. FailoverDiskReplicaGroup")->required();
  cmd->add_option("params", opts->params,
                  "Parameters as Name=Value (RegionId=cn-hangzhou ReplicaGroupId=pg-... ClientToken=...); "
                  "a call that takes a ClientToken gets a fresh one unless given");
  cmd->add_option("--endpoint", opts->endpoint, "Where to send it")->capture_default_str();
  cmd->add_option("--access-key-id", opts->access_key_id, "AccessKeyId to sign with")
      ->envname("ALIBABA_CLOUD_ACCESS_KEY_ID")
      ->capture_default_str();
  // The secret's default is the mock's built-in test credential; a real one comes from the
  // environment so it never lands in shell history.
  cmd->add_option("--access-key-secret", opts->access_key_secret, "AccessKeySecret to sign with (default: testsecret)")
      ->envname("ALIBABA_CLOUD_ACCESS_KEY_SECRET");
  cmd->add_option("--signing", opts->signing, "Signature: v3, v1-query or v1-form")
      ->check(CLI::IsMember(std::vector<std::string>{"v3", "v1-query", "v1-form"}))
      ->capture_default_str();
  cmd->add_option("--attempts", opts->attempts, "Attempts, retries included (same ClientToken on each)")
      ->check(CLI::Range(1, 10))
      ->capture_default_str();
  cmd->add_option("--timeout-ms", opts->timeout_ms, "Per-attempt timeout")
      ->check(CLI::Range(1, 3'600'000))
      ->capture_default_str();
  cmd->callback([opts, &exit_code] { exit_code = run_call(*opts); });
}

}  // namespace ebsmock::cli
