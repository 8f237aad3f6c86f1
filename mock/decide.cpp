// decide.cpp: see decide.h.
#include "mock/decide.h"

namespace ebsmock::mock {
namespace {

std::string param_or_empty(const contracts::Params& params, std::string_view name) {
  auto it = params.find(name);
  return it == params.end() ? std::string() : it->second;
}

}  // namespace

CallContext call_context(const Exchange& x, const contracts::World& world, TokenStore& tokens) {
  const contracts::Params& params = x.request->params;
  CallContext call;
  call.action = x.request->action;
  call.params = &params;
  call.pair_id = param_or_empty(params, "ReplicaPairId");
  call.region = param_or_empty(params, "RegionId");
  call.access_key_id = x.auth.access_key_id;
  call.client_token = x.client_token;
  if (const auto* pair = world.find(call.pair_id)) call.pair_status = pair->status;
  if (!call.client_token.empty()) call.token_reused = tokens.note_seen({call.access_key_id, call.client_token});
  return call;
}

void decide(Exchange& x, const CallContext& call, std::initializer_list<Decider*> deciders) {
  for (Decider* d : deciders) {
    Decision decision = d->decide_call(call);
    if (!decision.replay_mismatch.empty()) x.replay_mismatch = std::move(decision.replay_mismatch);
    if (decision.fault) {
      x.fault = std::move(decision.fault);
      return;
    }
  }
}

}  // namespace ebsmock::mock
