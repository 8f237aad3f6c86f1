// oracle.cpp: replaying the journal on the model. Not thread-safe.
#include "harness/contract/oracle.h"

#include <algorithm>

#include "harness/contract/steps.h"
#include "scenarios/loader/initial_world.h"

namespace ebsmock::harness {
namespace {

std::string transition_text(const std::optional<contracts::Transition>& t) {
  return t ? contracts::to_string(*t) : std::string("no transition");
}

std::string members_text(const std::vector<contracts::Transition>& members) {
  std::string out = "[";
  for (const auto& t : members) out += (out.size() > 1 ? "; " : "") + contracts::to_string(t);
  return out + "]";
}

std::string shown(const std::string& code) { return code.empty() ? "success" : code; }

}  // namespace

Oracle::Oracle(const scenarios::Scenario& scenario, contracts::Instant start)
    : world_(scenarios::initial_world(scenario, start)), now_(start) {
  // Slots as GenModel numbers them: what the scenario has, by id.
  for (const auto& [id, p] : world_.pairs()) slots_.push_back(id);
  for (const auto& [id, g] : world_.groups()) group_slots_.push_back(id);
  for (const auto& [id, d] : world_.drills()) {
    drill_slots_.push_back(id);
    note_drilled(d.target_kind, d.target_id);
  }
}

void Oracle::note_drilled(contracts::ResourceKind kind, const std::string& id) {
  const std::pair<contracts::ResourceKind, std::string> target{kind, id};
  if (std::find(drilled_.begin(), drilled_.end(), target) == drilled_.end()) drilled_.push_back(target);
}

std::string Oracle::resolve(int slot) const { return slot_id(slots_, slot, kUnknownPairId); }
std::string Oracle::resolve_group(int slot) const { return slot_id(group_slots_, slot, kUnknownGroupId); }
std::string Oracle::resolve_drill(int slot) const { return slot_id(drill_slots_, slot, kUnknownDrillId); }

contracts::Outcome Oracle::expected_read(contracts::Operation op, const contracts::Params& params) {
  // Reads never change the world; run them on a copy all the same so that a model bug
  // could not leak into the state.
  contracts::World copy = world_;
  return copy.execute(op, params, now_);
}

AttemptAnalysis Oracle::observe(const ObservedAttempt& a) {
  AttemptAnalysis r;
  r.attempt = a;
  auto deviation = [&](std::string text) { r.deviations.push_back(std::move(text)); };
  auto op = contracts::parse_operation(a.action);
  r.auth_ok = contracts::passes(a.signature_verdict);
  if (!op || !r.auth_ok) {
    // Refused by routing or authentication, before any fault rule or the model.
    if (a.transition) {
      deviation("request #" + std::to_string(a.seq) + " was refused (" + shown(a.code) +
                ") yet changed a pair: " + transition_text(a.transition));
    }
    if (a.status >= 200 && a.status < 300 && !a.fault) {
      deviation("request #" + std::to_string(a.seq) + " with signature verdict '" +
                std::string(contracts::to_string(a.signature_verdict)) + "' was answered " + std::to_string(a.status));
    }
    return r;
  }
  if (auto err = contracts::validate_params(*op, a.params, world_.policy().errors)) {
    r.expected_code = err->code;
    if (a.code != err->code) {
      deviation("request #" + std::to_string(a.seq) + " has invalid parameters (model: " +
                err->code + ") but the server answered " + shown(a.code));
    }
    if (a.transition) {
      deviation("request #" + std::to_string(a.seq) + " has invalid parameters yet changed a pair: " +
                transition_text(a.transition));
    }
    return r;
  }

  // The server's own account (journal.h): the call reached its ClientToken step or its
  // world, or a fault kept it from both; and whose answer the client saw.
  const bool runs = a.effect_applied || a.idempotence.has_value();
  r.answer_from_fault = a.answer_source != contracts::AnswerSource::Model;
  if (!runs) {
    if (!a.fault) {
      deviation("request #" + std::to_string(a.seq) + " " + a.action +
                " passed the gateway and no fault fired, yet the server journaled that it never ran");
    }
    if (a.transition) {
      deviation("request #" + std::to_string(a.seq) + ": " +
                (a.fault ? "fault " + a.fault->rule + " kept the call from the model" : std::string("the call never ran")) +
                ", so nothing may change, yet the server made " + transition_text(a.transition));
    }
    return r;
  }

  std::optional<std::pair<std::string, std::string>> token_key;
  std::string fingerprint;
  if (contracts::uses_idempotence(*op) && !a.client_token.empty()) {
    token_key.emplace(a.access_key_id, a.client_token);
    fingerprint = contracts::request_fingerprint(*op, a.params);
    auto it = tokens_.find(*token_key);
    auto decision = contracts::decide_token(it == tokens_.end() ? nullptr : &it->second,
                                            fingerprint, now_, world_.policy().token_ttl);
    const std::string expected_idempotence(contracts::to_string(decision));
    std::string expected_code;
    switch (decision) {
      case contracts::TokenDecision::Execute:
        break;
      case contracts::TokenDecision::Replay:
        r.replayed = true;
        break;
      case contracts::TokenDecision::Mismatch:
        expected_code = std::string(contracts::codes::kIdempotentParameterMismatch);
        break;
      case contracts::TokenDecision::InFlight:
        expected_code = std::string(contracts::codes::kLastTokenProcessing);
        break;
    }
    if (a.idempotence != decision) {
      deviation("request #" + std::to_string(a.seq) + " with ClientToken " + a.client_token +
                ": the model expects idempotence '" + expected_idempotence + "', the server journaled '" +
                (a.idempotence ? std::string(contracts::to_string(*a.idempotence)) : std::string()) + "'");
    }
    if (decision != contracts::TokenDecision::Execute) {
      r.expected_code = expected_code;
      if (a.transition) {
        deviation("request #" + std::to_string(a.seq) + " repeated ClientToken " + a.client_token +
                  " (" + expected_idempotence + ") yet changed a pair again: " +
                  transition_text(a.transition));
      }
      if (!r.answer_from_fault && a.code != expected_code) {
        deviation("request #" + std::to_string(a.seq) + " (" + expected_idempotence +
                  "): the model answers " + shown(expected_code) + ", the server " + shown(a.code));
      }
      return r;
    }
  }

  world_.advance(now_);
  // The server draws new ids and journals them; a placeholder for any it did not journal
  // makes the transitions differ below if the model creates what the server did not.
  contracts::NewIds ids = a.new_ids;
  const contracts::IdsNeeded needed = world_.ids_needed(*op, a.params);
  if (needed.pair_id && ids.pair_id.empty()) {
    ids.pair_id = a.transition && !a.transition->from && a.transition->kind == contracts::ResourceKind::Pair
                      ? a.transition->id
                      : std::string("pair-cn-notjournaled");
  }
  if (needed.order_id && ids.order_id.empty()) ids.order_id = "0";
  if (needed.group_id && ids.group_id.empty()) ids.group_id = "pg-notjournaled";
  if (needed.drill_id && ids.drill_id.empty()) ids.drill_id = "drill-notjournaled";
  while (ids.drill_disk_ids.size() < needed.drill_disk_ids) {
    ids.drill_disk_ids.push_back("d-notjournaled-" + std::to_string(ids.drill_disk_ids.size()));
  }
  contracts::Outcome outcome = world_.execute(*op, a.params, now_, ids);
  r.executed = true;
  r.took_effect = outcome.ok() && contracts::is_mutating(*op);
  r.expected_transition = outcome.transition;
  r.expected_code = outcome.error ? outcome.error->code : std::string();
  if (outcome.transition != a.transition) {
    deviation("request #" + std::to_string(a.seq) + " " + a.action + ": the model makes " +
              transition_text(outcome.transition) + ", the server made " +
              transition_text(a.transition));
  }
  if (outcome.member_transitions != a.member_transitions) {
    // A group moves with every member (ebs-groups.md §5.2): name the pairs left behind.
    std::string behind;
    for (const auto& t : outcome.member_transitions) {
      const bool moved = std::any_of(a.member_transitions.begin(), a.member_transitions.end(),
                                     [&](const contracts::Transition& m) { return m.id == t.id; });
      if (!moved) behind += (behind.empty() ? "" : ", ") + t.id;
    }
    deviation("request #" + std::to_string(a.seq) + " " + a.action + ": the model moves " +
              std::to_string(outcome.member_transitions.size()) + " member pair(s) " + members_text(outcome.member_transitions) +
              ", the server moved " + std::to_string(a.member_transitions.size()) + " " +
              members_text(a.member_transitions) +
              (behind.empty() ? std::string() : "; left behind: " + behind + " (a group moves with every member)"));
  }
  r.expected_member_transitions = std::move(outcome.member_transitions);
  if (!r.answer_from_fault && a.code != r.expected_code) {
    deviation("request #" + std::to_string(a.seq) + " " + a.action + ": the model answers " +
              shown(r.expected_code) + ", the server answered " + shown(a.code));
  }
  if (token_key && outcome.ok()) {
    contracts::TokenRecord rec;
    rec.fingerprint = fingerprint;
    rec.in_flight = false;
    rec.first_seen = now_;
    rec.http_status = 200;
    tokens_[*token_key] = std::move(rec);
  }
  if (outcome.ok() && *op == contracts::Operation::CreateDiskReplicaPair) {
    slots_.push_back(ids.pair_id);
  }
  if (outcome.ok() && *op == contracts::Operation::CreateDiskReplicaGroup) group_slots_.push_back(ids.group_id);
  if (outcome.ok() && (*op == contracts::Operation::StartPairDrill || *op == contracts::Operation::StartReplicaGroupDrill)) {
    drill_slots_.push_back(ids.drill_id);
    if (const contracts::Drill* d = world_.find_drill(ids.drill_id)) note_drilled(d->target_kind, d->target_id);
  }
  return r;
}

std::vector<std::string> Oracle::observe_progress(contracts::Instant now,
                                                  const std::vector<ObservedProgress>& progress) {
  std::vector<std::string> deviations;
  now_ = now;
  auto events = world_.advance(now);
  std::size_t n = std::max(events.size(), progress.size());
  for (std::size_t i = 0; i < n; ++i) {
    std::string expected = i < events.size()
                               ? transition_text(events[i].transition) + (events[i].vanished ? " (vanished)" : "")
                               : "nothing";
    std::string got = i < progress.size()
                          ? transition_text(progress[i].transition) + (progress[i].vanished ? " (vanished)" : "")
                          : "nothing";
    if (expected != got) {
      deviations.push_back("as the clock moved to " + contracts::format_iso8601(now) +
                           ", progress event " + std::to_string(i + 1) + ": the model makes " +
                           expected + ", the server made " + got);
    }
  }
  return deviations;
}

}  // namespace ebsmock::harness
