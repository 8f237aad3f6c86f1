// fault_engine.cpp: rule matching, selection and decisions.
#include "mock/fault_engine.h"

#include <algorithm>

#include "contracts/crypto.h"

namespace ebsmock::mock {

using scenarios::DelaySpec;
using scenarios::FaultSpec;

nlohmann::json to_json(const FaultSpec& s) {
  nlohmann::json j = {{"id", s.id}};
  if (!s.description.empty()) j["description"] = s.description;
  j["action"] = s.actions.empty() ? nlohmann::json("*") : nlohmann::json(s.actions);
  if (!s.pair.empty()) j["pair"] = s.pair;
  if (!s.group.empty()) j["group"] = s.group;
  if (!s.region.empty()) j["region"] = s.region;
  if (!s.access_key_id.empty()) j["access_key_id"] = s.access_key_id;
  if (!s.when_status.empty()) {
    nlohmann::json statuses = nlohmann::json::array();
    for (auto st : s.when_status) statuses.push_back(std::string(contracts::to_string(st)));
    j["when_status"] = statuses;
  }
  if (!s.client_token.empty()) j["client_token"] = s.client_token;
  if (!s.call_id.empty()) j["call_id"] = s.call_id;
  if (!s.calls.empty()) j["calls"] = s.calls;
  if (s.after != 0) j["after"] = s.after;
  if (s.times) j["times"] = *s.times;
  if (s.probability != 1.0) j["probability"] = s.probability;
  switch (s.delay.kind) {
    case DelaySpec::Kind::None: break;
    case DelaySpec::Kind::Fixed: j["delay"] = contracts::format_duration(s.delay.fixed); break;
    case DelaySpec::Kind::Uniform:
      j["delay"] = {{"uniform", {contracts::format_duration(s.delay.low), contracts::format_duration(s.delay.high)}}};
      break;
    case DelaySpec::Kind::LogNormal:
      j["delay"] = {{"lognormal", {{"median", contracts::format_duration(s.delay.median)}, {"sigma", s.delay.sigma}}}};
      break;
  }
  if (s.hold) {
    nlohmann::json hold = {{"budget_ms", s.hold->budget.count()}};
    if (!s.hold->call_id.empty()) hold["call_id"] = s.hold->call_id;
    if (!s.hold->client_token.empty()) hold["client_token"] = s.hold->client_token;
    j["hold_until"] = std::move(hold);
  }
  j["commit"] = std::string(scenarios::to_string(s.commit));
  if (!s.error.empty()) j["error"] = s.error;
  if (s.status) j["status"] = *s.status;
  if (!s.message.empty()) j["message"] = s.message;
  if (s.retry_after_ms) j["retry_after_ms"] = *s.retry_after_ms;
  if (s.transport != scenarios::Transport::None) {
    j["transport"] = std::string(scenarios::to_string(s.transport));
    if (s.transport == scenarios::Transport::Hang) j["hang_cap"] = contracts::format_duration(s.hang_cap);
  }
  if (!s.source.empty()) j["source"] = s.source;
  return j;
}

FaultEngine::FaultEngine(std::vector<FaultSpec> rules, std::uint64_t seed,
                         const contracts::ErrorCatalogue& errors)
    : seed_(seed), errors_(errors) {
  for (auto& r : rules) add(std::move(r));
}

std::uint64_t FaultEngine::rule_seed(const std::string& id) const {
  // A stable hash of the id (not std::hash, which may differ between builds).
  std::string digest = contracts::crypto::sha256_hex(std::to_string(seed_) + "/" + id);
  return std::stoull(digest.substr(0, 16), nullptr, 16);
}

std::optional<std::string> FaultEngine::add(FaultSpec rule) {
  if (rule.id.empty()) {
    do {
      rule.id = "f" + std::to_string(next_auto_id_++);
    } while (std::any_of(rules_.begin(), rules_.end(), [&](const Rule& r) { return r.spec.id == rule.id; }));
  } else if (std::any_of(rules_.begin(), rules_.end(), [&](const Rule& r) { return r.spec.id == rule.id; })) {
    return std::nullopt;
  }
  Rule r;
  r.random = std::make_unique<contracts::SeededRandom>(rule_seed(rule.id));
  r.spec = std::move(rule);
  rules_.push_back(std::move(r));
  return rules_.back().spec.id;
}

bool FaultEngine::remove(std::string_view id) {
  auto it = std::find_if(rules_.begin(), rules_.end(), [&](const Rule& r) { return r.spec.id == id; });
  if (it == rules_.end()) return false;
  rules_.erase(it);
  return true;
}

nlohmann::json FaultEngine::to_json() const {
  nlohmann::json rules = nlohmann::json::array();
  for (const auto& r : rules_) {
    auto j = mock::to_json(r.spec);
    j["matched"] = r.matched;
    j["fired"] = r.fired;
    rules.push_back(std::move(j));
  }
  return {{"rules", rules}};
}

bool FaultEngine::conditions_hold(const Rule& rule, const CallContext& call) const {
  const FaultSpec& s = rule.spec;
  if (!s.actions.empty() && std::find(s.actions.begin(), s.actions.end(), call.action) == s.actions.end()) {
    return false;
  }
  if (!s.pair.empty() && s.pair != call.pair_id) return false;
  if (!s.group.empty() && s.group != call.group_id) return false;
  if (!s.region.empty() && s.region != call.region) return false;
  if (!s.access_key_id.empty() && s.access_key_id != call.access_key_id) return false;
  if (!s.when_status.empty() && std::none_of(s.when_status.begin(), s.when_status.end(), [&](contracts::Status st) {
        // A drill status names the drill's state, any other the pair's or group's.
        const auto& current = contracts::is_drill_status(st) ? call.drill_status : call.target_status;
        return current == st;
      })) {
    return false;
  }
  if (s.client_token == "reused") {
    if (!call.token_reused) return false;
  } else if (!s.client_token.empty() && s.client_token != call.client_token) {
    return false;
  }
  if (!s.call_id.empty() && s.call_id != call.call_id) return false;
  return true;
}

bool FaultEngine::selected(Rule& rule) {
  const FaultSpec& s = rule.spec;
  const auto call_number = static_cast<int>(rule.matched);  // already counted, 1-based
  if (!s.calls.empty() && std::find(s.calls.begin(), s.calls.end(), call_number) == s.calls.end()) {
    return false;
  }
  if (call_number <= s.after) return false;
  if (s.times && rule.fired >= static_cast<std::uint64_t>(*s.times)) return false;
  // The coin is flipped only for eligible calls, so `probability` composes with the
  // other selectors and its sequence depends on nothing else.
  if (s.probability < 1.0 && !rule.random->chance(s.probability)) return false;
  return true;
}

FaultDecision FaultEngine::decision_for(Rule& rule) {
  const FaultSpec& s = rule.spec;
  FaultDecision d;
  d.rule_id = s.id;
  d.delay = scenarios::sample_delay(s.delay, *rule.random);
  d.hold = s.hold;
  d.commit = s.commit;
  d.transport = s.transport;
  d.hang_cap = s.hang_cap;
  d.retry_after_ms = s.retry_after_ms;
  if (!s.error.empty()) {
    contracts::ApiError err = errors_.make(s.error, "", s.message);
    if (s.status) err.http_status = *s.status;
    if (err.message.empty() || err.message == "%s") err.message = s.error;
    d.error = std::move(err);
  }
  return d;
}

std::optional<scenarios::HoldSpec> FaultEngine::hold_for_clock_advance(std::string_view call_id) {
  CallContext call;  // no action, no target: a rule that names either does not match
  call.call_id = std::string(call_id);
  for (auto& rule : rules_) {
    if (rule.spec.call_id.empty() || !rule.spec.hold || !conditions_hold(rule, call)) continue;
    ++rule.matched;
    if (!selected(rule)) continue;
    ++rule.fired;
    return rule.spec.hold;
  }
  return std::nullopt;
}

std::optional<FaultDecision> FaultEngine::decide(const CallContext& call) {
  std::optional<FaultDecision> decision;
  for (auto& rule : rules_) {
    if (!conditions_hold(rule, call)) continue;
    ++rule.matched;
    if (decision) continue;  // an earlier rule already fired; later ones only count
    if (!selected(rule)) continue;
    ++rule.fired;
    decision = decision_for(rule);
  }
  return decision;
}

}  // namespace ebsmock::mock
