// commit.cpp: see commit.h.
#include "mock/commit.h"

#include <optional>

#include "contracts/journal_terms.h"
#include "mock/envelope.h"

namespace ebsmock::mock {

contracts::NewIds draw_new_ids(const contracts::World& world, contracts::Operation op, const contracts::Params& params,
                               contracts::Random& random) {
  const contracts::IdsNeeded needed = world.ids_needed(op, params);
  contracts::NewIds ids;
  if (needed.pair_id) {
    // "pair-cn-..." as the real service spells them: the region's country prefix.
    const std::string& region = params.at("RegionId");
    ids.pair_id = "pair-" + region.substr(0, region.find('-')) + "-" + random.alnum_lower(16);
  }
  if (needed.order_id) ids.order_id = std::to_string(100000000000000ULL + random.below(899999999999999ULL));
  if (needed.group_id) ids.group_id = "pg-" + random.alnum_lower(16);
  if (needed.drill_id) {
    ids.drill_id = (op == contracts::Operation::StartReplicaGroupDrill ? "pg-drill-" : "drill-") + random.alnum_lower(12);
  }
  for (std::size_t i = 0; i < needed.drill_disk_ids; ++i) ids.drill_disk_ids.push_back("d-" + random.alnum_lower(20));
  return ids;
}

void commit(Exchange& x, Model& model, contracts::World& world, TokenPolicy& tokens,
            contracts::Random& random, contracts::Instant now, RaceWindow* window) {
  ClosedWindow closed;
  if (x.service_answer) return;  // refused or answered by the ClientToken step
  const bool dry_run = x.fault && x.fault->transport == scenarios::Transport::Truncate && !x.fault->applies_effect();
  if (!x.reaches_model() && !dry_run) return;

  const contracts::NewIds ids = draw_new_ids(world, *x.op, x.request->params, random);
  // A dry run executes on a copy of the world, with no race window.
  std::optional<contracts::World> copy;
  if (dry_run) copy.emplace(world);
  RaceWindow& race = dry_run || window == nullptr ? static_cast<RaceWindow&>(closed) : *window;
  contracts::Outcome outcome = model.execute(dry_run ? *copy : world, *x.op, x.request->params, now, ids, dry_run, race);
  if (dry_run) {
    x.effect = Effect::DryRun;
  } else {
    x.effect = Effect::Applied;
    x.transition = outcome.transition;
    x.member_transitions = std::move(outcome.member_transitions);
    if (outcome.ok()) x.new_ids = ids;
  }
  if (outcome.ok() && outcome.page) {
    auto [answer, page] = success_answer_unwritten(std::move(*outcome.page), x.request_id);
    x.service_answer = ServiceAnswer{std::move(answer), "", std::move(page)};
    if (x.token_key()) {  // the token step remembers the body now (no Describe takes a token today)
      write_page_body(x.service_answer->answer, *x.service_answer->unwritten_page);
      x.service_answer->unwritten_page.reset();
    }
  } else if (outcome.ok()) {
    x.service_answer = ServiceAnswer{success_answer(std::move(outcome.body), x.request_id), ""};
  } else {
    x.service_answer = ServiceAnswer{error_answer(*outcome.error, x.request_id, x.host), outcome.error->code};
  }
  close_token(x, tokens);
}

}  // namespace ebsmock::mock
