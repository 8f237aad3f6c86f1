// initial_world.cpp: a scenario's pairs, groups and drills put into a fresh World.
#include "scenarios/loader/initial_world.h"

namespace ebsmock::scenarios {

contracts::World initial_world(const Scenario& scenario, contracts::Instant now) {
  contracts::World world(scenario.policy);
  for (const auto& p : scenario.pairs) world.add_pair(p, now);
  for (const auto& g : scenario.groups) world.add_group(g, now);
  for (const auto& d : scenario.drills) world.add_drill(d, now);
  return world;
}

}  // namespace ebsmock::scenarios
