// render.h: the pipeline's render stage: what the client gets. The service's own answer
// (refusal, token answer or model answer) unless a fault or replay step replaces or cuts
// it; decides the connection action (respond, respond truncated, drop with RST or FIN,
// hold then drop), the Code the client can read, and who produced the answer. The one
// place the scenario file's Transport enum becomes a ConnectionAction.
// Pure (reads the exchange, writes its render fields); thread-safe.
#pragma once

#include "mock/exchange.h"

namespace ebsmock::mock {

void render(Exchange& x);

// The service's own answer where render() put it in x.action (whole, or to be cut short);
// nullptr when a fault or replay step answered instead, or nothing is sent.
Answer* sent_service_answer(Exchange& x);

// What a gateway in front of the service shows when the service does not answer in time.
extern const std::string_view kGatewayTimeoutHtml;

}  // namespace ebsmock::mock
