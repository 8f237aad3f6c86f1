// service.cpp: the RPC pipeline. The order of checks follows the gateway: the API must
// exist (Action, Version) before the signature is checked, and the signature before the
// parameters.
#include "mock/service.h"

#include "contracts/idempotence.h"

namespace ebsmock::mock {
namespace codes = contracts::codes;
using contracts::ApiError;

namespace {

std::string iso_millis(contracts::Instant t) {
  std::string s = contracts::format_iso8601(t);
  auto ms = t.time_since_epoch().count() % 1000;
  char buf[8];
  std::snprintf(buf, sizeof buf, ".%03lld", static_cast<long long>(ms < 0 ? ms + 1000 : ms));
  s.insert(s.size() - 1, buf);
  return s;
}

std::unique_ptr<Clock> make_clock(const scenarios::ClockSpec& spec) {
  if (spec.mode == scenarios::ClockMode::Virtual) return std::make_unique<VirtualClock>(spec.start);
  return std::make_unique<RealClock>();
}

}  // namespace

Service::Service(scenarios::Scenario scenario, ServiceOptions options)
    : scenario_(std::move(scenario)), options_(std::move(options)), journal_(options_.journal_capacity) {
  seed_ = options_.seed ? *options_.seed : scenario_.seed ? *scenario_.seed : fresh_seed();
  wall_clock_ = options_.wall_clock ? options_.wall_clock : std::shared_ptr<const Clock>(make_real_clock());
  std::lock_guard lock(mu_);
  reset_locked();
}

void Service::reset_locked() {
  errors_ = scenario_.policy.errors;
  clock_ = make_clock(scenario_.clock);
  random_ = std::make_unique<SeededRandom>(seed_);
  auth_ = std::make_unique<Authenticator>(scenario_.credentials, scenario_.auth.verify_signatures,
                                          scenario_.policy.timestamp_window, *wall_clock_, errors_);
  world_ = contracts::World(scenario_.policy);
  auto now = clock_->now();
  for (const auto& p : scenario_.pairs) world_.add_pair(p, now);
  tokens_.clear();
  journal_.clear();
}

void Service::reset() {
  std::lock_guard lock(mu_);
  reset_locked();
}

void Service::load(scenarios::Scenario scenario) {
  std::lock_guard lock(mu_);
  scenario_ = std::move(scenario);
  if (!options_.seed && scenario_.seed) seed_ = *scenario_.seed;
  reset_locked();
}

bool Service::advance_clock(contracts::Duration by) {
  std::lock_guard lock(mu_);
  if (!clock_->advance(by)) return false;
  advance_world_locked(clock_->now());
  return true;
}

contracts::Instant Service::now() {
  std::lock_guard lock(mu_);
  return clock_->now();
}

bool Service::clock_is_virtual() {
  std::lock_guard lock(mu_);
  return clock_->is_virtual();
}

void Service::advance_world_locked(contracts::Instant now) {
  for (auto& event : world_.advance(now)) {
    JournalEntry e;
    e.kind = "progress";
    e.time = iso_millis(event.at);
    e.transition = event.transition;
    e.vanished = event.vanished;
    journal_.append(std::move(e));
  }
}

nlohmann::json Service::pairs_json() {
  std::lock_guard lock(mu_);
  advance_world_locked(clock_->now());
  nlohmann::json out = nlohmann::json::array();
  for (const auto& [id, p] : world_.pairs()) {
    auto j = contracts::to_describe_json(p);
    if (p.pending) {
      j["_pending"] = {{"to", std::string(contracts::to_string(p.pending->to))},
                       {"due", iso_millis(p.pending->due)}};
    }
    out.push_back(std::move(j));
  }
  return out;
}

nlohmann::json Service::health_json() {
  std::lock_guard lock(mu_);
  return {{"status", "ok"},
          {"scenario", scenario_.name},
          {"seed", seed_},
          {"clock", {{"mode", clock_->is_virtual() ? "virtual" : "real"}, {"now", iso_millis(clock_->now())}}},
          {"pairs", world_.pairs().size()},
          {"journal", {{"entries", journal_.size()}, {"last_seq", journal_.last_seq()}, {"dropped", journal_.dropped()}}},
          {"verify_signatures", scenario_.auth.verify_signatures}};
}

HttpResponse Service::success(nlohmann::json body, const std::string& request_id) {
  body["RequestId"] = request_id;
  HttpResponse r;
  r.status = 200;
  r.body = body.dump();
  r.headers.emplace_back("x-acs-request-id", request_id);
  return r;
}

HttpResponse Service::failure(const ApiError& err, const std::string& request_id,
                              std::string_view host) {
  // Both a non-2xx status and a JSON Code are needed: pop-core ignores the status, the
  // openapi cores ignore a Code inside a 2xx (sdk-wire.md §8.5).
  nlohmann::json body = {{"RequestId", request_id},
                         {"HostId", host.empty() ? std::string("ebs.aliyuncs.com") : std::string(host)},
                         {"Code", err.code},
                         {"Message", err.message},
                         {"Recommend", "https://api.aliyun.com/troubleshoot?q=" + err.code +
                                           "&product=ebs&requestId=" + request_id}};
  HttpResponse r;
  r.status = err.http_status;
  r.body = body.dump();
  r.headers.emplace_back("x-acs-request-id", request_id);
  return r;
}

HttpResponse Service::error_response(const ApiError& err, std::string_view host) {
  std::string request_id;
  {
    std::lock_guard lock(mu_);
    request_id = random_->request_id();
  }
  return failure(err, request_id, host);
}

HttpResponse Service::handle_rpc(const RawRequest& raw) {
  const std::string host = header_value(raw.headers, "host");
  JournalEntry entry;
  entry.kind = "request";
  entry.method = raw.method;
  std::string request_id;
  {
    std::lock_guard lock(mu_);
    request_id = random_->request_id();
    entry.time = iso_millis(clock_->now());
  }
  entry.request_id = request_id;

  auto finish = [&](HttpResponse r, const std::string& code) {
    entry.status = r.status;
    entry.code = code;
    journal_.append(std::move(entry));
    return r;
  };
  auto fail = [&](const ApiError& err) { return finish(failure(err, request_id, host), err.code); };

  auto parsed = parse_rpc_request(raw, errors_);
  if (auto* err = std::get_if<ApiError>(&parsed)) return fail(*err);
  RpcRequest& req = std::get<RpcRequest>(parsed);
  entry.action = req.action;
  entry.params = redact(req.params);
  if (auto it = req.params.find("ClientToken"); it != req.params.end()) entry.client_token = it->second;

  if (req.method != "GET" && req.method != "POST") return fail(errors_.make(codes::kUnsupportedHttpMethod));
  if (req.path != "/") return fail(errors_.make(codes::kInvalidActionNotFound));
  if (req.action.empty()) return fail(errors_.make(codes::kMissingParameter, "Action"));
  if (req.version.empty()) return fail(errors_.make(codes::kMissingParameter, "Version"));
  if (req.version != contracts::kApiVersion) return fail(errors_.make(codes::kInvalidVersion));
  auto op = contracts::parse_operation(req.action);
  if (!op) return fail(errors_.make(codes::kInvalidActionNotFound));

  AuthResult auth = auth_->authenticate(req);
  entry.access_key_id = auth.access_key_id;
  entry.signature_scheme = auth.scheme;
  entry.signature_verdict = auth.verdict;
  if (auth.error) return fail(*auth.error);

  if (auto err = contracts::validate_params(*op, req.params, errors_)) return fail(*err);

  std::lock_guard lock(mu_);
  auto now = clock_->now();
  entry.time = iso_millis(now);
  advance_world_locked(now);

  std::optional<TokenStore::Key> token_key;
  if (contracts::is_mutating(*op) && !entry.client_token.empty()) {
    token_key = TokenStore::Key{auth.access_key_id, entry.client_token};
    std::string fingerprint = contracts::request_fingerprint(*op, req.params);
    switch (tokens_.begin(*token_key, fingerprint, now, world_.policy().token_ttl)) {
      case contracts::TokenDecision::Mismatch:
        entry.idempotence = "mismatch";
        return fail(errors_.make(codes::kIdempotentParameterMismatch));
      case contracts::TokenDecision::InFlight:
        entry.idempotence = "in-flight";
        return fail(errors_.make(codes::kLastTokenProcessing));
      case contracts::TokenDecision::Replay: {
        entry.idempotence = "replayed";
        const contracts::TokenRecord* record = tokens_.find(*token_key);
        HttpResponse r;
        r.status = record->http_status;
        if (world_.policy().token_replay_request_id == contracts::TokenReplayRequestId::Original) {
          r.body = record->body;
          entry.request_id = record->request_id;
        } else {
          auto body = nlohmann::json::parse(record->body);
          body["RequestId"] = request_id;
          r.body = body.dump();
        }
        r.headers.emplace_back("x-acs-request-id", entry.request_id);
        return finish(std::move(r), "");
      }
      case contracts::TokenDecision::Execute:
        entry.idempotence = "executed";
        break;
    }
  }

  contracts::NewIds ids;
  if (*op == contracts::Operation::CreateDiskReplicaPair) {
    std::string region = req.params.at("RegionId");
    std::string prefix = region.substr(0, region.find('-'));
    ids.pair_id = "pair-" + prefix + "-" + random_->alnum_lower(16);
    ids.order_id = std::to_string(100000000000000ULL + random_->below(899999999999999ULL));
  }
  contracts::Outcome outcome = world_.execute(*op, req.params, now, ids);
  if (!outcome.ok()) {
    if (token_key) tokens_.abandon(*token_key);
    return fail(*outcome.error);
  }
  entry.transition = outcome.transition;
  HttpResponse r = success(std::move(outcome.body), request_id);
  if (token_key) tokens_.complete(*token_key, r.status, r.body, request_id);
  return finish(std::move(r), "");
}

}  // namespace ebsmock::mock
