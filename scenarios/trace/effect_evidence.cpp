// effect_evidence.cpp: evidence in a trace that an ambiguous call took effect.
#include "scenarios/trace/effect_evidence.h"

#include <algorithm>

#include <nlohmann/json.hpp>

#include "contracts/error_catalogue.h"
#include "contracts/operation.h"
#include "contracts/status.h"
#include "contracts/text.h"
#include "contracts/transitions.h"
#include "contracts/wire.h"

namespace ebsmock::scenarios {
namespace {

std::string target_pair(const TraceRequest& r) {
  auto it = r.params.find("ReplicaPairId");
  return it == r.params.end() ? std::string() : it->second;
}

std::string step_name(std::size_t k) { return "step " + std::to_string(k + 1); }

// Whether r may have changed `pair` (so a later status cannot be laid at another call's
// door): a mutating call on it that succeeded, was applied although it failed, or whose
// outcome is as unknown as the call being judged.
bool may_change(const TraceRequest& r, const std::string& pair) {
  const auto op = contracts::parse_operation(r.action);
  if (!op || !contracts::is_mutating(*op) || target_pair(r) != pair) return false;
  if (r.commit_after || r.transport != Transport::None) return true;
  return contracts::is_2xx(r.status) || r.status >= 500;
}

// Whether r, applied to a pair in `from`, can leave it in `to` (entering a transient
// status, reaching its final or its failure status), by the documented transitions.
bool explains(const TraceRequest& r, contracts::Status from, contracts::Status to, const contracts::Policy& policy) {
  const auto op = contracts::parse_operation(r.action);
  if (!op) return false;
  contracts::OperationFlags flags;
  if (auto it = r.params.find("OneShot"); it != r.params.end()) flags.one_shot = it->second == "true";
  if (auto it = r.params.find("ReverseReplicate"); it != r.params.end()) flags.reverse_replicate = it->second != "false";
  const auto& rule = contracts::rule_for(*op, flags);
  if (rule.kind != contracts::ResourceKind::Pair || !contracts::is_allowed(rule, from, policy)) return false;
  for (const auto& s : {rule.transient, rule.transient_if_synced, rule.final_status, rule.failure_status}) {
    if (s && *s == to) return true;
  }
  return false;
}

}  // namespace

std::optional<contracts::Status> described_status(const TraceRequest& r, const std::string& pair_id) {
  if (r.action != "DescribeDiskReplicaPairs" || !r.body || !contracts::is_2xx(r.status)) return std::nullopt;
  const auto body = nlohmann::json::parse(*r.body, nullptr, /*allow_exceptions=*/false);
  if (!body.is_object()) return std::nullopt;
  const nlohmann::json* pairs = nullptr;
  if (auto it = body.find("ReplicaPairs"); it != body.end()) {
    pairs = &*it;
    if (pairs->is_object()) {
      auto inner = pairs->find("ReplicaPair");
      pairs = inner == pairs->end() ? nullptr : &*inner;
    }
  }
  if (!pairs || !pairs->is_array()) return std::nullopt;
  for (const auto& p : *pairs) {
    if (!p.is_object() || p.value("ReplicaPairId", "") != pair_id) continue;
    const auto status = p.find("Status");
    if (status == p.end() || !status->is_string()) return std::nullopt;
    return contracts::parse_status(status->get<std::string>());
  }
  return std::nullopt;
}

std::optional<EffectEvidence> effect_evidence(const std::vector<TraceRequest>& requests, std::size_t i,
                                              const Scenario* base) {
  const TraceRequest& call = requests.at(i);
  const std::string pair = target_pair(call);
  if (pair.empty()) return std::nullopt;

  // The pair's status just before the call, and where that is known from.
  std::optional<contracts::Status> before;
  std::string before_source;
  for (std::size_t k = i; k-- > 0;) {
    if (may_change(requests[k], pair)) break;  // what a Describe before it showed is stale
    if (auto s = described_status(requests[k], pair)) {
      before = s;
      before_source = step_name(k) + "'s Describe";
      break;
    }
  }
  if (!before && base) {
    bool changed_earlier = false;
    for (std::size_t k = 0; k < i; ++k) changed_earlier = changed_earlier || may_change(requests[k], pair);
    for (const auto& p : base->pairs) {
      if (p.id == pair && !changed_earlier) {
        before = p.status;
        before_source = "the base world";
      }
    }
  }

  const contracts::Policy policy = base ? base->policy : contracts::Policy{};
  std::optional<EffectEvidence> hint;
  std::vector<std::size_t> also_unknown;  // other calls in between whose effect is unknown
  for (std::size_t k = i + 1; k < requests.size(); ++k) {
    const TraceRequest& later = requests[k];
    if (!hint && later.action == call.action && target_pair(later) == pair &&
        later.code == contracts::codes::kInvalidStatus) {
      hint = EffectEvidence{EffectEvidence::Kind::RetryRefused, k,
                            "Step " + std::to_string(k + 1) + ", the same call for the same pair, got " +
                                std::string(contracts::codes::kInvalidStatus) + ", so it probably did."};
    }
    if (auto after = described_status(later, pair)) {
      // The first Describe after the call is the one that can tell. Only this call can
      // have moved the pair there: no other call in between could have.
      if (before && !contracts::is_transient(*before) && *after != *before &&
          explains(call, *before, *after, policy) &&
          std::none_of(also_unknown.begin(), also_unknown.end(),
                       [&](std::size_t u) { return explains(requests[u], *before, *after, policy); })) {
        return EffectEvidence{EffectEvidence::Kind::Observed, k,
                              "Step " + std::to_string(k + 1) + "'s Describe shows the pair " +
                                  std::string(contracts::to_string(*after)) + " where " + before_source +
                                  " showed " + std::string(contracts::to_string(*before)) +
                                  "; only this call explains that."};
      }
      break;
    }
    if (may_change(later, pair)) {
      const auto op = contracts::parse_operation(later.action);
      const bool definite = !later.commit_after && later.transport == Transport::None && contracts::is_2xx(later.status);
      if (definite || !op) break;  // a known change in between: the later status proves nothing
      also_unknown.push_back(k);
    }
  }
  return hint;
}

}  // namespace ebsmock::scenarios
