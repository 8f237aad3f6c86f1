// history_json.cpp: see history_json.h. Fields left at their default are not written,
// so a committed corpus stays small. Pure functions; thread-safe.
#include "harness/concurrent/history_json.h"

#include <stdexcept>

namespace ebsmock::harness::concurrent {

nlohmann::json to_json(const HistoryOp& op) {
  nlohmann::json j = {{"client", op.client},
                      {"call", op.call},
                      {"action", contracts::to_string(op.action)},
                      {"params", nlohmann::json::object()},
                      {"invoke", op.invoke},
                      {"outcome", to_string(op.observed.kind)}};
  for (const auto& [k, v] : op.params) j["params"][k] = v;
  if (!op.access_key_id.empty()) j["access_key_id"] = op.access_key_id;
  if (auto ids = contracts::to_json(op.ids); !ids.empty()) j["ids"] = std::move(ids);
  if (op.observed.kind != OutcomeKind::Ambiguous) j["response"] = op.response;
  if (!op.observed.code.empty()) j["code"] = op.observed.code;
  if (op.observed.kind == OutcomeKind::Ok && !op.observed.body.empty()) j["body"] = op.observed.body;
  if (op.journal) {
    nlohmann::json jv = {{"attempts", nlohmann::json::array()}};
    if (op.journal->commit_seq) jv["commit_seq"] = *op.journal->commit_seq;
    for (const auto& a : op.journal->attempts) jv["attempts"].push_back({{"seq", a.seq}, {"took_effect", a.took_effect}});
    j["journal"] = std::move(jv);
  }
  if (op.clock_advance) j["clock_advance_ms"] = op.clock_advance->count();
  return j;
}

HistoryOp op_from_json(const nlohmann::json& j) {
  HistoryOp op;
  try {
    op.client = j.at("client").get<int>();
    op.call = j.at("call").get<int>();
    const auto action = contracts::parse_operation(j.at("action").get<std::string>());
    if (!action) throw std::invalid_argument("unknown action " + j.at("action").dump());
    op.action = *action;
    for (const auto& [k, v] : j.at("params").items()) op.params[k] = v.get<std::string>();
    op.access_key_id = j.value("access_key_id", "");
    if (j.contains("ids")) op.ids = contracts::new_ids_from_json(j.at("ids"));
    op.invoke = j.at("invoke").get<Time>();
    const auto kind = parse_outcome_kind(j.at("outcome").get<std::string>());
    if (!kind) throw std::invalid_argument("unknown outcome " + j.at("outcome").dump());
    op.observed.kind = *kind;
    op.response = *kind == OutcomeKind::Ambiguous ? op.invoke : j.at("response").get<Time>();
    op.observed.code = j.value("code", "");
    if (j.contains("body")) op.observed.body = j.at("body");
    if (j.contains("journal")) {
      JournalView jv;
      const auto& jj = j.at("journal");
      if (jj.contains("commit_seq")) jv.commit_seq = jj.at("commit_seq").get<std::uint64_t>();
      for (const auto& a : jj.at("attempts")) {
        jv.attempts.push_back({a.at("seq").get<std::uint64_t>(), a.at("took_effect").get<bool>()});
      }
      op.journal = std::move(jv);
    }
    if (j.contains("clock_advance_ms")) op.clock_advance = contracts::Duration(j.at("clock_advance_ms").get<long long>());
  } catch (const nlohmann::json::exception& e) {
    throw std::invalid_argument(std::string("history call: ") + e.what());
  }
  return op;
}

nlohmann::json ops_to_json(const std::vector<HistoryOp>& ops) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& op : ops) out.push_back(to_json(op));
  return out;
}

std::vector<HistoryOp> ops_from_json(const nlohmann::json& j) {
  std::vector<HistoryOp> ops;
  for (const auto& o : j) ops.push_back(op_from_json(o));
  return ops;
}

}  // namespace ebsmock::harness::concurrent
