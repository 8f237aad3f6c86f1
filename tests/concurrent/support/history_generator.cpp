// history_generator.cpp: see history_generator.h. Test code only.
#include "tests/concurrent/support/history_generator.h"

#include <algorithm>
#include <tuple>

#include "contracts/operation.h"
#include "harness/concurrent/sequential_spec.h"

namespace ebsmock::testing::concurrent {
namespace {

using namespace harness::concurrent;
using contracts::Operation;

constexpr const char* kRegion = "cn-hangzhou";
constexpr const char* kGroupId = "pg-lin1";

// Short ids keep the committed corpus small; the model takes any id.
std::string pair_id(int i) { return "pair-lin" + std::to_string(i); }

// What a client reads back, reduced to the fields a check cares about (the runner will
// do the same): each listed pair's or group's status, and its name and description once
// a Modify set them (the listing is of one resource, so its id and the count add nothing).
nlohmann::json observed_body(const nlohmann::json& body) {
  nlohmann::json out = body;
  for (const char* list : {"ReplicaPairs", "ReplicaGroups"}) {
    if (!body.contains(list)) continue;
    out = {{list, nlohmann::json::array()}};
    for (const auto& item : body.at(list)) {
      nlohmann::json kept = {{"Status", item.at("Status")}};
      for (const char* k : {"PairName", "GroupName", "Description"}) {
        if (item.contains(k) && item.at(k) != "") kept[k] = item.at(k);
      }
      out[list].push_back(std::move(kept));
    }
  }
  return out;
}

// A random call of client `c` (its `n`-th), on the world's pairs and group.
HistoryOp random_call(const GeneratorConfig& cfg, contracts::Random& r, int c, int n) {
  HistoryOp op;
  op.client = c;
  op.params["RegionId"] = kRegion;
  const std::string unique = "c" + std::to_string(c) + "n" + std::to_string(n);
  if (cfg.group && r.chance(0.3)) {
    op.params["ReplicaGroupId"] = kGroupId;
    const std::uint64_t w = r.below(100);
    if (w < 20) {
      op.action = Operation::StartDiskReplicaGroup;
    } else if (w < 40) {
      op.action = Operation::StopDiskReplicaGroup;
    } else if (w < 50) {
      op.action = Operation::FailoverDiskReplicaGroup;
    } else if (w < 60) {
      op.action = Operation::ReprotectDiskReplicaGroup;
    } else if (w < 75) {
      op.action = Operation::ModifyDiskReplicaGroup;
      op.params["Description"] = "d-" + unique;
    } else {
      op.action = Operation::DescribeDiskReplicaGroups;
      op.params.erase("ReplicaGroupId");
      op.params["GroupIds"] = kGroupId;
    }
  } else {
    const std::string pair = pair_id(static_cast<int>(r.below(static_cast<std::uint64_t>(cfg.pairs))));
    op.params["ReplicaPairId"] = pair;
    const std::uint64_t w = r.below(100);
    if (w < 18) {
      op.action = Operation::StartDiskReplicaPair;
      op.params["OneShot"] = r.chance(0.15) ? "true" : "false";
    } else if (w < 36) {
      op.action = Operation::StopDiskReplicaPair;
    } else if (w < 46) {
      op.action = Operation::FailoverDiskReplicaPair;
    } else if (w < 56) {
      op.action = Operation::ReprotectDiskReplicaPair;
      op.params["ReverseReplicate"] = r.chance(0.5) ? "true" : "false";
    } else if (w < 70) {
      op.action = Operation::ModifyDiskReplicaPair;
      op.params[r.chance(0.5) ? "PairName" : "Description"] = "v-" + unique;
    } else if (w < 92) {
      op.action = Operation::DescribeDiskReplicaPairs;
      op.params.erase("ReplicaPairId");
      op.params["PairIds"] = pair;
    } else if (w < 98) {
      op.action = Operation::DescribeDiskReplicaPairProgress;
    } else {
      op.action = Operation::DeleteDiskReplicaPair;
    }
  }
  if (contracts::uses_idempotence(op.action) && r.chance(0.85)) op.params["ClientToken"] = "tok-" + unique;
  return op;
}

struct Planned {
  HistoryOp op;
  Time effect_at = 0;
  bool takes_effect = true;
};

}  // namespace

Generated generate_valid(const GeneratorConfig& cfg, contracts::Random& r) {
  Generated g;
  for (int i = 0; i < cfg.pairs; ++i) g.spec.pairs.push_back({pair_id(i), contracts::Status::Normal});
  if (cfg.group && cfg.pairs >= 2) {
    g.spec.groups.push_back({kGroupId, contracts::Status::Normal, {pair_id(cfg.pairs - 2), pair_id(cfg.pairs - 1)}});
  }
  g.spec.instant = cfg.instant;
  g.history.initial = build_world(g.spec);
  g.history.now = program_time();

  std::vector<Planned> plan;
  int next_call = 0;
  for (int c = 0; c < cfg.clients; ++c) {
    Time t = static_cast<Time>(r.below(20));
    std::optional<HistoryOp> retry;
    for (int n = 0; n < cfg.calls_per_client; ++n) {
      Planned p;
      if (retry) {
        p.op = *retry;
        p.op.observed = Observed{};
      } else {
        p.op = random_call(cfg, r, c, n);
        p.op.call = next_call++;
      }
      retry.reset();
      p.op.invoke = t + 1 + static_cast<Time>(r.below(50));
      const Time duration = 5 + static_cast<Time>(r.below(100));
      p.op.response = p.op.invoke + duration;
      t = p.op.response;
      if (r.chance(cfg.ambiguous)) {
        p.op.observed.kind = OutcomeKind::Ambiguous;
        p.takes_effect = r.chance(0.5);
        p.effect_at = p.op.invoke + static_cast<Time>(r.below(static_cast<std::uint64_t>(3 * duration + 1)));
        if (!client_token(p.op).empty() && r.chance(cfg.retry)) retry = p.op;
      } else {
        p.effect_at = p.op.invoke + static_cast<Time>(r.below(static_cast<std::uint64_t>(duration + 1)));
      }
      plan.push_back(std::move(p));
    }
  }

  std::vector<std::size_t> order;
  for (std::size_t i = 0; i < plan.size(); ++i) {
    if (plan[i].takes_effect) order.push_back(i);
  }
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return plan[a].effect_at < plan[b].effect_at; });
  StatePtr state = initial_state(g.history.initial, g.history.now);
  std::uint64_t seq = 0;
  for (std::size_t i : order) {
    HistoryOp& op = plan[i].op;
    Prediction p = predict(state, op);
    state = p.next;
    if (op.observed.kind != OutcomeKind::Ambiguous) {
      op.observed.kind = p.code.empty() ? OutcomeKind::Ok : OutcomeKind::Error;
      op.observed.code = p.code;
      op.observed.body = p.code.empty() ? observed_body(p.body) : nlohmann::json::object();
    }
    if (cfg.journal) {
      ++seq;
      const bool took_effect = p.how == "executed" && p.code.empty() && contracts::is_mutating(op.action);
      op.journal = JournalView{seq, {{seq, took_effect}}};
    }
  }
  for (auto& p : plan) {
    if (cfg.journal && !p.takes_effect) p.op.journal = JournalView{};
    g.history.ops.push_back(std::move(p.op));
  }
  g.witness = order;
  return g;
}

