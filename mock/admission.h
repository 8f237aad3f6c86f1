// admission.h: the pipeline's admit stage, in the gateway's order: the request must
// parse, the API must exist (method, path, Action, Version) before the signature is
// checked, and the signature before the parameters. A refusal is the gateway's answer;
// nothing after it runs, no fault rule sees the call, the world is not touched.
// Thread-safe (the Authenticator guards its nonce cache).
#pragma once

#include "contracts/error_catalogue.h"
#include "mock/authenticator.h"
#include "mock/exchange.h"

namespace ebsmock::mock {

// Fills x.request, x.op, x.auth and x.client_token as far as they can be known, and on a
// refusal x.refusal and x.service_answer. Returns whether the call was admitted.
bool admit(Exchange& x, const contracts::ErrorCatalogue& errors, Authenticator& auth);

}  // namespace ebsmock::mock
