// record.cpp: see record.h.
#include "mock/record.h"

#include "contracts/redaction.h"
#include "contracts/time.h"

namespace ebsmock::mock {

FaultSummary summarize(const FaultDecision& d) {
  FaultSummary f;
  f.rule = d.rule_id;
  f.delay_ms = d.delay.count();
  f.commit = std::string(scenarios::to_string(d.commit));
  f.transport = std::string(scenarios::to_string(d.transport));
  if (d.error) f.error = d.error->code;
  f.status = d.status;
  return f;
}

JournalEntry journal_entry(Exchange&& x) {
  JournalEntry e;
  e.kind = contracts::JournalKind::Request;
  e.time = contracts::format_iso8601_millis(x.time);
  e.method = x.raw ? x.raw->method : std::string();
  if (x.request) {
    e.action = std::move(x.request->action);
    e.params = contracts::redact(std::move(x.request->params));
  }
  e.client_token = x.client_token;
  e.call_id = x.call_id;
  e.access_key_id = std::move(x.auth.access_key_id);
  e.signature_scheme = x.auth.scheme;
  e.signature_verdict = x.auth.verdict;
  const Answer* answer = nullptr;
  if (const auto* r = std::get_if<Respond>(&x.action)) answer = &r->answer;
  if (const auto* r = std::get_if<RespondTruncated>(&x.action)) answer = &r->answer;
  e.status = answer ? answer->status : 0;
  e.code = std::move(x.code);
  // The RequestId the client saw: a ClientToken replay of the original bytes and a
  // recorded body carry an earlier one, named by the header.
  const std::string* answered_id = answer ? &contracts::header_value(answer->headers, "x-acs-request-id") : nullptr;
  if (answered_id && !answered_id->empty() && *answered_id != x.request_id) {
    e.request_id = *answered_id;
  } else {
    e.request_id = std::move(x.request_id);
  }
  e.idempotence = x.idempotence;
  e.effect_applied = x.effect == Effect::Applied;
  e.answer_source = x.answer_source;
  e.transition = std::move(x.transition);
  e.member_transitions = std::move(x.member_transitions);
  e.new_ids = std::move(x.new_ids);
  if (x.fault) e.fault = summarize(*x.fault);
  e.replay_mismatch = std::move(x.replay_mismatch);
  if (x.hold) {
    e.held_ms = x.hold->held_ms;
    if (x.hold->end == HoldOutcome::End::Released) {
      e.released_by = x.hold->released_by;
    } else {
      e.hold_end = std::string(contracts::to_string(x.hold->end));
    }
  }
  return e;
}

}  // namespace ebsmock::mock
