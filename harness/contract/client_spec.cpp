// client_spec.cpp: builtin clients, their mutants, and exec clients. Not thread-safe.
#include "harness/contract/client_spec.h"

#include <map>
#include <mutex>
#include <thread>

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

// --- Group mutants (for --groups histories) ---

// Stops a group the way code written for single pairs does: it lists the group's pairs
// and stops each one, reading a refusal as "already stopped". Member pairs refuse
// pair-level calls (ebs-groups.md §5.2, Policy::member_pair_refusal), so the group never
// stops, yet the call reports success.
class MemberPairStopClient final : public ReferenceClient {
 public:
  using ReferenceClient::ReferenceClient;

  CallResult call(std::string_view action, contracts::Params params) override {
    if (action != "StopDiskReplicaGroup") return ReferenceClient::call(action, std::move(params));
    const std::string region = params["RegionId"];
    const std::string group = params["ReplicaGroupId"];
    CallResult listed = ReferenceClient::call("DescribeDiskReplicaGroups", {{"RegionId", region}, {"GroupIds", group}});
    if (!listed.ok) return listed;
    int requests = listed.attempts;
    const auto groups = listed.body.value("ReplicaGroups", nlohmann::json::array());
    CallResult result;
    if (groups.empty() || !groups[0].is_object() || groups[0].value("PairIds", nlohmann::json::array()).empty()) {
      // "Nothing to stop": its own verdict, not the server's.
      result.code = groups.empty() ? "NoSuchResource" : "OperationDenied.NoPairInGroup";
      result.message = "the group " + group + (groups.empty() ? " is not listed" : " has no pairs");
      result.attempts = requests;
      return result;
    }
    for (const auto& id : groups[0].value("PairIds", nlohmann::json::array())) {
      if (!id.is_string()) continue;
      CallResult stop = ReferenceClient::call("StopDiskReplicaPair", {{"RegionId", region}, {"ReplicaPairId", id.get<std::string>()}});
      requests += stop.attempts;
      if (!stop.ok && !stop.code.starts_with("OperationDenied")) {
        stop.attempts = requests;
        return stop;
      }
    }
    result.ok = true;
    result.body = {{"RequestId", listed.request_id}};
    result.request_id = listed.request_id;
    result.http_status = 200;
    result.attempts = requests;
    return result;
  }
};

// Reads a 504 on a group failover as "it failed" and retries it as a new request, with a
// new ClientToken: the server can no longer tell the retry from a second failover.
class FailoverTimeoutNewTokenClient final : public ReferenceClient {
 public:
  using ReferenceClient::ReferenceClient;

 protected:
  bool renews_token_before_retry(std::string_view action, const Attempt& failed) const override {
    return action == "FailoverDiskReplicaGroup" && failed.result.http_status == 504;
  }
};

// Decodes DescribeDiskReplicaGroups into a typed model whose LastRecoverPoint defaults to
// 0 (a Go/Tea struct's zero value), so a group that has not completed its first sync
// shows a recovery point: a "wait until LastRecoverPoint is set" loop (Terraform's
// #CHECKSET, ebs-groups.md §9.1, §9.7 #2) stops before the group is normal.
class RecoverPointBeforeNormalClient final : public ReferenceClient {
 public:
  using ReferenceClient::ReferenceClient;

 protected:
  CallResult decode(std::string_view action, CallResult result) const override {
    if (action != "DescribeDiskReplicaGroups" || !result.ok || !result.body.is_object()) return result;
    auto groups = result.body.find("ReplicaGroups");
    if (groups == result.body.end() || !groups->is_array()) return result;
    for (auto& g : *groups) {
      if (g.is_object() && (!g.contains("LastRecoverPoint") || g["LastRecoverPoint"].is_null())) {
        g["LastRecoverPoint"] = 0;
      }
    }
    return result;
  }
};

// Draws a new ClientToken for every attempt of StartPairDrill / StartReplicaGroupDrill, as
// Terraform's alicloud_ebs_replica_pair_drill and _group_drill do (ebs-groups.md §9.4,
// §9.6): after an ambiguous failure the retry starts a second drill.
class DrillNewTokenClient final : public ReferenceClient {
 public:
  using ReferenceClient::ReferenceClient;

 protected:
  bool renews_token_before_retry(std::string_view action, const Attempt&) const override {
    return action == "StartPairDrill" || action == "StartReplicaGroupDrill";
  }
};

// --- Concurrency mutants (for --concurrent): the bug is state shared between the client
// instances of several threads, so one thread alone never shows it. ---

