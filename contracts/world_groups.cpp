// world_groups.cpp: replication pair-consistent groups (ebs-groups.md §3-5): create,
// describe, the status operations that move a group and all its members on one schedule,
// Add/RemoveDiskReplicaPair, scenario set-up and the group fault back door. Follows
// transitions.cpp's group rules; choices where the documentation is silent are marked
// "Choice:" and listed in contracts/README.md.
#include <algorithm>
#include <set>
#include <stdexcept>

#include "contracts/text.h"
#include "contracts/world.h"
#include "contracts/world_detail.h"

namespace ebsmock::contracts {
namespace {

bool is_sync_status(Status s) {
  return s == Status::InitialSyncing || s == Status::Syncing || s == Status::ManualSyncing;
}

// The group's region for calls that address it (RegionId): its source or destination.
Group* find_visible(std::map<std::string, Group>& groups, const Params& params,
                    std::string_view id_param) {
  auto it = groups.find(read_param(params, id_param));
  if (it == groups.end() || !visible_in_region(it->second, read_param(params, "RegionId"))) {
    return nullptr;
  }
  return &it->second;
}

// The group (ReplicaGroupId, visible in RegionId) and pair (ReplicaPairId) of an Add or
// Remove; either is nullptr when unknown.
std::pair<Group*, Pair*> membership_of(std::map<std::string, Group>& groups,
                                       PairMap& pairs, const Params& params) {
  auto pit = pairs.find(read_param(params, "ReplicaPairId"));
  return {find_visible(groups, params, "ReplicaGroupId"), pit == pairs.end() ? nullptr : &pit->second};
}

// One member's view of a group's direction (§3.3): regions always, zones where both name
// one (scenario pairs may leave zones out).
bool same_direction(const Group& g, const Pair& p) {
  auto zone_ok = [](const std::string& a, const std::string& b) {
    return a.empty() || b.empty() || a == b;
  };
  return g.source_region == p.source_region && g.destination_region == p.destination_region &&
         zone_ok(g.source_zone, p.source_zone) && zone_ok(g.destination_zone, p.destination_zone);
}

}  // namespace

Transition World::begin_group(Group& g, Status transient, TimingKey timing, Instant now,
                              std::vector<Transition>& members) {
  // While the group shows `invalid` because of a member, the healthy members move.
  Status& common = g.healthy_status ? *g.healthy_status : g.status;
  Transition t{g.id, common, transient, ResourceKind::Group};
  common = transient;
  g.next_cycle.reset();
  g.deleted_at.reset();
  if (auto successor = natural_successor(transient)) {
    Duration d = duration_of(policy_->timing, timing == TimingKey::None ? successor->timing : timing);
    g.pending = PendingTransition{successor->to, now, now + d};
  } else {
    g.pending.reset();
  }
  for (const auto& id : g.pair_ids) {
    Pair& p = pairs_.at(id);
    if (g.healthy_status && p.status == Status::Invalid) continue;
    members.push_back({p.id, p.status, transient});
    p.status = transient;
    // Members move on the group's schedule only.
    p.pending.reset();
    p.next_cycle.reset();
    p.deleted_at.reset();
  }
  note_due(g);
  return t;
}

void World::advance_group(Group& g, Instant at, std::vector<TimedTransition>& events) {
  if (g.pending) {
    Status& common = g.healthy_status ? *g.healthy_status : g.status;
    const Status from = common;
    const Status to = g.pending->to;
    g.pending.reset();
    common = to;
    const bool synced = is_sync_status(from);
    // §9.7 #2: LastRecoverPoint appears at the same instant the group reaches its final
    // status, and it is every member's recovery point too.
    if (synced) g.last_recover_point = unix_seconds(at);
    if (to == Status::Normal && !g.healthy_status && policy_->timing.sync_cycle.count() > 0) {
      g.next_cycle = at + policy_->timing.sync_cycle;
    }
    if (to == Status::Deleted) g.deleted_at = at;
    if (!g.healthy_status) events.push_back({{g.id, from, to, ResourceKind::Group}, at, false});
    for (const auto& id : g.pair_ids) {
      Pair& p = pairs_.at(id);
      if (g.healthy_status && p.status == Status::Invalid) continue;
      events.push_back({{p.id, p.status, to}, at, false});
      p.status = to;
      if (synced) p.last_recover_point = g.last_recover_point;
    }
    note_due(g);
  } else if (g.next_cycle) {
    g.next_cycle.reset();
    std::vector<Transition> members;
    Transition t = begin_group(g, Status::Syncing, TimingKey::Sync, at, members);
    events.push_back({t, at, false});
    for (auto& m : members) events.push_back({std::move(m), at, false});
  } else {
    // Deleted and its retention is over: the group vanishes (a deleted group has no
    // members: Delete requires an empty group).
    events.push_back({{g.id, Status::Deleted, Status::Deleted, ResourceKind::Group}, at, true});
    const std::string id = g.id;
    groups_.erase(id);
    erase_drills_of(ResourceKind::Group, id, at, events);
  }
}

std::optional<Transition> World::reconcile_group(Group& g, Instant now) {
  const bool any_invalid = std::any_of(g.pair_ids.begin(), g.pair_ids.end(), [&](const auto& id) {
    return pairs_.at(id).status == Status::Invalid;
  });
  if (any_invalid && g.status != Status::Invalid) {
    // §3.2 / §5.2 #5: "abnormal replication pairs are present in the group".
    Transition t{g.id, g.status, Status::Invalid, ResourceKind::Group};
    g.healthy_status = g.status;
    g.status = Status::Invalid;
    g.next_cycle.reset();
    return t;
  }
  if (!any_invalid && g.healthy_status) {
    // Choice (§11 #3): with no invalid member left, the group shows what its members show.
    Transition t{g.id, Status::Invalid, *g.healthy_status, ResourceKind::Group};
    g.status = *g.healthy_status;
    g.healthy_status.reset();
    if (g.status == Status::Normal && !g.pending && policy_->timing.sync_cycle.count() > 0) {
      g.next_cycle = now + policy_->timing.sync_cycle;
      note_due(g);
    }
    return t;
  }
  return std::nullopt;
}

void World::add_group(Group g, Instant now) {
  auto fail = [&](const std::string& why) {
    throw std::invalid_argument("group " + g.id + ": " + why);
  };
  if (g.id.empty()) throw std::invalid_argument("group: empty id");
  if (groups_.contains(g.id)) fail("a group with this id exists already");
  if (is_drill_status(g.status)) fail("'" + std::string(to_string(g.status)) + "' is a drill status");
  std::sort(g.pair_ids.begin(), g.pair_ids.end());
  if (std::adjacent_find(g.pair_ids.begin(), g.pair_ids.end()) != g.pair_ids.end()) {
    fail("a pair is listed twice");
  }
  if (g.pair_ids.size() > kMaxPairsPerGroup) {
    fail("at most " + std::to_string(kMaxPairsPerGroup) + " pairs per group, got " +
         std::to_string(g.pair_ids.size()));
  }
  if (!g.pair_ids.empty() && (g.status == Status::Deleting || g.status == Status::Deleted)) {
    fail("a " + std::string(to_string(g.status)) + " group cannot have pairs (Delete needs an empty group)");
  }
  std::set<Status> healthy;
  for (const auto& id : g.pair_ids) {
    auto it = pairs_.find(id);
    if (it == pairs_.end()) fail("pair " + id + " does not exist (add pairs before groups)");
    Pair& p = it->second;
    if (!p.replica_group_id.empty() && p.replica_group_id != g.id) {
      fail("pair " + id + " belongs to group " + p.replica_group_id);
    }
    if (g.source_zone.empty()) g.source_zone = p.source_zone;
    if (g.destination_zone.empty()) g.destination_zone = p.destination_zone;
    if (!same_direction(g, p)) {
      fail("pair " + id + " replicates " + p.source_region + " -> " + p.destination_region +
           ", the group " + g.source_region + " -> " + g.destination_region +
           " (regions and zones must match)");
    }
    if (g.status == Status::Invalid) {
      if (p.status != Status::Invalid) healthy.insert(p.status);
    } else if (p.status != g.status) {
      fail("pair " + id + " is " + std::string(to_string(p.status)) + " but its group is " +
           std::string(to_string(g.status)) + " (members show their group's status)");
    }
  }
  if (healthy.size() > 1) {
    fail("the members of an invalid group that are not invalid must share one status");
  }
  if (g.status == Status::Invalid && !healthy.empty()) g.healthy_status = *healthy.begin();
  if (g.primary_region.empty()) g.primary_region = g.source_region;
  if (g.primary_zone.empty()) g.primary_zone = g.source_zone;
  if (g.standby_region.empty()) g.standby_region = g.destination_region;
  if (g.standby_zone.empty()) g.standby_zone = g.destination_zone;
  if (g.create_time == 0) g.create_time = unix_seconds(now);
  g.pending.reset();
  g.next_cycle.reset();
  g.deleted_at.reset();
  for (const auto& id : g.pair_ids) {
    Pair& p = pairs_.at(id);
    p.replica_group_id = g.id;
    p.replica_group_name = g.name;
    p.rpo = g.rpo;
    p.enable_rtc = g.enable_rtc;
    if (g.last_recover_point) p.last_recover_point = g.last_recover_point;
    // Members move on the group's schedule only (their own entries in due_ go stale).
    p.pending.reset();
    p.next_cycle.reset();
    p.deleted_at.reset();
  }
  const std::string id = g.id;
  Group& stored = groups_[id] = std::move(g);
  const Status shown = stored.healthy_status.value_or(stored.status);
  if (is_transient(shown)) {
    std::vector<Transition> ignored;
    begin_group(stored, shown, TimingKey::None, now, ignored);
  } else if (shown == Status::Normal && !stored.healthy_status &&
             policy_->timing.sync_cycle.count() > 0) {
    stored.next_cycle = now + policy_->timing.sync_cycle;
  } else if (shown == Status::Deleted) {
    stored.deleted_at = now;
  }
  note_due(stored);
}

std::vector<Transition> World::force_group_status(std::string_view id, Status status, Instant now) {
  if (is_drill_status(status)) {
    throw std::invalid_argument("force_group_status: '" + std::string(to_string(status)) +
                                "' is a drill status");
  }
  std::vector<Transition> out;
  auto it = groups_.find(std::string(id));
  if (it == groups_.end()) return out;
  Group& g = it->second;
  out.push_back({g.id, g.status, status, ResourceKind::Group});
  g.healthy_status.reset();
  g.status = status;
  g.pending.reset();
  g.next_cycle.reset();
  g.deleted_at.reset();
  for (const auto& pid : g.pair_ids) {
    Pair& p = pairs_.at(pid);
    out.push_back({p.id, p.status, status});
    p.status = status;
    p.pending.reset();
    p.next_cycle.reset();
    p.deleted_at.reset();
  }
  if (is_transient(status)) {
    if (auto successor = natural_successor(status)) {
      g.pending = PendingTransition{successor->to, now, now + duration_of(policy_->timing, successor->timing)};
    }
  } else if (status == Status::Deleted) {
    g.deleted_at = now;
  }
  note_due(g);
  return out;
}

Outcome World::create_group(const Params& params, Instant now, const NewIds& ids) {
  Outcome out;
  if (ids.group_id.empty()) {
    out.error = missing_id("group id");
    return out;
  }
  if (policy_->max_empty_groups > 0) {
    const auto empty = std::count_if(groups_.begin(), groups_.end(), [](const auto& e) {
      return e.second.pair_ids.empty() && e.second.status != Status::Deleting &&
             e.second.status != Status::Deleted;
    });
    if (empty >= policy_->max_empty_groups) {
      out.error = error(codes::kTooMuchEmptyGroup);
      return out;
    }
  }
  Group g;
  g.id = ids.group_id;
  g.name = read_param(params, "GroupName");
  g.description = read_param(params, "Description");
  set_direction(g, params);  // §2.1: RegionId is the production (source) site's region
  // §4.1: no default RPO is stated; 900 is the only value accepted (INF).
  g.rpo = parse_int(read_param(params, "RPO", "900")).value_or(900);
  g.bandwidth = parse_int(read_param(params, "Bandwidth", "0")).value_or(0);
  g.enable_rtc = read_flag(params, "EnableRtc", false);
  g.resource_group_id = read_param(params, "ResourceGroupId");
  g.create_time = unix_seconds(now);
  for (auto& [k, v] : read_tags(params)) g.tags.push_back({k, v});
  const std::string id = g.id;
  Group& stored = groups_[id] = std::move(g);
  std::vector<Transition> no_members;
  begin_group(stored, Status::Creating, TimingKey::Create, now, no_members);
  out.transition = Transition{id, std::nullopt, Status::Creating, ResourceKind::Group};
  out.body = {{"ReplicaGroupId", id}};
  return out;
}

Outcome World::describe_groups(const Params& params) const {
  const std::string region = read_param(params, "RegionId");
  const std::string site = read_param(params, "Site");
  const std::string name = read_param(params, "Name");
  const std::string resource_group = read_param(params, "ResourceGroupId");
  const std::vector<std::string> ids = split_csv(read_param(params, "GroupIds"));
  const auto tag_filters = read_tags(params);

  std::vector<const Group*> candidates;
  if (!ids.empty()) {
    // Choice (§11 #13): unknown GroupIds are simply not listed (both Terraform versions
    // read an empty list as "not found").
    std::set<std::string_view> seen;
    for (const auto& id : ids) {
      if (!seen.insert(id).second) continue;
      if (const Group* g = find_group(id)) candidates.push_back(g);
    }
  } else {
    for (const auto& [id, g] : groups_) candidates.push_back(&g);
  }
  std::vector<std::pair<const Group*, std::string_view>> matched;  // group, its record's Site
  for (const Group* g : candidates) {
    // Choice (§3.3, §11 #10): a group has a production record in its source region and a
    // backup record in its destination region. Without Site, the record of the region
    // asked is listed (production first for a same-region group), so a group is visible
    // from its secondary region too, where Failover, Reprotect and drills are called.
    std::string_view record;
    if (site != "backup" && g->source_region == region) {
      record = "production";
    } else if (site != "production" && g->destination_region == region) {
      record = "backup";
    } else {
      continue;
    }
    if (!name.empty() && g->name.find(name) == std::string::npos) continue;
    if (!resource_group.empty() && g->resource_group_id != resource_group) continue;
    if (!has_tags(g->tags, tag_filters)) continue;
    matched.emplace_back(g, record);
  }
  std::sort(matched.begin(), matched.end(), [](const auto& a, const auto& b) {
    return a.first->create_time != b.first->create_time ? a.first->create_time < b.first->create_time
                                                        : a.first->id < b.first->id;
  });
  // §4.4: the ReplicaGroups key is always present (TF fails without it).
  return paged(params, matched, "ReplicaGroups",
               [](const auto& m) { return to_describe_json(*m.first, m.second); });
}

Outcome World::execute_group(Operation op, const Params& params, Instant now) {
  Outcome out;
  const std::string region = read_param(params, "RegionId");
  Group* found = find_visible(groups_, params, "ReplicaGroupId");
  if (found == nullptr) {
    out.error = error(codes::kNoSuchResource);
    return out;
  }
  Group& g = *found;
  const OperationFlags flags = operation_flags(params);
  const TransitionRule& rule = rule_for(op, flags);

  out.error = site_or_status_refusal(op, region, g.source_region, g.destination_region, g.status, rule);
  if (out.error) return out;
  if (op == Operation::ModifyDiskReplicaGroup) return modify_group(g, params);

  const bool moves_members = op == Operation::StartDiskReplicaGroup ||
                             op == Operation::FailoverDiskReplicaGroup ||
                             op == Operation::ReprotectDiskReplicaGroup;
  if (op == Operation::DeleteDiskReplicaGroup && !g.pair_ids.empty()) {
    out.error = error(codes::kGroupHasPair);  // §4.2: "no replication pairs exist in the group"
    return out;
  }
  if (moves_members && g.pair_ids.empty()) {
    out.error = error(codes::kNoPairInGroup);  // §9.2: Start on an empty group
    return out;
  }
  if (op == Operation::StartDiskReplicaGroup || op == Operation::FailoverDiskReplicaGroup) {
    // §5.2: "pair and group status are not consistent" (only after a partial failure).
    const bool consistent = std::all_of(g.pair_ids.begin(), g.pair_ids.end(), [&](const auto& id) {
      return pairs_.at(id).status == g.status;
    });
    if (!consistent) {
      out.error = error(codes::kPairGroupStatusConflict);
      return out;
    }
  }
  if (op == Operation::FailoverDiskReplicaGroup && !g.last_recover_point) {
    // §4.7: "make sure that the first full data synchronization is completed"; the code
    // is not documented (INF: InvalidStatus, which TF retries).
    out.error = error(codes::kInvalidStatus);
    return out;
  }
  if (policy_->drills_block_changes &&
      (op == Operation::FailoverDiskReplicaGroup || op == Operation::DeleteDiskReplicaGroup) &&
      has_active_drills(ResourceKind::Group, g.id)) {
    out.error = error(codes::kOperationDenied);
    return out;
  }
  if (is_no_op(rule, g.status)) return out;
  if (op == Operation::StartDiskReplicaGroup && flags.one_shot) {
    // §4.5: the gap between two one-off syncs must exceed RPO/2 (start to start, choice).
    if (g.last_one_shot && now - *g.last_one_shot <= std::chrono::seconds(g.rpo / 2)) {
      out.error = error(codes::kManualSyncLimit);
      return out;
    }
    g.last_one_shot = now;
  }
  Status entered = *entered_status(rule, g.last_recover_point.has_value());
  TimingKey timing = entered == Status::Syncing ? TimingKey::Sync : rule.timing;
  out.transition = begin_group(g, entered, timing, now, out.member_transitions);
  return out;
}

Outcome World::modify_group(Group& g, const Params& params) {
  Outcome out;
  if (auto v = read_param(params, "GroupName"); !v.empty()) g.name = v;
  if (auto v = read_param(params, "Description"); !v.empty()) g.description = v;
  if (auto v = read_param(params, "RPO"); !v.empty()) g.rpo = parse_int(v).value_or(g.rpo);
  if (auto v = read_param(params, "Bandwidth"); !v.empty()) g.bandwidth = parse_int(v).value_or(g.bandwidth);
  if (auto v = read_param(params, "EnableRtc"); !v.empty()) g.enable_rtc = parse_bool(v).value_or(g.enable_rtc);
  // §3.4, §4.3 (INF): the group's RPO and EnableRtc are its members'; the name shows as
  // their ReplicaGroupName.
  for (const auto& id : g.pair_ids) {
    Pair& p = pairs_.at(id);
    p.rpo = g.rpo;
    p.enable_rtc = g.enable_rtc;
    p.replica_group_name = g.name;
  }
  return out;
}

Outcome World::add_member(const Params& params) {
  auto [group, pair] = membership_of(groups_, pairs_, params);
  if (group == nullptr || pair == nullptr) return refuse(codes::kNoSuchResource);
  Outcome out;
  Group& g = *group;
  Pair& p = *pair;
  // §4.9's table, in this order (the triggers are INF; the order is a choice).
  if (p.replica_group_id == g.id && has_member(g, p.id)) {
    // §11 #7: adding a pair already in this group.
    if (!policy_->add_existing_member_succeeds) out.error = error(codes::kPairInAnotherGroup);
    return out;
  }
  if (!p.replica_group_id.empty()) {
    out.error = error(codes::kPairInAnotherGroup);
    return out;
  }
  if (!is_allowed(rule_for(Operation::AddDiskReplicaPair, {}), g.status, *policy_)) {
    out.error = error(codes::kGroupStatusCannotAddPair);
    return out;
  }
  if (p.status == Status::Creating) {
    out.error = error(codes::kPairInitializing);
    return out;
  }
  if (p.status != Status::Created && p.status != Status::Stopped) {
    out.error = error(codes::kPairStatusCannotAddToGroup);
    return out;
  }
  if (p.status != g.status) {
    // Both allowed but different (e.g. group stopped, pair created): members must show
    // their group's status.
    out.error = error(codes::kPairGroupStatusConflict);
    return out;
  }
  if (!same_direction(g, p)) {
    out.error = error(codes::kPairGroupAZoneConflict);
    return out;
  }
  if (g.pair_ids.size() >= kMaxPairsPerGroup) {
    out.error = error(codes::kPairsExceedInGroup);
    return out;
  }
  g.pair_ids.insert(std::upper_bound(g.pair_ids.begin(), g.pair_ids.end(), p.id), p.id);
  p.replica_group_id = g.id;
  p.replica_group_name = g.name;
  // §4.9: "the RPO of the group takes effect on the pairs in place of their original
  // RPOs"; EnableRtc "is consistent with the attributes of the replication group".
  p.rpo = g.rpo;
  p.enable_rtc = g.enable_rtc;
  return out;
}

Outcome World::remove_member(const Params& params, Instant now) {
  auto [group, pair] = membership_of(groups_, pairs_, params);
  if (group == nullptr || pair == nullptr) return refuse(codes::kNoSuchResource);
  Outcome out;
  Group& g = *group;
  Pair& p = *pair;
  // §4.10's table, in this order (triggers INF, order a choice: the group's status first).
  if (!is_allowed(rule_for(Operation::RemoveDiskReplicaPair, {}), g.status, *policy_)) {
    out.error = error(codes::kGroupStatusCannotRemovePair);
    return out;
  }
  if (g.pair_ids.empty()) {
    out.error = error(codes::kNoPairInGroup);
    return out;
  }
  if (p.replica_group_id.empty()) {
    out.error = error(codes::kPairNotInGroup);
    return out;
  }
  if (p.replica_group_id != g.id || !has_member(g, p.id)) {
    out.error = error(codes::kPairInAnotherGroup);
    return out;
  }
  // The pair-status rule is not documented (INF): the same set as the group's.
  if (p.status != Status::Created && p.status != Status::Stopped && p.status != Status::Invalid) {
    out.error = error(codes::kPairStatusCannotRemoveFromGroup);
    return out;
  }
  if (g.status != Status::Invalid && p.status != g.status) {
    out.error = error(codes::kPairGroupStatusConflict);
    return out;
  }
  if (policy_->drills_block_changes && (has_active_drills(ResourceKind::Group, g.id) ||
                                       has_active_drills(ResourceKind::Pair, p.id))) {
    out.error = error(codes::kOperationDenied);
    return out;
  }
  g.pair_ids.erase(std::lower_bound(g.pair_ids.begin(), g.pair_ids.end(), p.id));
  // §4.10: disassociated, not deleted; it keeps its status. Choice (§11 #6): it keeps the
  // group's RPO and EnableRtc.
  p.replica_group_id.clear();
  p.replica_group_name.clear();
  out.transition = reconcile_group(g, now);
  return out;
}

}  // namespace ebsmock::contracts
