// decide.cpp: see decide.h.
#include "mock/decide.h"

namespace ebsmock::mock {
namespace {

std::string param_or_empty(const contracts::Params& params, std::string_view name) {
  auto it = params.find(name);
  return it == params.end() ? std::string() : it->second;
}

std::optional<contracts::Status> status_of(const contracts::World& world, contracts::ResourceKind kind,
                                           std::string_view id) {
  switch (kind) {
    case contracts::ResourceKind::Pair:
      if (const auto* p = world.find(id)) return p->status;
      break;
    case contracts::ResourceKind::Group:
      if (const auto* g = world.find_group(id)) return g->status;
      break;
    case contracts::ResourceKind::Drill:
      if (const auto* d = world.find_drill(id)) return d->status;
      break;
  }
  return std::nullopt;
}

}  // namespace

CallFacts call_facts(const Exchange& x) {
  const contracts::Params& params = x.request->params;
  CallFacts facts;
  CallContext& call = facts.call;
  call.action = x.request->action;
  call.params = &params;
  call.region = param_or_empty(params, "RegionId");
  facts.targets = contracts::call_targets(*x.op, params);
  for (const auto& t : facts.targets) {
    if (t.kind == contracts::ResourceKind::Pair && call.pair_id.empty()) call.pair_id = t.id;
    if (t.kind == contracts::ResourceKind::Group && call.group_id.empty()) call.group_id = t.id;
  }
  call.access_key_id = x.auth.access_key_id;
  call.client_token = x.client_token;
  call.call_id = x.call_id;
  return facts;
}

const CallContext& observe(CallFacts& facts, const Exchange& x, const contracts::World& world, TokenStore& tokens) {
  CallContext& call = facts.call;
  for (const auto& t : facts.targets) {
    if (t.kind == contracts::ResourceKind::Drill && !call.drill_status) {
      call.drill_status = status_of(world, contracts::ResourceKind::Drill, t.id);
    }
  }
  const auto& targets = facts.targets;
  if (!targets.empty() && targets.front().kind && *targets.front().kind != contracts::ResourceKind::Drill) {
    call.target_status = status_of(world, *targets.front().kind, targets.front().id);
  }
  if (!call.client_token.empty()) {
    call.token_reused = tokens.note_seen(x.token ? *x.token : TokenStore::Key(call.access_key_id, call.client_token));
  }
  return call;
}

CallContext call_context(const Exchange& x, const contracts::World& world, TokenStore& tokens) {
  CallFacts facts = call_facts(x);
  observe(facts, x, world, tokens);
  return std::move(facts.call);
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
