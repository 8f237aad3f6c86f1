// world_drills.cpp: disaster-recovery drills of pairs and groups (ebs-groups.md §6):
// start, describe, clear, scenario set-up and the drill fault back door. A drill never
// changes the pair's or group's status. Follows transitions.cpp's drill_rules(); choices
// where the documentation is silent are marked "Choice:" and listed in contracts/README.md.
#include <algorithm>
#include <stdexcept>

#include "contracts/world.h"
#include "contracts/world_detail.h"

namespace ebsmock::contracts {
namespace {

// What a drill operation needs to know of the pair or group it addresses.
struct DrillTarget {
  ResourceKind kind = ResourceKind::Pair;
  std::string id;
  Status status = Status::Created;
  std::optional<std::int64_t> last_recover_point;
  std::string destination_region;  // the current secondary site
  std::vector<std::string> pair_ids;
};

bool is_group_drill_op(Operation op) {
  return op == Operation::StartReplicaGroupDrill || op == Operation::DescribeReplicaGroupDrills ||
         op == Operation::ClearReplicaGroupDrill;
}

// The last part of a drill id: "pg-drill-abc" -> "abc".
std::string drill_suffix(const std::string& id) {
  auto dash = id.rfind('-');
  return dash == std::string::npos ? id : id.substr(dash + 1);
}

// The pair (PairId) or group (GroupId) a drill call addresses, if it exists and is visible
// in RegionId (§6.4/§6.7: the region of its primary or secondary site).
std::optional<DrillTarget> drill_target(const World& w, Operation op, const Params& params) {
  const std::string region = read_param(params, "RegionId");
  DrillTarget t;
  if (is_group_drill_op(op)) {
    const Group* g = w.find_group(read_param(params, "GroupId"));
    if (g == nullptr || !visible_in_region(*g, region)) return std::nullopt;
    t = {ResourceKind::Group, g->id, g->status, g->last_recover_point, g->destination_region,
         g->pair_ids};
  } else {
    const Pair* p = w.find(read_param(params, "PairId"));
    if (p == nullptr || !visible_in_region(*p, region)) return std::nullopt;
    t = {ResourceKind::Pair, p->id, p->status, p->last_recover_point, p->destination_region,
         {p->id}};
  }
  return t;
}

}  // namespace

Outcome World::start_drill(Operation op, const Params& params, Instant now, const NewIds& ids) {
  Outcome out;
  auto target = drill_target(*this, op, params);
  if (!target) {
    out.error = error(codes::kNoSuchResource);
    return out;
  }
  if (target->kind == ResourceKind::Group && target->pair_ids.empty()) {
    // §6.6 (INF): NoPairInGroup is not listed for drills; plain OperationDenied is.
    out.error = error(codes::kOperationDenied);
    return out;
  }
  if (policy_->enforce_site_region && read_param(params, "RegionId") != target->destination_region) {
    out.error = error(codes::kStartDrillShouldOnDestRegion);
    return out;
  }
  if (!target->last_recover_point) {
    // §6.3: no completed sync, nothing to restore. Checked before the status (choice) so
    // a never-started pair gets the specific code.
    out.error = error(codes::kRecoverPointNotFound);
    return out;
  }
  if (!is_allowed(rule_for(op, {}), target->status, *policy_)) {
    out.error = error(codes::kInvalidStatus);
    return out;
  }
  if (policy_->max_active_drills > 0) {
    const auto active = std::count_if(drills_.begin(), drills_.end(), [&](const auto& e) {
      return e.second.target_kind == target->kind && e.second.target_id == target->id;
    });
    if (active >= policy_->max_active_drills) {
      out.error = error(codes::kOperationDenied);
      return out;
    }
  }
  if (ids.drill_id.empty() || ids.drill_disk_ids.size() < target->pair_ids.size()) {
    out.error = missing_id("drill id or drill disk ids");
    return out;
  }
  const DrillRule& rule = drill_rule_for(op);
  Drill d;
  d.id = ids.drill_id;
  d.target_kind = target->kind;
  d.target_id = target->id;
  d.status = rule.transient;
  d.start_at = unix_seconds(now);
  // Choice (§11 #11): the drill restores the target's LastRecoverPoint.
  d.recover_point = *target->last_recover_point;
  for (std::size_t i = 0; i < target->pair_ids.size(); ++i) {
    d.disks.push_back({target->pair_ids[i], ids.drill_disk_ids[i]});
  }
  // §9.4: listed at once as executing (TF reads it right after Start).
  d.due = now + duration_of(policy_->timing, rule.timing);
  out.transition = Transition{d.id, std::nullopt, d.status, ResourceKind::Drill};
  out.body = {{"DrillId", d.id}};
  const std::string id = d.id;
  note_due(d);
  drills_[id] = std::move(d);
  return out;
}

Outcome World::describe_drills(Operation op, const Params& params) const {
  auto target = drill_target(*this, op, params);
  // §9.4: the delete waiter ends on "no drill" or a 404; the read treats 404 as gone.
  if (!target) return refuse(codes::kNoSuchResource);
  const std::string drill_id = read_param(params, "DrillId");
  std::vector<const Drill*> matched;
  for (const auto& [id, d] : drills_) {
    if (d.target_kind != target->kind || d.target_id != target->id) continue;
    if (!drill_id.empty() && id != drill_id) continue;
    matched.push_back(&d);
  }
  std::sort(matched.begin(), matched.end(), [](const Drill* a, const Drill* b) {
    return a->start_at != b->start_at ? a->start_at < b->start_at : a->id < b->id;
  });
  // §6.4: the Drills key is always present (TF's jsonpath errors without it).
  return paged(params, matched, "Drills", [](const Drill* d) { return to_describe_json(*d); });
}

Outcome World::clear_drill(Operation op, const Params& params, Instant now) {
  Outcome out;
  auto target = drill_target(*this, op, params);
  auto it = drills_.find(read_param(params, "DrillId"));
  if (!target || it == drills_.end() || it->second.target_kind != target->kind ||
      it->second.target_id != target->id) {
    // A drill of another pair or group is as unknown as a missing one (choice).
    out.error = error(codes::kNoSuchResource);
    return out;
  }
  Drill& d = it->second;
  const DrillRule& rule = drill_rule_for(op);
  if (std::find(rule.allowed_from.begin(), rule.allowed_from.end(), d.status) == rule.allowed_from.end()) {
    out.error = error(codes::kInvalidStatus);  // §10 #8: clearing an executing drill
    return out;
  }
  if (std::find(rule.no_op_from.begin(), rule.no_op_from.end(), d.status) != rule.no_op_from.end()) {
    return out;
  }
  out.transition = Transition{d.id, d.status, rule.transient, ResourceKind::Drill};
  d.status = rule.transient;
  d.due = now + duration_of(policy_->timing, rule.timing);
  note_due(d);
  return out;
}

void World::add_drill(Drill d, Instant now) {
  auto fail = [&](const std::string& why) {
    throw std::invalid_argument("drill " + d.id + ": " + why);
  };
  if (d.id.empty()) throw std::invalid_argument("drill: empty id");
  if (drills_.contains(d.id)) fail("a drill with this id exists already");
  if (!is_drill_status(d.status)) {
    fail("'" + std::string(to_string(d.status)) +
         "' is not a drill status (executing, executed, execute_failed, clearing, clear_failed)");
  }
  std::optional<std::int64_t> lrp;
  std::vector<std::string> pairs;
  if (d.target_kind == ResourceKind::Group) {
    const Group* g = find_group(d.target_id);
    if (g == nullptr) fail("group " + d.target_id + " does not exist (add groups before drills)");
    if (g->pair_ids.empty()) fail("group " + d.target_id + " has no pairs to drill");
    lrp = g->last_recover_point;
    pairs = g->pair_ids;
  } else if (d.target_kind == ResourceKind::Pair) {
    const Pair* p = find(d.target_id);
    if (p == nullptr) fail("pair " + d.target_id + " does not exist (add pairs before drills)");
    lrp = p->last_recover_point;
    pairs = {p->id};
  } else {
    fail("a drill is of a pair or of a group");
  }
  if (d.recover_point == 0) {
    if (!lrp) fail(d.target_id + " has no LastRecoverPoint: give the drill a recover_point");
    d.recover_point = *lrp;
  }
  if (d.start_at == 0) d.start_at = unix_seconds(now);
  if (d.disks.empty()) {
    for (std::size_t i = 0; i < pairs.size(); ++i) {
      d.disks.push_back({pairs[i], "d-" + drill_suffix(d.id) + "-" + std::to_string(i + 1)});
    }
  }
  if (d.status == Status::ExecuteFailed && d.status_message.empty()) {
    d.status_message = std::string(execute_failed_message(d.target_kind));
  }
  d.due.reset();
  if (d.status == Status::Executing) d.due = now + policy_->timing.drill_execute;
  if (d.status == Status::Clearing) d.due = now + policy_->timing.drill_clear;
  note_due(d);
  const std::string id = d.id;
  drills_[id] = std::move(d);
}

std::optional<Transition> World::force_drill_status(std::string_view id, Status status, Instant now) {
  if (!is_drill_status(status)) {
    throw std::invalid_argument("force_drill_status: '" + std::string(to_string(status)) +
                                "' is not a drill status");
  }
  auto it = drills_.find(std::string(id));
  if (it == drills_.end()) return std::nullopt;
  Drill& d = it->second;
  Transition t{d.id, d.status, status, ResourceKind::Drill};
  d.status = status;
  d.status_message = status == Status::ExecuteFailed ? std::string(execute_failed_message(d.target_kind))
                                                     : std::string();
  d.due.reset();
  if (status == Status::Executing) d.due = now + policy_->timing.drill_execute;
  if (status == Status::Clearing) d.due = now + policy_->timing.drill_clear;
  note_due(d);
  return t;
}

}  // namespace ebsmock::contracts
