// history_json.h: a history's calls as JSON (one object per call), so a history can be
// saved with a counterexample, committed as a test corpus, and read back. The world a
// history starts from is the caller's to save (a scenario, or a corpus's own set-up).
// Reading throws std::invalid_argument naming what is wrong.
// Pure functions; thread-safe.
#pragma once

#include <vector>

#include <nlohmann/json.hpp>

#include "harness/concurrent/history.h"

namespace ebsmock::harness::concurrent {

nlohmann::json to_json(const HistoryOp& op);
HistoryOp op_from_json(const nlohmann::json& j);

nlohmann::json ops_to_json(const std::vector<HistoryOp>& ops);
std::vector<HistoryOp> ops_from_json(const nlohmann::json& j);

}  // namespace ebsmock::harness::concurrent