// What the instances made by one make_clients call share (locked: several threads use it).
struct SharedClientState {
  std::mutex mutex;
  // shared-describe-cache: request key -> the answer and the instance that cached it.
  struct Cached {
    const void* owner = nullptr;
    CallResult result;
  };
  std::map<std::string, Cached> describe_cache;
  // shared-request-object: the one request object every thread fills in, then sends.
  std::string action;
  contracts::Params params;

  void reset() {
    std::lock_guard lock(mutex);
    describe_cache.clear();
    action.clear();
    params.clear();
  }
};

// C1: the ClientToken is the action and the current unix second (Terraform's format
// without its UUID): two calls of one action in the same second share a token, so the
// second is replayed or refused with IdempotentParameterMismatch.
class TokenPerSecondClient final : public ReferenceClient {
 public:
  using ReferenceClient::ReferenceClient;

  CallResult call(std::string_view action, contracts::Params params) override {
    if (sends_client_token(action)) {
      const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(
          ReferenceClient::system_now().time_since_epoch());
      params["ClientToken"] = std::string(action) + "-" + std::to_string(seconds.count());
    }
    return ReferenceClient::call(action, std::move(params));
  }
};

// C3: Describe answers are cached in a cache every thread shares; an instance drops only
// the entries it cached itself when it changes something, so its own reads stay
// consistent with its own writes while another thread's stale answer is served.
class SharedDescribeCacheClient final : public ReferenceClient {
 public:
  SharedDescribeCacheClient(ReferenceClientConfig config, contracts::Random& random, Sleeper sleeper,
                            std::shared_ptr<SharedClientState> shared)
      : ReferenceClient(std::move(config), random, std::move(sleeper)), shared_(std::move(shared)) {}

  CallResult call(std::string_view action, contracts::Params params) override {
    if (is_mutating_action(action)) {
      CallResult r = ReferenceClient::call(action, std::move(params));
      std::lock_guard lock(shared_->mutex);
      std::erase_if(shared_->describe_cache, [this](const auto& e) { return e.second.owner == this; });
      return r;
    }
    std::string key(action);
    for (const auto& [k, v] : params) key += "\n" + k + "=" + v;
    {
      std::lock_guard lock(shared_->mutex);
      if (auto it = shared_->describe_cache.find(key); it != shared_->describe_cache.end()) {
        CallResult hit = it->second.result;
        hit.attempts = 0;
        return hit;
      }
    }
    CallResult r = ReferenceClient::call(action, std::move(params));
    if (r.ok) {
      std::lock_guard lock(shared_->mutex);
      shared_->describe_cache[key] = {this, r};
    }
    return r;
  }

 private:
  std::shared_ptr<SharedClientState> shared_;
};

// C4: one request object shared by every thread: a call fills it in, spends a moment
// (the time real code takes to set the remaining fields), then sends what it holds, which
// another thread may have overwritten in between.
class SharedRequestObjectClient final : public ReferenceClient {
 public:
  SharedRequestObjectClient(ReferenceClientConfig config, contracts::Random& random, Sleeper sleeper,
                            std::shared_ptr<SharedClientState> shared)
      : ReferenceClient(std::move(config), random, std::move(sleeper)), shared_(std::move(shared)) {}

  CallResult call(std::string_view action, contracts::Params params) override {
    {
      std::lock_guard lock(shared_->mutex);
      shared_->action = std::string(action);
      shared_->params = std::move(params);
    }
    // The race window of the bug, on the real clock: it is in the client, not the mock.
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
    std::string sent_action;
    contracts::Params sent;
    {
      std::lock_guard lock(shared_->mutex);
      sent_action = shared_->action;
      sent = shared_->params;
    }
    return ReferenceClient::call(sent_action, std::move(sent));
  }

 private:
  std::shared_ptr<SharedClientState> shared_;
};

