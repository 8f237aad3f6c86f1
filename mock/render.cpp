// render.cpp: see render.h.
#include "mock/render.h"

#include "contracts/world.h"
#include "mock/envelope.h"

namespace ebsmock::mock {
using contracts::AnswerSource;
using scenarios::Transport;

const std::string_view kGatewayTimeoutHtml =
    "<html>\r\n<head><title>504 Gateway Time-out</title></head>\r\n<body>\r\n"
    "<center><h1>504 Gateway Time-out</h1></center>\r\n<hr><center>Tengine</center>\r\n"
    "</body>\r\n</html>\r\n";

namespace {

bool is_replay_step(const FaultDecision& d) { return d.rule_id.starts_with("replay:"); }

// The answer a fault puts in place of the service's: a recorded body, or an error.
ServiceAnswer fault_answer(const Exchange& x, const FaultDecision& d) {
  ServiceAnswer out;
  Answer& a = out.answer;
  if (d.body) {
    a.status = d.status.value_or(200);
    a.body = *d.body;
    if (d.error) out.code = d.error->code;
    // A recorded body carries the customer's RequestId: the header names that one, so
    // what the client saw can be found in the journal (record.cpp reads the header).
    std::string recorded_id;
    if (auto j = nlohmann::json::parse(a.body, nullptr, false);
        j.is_object() && j.contains(contracts::kRequestIdMember) && j[contracts::kRequestIdMember].is_string()) {
      recorded_id = j[contracts::kRequestIdMember].get<std::string>();
    }
    a.headers.emplace_back("x-acs-request-id", recorded_id.empty() ? x.request_id : recorded_id);
  } else if (d.error) {
    a = error_answer(*d.error, x.request_id, x.host);
    if (d.status) a.status = *d.status;
    out.code = d.error->code;
  }
  return out;
}

}  // namespace

void render(Exchange& x) {
  const FaultDecision* d = x.fault ? &*x.fault : nullptr;
  // The service answers: no fault, a delay-only fault, a replay step answered by the model
  // (whose extra headers ride along), or a call refused after its fault was decided (its
  // world was reset while it waited).
  if (!d || d->answers_normally() || d->answer_from_model || x.refusal) {
    x.answer_source = AnswerSource::Model;
    x.code = x.service_answer->code;
    Answer a = std::move(x.service_answer->answer);
    if (d) a.headers.insert(a.headers.end(), d->headers.begin(), d->headers.end());
    x.action = Respond{std::move(a)};
    return;
  }
  x.answer_source = is_replay_step(*d) ? AnswerSource::Replay : AnswerSource::Fault;
  ServiceAnswer replaced = fault_answer(x, *d);
  Answer& a = replaced.answer;
  x.code = replaced.code;
  a.headers.insert(a.headers.end(), d->headers.begin(), d->headers.end());
  if (d->retry_after_ms) a.headers.emplace_back("x-acs-retry-after", std::to_string(*d->retry_after_ms));
  switch (d->transport) {
    case Transport::None:
      x.action = Respond{std::move(a)};
      return;
    case Transport::Html:
      x.code.clear();
      x.action = Respond{Answer{504, std::string(kGatewayTimeoutHtml), "text/html", std::move(a.headers)}};
      return;
    case Transport::MalformedJson:
      // A valid-looking start, then a syntax error: what a proxy that cut a body or a
      // buggy serializer produces.
      x.code.clear();
      x.action = Respond{Answer{200, "{\"RequestId\": \"" + x.request_id + "\", \"ReplicaPairs\": [{\"Status\": }",
                                std::string(kJsonContentType), std::move(a.headers)}};
      return;
    case Transport::Truncate:
      // The service's real answer (run for real or on a copy, per the commit), cut short.
      x.code = x.service_answer->code;
      x.action = RespondTruncated{std::move(x.service_answer->answer)};
      return;
    case Transport::Reset:
    case Transport::Close:
      x.code.clear();
      x.action = DropConnection{d->transport == Transport::Reset};
      return;
    case Transport::Hang:
      x.code.clear();
      x.action = HoldThenDrop{d->hang_cap};
      return;
  }
}

Answer* sent_service_answer(Exchange& x) {
  if (auto* truncated = std::get_if<RespondTruncated>(&x.action)) return &truncated->answer;  // only ever the service's
  if (auto* respond = std::get_if<Respond>(&x.action); respond && x.answer_source == AnswerSource::Model) {
    return &respond->answer;
  }
  return nullptr;
}

}  // namespace ebsmock::mock
