// counterexample.h: a failing history saved as a scenario TOML file, and read back.
// The file is a complete world (pairs, credentials, virtual clock) plus one [[replay]]
// step per request the client sent, answered exactly as in the failing run
// (replay_mode = "lenient": a request that is not the next step gets the normal model).
// Served by `ebsmock serve --scenario FILE`, it makes the same client fail the same way.
// Lines starting with "#@" carry the harness's notes as JSON: the client calls to drive
// (action, parameters, the pairs the call created) and the clock moves between them;
// `ebsmock contract --replay FILE` reads them. The loader ignores them (comments).
// Pure functions; thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "contracts/api_schema.h"
#include "contracts/time.h"
#include "harness/contract/contract_run.h"
#include "harness/contract/steps.h"

namespace ebsmock::harness {

// One thing --replay does, in order.
struct ReplayAction {
  bool is_advance = false;
  contracts::Duration advance{0};
  StepKind kind = StepKind::Describe;  // the call's operation
  std::string action;
  contracts::Params params;           // as sent in the failing run (ids of that run)
  std::vector<std::string> created;   // pairs, groups, drills the call created in the failing run
};

// The counterexample file for `result` (which must have a counterexample).
std::string counterexample_toml(const ContractResult& result);

// The "#@" notes of a counterexample file. Throws SetupError when there are none or one
// is malformed.
std::vector<ReplayAction> parse_replay_plan(std::string_view text);

}  // namespace ebsmock::harness
