// sequential_spec.cpp: see sequential_spec.h. Pure functions over immutable states;
// thread-safe.
#include "harness/concurrent/sequential_spec.h"

#include <functional>
#include <utility>

#include "contracts/api_schema.h"
#include "contracts/idempotence.h"

namespace ebsmock::harness::concurrent {
namespace {

void mix(std::size_t& h, std::size_t v) { h ^= v + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2); }
void mix(std::size_t& h, std::string_view s) { mix(h, std::hash<std::string_view>{}(s)); }

// A hash over what usually tells states apart; equality settles the rest.
std::size_t hash_of(const contracts::World& w, const std::map<TokenKey, TokenEntry>& tokens, contracts::Instant now) {
  std::size_t h = static_cast<std::size_t>(now.time_since_epoch().count());
  for (const auto& [id, p] : w.pairs()) {
    mix(h, id);
    mix(h, static_cast<std::size_t>(p.status));
    mix(h, p.pair_name);
    mix(h, p.description);
    mix(h, static_cast<std::size_t>(p.bandwidth));
    mix(h, static_cast<std::size_t>(p.rpo));
    mix(h, p.tags.size());
    mix(h, p.replica_group_id);
    mix(h, p.source_region);
  }
  for (const auto& [id, g] : w.groups()) {
    mix(h, id);
    mix(h, static_cast<std::size_t>(g.status));
    mix(h, g.name);
    mix(h, g.description);
    mix(h, g.pair_ids.size());
  }
  for (const auto& [id, d] : w.drills()) {
    mix(h, id);
    mix(h, static_cast<std::size_t>(d.status));
  }
  for (const auto& [key, entry] : tokens) {
    mix(h, key.token);
    mix(h, entry.fingerprint);
  }
  return h;
}

}  // namespace

ModelState::ModelState(std::shared_ptr<const contracts::World> world, std::map<TokenKey, TokenEntry> tokens,
                       contracts::Instant now)
    : world_(std::move(world)), tokens_(std::move(tokens)), now_(now), hash_(hash_of(*world_, tokens_, now_)) {}

std::shared_ptr<const ModelState> ModelState::without_token(const TokenKey& key) const {
  auto tokens = tokens_;
  tokens.erase(key);
  return std::make_shared<const ModelState>(world_, std::move(tokens), now_);
}

bool operator==(const ModelState& a, const ModelState& b) {
  if (a.hash_ != b.hash_ || a.now_ != b.now_) return false;
  if (a.world_ != b.world_) {
    const auto& x = *a.world_;
    const auto& y = *b.world_;
    if (x.pairs() != y.pairs() || x.groups() != y.groups() || x.drills() != y.drills()) return false;
  }
  return a.tokens_ == b.tokens_;
}

StatePtr initial_state(const contracts::World& world, contracts::Instant now) {
  auto w = std::make_shared<contracts::World>(world);
  w->advance(now);
  return std::make_shared<const ModelState>(std::move(w), std::map<TokenKey, TokenEntry>{}, now);
}

std::optional<TokenKey> token_key(const HistoryOp& op) {
  std::string token = client_token(op);
  if (token.empty() || !contracts::uses_idempotence(op.action)) return std::nullopt;
  return TokenKey{op.access_key_id, std::move(token)};
}

