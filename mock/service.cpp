// service.cpp: the RPC pipeline. The order of checks follows the gateway: the API must
// exist (Action, Version) before the signature is checked, and the signature before the
// parameters.
#include "mock/service.h"

#include "contracts/idempotence.h"
#include "mock/seed.h"

namespace ebsmock::mock {
namespace codes = contracts::codes;
using contracts::ApiError;

namespace {

// Parameters are client bytes and need not be UTF-8; nlohmann::json::dump() throws on
// invalid UTF-8, so replace bad sequences (U+FFFD) instead of failing the answer.
std::string json_text(const nlohmann::json& j) {
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

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
    : scenario_(std::move(scenario)),
      options_(std::move(options)),
      tokens_(options_.token_capacity),
      journal_(options_.journal_capacity) {
  if (!options_.journal_file.empty()) journal_.open_file(options_.journal_file);
  seed_ = options_.seed ? *options_.seed : scenario_.seed ? *scenario_.seed : fresh_seed();
  wall_clock_ = options_.wall_clock ? options_.wall_clock : std::shared_ptr<const Clock>(make_real_clock());
  std::lock_guard lock(mu_);
  reset_locked();
}

void Service::reset_locked() {
  errors_ = std::make_shared<const contracts::ErrorCatalogue>(scenario_.policy.errors);
  clock_ = make_clock(scenario_.clock);
  random_ = std::make_unique<contracts::SeededRandom>(seed_);
  auth_ = std::make_shared<Authenticator>(scenario_.credentials, scenario_.auth.verify_signatures,
                                          scenario_.policy.timestamp_window, *wall_clock_, *errors_);
  world_ = contracts::World(scenario_.policy);
  auto now = clock_->now();
  for (const auto& p : scenario_.pairs) world_.add_pair(p, now);
  tokens_.clear();
  mutant_state_.clear();
  faults_ = std::make_unique<FaultEngine>(scenario_.faults, seed_, *errors_);
  replay_ = std::make_unique<ReplayEngine>(scenario_.replay, *errors_, seed_);
  ++generation_;
  journal_.clear();
}

nlohmann::json Service::faults_json() {
  std::lock_guard lock(mu_);
  return faults_->to_json();
}

Service::AddFaultsResult Service::add_faults(std::vector<scenarios::FaultSpec> rules) {
  std::lock_guard lock(mu_);
  AddFaultsResult result;
  for (auto& rule : rules) {
    std::string wanted = rule.id;
    auto id = faults_->add(std::move(rule));
    if (!id) {
      for (const auto& a : result.added) faults_->remove(a);
      return AddFaultsResult{{}, wanted};
    }
    result.added.push_back(*id);
  }
  return result;
}

bool Service::remove_fault(std::string_view id) {
  std::lock_guard lock(mu_);
  return faults_->remove(id);
}

nlohmann::json Service::replay_json() {
  std::lock_guard lock(mu_);
  return replay_->status_json();
}

void Service::shutdown() {
  {
    std::lock_guard lock(stop_mu_);
    stopping_ = true;
  }
  stop_cv_.notify_all();
}

bool Service::is_shutting_down() {
  std::lock_guard lock(stop_mu_);
  return stopping_;
}

bool Service::pause(contracts::Duration d) {
  if (d.count() <= 0) return true;
  std::unique_lock lock(stop_mu_);
  return !stop_cv_.wait_for(lock, d, [&] { return stopping_; });
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

contracts::ErrorCatalogue Service::errors() {
  std::lock_guard lock(mu_);
  return *errors_;
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
          {"answers", journal_.answers_json()},
          {"tokens", {{"remembered", tokens_.size()}, {"capacity", tokens_.capacity()}, {"evicted", tokens_.evicted()}}},
          {"verify_signatures", scenario_.auth.verify_signatures},
          // Planted bug, so a client can tell it talks to a server that is wrong on purpose.
          {"mutant", std::string(to_string(options_.mutant))}};
}

HttpResponse Service::success(nlohmann::json body, const std::string& request_id) {
  body["RequestId"] = request_id;
  HttpResponse r;
  r.status = 200;
  r.body = json_text(body);
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
  r.body = json_text(body);
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


namespace {

std::string param_or_empty(const contracts::Params& params, std::string_view name) {
  auto it = params.find(name);
  return it == params.end() ? std::string() : it->second;
}

nlohmann::json describe_decision(const FaultDecision& d) {
  nlohmann::json j = {{"rule", d.rule_id},
                      {"delay_ms", d.delay.count()},
                      {"commit", std::string(scenarios::to_string(d.commit))},
                      {"transport", std::string(scenarios::to_string(d.transport))}};
  if (d.error) j["error"] = d.error->code;
  if (d.status) j["status"] = *d.status;
  return j;
}

// What a gateway in front of the service shows when the service does not answer in time.
constexpr std::string_view kGatewayTimeoutHtml =
    "<html>\r\n<head><title>504 Gateway Time-out</title></head>\r\n<body>\r\n"
    "<center><h1>504 Gateway Time-out</h1></center>\r\n<hr><center>Tengine</center>\r\n"
    "</body>\r\n</html>\r\n";

}  // namespace

Service::ModelAnswer Service::run_model_locked(contracts::Operation op, const RpcRequest& req,
                                               contracts::Instant now,
                                               const std::string& request_id,
                                               const std::string& host, bool dry_run) {
  contracts::NewIds ids;
  if (op == contracts::Operation::CreateDiskReplicaPair) {
    std::string region = req.params.at("RegionId");
    std::string prefix = region.substr(0, region.find('-'));
    ids.pair_id = "pair-" + prefix + "-" + random_->alnum_lower(16);
    ids.order_id = std::to_string(100000000000000ULL + random_->below(899999999999999ULL));
  }
  // Planted bug hook: execute_with_mutant is World::execute unless options_.mutant is set.
  contracts::Outcome outcome;
  if (dry_run) {
    contracts::World copy = world_;
    outcome = execute_with_mutant(options_.mutant, mutant_state_, copy, op, req.params, now, ids,
                                  /*remember=*/false);
  } else {
    outcome = execute_with_mutant(options_.mutant, mutant_state_, world_, op, req.params, now, ids,
                                  /*remember=*/true);
  }
  if (!outcome.ok()) return {failure(*outcome.error, request_id, host), outcome.error->code, std::nullopt};
  return {success(std::move(outcome.body), request_id), "", dry_run ? std::nullopt : outcome.transition};
}

// The order of effects for one request:
//   1. parse, route (Action/Version), authenticate, validate       -> errors answer at once
//   2. replay step or fault rule decides (under the lock, exact counters)
//   3. ClientToken: begin (in flight), or replay/mismatch/in-flight answer
//   4. injected delay, outside the lock (a retry meanwhile sees LastTokenProcessing)
//   5. commit: the operation runs on the model unless the fault says "before"
//   6. the answer: the fault's error/transport/exact body, else the model's
HttpResponse Service::handle_rpc(const RawRequest& raw) {
  const std::string host = header_value(raw.headers, "host");
  JournalEntry entry;
  entry.kind = "request";
  entry.method = raw.method;
  std::string request_id;
  std::shared_ptr<const contracts::ErrorCatalogue> errors_held;
  std::shared_ptr<Authenticator> auth_held;
  {
    std::lock_guard lock(mu_);
    request_id = random_->request_id();
    entry.time = iso_millis(clock_->now());
    errors_held = errors_;
    auth_held = auth_;
  }
  const contracts::ErrorCatalogue& errors = *errors_held;
  entry.request_id = request_id;

  auto finish = [&](HttpResponse r, const std::string& code) {
    entry.status = r.transport == scenarios::Transport::Reset ||
                           r.transport == scenarios::Transport::Close ||
                           r.transport == scenarios::Transport::Hang
                       ? 0
                       : r.status;
    entry.code = code;
    journal_.append(std::move(entry));
    return r;
  };
  auto fail = [&](const ApiError& err) { return finish(failure(err, request_id, host), err.code); };

  auto parsed = parse_rpc_request(raw, errors);
  if (auto* err = std::get_if<ApiError>(&parsed)) return fail(*err);
  RpcRequest& req = std::get<RpcRequest>(parsed);
  entry.action = req.action;
  entry.params = redact(req.params);
  entry.client_token = param_or_empty(req.params, "ClientToken");

  if (req.method != "GET" && req.method != "POST") return fail(errors.make(codes::kUnsupportedHttpMethod));
  if (req.path != "/") return fail(errors.make(codes::kInvalidActionNotFound));
  if (req.action.empty()) return fail(errors.make(codes::kMissingParameter, "Action"));
  if (req.version.empty()) return fail(errors.make(codes::kMissingParameter, "Version"));
  if (req.version != contracts::kApiVersion) return fail(errors.make(codes::kInvalidVersion));
  auto op = contracts::parse_operation(req.action);
  if (!op) return fail(errors.make(codes::kInvalidActionNotFound));

  AuthResult auth = auth_held->authenticate(req);
  entry.access_key_id = auth.access_key_id;
  entry.signature_scheme = auth.scheme;
  entry.signature_verdict = auth.verdict;
  if (auth.error) return fail(*auth.error);

  if (auto err = contracts::validate_params(*op, req.params, errors)) return fail(*err);

  std::unique_lock lock(mu_);
  auto now = clock_->now();
  entry.time = iso_millis(now);
  advance_world_locked(now);
  const std::uint64_t generation = generation_;

  // --- 2. the fault layer decides ---
  CallContext call;
  call.action = req.action;
  call.params = &req.params;
  call.pair_id = param_or_empty(req.params, "ReplicaPairId");
  call.region = param_or_empty(req.params, "RegionId");
  call.access_key_id = auth.access_key_id;
  call.client_token = entry.client_token;
  if (const auto* pair = world_.find(call.pair_id)) call.pair_status = pair->status;
  if (!call.client_token.empty()) {
    call.token_reused = tokens_.note_seen({auth.access_key_id, call.client_token});
  }
  std::optional<FaultDecision> decision;
  auto replay = replay_->next(call);
  if (replay.mismatch) entry.replay_mismatch = replay.mismatch_reason;
  decision = std::move(replay.decision);
  if (!decision) decision = faults_->decide(call);
  if (decision) entry.fault = describe_decision(*decision);

  const bool runs_model = !decision || decision->applies_effect();
  const bool dry_run = decision && decision->transport == scenarios::Transport::Truncate &&
                       !decision->applies_effect();

  // --- 3. ClientToken ---
  std::optional<TokenStore::Key> token_key;
  std::optional<ModelAnswer> model;
  // Planted bug hook: the ignore-client-token mutant skips this whole step.
  if (runs_model && contracts::is_mutating(*op) && !entry.client_token.empty() &&
      !ignores_client_token(options_.mutant)) {
    TokenStore::Key key{auth.access_key_id, entry.client_token};
    std::string fingerprint = contracts::request_fingerprint(*op, req.params);
    switch (tokens_.begin(key, fingerprint, now, world_.policy().token_ttl)) {
      case contracts::TokenDecision::Mismatch: {
        entry.idempotence = "mismatch";
        auto err = errors.make(codes::kIdempotentParameterMismatch);
        model = ModelAnswer{failure(err, request_id, host), err.code, std::nullopt};
        break;
      }
      case contracts::TokenDecision::InFlight: {
        entry.idempotence = "in-flight";
        auto err = errors.make(codes::kLastTokenProcessing);
        model = ModelAnswer{failure(err, request_id, host), err.code, std::nullopt};
        break;
      }
      case contracts::TokenDecision::Replay: {
        entry.idempotence = "replayed";
        const contracts::TokenRecord* record = tokens_.find(key);
        HttpResponse r;
        r.status = record->http_status;
        std::string rid = request_id;
        if (world_.policy().token_replay_request_id == contracts::TokenReplayRequestId::Original) {
          r.body = record->body;
          rid = record->request_id;
          entry.request_id = rid;
        } else {
          auto body = nlohmann::json::parse(record->body);
          body["RequestId"] = request_id;
          r.body = json_text(body);
        }
        r.headers.emplace_back("x-acs-request-id", rid);
        model = ModelAnswer{std::move(r), "", std::nullopt};
        break;
      }
      case contracts::TokenDecision::Execute:
        entry.idempotence = "executed";
        token_key = std::move(key);
        break;
    }
  }

  // The ignore-client-token mutant journals what a buggy server would believe: that it
  // executed. Catching it must then come from behaviour (a retry executing twice), not
  // from the journal confessing.
  if (runs_model && contracts::is_mutating(*op) && !entry.client_token.empty() &&
      ignores_client_token(options_.mutant)) {
    entry.idempotence = "executed";
  }

  // --- 4. delay, outside the lock ---
  if (decision && decision->delay.count() > 0) {
    lock.unlock();
    pause(decision->delay);
    lock.lock();
    if (generation != generation_) {
      // The world was reset or replaced while this request waited: it must not act on
      // the new world. Answer as a gateway whose backend went away.
      return fail(errors.make(codes::kServiceUnavailable));
    }
    now = clock_->now();
    advance_world_locked(now);
  }

  // --- 5. commit ---
  if ((runs_model || dry_run) && !model) {
    model = run_model_locked(*op, req, now, request_id, host, dry_run);
    entry.transition = model->transition;
    if (token_key) {
      if (model->code.empty()) {
        // Remember the success even when the fault answers with an error: a retry with
        // the same token must get this original answer (ambiguous failure, commit after).
        tokens_.complete(*token_key, model->response.status, model->response.body, request_id);
      } else {
        tokens_.abandon(*token_key);
      }
    }
  }
  lock.unlock();

  // --- 6. the answer ---
  if (!decision || decision->answers_normally()) return finish(std::move(model->response), model->code);
  if (decision->answer_from_model) {
    HttpResponse r = std::move(model->response);
    for (const auto& h : decision->headers) r.headers.push_back(h);
    return finish(std::move(r), model->code);
  }
  HttpResponse r;
  std::string code;
  if (decision->body) {
    r.status = decision->status.value_or(200);
    r.body = *decision->body;
    if (decision->error) code = decision->error->code;
    // A recorded body carries the customer's RequestId: journal and header name that one,
    // so what the client saw can be found in the journal.
    std::string recorded_id;
    if (auto j = nlohmann::json::parse(r.body, nullptr, false); j.is_object() && j.contains("RequestId") &&
                                                                  j["RequestId"].is_string()) {
      recorded_id = j["RequestId"].get<std::string>();
    }
    const std::string& rid = recorded_id.empty() ? request_id : recorded_id;
    entry.request_id = rid;
    r.headers.emplace_back("x-acs-request-id", rid);
  } else if (decision->error) {
    r = failure(*decision->error, request_id, host);
    if (decision->status) r.status = *decision->status;
    code = decision->error->code;
  }
  for (const auto& h : decision->headers) r.headers.push_back(h);
  if (decision->retry_after_ms) r.headers.emplace_back("x-acs-retry-after", std::to_string(*decision->retry_after_ms));
  switch (decision->transport) {
    case scenarios::Transport::None:
      break;
    case scenarios::Transport::Html:
      r.status = 504;
      r.body = std::string(kGatewayTimeoutHtml);
      r.content_type = "text/html";
      code = "";
      break;
    case scenarios::Transport::MalformedJson:
      r.status = 200;
      // Valid-looking start, then a syntax error: what a proxy that cut a body or a buggy
      // serializer produces.
      r.body = "{\"RequestId\": \"" + request_id + "\", \"ReplicaPairs\": [{\"Status\": }";
      code = "";
      break;
    case scenarios::Transport::Truncate:
      r = std::move(model->response);
      code = model->code;
      break;
    case scenarios::Transport::Reset:
    case scenarios::Transport::Close:
    case scenarios::Transport::Hang:
      r.body.clear();
      code = "";
      break;
  }
  r.transport = decision->transport;
  r.hang_cap = decision->hang_cap;
  return finish(std::move(r), code);
}

}  // namespace ebsmock::mock
