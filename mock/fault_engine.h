// fault_engine.h: executes [[fault]] rules. For each request (a CallContext) every rule
// whose conditions hold counts the call; then, in rule order, the first rule whose
// selection passes (calls / after / times / probability) fires and decides the request.
// Each rule draws its coin flips and delays from its own stream seeded by
// (scenario seed, rule id), so a rule's firing sequence does not depend on other rules
// or on unrelated traffic: same seed + same requests = same faults.
// Not thread-safe: the Service calls it under its mutex, which also makes the per-rule
// counters exact under concurrent load (no check-then-act races).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "contracts/error_catalogue.h"
#include "mock/fault_decision.h"
#include "contracts/random.h"
#include "scenarios/loader/fault_spec.h"

namespace ebsmock::mock {

class FaultEngine final : public Decider {
 public:
  FaultEngine(std::vector<scenarios::FaultSpec> rules, std::uint64_t seed,
              const contracts::ErrorCatalogue& errors);

  std::optional<FaultDecision> decide(const CallContext& call);
  Decision decide_call(const CallContext& call) override { return {decide(call), {}}; }
  // An admin clock advance that carries `call_id`: the first rule with that call_id, a
  // hold_until and no condition an RPC call alone could meet (an action, a status, ...)
  // that fires gives its hold; the rule's other effects do not apply to an advance.
  std::optional<scenarios::HoldSpec> hold_for_clock_advance(std::string_view call_id);

  // Adds a rule at run time; gives it an id ("f<N>") when it has none. Returns the id,
  // or nullopt when the id is already taken.
  std::optional<std::string> add(scenarios::FaultSpec rule);
  bool remove(std::string_view id);
  std::size_t size() const { return rules_.size(); }

  // Every rule with its counters: {"rules": [{"id", ..., "matched", "fired"}]}.
  nlohmann::json to_json() const;

 private:
  struct Rule {
    scenarios::FaultSpec spec;
    std::uint64_t matched = 0;
    std::uint64_t fired = 0;
    std::unique_ptr<contracts::SeededRandom> random;
  };

  bool conditions_hold(const Rule& rule, const CallContext& call) const;
  bool selected(Rule& rule);
  FaultDecision decision_for(Rule& rule);
  std::uint64_t rule_seed(const std::string& id) const;

  std::vector<Rule> rules_;
  std::uint64_t seed_;
  const contracts::ErrorCatalogue& errors_;
  int next_auto_id_ = 1;
};


nlohmann::json to_json(const scenarios::FaultSpec& spec);

}  // namespace ebsmock::mock
