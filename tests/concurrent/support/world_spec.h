// world_spec.h: the small worlds the checker's generated histories start from, as a value
// that a corpus line can carry: pairs (id, status) and groups (id, status, members), all
// cn-hangzhou -> cn-shanghai with a recovery point, built with group_fixtures.h's
// builders. `instant` sets every transition length to 0, so a Stop reaches `stopped`
// before the next call (more calls succeed, more contention); otherwise the defaults
// apply and transient statuses last the whole (frozen-clock) program.
// Test code only; plain values and pure functions, thread-safe.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "contracts/status.h"
#include "contracts/world.h"

namespace ebsmock::testing::concurrent {

struct PairSpec {
  std::string id;
  contracts::Status status = contracts::Status::Normal;
};

struct GroupSpec {
  std::string id;
  contracts::Status status = contracts::Status::Normal;
  std::vector<std::string> members;  // ids of PairSpecs in the group's status
};

struct WorldSpec {
  std::vector<PairSpec> pairs;
  std::vector<GroupSpec> groups;
  bool instant = true;
};

contracts::World build_world(const WorldSpec& spec);
// The instant every generated program runs at (group_fixtures.h's kT0).
contracts::Instant program_time();

nlohmann::json to_json(const WorldSpec& spec);
WorldSpec world_spec_from_json(const nlohmann::json& j);

}  // namespace ebsmock::testing::concurrent
