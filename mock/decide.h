// decide.h: the pipeline's decide stage. The fault layer speaks through one interface,
// Decider (fault_decision.h), which the ReplayEngine and the FaultEngine implement; the
// Service asks the [[replay]] script first and the [[fault]] rules second, and
// the first that decides answers for the request (rules do not count a call a replay step
// answered). Also builds the facts rules match on (CallContext) from the exchange and the
// world. Not thread-safe: decide() and observe() run under the Service's mutex, which
// keeps rule counters exact; call_facts() reads only the exchange.
#pragma once

#include <initializer_list>
#include <optional>
#include <string>
#include <vector>

#include "contracts/api_schema.h"
#include "contracts/world.h"
#include "mock/exchange.h"
#include "mock/fault_decision.h"
#include "mock/fault_engine.h"
#include "mock/replay_engine.h"
#include "mock/token_store.h"

namespace ebsmock::mock {

// The facts rules match on, in two steps, so that what the request alone says is
// gathered before the Service's lock and only the world's part under it.
struct CallFacts {
  CallContext call;  // without the world's facts until observe()
  std::vector<contracts::CallTarget> targets;
};
// The request's own facts: a pure function of the exchange (no lock needed).
CallFacts call_facts(const Exchange& x);
// Under the Service's lock: adds the statuses of the call's targets, and notes the
// ClientToken as seen in `tokens` (rules on reused tokens read whether an earlier request
// carried it). Returns facts.call.
const CallContext& observe(CallFacts& facts, const Exchange& x, const contracts::World& world, TokenStore& tokens);
// Both steps at once.
CallContext call_context(const Exchange& x, const contracts::World& world, TokenStore& tokens);

// Asks `deciders` in order; the first decision wins. Fills x.fault and x.replay_mismatch.
void decide(Exchange& x, const CallContext& call, std::initializer_list<Decider*> deciders);

}  // namespace ebsmock::mock
