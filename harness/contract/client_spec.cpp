// client_spec.cpp: builtin clients, their mutants, and exec clients. Not thread-safe.
#include "harness/contract/client_spec.h"

#include "harness/client/reference_client.h"
#include "harness/contract/admin_client.h"
#include "harness/contract/exec_client.h"
#include "contracts/random.h"

namespace ebsmock::harness {
namespace {

using std::chrono::milliseconds;

// The mutants the ClientBehaviour flags cannot express, as overridden hooks.

// The token is generated once and cached (e.g. in a client member or a module-level
// constant), so every call of the process sends the same ClientToken. The server then
// replays an earlier call's answer, or refuses with IdempotentParameterMismatch.
class ReusedTokenClient final : public ReferenceClient {
 public:
  using ReferenceClient::ReferenceClient;

 protected:
  std::string new_client_token() override {
    if (token_.empty()) token_ = ReferenceClient::new_client_token();
    return token_;
  }

 private:
  std::string token_;
};

// Retries at once: a tight retry loop with no sleep (x-acs-retry-after is still honoured).
class NoBackoffClient final : public ReferenceClient {
 public:
  using ReferenceClient::ReferenceClient;

 protected:
  milliseconds backoff_before(int, const Attempt& failed) override {
    return failed.retry_after.value_or(milliseconds(0));
  }
};

// Backs off with its own jitter but never reads x-acs-retry-after.
class IgnoresRetryAfterClient final : public ReferenceClient {
 public:
  using ReferenceClient::ReferenceClient;

 protected:
  milliseconds backoff_before(int next_attempt, const Attempt& failed) override {
    Attempt without = failed;
    without.retry_after.reset();
    return ReferenceClient::backoff_before(next_attempt, without);
  }
};

enum class Variant { Plain, ReusedToken, NoBackoff, IgnoresRetryAfter };

struct BuiltinRecipe {
  BuiltinClientInfo info;
  ReferenceClientConfig::Signing signing = ReferenceClientConfig::Signing::V3;
  ClientBehaviour behaviour;
  Variant variant = Variant::Plain;
};

const std::vector<BuiltinRecipe>& recipes() {
  static const std::vector<BuiltinRecipe> kRecipes = [] {
    std::vector<BuiltinRecipe> r;
    r.push_back({{"reference", "the correct client: V3 signatures, same token on every retry, "
                               "retries 5xx/throttling/transport failures with backoff", ""}});
    r.push_back({{"reference-v1", "the correct client signing classic V1 (HMAC-SHA1) in a form "
                                  "body, like pop-core and Terraform", ""},
                 ReferenceClientConfig::Signing::V1Form});
    BuiltinRecipe m;
    m = {{"new-token-on-retry", "a fresh ClientToken on every attempt (the token is made "
                                "inside the retry loop)", "C4"}};
    m.behaviour.new_token_per_attempt = true;
    r.push_back(m);
    m = {{"retries-4xx", "retries every error, 4xx refusals included (a generic retry "
                         "wrapper)", "C5"}};
    m.behaviour.retry_client_errors = true;
    r.push_back(m);
    m = {{"504-is-success", "reports success when the last answer was a 504 gateway "
                            "timeout (\"it probably went through\")", "C1"}};
    m.behaviour.success_on_gateway_timeout = true;
    r.push_back(m);
    m = {{"ignores-error-code", "any JSON body is a success, whatever the status and Code "
                                "(curl without --fail piped into jq)", "C1"}};
    m.behaviour.ignore_error_code = true;
    r.push_back(m);
    m = {{"bad-encoding", "signs with a naive percent-encoder (space as '+', '*' literal, "
                          "'~' as %7E, sign-extended non-ASCII)", "C7"}};
    m.behaviour.naive_encoding = true;
    r.push_back(m);
    m = {{"no-retry", "never retries (one attempt, like pop-core); advisory A1, a failure "
                      "under --strict", "A1"}};
    m.behaviour.max_attempts = 1;
    r.push_back(m);
    m = {{"reuses-token", "one ClientToken for every call of the process (the token is "
                          "cached), so later calls get earlier answers", "C4"}};
    m.variant = Variant::ReusedToken;
    r.push_back(m);
    m = {{"no-backoff", "retries immediately, without backoff; advisory A3, a failure "
                        "under --strict", "A3"}};
    m.variant = Variant::NoBackoff;
    r.push_back(m);
    m = {{"ignores-retry-after", "ignores x-acs-retry-after on throttling; advisory A2, a "
                                 "failure under --strict", "A2"}};
    m.variant = Variant::IgnoresRetryAfter;
    r.push_back(m);
    return r;
  }();
  return kRecipes;
}

class BuiltinClient final : public ClientUnderTest {
 public:
  BuiltinClient(std::string spec, BuiltinRecipe recipe, ClientEnvironment env)
      : spec_(std::move(spec)), recipe_(std::move(recipe)), env_(std::move(env)) {
    begin_case(0);
  }