Prediction predict(const StatePtr& state, const HistoryOp& op) {
  Prediction p;
  p.next = state;
  const contracts::World& world = state->world();
  const contracts::Instant now = state->now();
  if (op.clock_advance) {
    // The background work the advance makes due: the contract's own transitions.
    p.how = "clock advanced";
    auto next = std::make_shared<contracts::World>(world);
    next->advance(now + *op.clock_advance);
    p.next = std::make_shared<const ModelState>(std::move(next), state->tokens(), now + *op.clock_advance);
    return p;
  }
  // The gateway's parameter checks come before the token step and the model (the mock's
  // pipeline order), and refuse without an effect.
  if (auto err = contracts::validate_params(op.action, op.params, world.policy().errors)) {
    p.code = err->code;
    p.how = "invalid parameters";
    return p;
  }
  const auto key = token_key(op);
  std::string fingerprint;
  if (key) {
    fingerprint = contracts::request_fingerprint(op.action, op.params);
    auto it = state->tokens().find(*key);
    std::optional<contracts::TokenRecord> record;
    if (it != state->tokens().end()) {
      record.emplace();
      record->fingerprint = it->second.fingerprint;
      record->in_flight = false;
      record->first_seen = it->second.first_seen;
    }
    switch (contracts::decide_token(record ? &*record : nullptr, fingerprint, now, world.policy().token_ttl)) {
      case contracts::TokenDecision::Execute:
        break;
      case contracts::TokenDecision::Replay:
        p.body = it->second.body;
        p.how = "replayed";
        return p;
      case contracts::TokenDecision::Mismatch:
      case contracts::TokenDecision::InFlight:
        p.code = std::string(contracts::codes::kIdempotentParameterMismatch);
        p.how = "parameter mismatch";
        return p;
    }
  }
  p.how = "executed";
  auto next = std::make_shared<contracts::World>(world);
  contracts::Outcome outcome = next->execute(op.action, op.params, now, op.ids);
  if (!outcome.ok()) {
    // The model changes nothing when it refuses (contracts/README.md).
    p.code = outcome.error->code;
    return p;
  }
  p.body = std::move(outcome.body);
  if (!contracts::is_mutating(op.action)) return p;
  next->advance(now);  // keep states current: a 0-length transition completes now
  auto tokens = state->tokens();
  if (key) tokens[*key] = TokenEntry{std::move(fingerprint), p.body, now};
  p.next = std::make_shared<const ModelState>(std::move(next), std::move(tokens), now);
  return p;
}

bool body_matches(const nlohmann::json& model, const nlohmann::json& observed) {
  if (observed.is_object()) {
    if (!model.is_object()) return false;
    for (const auto& [k, v] : observed.items()) {
      auto it = model.find(k);
      if (it == model.end() || !body_matches(*it, v)) return false;
    }
    return true;
  }
  if (observed.is_array()) {
    if (!model.is_array() || model.size() != observed.size()) return false;
    for (std::size_t i = 0; i < observed.size(); ++i) {
      if (!body_matches(model[i], observed[i])) return false;
    }
    return true;
  }
  return model == observed;
}

bool matches(const Prediction& p, const Observed& o) {
  switch (o.kind) {
    case OutcomeKind::Ok: return p.code.empty() && body_matches(p.body, o.body);
    case OutcomeKind::Error: return p.code == o.code;
    case OutcomeKind::Failed:
    case OutcomeKind::Ambiguous: return true;
  }
  return false;
}

std::string describe(const Prediction& p) {
  return (p.code.empty() ? "ok " + p.body.dump() : p.code) + " (" + p.how + ")";
}

std::string describe(const Observed& o) {
  switch (o.kind) {
    case OutcomeKind::Ok: return "ok " + o.body.dump();
    case OutcomeKind::Error: return o.code;
    case OutcomeKind::Failed: return "failed without effect";
    case OutcomeKind::Ambiguous: return "no answer (ambiguous)";
  }
  return "";
}

nlohmann::json describe_state(const ModelState& s) {
  nlohmann::json out = {{"pairs", nlohmann::json::object()},
                        {"groups", nlohmann::json::object()},
                        {"drills", nlohmann::json::object()},
                        {"tokens", nlohmann::json::array()},
                        {"now", contracts::format_iso8601(s.now())}};
  for (const auto& [id, p] : s.world().pairs()) {
    out["pairs"][id] = {{"Status", contracts::to_string(p.status)},
                        {"PairName", p.pair_name},
                        {"Description", p.description},
                        {"Bandwidth", p.bandwidth},
                        {"RPO", p.rpo},
                        {"ReplicaGroupId", p.replica_group_id}};
  }
  for (const auto& [id, g] : s.world().groups()) {
    out["groups"][id] = {{"Status", contracts::to_string(g.status)}, {"GroupName", g.name}, {"PairIds", g.pair_ids}};
  }
  for (const auto& [id, d] : s.world().drills()) out["drills"][id] = contracts::to_string(d.status);
  for (const auto& [key, entry] : s.tokens()) out["tokens"].push_back(key.token);
  return out;
}

}  // namespace ebsmock::harness::concurrent
