// journal_entry.cpp: see journal_entry.h.
#include "mock/journal_entry.h"

namespace ebsmock::mock {

namespace {

nlohmann::json transition_json(const std::optional<contracts::Transition>& t) {
  if (!t) return nullptr;
  return {{std::string(contracts::to_string(t->kind)), t->id},
          {"from", t->from ? nlohmann::json(std::string(contracts::to_string(*t->from))) : nlohmann::json()},
          {"to", std::string(contracts::to_string(t->to))}};
}

nlohmann::json fault_json(const std::optional<FaultSummary>& f) {
  if (!f) return nullptr;
  nlohmann::json j = {{"rule", f->rule}, {"delay_ms", f->delay_ms}, {"commit", f->commit}, {"transport", f->transport}};
  if (!f->error.empty()) j["error"] = f->error;
  if (f->status) j["status"] = *f->status;
  return j;
}

}  // namespace

nlohmann::json to_json(const JournalEntry& e) {
  nlohmann::json j = {{"seq", e.seq}, {"kind", std::string(contracts::to_string(e.kind))}, {"time", e.time}};
  if (e.kind == contracts::JournalKind::Progress) {
    j["transition"] = transition_json(e.transition);
    j["vanished"] = e.vanished;
    if (!e.event.empty()) j["event"] = e.event;
    return j;
  }
  j["method"] = e.method;
  j["action"] = e.action;
  j["params"] = e.params;
  j["client_token"] = e.client_token;
  if (!e.call_id.empty()) j["call_id"] = e.call_id;
  j["access_key_id"] = e.access_key_id;
  j["signature"] = {{"scheme", std::string(contracts::to_string(e.signature_scheme))},
                    {"verdict", std::string(contracts::to_string(e.signature_verdict))}};
  j["status"] = e.status;
  j["code"] = e.code;
  j["request_id"] = e.request_id;
  j["idempotence"] = e.idempotence ? std::string(contracts::to_string(*e.idempotence)) : std::string();
  j["effect_applied"] = e.effect_applied;
  j["answer_source"] = std::string(contracts::to_string(e.answer_source));
  j["transition"] = transition_json(e.transition);
  nlohmann::json members = nlohmann::json::array();
  for (const auto& t : e.member_transitions) members.push_back(transition_json(t));
  j["member_transitions"] = std::move(members);
  if (auto ids = contracts::to_json(e.new_ids); !ids.empty()) j["new_ids"] = std::move(ids);
  j["fault"] = fault_json(e.fault);
  if (!e.replay_mismatch.empty()) j["replay_mismatch"] = e.replay_mismatch;
  if (e.held_ms) {
    j["held_ms"] = *e.held_ms;
    // A seq is a number, as everywhere else in the journal; the other endings are words.
    j["released_by"] = e.released_by ? nlohmann::json(*e.released_by) : nlohmann::json(e.hold_end);
  }
  return j;
}

}  // namespace ebsmock::mock
