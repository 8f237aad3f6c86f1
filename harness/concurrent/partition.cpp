// partition.cpp: see partition.h. Pure functions; thread-safe.
#include "harness/concurrent/partition.h"

#include <map>
#include <optional>

#include "contracts/api_schema.h"
#include "contracts/text.h"
#include "harness/concurrent/sequential_spec.h"

namespace ebsmock::harness::concurrent {
namespace {

using contracts::Operation;

std::string key_of(std::optional<contracts::ResourceKind> kind, const std::string& id) {
  return std::string(kind ? contracts::to_string(*kind) : std::string_view("other")) + ":" + id;
}

// Union-find over resource keys and ops.
class Links {
 public:
  std::size_t node(const std::string& key) {
    auto [it, added] = index_.emplace(key, parent_.size());
    if (added) parent_.push_back(parent_.size());
    return it->second;
  }
  std::size_t fresh() {
    parent_.push_back(parent_.size());
    return parent_.size() - 1;
  }
  std::size_t find(std::size_t x) {
    while (parent_[x] != x) x = parent_[x] = parent_[parent_[x]];
    return x;
  }
  void join(std::size_t a, std::size_t b) { parent_[find(a)] = find(b); }

 private:
  std::map<std::string, std::size_t> index_;
  std::vector<std::size_t> parent_;
};

}  // namespace

Footprint footprint(const HistoryOp& op, const contracts::Policy& policy) {
  Footprint f;
  if (op.clock_advance) {
    f.global = true;  // every resource's due transitions
    return f;
  }
  auto add_all = [&](std::string_view kind, const std::string& csv) {
    for (const auto& id : contracts::split_csv(csv)) f.resources.push_back(std::string(kind) + ":" + id);
  };
  switch (op.action) {
    case Operation::DescribeRegions:
    case Operation::ListReplicaEdgeSupported:
      return f;
    case Operation::DescribeDiskReplicaPairs: {
      const std::string ids = contracts::read_param(op.params, "PairIds");
      f.global = ids.empty();
      add_all("pair", ids);
      return f;
    }
    case Operation::DescribeDiskReplicaGroups: {
      const std::string ids = contracts::read_param(op.params, "GroupIds");
      f.global = ids.empty();
      add_all("group", ids);
      return f;
    }
    case Operation::CreateDiskReplicaGroup:
      f.global = policy.max_empty_groups > 0;
      break;
    default:
      break;
  }
  for (const auto& t : contracts::call_targets(op.action, op.params)) f.resources.push_back(key_of(t.kind, t.id));
  if (!op.ids.pair_id.empty()) f.resources.push_back("pair:" + op.ids.pair_id);
  if (!op.ids.group_id.empty()) f.resources.push_back("group:" + op.ids.group_id);
  if (!op.ids.drill_id.empty()) f.resources.push_back("drill:" + op.ids.drill_id);
  const bool creates = op.action == Operation::CreateDiskReplicaPair || op.action == Operation::CreateDiskReplicaGroup;
  // A call naming nothing we know how to follow (a region-wide ListTagResources, a
  // target parameter left out): assume it sees everything.
  if (f.resources.empty() && !creates) f.global = true;
  return f;
}

std::vector<std::vector<std::size_t>> partition(const History& history) {
  const contracts::World& world = history.initial;
  Links links;
  for (const auto& [id, g] : world.groups()) {
    for (const auto& member : g.pair_ids) links.join(links.node("pair:" + member), links.node("group:" + id));
  }
  for (const auto& [id, d] : world.drills()) {
    links.join(links.node("drill:" + id), links.node(key_of(d.target_kind, d.target_id)));
  }
  std::vector<std::optional<std::size_t>> op_node(history.ops.size());
  std::map<TokenKey, std::size_t> tokens;
  bool any_global = false;
  for (std::size_t i = 0; i < history.ops.size(); ++i) {
    const HistoryOp& op = history.ops[i];
    if (op.observed.kind == OutcomeKind::Failed) continue;
    const std::size_t n = links.fresh();
    op_node[i] = n;
    const Footprint f = footprint(op, world.policy());
    any_global = any_global || f.global;
    for (const auto& r : f.resources) links.join(n, links.node(r));
    if (auto key = token_key(op)) {
      auto [it, added] = tokens.emplace(*key, n);
      if (!added) links.join(n, it->second);
    }
  }
  std::vector<std::vector<std::size_t>> parts;
  std::map<std::size_t, std::size_t> part_of_root;
  for (std::size_t i = 0; i < history.ops.size(); ++i) {
    if (!op_node[i]) continue;
    const std::size_t root = any_global ? 0 : links.find(*op_node[i]);
    auto [it, added] = part_of_root.emplace(root, parts.size());
    if (added) parts.emplace_back();
    parts[it->second].push_back(i);
  }
  return parts;
}

}  // namespace ebsmock::harness::concurrent