std::optional<Corrupted> corrupt(const History& history, contracts::Random& r) {
  std::vector<std::size_t> definite;
  for (std::size_t i = 0; i < history.ops.size(); ++i) {
    const auto kind = history.ops[i].observed.kind;
    if (kind == OutcomeKind::Ok || kind == OutcomeKind::Error) definite.push_back(i);
  }
  if (definite.size() < 2) return std::nullopt;
  Corrupted out{history, ""};
  auto& ops = out.history.ops;
  const std::uint64_t kind = r.below(3);
  if (kind == 0) {
    // A different answer: the status a Describe shows, or success <-> refusal.
    const std::size_t i = definite[r.below(definite.size())];
    Observed& o = ops[i].observed;
    out.what = "flip-answer #" + std::to_string(i);
    if (o.kind == OutcomeKind::Ok && o.body.contains("ReplicaPairs") && !o.body["ReplicaPairs"].empty()) {
      auto& status = o.body["ReplicaPairs"][0]["Status"];
      status = status == "stopped" ? "normal" : "stopped";
    } else if (o.kind == OutcomeKind::Ok) {
      o = Observed{OutcomeKind::Error, std::string(contracts::codes::kInvalidStatus), nlohmann::json::object()};
    } else {
      o = Observed{};
    }
    return out;
  }
  if (kind == 1) {
    // Two calls of different clients, one before the other, trade places in time.
    std::vector<std::pair<std::size_t, std::size_t>> ordered;
    for (auto a : definite) {
      for (auto b : definite) {
        if (ops[a].client != ops[b].client && precedes(ops[a], ops[b])) ordered.emplace_back(a, b);
      }
    }
    if (ordered.empty()) return std::nullopt;
    auto [a, b] = ordered[r.below(ordered.size())];
    std::swap(ops[a].invoke, ops[b].invoke);
    std::swap(ops[a].response, ops[b].response);
    out.what = "swap-intervals #" + std::to_string(a) + " #" + std::to_string(b);
    return out;
  }
  // A stale read: a Describe answered with what an earlier, different Describe of the same
  // pair saw.
  std::vector<std::pair<std::size_t, std::size_t>> stale;
  for (auto a : definite) {
    for (auto b : definite) {
      const auto& x = ops[a];
      const auto& y = ops[b];
      if (x.action == Operation::DescribeDiskReplicaPairs && y.action == x.action && x.params == y.params &&
          x.observed.kind == OutcomeKind::Ok && y.observed.kind == OutcomeKind::Ok && precedes(x, y) &&
          x.observed.body != y.observed.body) {
        stale.emplace_back(a, b);
      }
    }
  }
  if (stale.empty()) return std::nullopt;
  auto [a, b] = stale[r.below(stale.size())];
  ops[b].observed.body = ops[a].observed.body;
  out.what = "stale-read #" + std::to_string(b) + " (of #" + std::to_string(a) + ")";
  return out;
}

}  // namespace ebsmock::testing::concurrent
