// history_builders.h: short builders for hand-written histories in the checker's tests:
// one pair (or two) in a world with instant transitions, and calls on them with their
// interval and answer. Header-only; test code only.
#pragma once

#include <string>
#include <utility>

#include "harness/concurrent/history.h"
#include "tests/concurrent/support/world_spec.h"

namespace ebsmock::testing::concurrent {

using harness::concurrent::History;
using harness::concurrent::HistoryOp;
using harness::concurrent::Observed;
using harness::concurrent::OutcomeKind;
using harness::concurrent::Time;

inline const std::string kP1 = "pair-lin0";
inline const std::string kP2 = "pair-lin1";

inline History history_on(std::vector<PairSpec> pairs, std::vector<GroupSpec> groups = {}) {
  WorldSpec spec{std::move(pairs), std::move(groups), true};
  return History{build_world(spec), program_time(), {}};
}

inline Observed ok(nlohmann::json body = nlohmann::json::object()) { return {OutcomeKind::Ok, "", std::move(body)}; }
inline Observed refused(std::string code) { return {OutcomeKind::Error, std::move(code), nlohmann::json::object()}; }
inline Observed ambiguous() { return {OutcomeKind::Ambiguous, "", nlohmann::json::object()}; }
inline Observed failed() { return {OutcomeKind::Failed, "", nlohmann::json::object()}; }

// What a Describe of one pair shows, reduced to its id and status.
inline Observed shows(const std::string& pair, const std::string& status) {
  return ok({{"ReplicaPairs", {{{"ReplicaPairId", pair}, {"Status", status}}}}});
}

// Appends a call; its logical call id is its index unless `call` is given.
inline std::size_t add(History& h, int client, contracts::Operation action, contracts::Params params, Time invoke,
                       Time response, Observed observed, int call = -1) {
  HistoryOp op;
  op.client = client;
  op.call = call >= 0 ? call : static_cast<int>(h.ops.size());
  op.action = action;
  params.emplace("RegionId", "cn-hangzhou");
  op.params = std::move(params);
  op.invoke = invoke;
  op.response = response;
  op.observed = std::move(observed);
  h.ops.push_back(std::move(op));
  return h.ops.size() - 1;
}

inline contracts::Params on(const std::string& pair, std::string token = "") {
  contracts::Params p{{"ReplicaPairId", pair}};
  if (!token.empty()) p["ClientToken"] = std::move(token);
  return p;
}

inline contracts::Params describe(const std::string& pair) { return {{"PairIds", pair}}; }

}  // namespace ebsmock::testing::concurrent
