// world_spec.cpp: see world_spec.h. Test code only; pure functions.
#include "tests/concurrent/support/world_spec.h"

#include <stdexcept>

#include "tests/contracts/group_fixtures.h"

namespace ebsmock::testing::concurrent {
namespace {

contracts::Status status_of(const nlohmann::json& j) {
  auto s = contracts::parse_status(j.get<std::string>());
  if (!s) throw std::invalid_argument("unknown status " + j.dump());
  return *s;
}

}  // namespace

contracts::Instant program_time() { return contracts::testing::kT0; }

contracts::World build_world(const WorldSpec& spec) {
  contracts::Policy policy;
  if (spec.instant) {
    auto& t = policy.timing;
    for (auto* d : {&t.create, &t.initial_sync, &t.sync, &t.manual_sync, &t.stop, &t.failover, &t.reprotect,
                    &t.delete_, &t.drill_execute, &t.drill_clear}) {
      *d = contracts::Duration{0};
    }
  }
  contracts::World w(std::move(policy));
  for (const auto& p : spec.pairs) {
    contracts::Pair pair = contracts::testing::make_pair(p.id, p.status);
    pair.last_recover_point = 1700000000;
    w.add_pair(pair, program_time());
  }
  for (const auto& g : spec.groups) {
    contracts::Group group = contracts::testing::make_group(g.id, g.status, g.members);
    group.last_recover_point = 1700000000;
    w.add_group(group, program_time());
  }
  return w;
}

nlohmann::json to_json(const WorldSpec& spec) {
  nlohmann::json j = {{"pairs", nlohmann::json::array()}, {"instant", spec.instant}};
  for (const auto& p : spec.pairs) j["pairs"].push_back({{"id", p.id}, {"status", contracts::to_string(p.status)}});
  if (!spec.groups.empty()) {
    j["groups"] = nlohmann::json::array();
    for (const auto& g : spec.groups) {
      j["groups"].push_back({{"id", g.id}, {"status", contracts::to_string(g.status)}, {"members", g.members}});
    }
  }
  return j;
}

WorldSpec world_spec_from_json(const nlohmann::json& j) {
  WorldSpec spec;
  spec.instant = j.value("instant", true);
  for (const auto& p : j.at("pairs")) spec.pairs.push_back({p.at("id").get<std::string>(), status_of(p.at("status"))});
  if (j.contains("groups")) {
    for (const auto& g : j.at("groups")) {
      spec.groups.push_back({g.at("id").get<std::string>(), status_of(g.at("status")),
                             g.at("members").get<std::vector<std::string>>()});
    }
  }
  return spec;
}

}  // namespace ebsmock::testing::concurrent
