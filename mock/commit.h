// commit.h: the pipeline's commit stage, the only code that changes the World. Runs the
// call on the model unless something earlier answered it (admission refused it, the
// ClientToken step replayed or refused it) or the fault keeps it from the model; a
// truncated answer with commit "before" runs on a copy and discards the effect. Draws the
// ids a Create needs, renders the model's answer (a Describe's page stays unwritten, for
// the Service to write after its lock), and closes the call's ClientToken.
// Not thread-safe: runs under the Service's mutex, at the call's linearization point.
#pragma once

#include "contracts/random.h"
#include "contracts/world.h"
#include "mock/exchange.h"
#include "mock/idempotence_gate.h"
#include "mock/model.h"
#include "mock/race_window.h"

namespace ebsmock::mock {

// `window`: the call's race window (nullptr: one that never opens). A dry run never opens it.
void commit(Exchange& x, Model& model, contracts::World& world, TokenPolicy& tokens,
            contracts::Random& random, contracts::Instant now, RaceWindow* window = nullptr);

// The ids the call may need (World::ids_needed): drawn before it runs, whether or not it
// succeeds, so the random stream depends only on the calls, not on their outcomes.
contracts::NewIds draw_new_ids(const contracts::World& world, contracts::Operation op, const contracts::Params& params,
                               contracts::Random& random);

}  // namespace ebsmock::mock
