// commit.h: the pipeline's commit stage, the only code that changes the World. Runs the
// call on the model unless something earlier answered it (admission refused it, the
// ClientToken step replayed or refused it) or the fault keeps it from the model; a
// truncated answer with commit "before" runs on a copy and discards the effect. Draws the
// ids a Create needs, renders the model's answer, and closes the call's ClientToken.
// Not thread-safe: runs under the Service's mutex, at the call's linearization point.
#pragma once

#include "contracts/random.h"
#include "contracts/world.h"
#include "mock/exchange.h"
#include "mock/idempotence_gate.h"
#include "mock/model.h"

namespace ebsmock::mock {

void commit(Exchange& x, Model& model, contracts::World& world, TokenPolicy& tokens,
            contracts::Random& random, contracts::Instant now);

// The ids a successful Create would need: drawn for every Create, so the random stream
// does not depend on whether the Create succeeds.
contracts::NewIds draw_new_ids(contracts::Operation op, const contracts::Params& params, contracts::Random& random);

}  // namespace ebsmock::mock
