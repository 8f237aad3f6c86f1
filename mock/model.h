// model.h: the seam between the pipeline's commit stage and contracts::World. The
// production Model is the World itself; a planted server bug (server_mutants.h) is a
// decorator around it, so the pipeline never asks whether it runs a mutant.
// The world is an argument so the same Model serves the live world and a dry run's copy.
// A planted race opens the call's RaceWindow (race_window.h) between its check and its
// act; the documented Model never does.
// Implementations are not thread-safe: the Service calls them under its mutex.
#pragma once

#include <vector>

#include "contracts/world.h"
#include "mock/race_window.h"

namespace ebsmock::mock {

class Model {
 public:
  virtual ~Model() = default;
  // Runs one validated request on `world` (already advanced to `now`). `dry_run`: `world`
  // is a throw-away copy, and a decorator must not learn from the answer.
  virtual contracts::Outcome execute(contracts::World& world, contracts::Operation op,
                                     const contracts::Params& params, contracts::Instant now,
                                     const contracts::NewIds& ids, bool dry_run, RaceWindow& window) = 0;
  // Whether execute() opens its race window for `op`: a hold_until fault on such a call
  // is waited inside that window instead of at the pipeline's wait point.
  virtual bool opens_race_window(contracts::Operation) const { return false; }

  // An admin clock advance is about to bring `world` up to `to` (the world clock has not
  // moved yet). Returns changes it made itself, to journal. The documented server does
  // nothing here: World::advance moves everything once the clock has moved.
  virtual std::vector<contracts::Transition> before_advance(contracts::World&, contracts::Instant, RaceWindow&) {
    return {};
  }
  // Whether before_advance() opens the race window (then a hold on the advance waits in it).
  virtual bool opens_race_window_on_advance() const { return false; }
};

// The documented behaviour: World::execute. Bodies come as text where the model writes
// them (contracts::BodyForm), since the pipeline only sends them on; a decorator that
// reads or keeps bodies asks for the DOM.
class WorldModel final : public Model {
 public:
  explicit WorldModel(contracts::BodyForm form = contracts::BodyForm::Page) : form_(form) {}
  contracts::Outcome execute(contracts::World& world, contracts::Operation op, const contracts::Params& params,
                             contracts::Instant now, const contracts::NewIds& ids, bool, RaceWindow&) override {
    return world.execute(op, params, now, ids, form_);
  }

 private:
  contracts::BodyForm form_;
};

}  // namespace ebsmock::mock