enum class Variant {
  Plain,
  ReusedToken,
  NoBackoff,
  IgnoresRetryAfter,
  MemberPairStop,
  FailoverTimeoutNewToken,
  RecoverPointBeforeNormal,
  DrillNewToken,
  TokenPerSecond,
  SharedDescribeCache,
  SharedRequestObject,
};

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
    // Group mutants: their bugs show in --groups histories.
    m = {{"member-pair-stop", "(--groups) stops a group by stopping each member pair, reading the "
                              "refusals as \"already stopped\", and reports success", "C1"}};
    m.variant = Variant::MemberPairStop;
    r.push_back(m);
    m = {{"failover-504-new-token", "(--groups) reads a 504 on FailoverDiskReplicaGroup as a failure "
                                    "and retries it with a new ClientToken", "C4"}};
    m.variant = Variant::FailoverTimeoutNewToken;
    r.push_back(m);
    m = {{"recover-point-before-normal", "(--groups) decodes groups into a typed model whose "
                                         "LastRecoverPoint defaults to 0, so a group still syncing "
                                         "shows a recovery point before it is normal", "C8"}};
    m.variant = Variant::RecoverPointBeforeNormal;
    r.push_back(m);
    m = {{"drill-new-token", "(--groups) a new ClientToken on every attempt of Start*Drill, as "
                             "Terraform's drill resources (a second drill after an ambiguous "
                             "failure, C9)", "C4"}};
    m.variant = Variant::DrillNewToken;
    r.push_back(m);
    // Concurrency mutants: their bugs show only under --concurrent.
    m = {{"token-per-second", "(--concurrent) the ClientToken is the action and the unix second, "
                              "so two threads' calls in one second share it", "linearizability, shared-token", true}};
    m.variant = Variant::TokenPerSecond;
    r.push_back(m);
    m = {{"shared-describe-cache", "(--concurrent) Describe answers are cached across threads; a "
                                   "thread drops only its own entries when it changes something",
          "linearizability", true}};
    m.variant = Variant::SharedDescribeCache;
    r.push_back(m);
    m = {{"shared-request-object", "(--concurrent) one request object shared by every thread: a "
                                   "call may send another thread's action and parameters",
          "linearizability", true}};
    m.variant = Variant::SharedRequestObject;
    r.push_back(m);
    return r;
  }();
  return kRecipes;
}

class BuiltinClient final : public ClientUnderTest {
 public:
  BuiltinClient(std::string spec, BuiltinRecipe recipe, ClientEnvironment env,
                std::shared_ptr<SharedClientState> shared = std::make_shared<SharedClientState>())
      : spec_(std::move(spec)), recipe_(std::move(recipe)), env_(std::move(env)), shared_(std::move(shared)) {
    begin_case(0);
  }

  const std::string& spec() const override { return spec_; }

  void begin_case(std::uint64_t seed) override {
    client_.reset();
    shared_->reset();
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
      case Variant::MemberPairStop:
        client_ = std::make_unique<MemberPairStopClient>(config, *random_, sleeper);
        break;
      case Variant::FailoverTimeoutNewToken:
        client_ = std::make_unique<FailoverTimeoutNewTokenClient>(config, *random_, sleeper);
        break;
      case Variant::RecoverPointBeforeNormal:
        client_ = std::make_unique<RecoverPointBeforeNormalClient>(config, *random_, sleeper);
        break;
      case Variant::DrillNewToken:
        client_ = std::make_unique<DrillNewTokenClient>(config, *random_, sleeper);
        break;
      case Variant::TokenPerSecond:
        client_ = std::make_unique<TokenPerSecondClient>(config, *random_, sleeper);
        break;
      case Variant::SharedDescribeCache:
        client_ = std::make_unique<SharedDescribeCacheClient>(config, *random_, sleeper, shared_);
        break;
      case Variant::SharedRequestObject:
        client_ = std::make_unique<SharedRequestObjectClient>(config, *random_, sleeper, shared_);
        break;
    }
    client_->set_call_id(call_id_);
  }

  void set_call_id(const std::string& id) override {
    call_id_ = id;
    client_->set_call_id(id);
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
  std::shared_ptr<SharedClientState> shared_;
  std::unique_ptr<ReferenceClient> client_;
  std::vector<milliseconds> waits_;
  std::string call_id_;
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

  void set_call_id(const std::string& id) override { client_->set_call_id(id); }
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

std::vector<std::unique_ptr<ClientUnderTest>> make_clients(const std::string& spec,
                                                           const ClientEnvironment& env, int count) {
  std::vector<std::unique_ptr<ClientUnderTest>> out;
  if (spec.starts_with("builtin:")) {
    auto first = make_client(spec, env);  // validates the name
    const std::string name = spec.substr(8);
    auto shared = std::make_shared<SharedClientState>();
    for (const auto& r : recipes()) {
      if (r.info.name != name) continue;
      for (int i = 0; i < count; ++i) out.push_back(std::make_unique<BuiltinClient>(spec, r, env, shared));
    }
    return out;
  }
  for (int i = 0; i < count; ++i) out.push_back(make_client(spec, env));
  return out;
}

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
