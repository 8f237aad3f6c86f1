// initial_world.h: the world a scenario sets up, built the one way everyone builds it (the
// mock's reset, the contract harness's models, tests that replay a journal): every
// [[pair]], then every [[group]], then every [[drill]], all at one instant, the order the
// loader validated the file in. [[event]]s are not part of it: they fire later, as the
// clock passes them. Pure; thread-safe.
#pragma once

#include "contracts/time.h"
#include "contracts/world.h"
#include "scenarios/loader/scenario.h"

namespace ebsmock::scenarios {

contracts::World initial_world(const Scenario& scenario, contracts::Instant now);

}  // namespace ebsmock::scenarios
