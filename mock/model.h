// model.h: the seam between the pipeline's commit stage and contracts::World. The
// production Model is the World itself; a planted server bug (server_mutants.h) is a
// decorator around it, so the pipeline never asks whether it runs a mutant.
// The world is an argument so the same Model serves the live world and a dry run's copy.
// Implementations are not thread-safe: the Service calls them under its mutex.
#pragma once

#include "contracts/world.h"

namespace ebsmock::mock {

class Model {
 public:
  virtual ~Model() = default;
  // Runs one validated request on `world` (already advanced to `now`). `dry_run`: `world`
  // is a throw-away copy, and a decorator must not learn from the answer.
  virtual contracts::Outcome execute(contracts::World& world, contracts::Operation op,
                                     const contracts::Params& params, contracts::Instant now,
                                     const contracts::NewIds& ids, bool dry_run) = 0;
};

// The documented behaviour: World::execute.
class WorldModel final : public Model {
 public:
  contracts::Outcome execute(contracts::World& world, contracts::Operation op, const contracts::Params& params,
                             contracts::Instant now, const contracts::NewIds& ids, bool) override {
    return world.execute(op, params, now, ids);
  }
};

}  // namespace ebsmock::mock