  const std::string& spec() const override { return spec_; }

  void begin_case(std::uint64_t seed) override {
    client_.reset();
    random_ = std::make_unique<contracts::SeededRandom>(seed);
    ReferenceClientConfig config;
    config.endpoint = env_.endpoint;
    config.access_key_id = env_.access_key_id;
    config.access_key_secret = env_.access_key_secret;
    config.signing = recipe_.signing;
    config.behaviour = recipe_.behaviour;
    // Short enough that a hung server costs little; far above the mock's answer time
    // even on a loaded machine.
    config.timeout = milliseconds(1000);
    // The waits are recorded, never slept: the harness judges backoff from them.
    ReferenceClient::Sleeper sleeper = [this](milliseconds d) { waits_.push_back(d); };
    switch (recipe_.variant) {
      case Variant::Plain:
        client_ = std::make_unique<ReferenceClient>(config, *random_, sleeper);
        break;
      case Variant::ReusedToken:
        client_ = std::make_unique<ReusedTokenClient>(config, *random_, sleeper);
        break;
      case Variant::NoBackoff:
        client_ = std::make_unique<NoBackoffClient>(config, *random_, sleeper);
        break;
      case Variant::IgnoresRetryAfter:
        client_ = std::make_unique<IgnoresRetryAfterClient>(config, *random_, sleeper);
        break;
    }
  }

  CallResult call(std::string_view action, const contracts::Params& params) override {
    waits_.clear();
    return client_->call(action, params);
  }

  bool observes_waits() const override { return true; }
  std::vector<milliseconds> last_waits() const override { return waits_; }

 private:
  std::string spec_;
  BuiltinRecipe recipe_;
  ClientEnvironment env_;
  std::unique_ptr<contracts::SeededRandom> random_;
  std::unique_ptr<ReferenceClient> client_;
  std::vector<milliseconds> waits_;
};

class ExecClient final : public ClientUnderTest {
 public:
  ExecClient(std::string spec, std::unique_ptr<ApiClient> client)
      : spec_(std::move(spec)), client_(std::move(client)) {}

  const std::string& spec() const override { return spec_; }
  void begin_case(std::uint64_t) override {}

  CallResult call(std::string_view action, const contracts::Params& params) override {
    try {
      return client_->call(action, params);
    } catch (const DriverError& e) {
      // A broken driver says nothing about the contract: a set-up problem, exit 2.
      throw SetupError("client " + spec_ + " is broken (" + std::string(to_string(e.kind())) +
                       "): " + e.what());
    }
  }

  bool observes_waits() const override { return false; }
  std::vector<milliseconds> last_waits() const override { return {}; }

 private:
  std::string spec_;
  std::unique_ptr<ApiClient> client_;
};

std::string strip_quotes(std::string s) {
  if (s.size() >= 2 && (s.front() == '\'' || s.front() == '"') && s.back() == s.front()) {
    s = s.substr(1, s.size() - 2);
  }
  return s;
}

}  // namespace

ClientUnderTest::~ClientUnderTest() = default;

const std::vector<BuiltinClientInfo>& builtin_clients() {
  static const std::vector<BuiltinClientInfo> kInfos = [] {
    std::vector<BuiltinClientInfo> out;
    for (const auto& r : recipes()) out.push_back(r.info);
    return out;
  }();
  return kInfos;
}

bool is_builtin_spec(std::string_view spec) { return spec.starts_with("builtin:"); }

std::unique_ptr<ClientUnderTest> make_client(const std::string& spec, const ClientEnvironment& env) {
  if (spec.starts_with("builtin:")) {
    const std::string name = spec.substr(8);
    for (const auto& r : recipes()) {
      if (r.info.name == name) return std::make_unique<BuiltinClient>(spec, r, env);
    }
    std::string known;
    for (const auto& r : recipes()) known += (known.empty() ? "" : ", ") + std::string(r.info.name);
    throw SetupError("unknown builtin client '" + name + "' (known: " + known + ")");
  }
  if (spec.starts_with("exec:")) {
    const std::string command = strip_quotes(spec.substr(5));
    if (command.empty()) throw SetupError("exec: needs a command line, e.g. exec:'node driver.mjs'");
    try {
      return std::make_unique<ExecClient>(
          spec, make_exec_client(command, env.endpoint, env.access_key_id, env.access_key_secret,
                                 env.region, env.call_timeout));
    } catch (const DriverError& e) {
      throw SetupError("cannot start client " + spec + ": " + e.what());
    }
  }
  throw SetupError("client spec '" + spec + "' must be builtin:NAME or exec:'COMMAND LINE'");
}

}  // namespace ebsmock::harness
