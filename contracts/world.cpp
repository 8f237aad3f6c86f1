// world.cpp: dispatch, time-driven progress and the pair operations, following
// transitions.cpp's rule table. Groups are in world_groups.cpp, drills in
// world_drills.cpp, tags and lookups in world_tags.cpp. Choices where the documentation is
// silent are marked "Choice:" and listed in contracts/README.md.
#include "contracts/world.h"

#include <algorithm>
#include <set>
#include <stdexcept>

#include "contracts/paging.h"
#include "contracts/text.h"
#include "contracts/world_detail.h"

namespace ebsmock::contracts {

std::string to_string(const Transition& t) {
  std::string out;
  // Pairs are the common case and keep the short form every report already shows.
  if (t.kind != ResourceKind::Pair) out += std::string(to_string(t.kind)) + " ";
  out += t.id + " " + (t.from ? std::string(to_string(*t.from)) : std::string("(new)")) + " -> " +
         std::string(to_string(t.to));
  return out;
}

std::ostream& operator<<(std::ostream& os, const Transition& t) { return os << to_string(t); }

nlohmann::json to_json(const NewIds& ids) {
  nlohmann::json j = nlohmann::json::object();
  if (!ids.pair_id.empty()) j["pair_id"] = ids.pair_id;
  if (!ids.order_id.empty()) j["order_id"] = ids.order_id;
  if (!ids.group_id.empty()) j["group_id"] = ids.group_id;
  if (!ids.drill_id.empty()) j["drill_id"] = ids.drill_id;
  if (!ids.drill_disk_ids.empty()) j["drill_disk_ids"] = ids.drill_disk_ids;
  return j;
}

NewIds new_ids_from_json(const nlohmann::json& j) {
  NewIds ids;
  ids.pair_id = j.value("pair_id", "");
  ids.order_id = j.value("order_id", "");
  ids.group_id = j.value("group_id", "");
  ids.drill_id = j.value("drill_id", "");
  if (j.contains("drill_disk_ids")) ids.drill_disk_ids = j.at("drill_disk_ids").get<std::vector<std::string>>();
  return ids;
}

World::World(Policy policy) : policy_(std::make_shared<const Policy>(std::move(policy))) {}

ApiError World::error(std::string_view code, std::string_view detail) const {
  return policy_->errors.make(code, detail);
}

Outcome World::refuse(std::string_view code, std::string_view detail) const {
  Outcome out;
  out.error = error(code, detail);
  return out;
}

std::optional<ApiError> World::site_or_status_refusal(Operation op, std::string_view region,
                                                      std::string_view source_region,
                                                      std::string_view destination_region, Status status,
                                                      const TransitionRule& rule) const {
  if (policy_->enforce_site_region) {
    // ebs-groups.md §2.1: Failover and Reprotect are sent to the secondary (DR) site's
    // region, Delete to the production region. Off by default (§9.7 #8: TF sends the
    // provider region).
    const bool wants_secondary =
        op == Operation::FailoverDiskReplicaPair || op == Operation::ReprotectDiskReplicaPair ||
        op == Operation::FailoverDiskReplicaGroup || op == Operation::ReprotectDiskReplicaGroup;
    const bool wants_primary = op == Operation::DeleteDiskReplicaPair || op == Operation::DeleteDiskReplicaGroup;
    if (wants_secondary && region != destination_region) return error(codes::kOperateNotAllowedForPrimary);
    if (wants_primary && region != source_region) return error(codes::kOperateNotAllowedForStandby);
  }
  if (!is_allowed(rule, status, *policy_)) return error(codes::kInvalidStatus);
  return std::nullopt;
}

ApiError World::missing_id(std::string_view what) const {
  // A caller bug (World::ids_needed names what to pass), answered rather than thrown so a
  // server that has not been taught a new operation's ids fails one request, not all.
  return policy_->errors.make(codes::kInternalError, {},
                             "ebsmock: the caller supplied no new " + std::string(what) +
                                 " (see World::ids_needed)");
}

const Pair* World::find(std::string_view id) const {
  auto it = pairs_.find(id);
  return it == pairs_.end() ? nullptr : &it->second;
}

const Group* World::find_group(std::string_view id) const {
  auto it = groups_.find(std::string(id));
  return it == groups_.end() ? nullptr : &it->second;
}

const Drill* World::find_drill(std::string_view id) const {
  auto it = drills_.find(std::string(id));
  return it == drills_.end() ? nullptr : &it->second;
}

const Group* World::group_of(const Pair& pair) const {
  if (pair.replica_group_id.empty()) return nullptr;
  const Group* g = find_group(pair.replica_group_id);
  return g != nullptr && has_member(*g, pair.id) ? g : nullptr;
}

Group* World::mutable_group_of(const Pair& pair) { return const_cast<Group*>(group_of(pair)); }

bool World::has_active_drills(ResourceKind kind, const std::string& id) const {
  return std::any_of(drills_.begin(), drills_.end(), [&](const auto& entry) {
    return entry.second.target_kind == kind && entry.second.target_id == id;
  });
}

void World::begin(Pair& pair, Status transient, TimingKey timing, Instant now) {
  pair.status = transient;
  pair.next_cycle.reset();
  auto successor = natural_successor(transient);
  if (!successor) {
    pair.pending.reset();
    return;
  }
  Duration d = duration_of(policy_->timing, timing == TimingKey::None ? successor->timing : timing);
  pair.pending = PendingTransition{successor->to, now, now + d};
  note_due(pair);
}

std::optional<Instant> World::due_of(const Pair& p) const {
  if (p.pending) return p.pending->due;
  if (p.next_cycle) return p.next_cycle;
  if (p.deleted_at) return *p.deleted_at + policy_->timing.deleted_retention;
  return std::nullopt;
}

std::optional<Instant> World::due_of(const Group& g) const {
  if (g.pending) return g.pending->due;
  if (g.next_cycle) return g.next_cycle;
  if (g.deleted_at) return *g.deleted_at + policy_->timing.deleted_retention;
  return std::nullopt;
}

void World::note_due(ResourceKind kind, const std::string& id, std::optional<Instant> due) {
  if (!due) return;
  // Stale entries leave the queue when their time comes; a long horizon (deleted
  // retention, long sync cycles) with many re-scheduled resources could pile them up.
  // Compact before pushing: the resource may not be in its map yet (add_*, create).
  if (due_.size() >= 4 * (pairs_.size() + groups_.size() + drills_.size()) + 1024) compact_due();
  due_.emplace_back(*due, kind, id);
  std::push_heap(due_.begin(), due_.end(), std::greater<>());
}

void World::compact_due() {
  std::vector<DueEntry> live;
  live.reserve(pairs_.size() + groups_.size() + drills_.size());
  for (const auto& [id, p] : pairs_) {
    if (auto due = due_of(p)) live.emplace_back(*due, ResourceKind::Pair, id);
  }
  for (const auto& [id, g] : groups_) {
    if (auto due = due_of(g)) live.emplace_back(*due, ResourceKind::Group, id);
  }
  for (const auto& [id, d] : drills_) {
    if (auto due = due_of(d)) live.emplace_back(*due, ResourceKind::Drill, id);
  }
  due_ = std::move(live);
  std::make_heap(due_.begin(), due_.end(), std::greater<>());
}

void World::add_pair(Pair pair, Instant now) {
  if (is_drill_status(pair.status)) {
    throw std::invalid_argument("pair " + pair.id + ": '" + std::string(to_string(pair.status)) +
                                "' is a drill status");
  }
  pair.pending.reset();
  if (is_transient(pair.status)) {
    begin(pair, pair.status, TimingKey::None, now);
  } else if (pair.status == Status::Normal && policy_->timing.sync_cycle.count() > 0) {
    pair.next_cycle = now + policy_->timing.sync_cycle;
  } else if (pair.status == Status::Deleted) {
    pair.deleted_at = now;
  }
  note_due(pair);
  std::string id = pair.id;
  // A scenario lists its pairs in file order, often sorted: the end hint makes each insert
  // constant time then, and the pair is moved into its node rather than assigned over a
  // default one (a 10,000-pair world is built at every start and reset).
  pairs_.insert_or_assign(pairs_.end(), std::move(id), std::move(pair));
}

void World::erase_drills_of(ResourceKind kind, const std::string& id, Instant at,
                            std::vector<TimedTransition>& events) {
  for (auto it = drills_.begin(); it != drills_.end();) {
    if (it->second.target_kind == kind && it->second.target_id == id) {
      const Status s = it->second.status;
      events.push_back({{it->first, s, s, ResourceKind::Drill}, at, true});
      it = drills_.erase(it);
    } else {
      ++it;
    }
  }
}

std::vector<TimedTransition> World::advance(Instant now) {
  std::vector<TimedTransition> events;
  // Changes come out in time order; one may schedule another that is also due (a
  // completed sync starting the next cycle), which the queue then yields in turn.
  while (!due_.empty() && std::get<0>(due_.front()) <= now) {
    std::pop_heap(due_.begin(), due_.end(), std::greater<>());
    auto [at, kind, id] = std::move(due_.back());
    due_.pop_back();
    if (kind == ResourceKind::Group) {
      auto it = groups_.find(id);
      if (it != groups_.end() && due_of(it->second) == at) advance_group(it->second, at, events);
      continue;
    }
    if (kind == ResourceKind::Drill) {
      auto it = drills_.find(id);
      if (it == drills_.end() || it->second.due != at) continue;  // stale
      Drill& d = it->second;
      d.due.reset();
      if (d.status == Status::Clearing) {
        events.push_back({{d.id, Status::Clearing, Status::Clearing, ResourceKind::Drill}, at, true});
        drills_.erase(it);
      } else if (auto next = natural_successor(d.status)) {
        events.push_back({{d.id, d.status, next->to, ResourceKind::Drill}, at, false});
        d.status = next->to;
      }
      continue;
    }
    auto it = pairs_.find(id);
    if (it == pairs_.end() || due_of(it->second) != at) continue;  // stale
    Pair& p = it->second;
    if (p.pending) {
      Status from = p.status;
      Status to = p.pending->to;
      p.pending.reset();
      p.status = to;
      if (from == Status::InitialSyncing || from == Status::Syncing ||
          from == Status::ManualSyncing) {
        p.last_recover_point = unix_seconds(at);
      }
      if (from == Status::Reprotecting && p.reprotect_reverses) {
        // Open question 5 (choice): reverse replication makes the old secondary the new
        // primary; Primary*/Standby* keep the initial sites.
        std::swap(p.source_region, p.destination_region);
        std::swap(p.source_zone, p.destination_zone);
        std::swap(p.source_disk_id, p.destination_disk_id);
      }
      if (from == Status::Reprotecting) p.reprotect_reverses = false;
      if (to == Status::Normal && policy_->timing.sync_cycle.count() > 0) {
        p.next_cycle = at + policy_->timing.sync_cycle;
      }
      if (to == Status::Deleted) p.deleted_at = at;
      events.push_back({{p.id, from, to}, at, false});
      note_due(p);
    } else if (p.next_cycle) {
      p.next_cycle.reset();
      begin(p, Status::Syncing, TimingKey::Sync, at);
      events.push_back({{p.id, Status::Normal, Status::Syncing}, at, false});
    } else {
      events.push_back({{p.id, Status::Deleted, Status::Deleted}, at, true});
      const std::string vanished = p.id;
      pairs_.erase(it);
      // Choice: a pair's drills vanish with it (Describe*Drills then answers 404).
      erase_drills_of(ResourceKind::Pair, vanished, at, events);
    }
  }
  return events;
}

std::vector<Transition> World::force(ResourceKind kind, std::string_view id, Status status, Instant now) {
  std::vector<Transition> out;
  switch (kind) {
    case ResourceKind::Pair: {
      std::vector<Transition> group_changes;
      if (auto t = force_status(id, status, now, &group_changes)) out.push_back(*t);
      out.insert(out.end(), group_changes.begin(), group_changes.end());
      break;
    }
    case ResourceKind::Group: out = force_group_status(id, status, now); break;
    case ResourceKind::Drill:
      if (auto t = force_drill_status(id, status, now)) out.push_back(*t);
      break;
  }
  return out;
}

std::optional<Transition> World::force_status(std::string_view id, Status status, Instant now,
                                              std::vector<Transition>* group_changes) {
  if (is_drill_status(status)) {
    throw std::invalid_argument("force_status: '" + std::string(to_string(status)) +
                                "' is a drill status (use force_drill_status)");
  }
  auto it = pairs_.find(std::string(id));
  if (it == pairs_.end()) return std::nullopt;
  Pair& p = it->second;
  Transition t{p.id, p.status, status};
  p.deleted_at.reset();
  if (is_transient(status)) {
    begin(p, status, TimingKey::None, now);
  } else {
    p.status = status;
    p.pending.reset();
    p.next_cycle.reset();
    if (status == Status::Deleted) p.deleted_at = now;
  }
  note_due(p);
  if (Group* g = mutable_group_of(p)) {
    if (auto changed = reconcile_group(*g, now); changed && group_changes) {
      group_changes->push_back(*changed);
    }
  }
  return t;
}

IdsNeeded World::ids_needed(Operation op, const Params& params) const {
  IdsNeeded needed;
  switch (op) {
    case Operation::CreateDiskReplicaPair:
      needed.pair_id = needed.order_id = true;
      break;
    case Operation::CreateDiskReplicaGroup:
      needed.group_id = true;
      break;
    case Operation::StartPairDrill:
      needed.drill_id = true;
      needed.drill_disk_ids = 1;
      break;
    case Operation::StartReplicaGroupDrill: {
      needed.drill_id = true;
      const Group* g = find_group(read_param(params, "GroupId"));
      needed.drill_disk_ids = g != nullptr ? g->pair_ids.size() : 0;
      break;
    }
    default:
      break;
  }
  return needed;
}

Outcome World::execute(Operation op, const Params& params, Instant now, const NewIds& ids, BodyForm form) {
  switch (op) {
    case Operation::CreateDiskReplicaPair: return create(params, now, ids);
    case Operation::DescribeDiskReplicaPairs: return describe_pairs(params, now, form);
    case Operation::StartDiskReplicaPair:
    case Operation::StopDiskReplicaPair:
    case Operation::FailoverDiskReplicaPair:
    case Operation::ReprotectDiskReplicaPair:
    case Operation::DeleteDiskReplicaPair:
    case Operation::ModifyDiskReplicaPair:
    case Operation::DescribeDiskReplicaPairProgress:
      return execute_pair(op, params, now);
    case Operation::CreateDiskReplicaGroup: return create_group(params, now, ids);
    case Operation::DescribeDiskReplicaGroups: return describe_groups(params);
    case Operation::DeleteDiskReplicaGroup:
    case Operation::ModifyDiskReplicaGroup:
    case Operation::StartDiskReplicaGroup:
    case Operation::StopDiskReplicaGroup:
    case Operation::FailoverDiskReplicaGroup:
    case Operation::ReprotectDiskReplicaGroup:
      return execute_group(op, params, now);
    case Operation::AddDiskReplicaPair: return add_member(params);
    case Operation::RemoveDiskReplicaPair: return remove_member(params, now);
    case Operation::StartPairDrill:
    case Operation::StartReplicaGroupDrill:
      return start_drill(op, params, now, ids);
    case Operation::DescribePairDrills:
    case Operation::DescribeReplicaGroupDrills:
      return describe_drills(op, params);
    case Operation::ClearPairDrill:
    case Operation::ClearReplicaGroupDrill:
      return clear_drill(op, params, now);
    case Operation::TagResources: return tag_resources(params);
    case Operation::UntagResources: return untag_resources(params);
    case Operation::ListTagResources: return list_tag_resources(params);
    case Operation::ChangeResourceGroup: return change_resource_group(params);
    case Operation::DescribeRegions: return describe_regions(params);
    case Operation::ListReplicaEdgeSupported: return list_replica_edges(params);
  }
  Outcome out;
  out.error = error(codes::kInvalidActionNotFound);
  return out;
}

Outcome World::execute_pair(Operation op, const Params& params, Instant now) {
  Outcome out;
  const std::string region = read_param(params, "RegionId");
  auto it = pairs_.find(read_param(params, "ReplicaPairId"));
  // Choice (open question 7): a pair in another region is as unknown as a missing one.
  if (it == pairs_.end() || !visible_in_region(it->second, region)) {
    out.error = error(codes::kNoSuchResource);
    return out;
  }
  Pair& pair = it->second;
  if (op == Operation::DescribeDiskReplicaPairProgress) return describe_progress(pair, now);

  // ebs-groups.md §5.2 #2-#4 (choice, §11 #1): a member pair is managed through its group.
  // Name and description stay the pair's own.
  if (group_of(pair) != nullptr) {
    const bool group_owned_modify = op == Operation::ModifyDiskReplicaPair &&
                                    (!read_param(params, "RPO").empty() ||
                                     !read_param(params, "Bandwidth").empty() ||
                                     !read_param(params, "EnableRtc").empty());
    if (op != Operation::ModifyDiskReplicaPair || group_owned_modify) {
      out.error = error(policy_->member_pair_refusal);
      return out;
    }
  }

  const OperationFlags flags = operation_flags(params);
  const TransitionRule& rule = rule_for(op, flags);

  out.error = site_or_status_refusal(op, region, pair.source_region, pair.destination_region, pair.status, rule);
  if (out.error) return out;

  if (op == Operation::ModifyDiskReplicaPair) return modify(pair, params);

  if (policy_->drills_block_changes &&
      (op == Operation::DeleteDiskReplicaPair || op == Operation::FailoverDiskReplicaPair) &&
      has_active_drills(ResourceKind::Pair, pair.id)) {
    out.error = error(codes::kOperationDenied);
    return out;
  }
  if (op == Operation::StartDiskReplicaPair && flags.one_shot) {
    // Open question 8 (Policy::one_shot_gap_for_pairs): two one-shot syncs more than RPO/2
    // apart, start to start.
    if (policy_->one_shot_gap_for_pairs && pair.last_one_shot &&
        now - *pair.last_one_shot <= std::chrono::seconds(pair.rpo / 2)) {
      out.error = error(codes::kManualSyncLimit);
      return out;
    }
    pair.last_one_shot = now;
  }

  Status from = pair.status;
  bool synced_before = pair.last_recover_point.has_value();
  Status entered = *entered_status(rule, synced_before);
  TimingKey timing = rule.timing;
  if (entered == Status::Syncing) timing = TimingKey::Sync;
  pair.deleted_at.reset();
  if (op == Operation::ReprotectDiskReplicaPair) {
    // Remember the direction change until reprotecting completes (see advance()).
    pair.reprotect_reverses = flags.reverse_replicate;
  }
  begin(pair, entered, timing, now);
  out.transition = Transition{pair.id, from, entered};
  return out;
}

Outcome World::create(const Params& params, Instant now, const NewIds& ids) {
  Outcome out;
  if (ids.pair_id.empty()) {
    out.error = missing_id("pair id");
    return out;
  }
  std::string charge = read_param(params, "ChargeType", "POSTPAY");
  if (charge == "PREPAY" && read_param(params, "Period").empty()) {
    out.error = error(codes::kMissingParameter, "Period");
    return out;
  }
  Pair p;
  p.id = ids.pair_id;
  p.pair_name = read_param(params, "PairName");
  p.description = read_param(params, "Description");
  set_direction(p, params);
  p.source_disk_id = read_param(params, "DiskId");
  p.destination_disk_id = read_param(params, "DestinationDiskId");
  p.charge_type = charge;
  // TEA: default 10240; with POSTPAY it is forced to 0 (dynamic) and cannot be set.
  p.bandwidth = charge == "POSTPAY" ? 0 : parse_int(read_param(params, "Bandwidth", "10240")).value_or(10240);
  p.rpo = parse_int(read_param(params, "RPO", "900")).value_or(900);
  p.enable_rtc = read_flag(params, "EnableRtc", false);
  p.resource_group_id = read_param(params, "ResourceGroupId");
  p.create_time = unix_seconds(now);
  if (charge == "PREPAY") {
    auto months = parse_int(read_param(params, "Period", "1")).value_or(1);
    p.expired_time = unix_seconds(now) + months * 30 * 86400;
  }
  for (auto& [k, v] : read_tags(params)) p.tags.push_back({k, v});
  begin(p, Status::Creating, TimingKey::Create, now);
  out.transition = Transition{p.id, std::nullopt, Status::Creating};
  out.body = {{"ReplicaPairId", p.id}, {"OrderId", ids.order_id}};
  pairs_[p.id] = std::move(p);
  return out;
}

Outcome World::modify(Pair& pair, const Params& params) {
  Outcome out;
  if (auto v = read_param(params, "PairName"); !v.empty()) pair.pair_name = v;
  if (auto v = read_param(params, "Description"); !v.empty()) pair.description = v;
  if (auto v = read_param(params, "RPO"); !v.empty()) pair.rpo = parse_int(v).value_or(pair.rpo);
  if (auto v = read_param(params, "Bandwidth"); !v.empty()) {
    pair.bandwidth = parse_int(v).value_or(pair.bandwidth);
  }
  if (auto v = read_param(params, "EnableRtc"); !v.empty()) {
    pair.enable_rtc = parse_bool(v).value_or(pair.enable_rtc);
  }
  return out;
}

Outcome World::describe_progress(const Pair& pair, Instant now) const {
  Outcome out;
  int progress = 0;
  // A member pair moves on its group's schedule.
  const Group* g = group_of(pair);
  const std::optional<PendingTransition>& pending = g != nullptr ? g->pending : pair.pending;
  if (pending && (pair.status == Status::InitialSyncing || pair.status == Status::Syncing ||
                  pair.status == Status::ManualSyncing)) {
    auto total = (pending->due - pending->started).count();
    auto done = (now - pending->started).count();
    progress = total <= 0 ? 99 : static_cast<int>(std::min<long long>(99, done * 100 / total));
  } else if (pair.last_recover_point) {
    progress = 100;
  }
  out.body = {{"Progress", progress}};
  if (pair.last_recover_point) out.body["RecoverPoint"] = *pair.last_recover_point;
  return out;
}

Outcome World::describe_pairs(const Params& params, Instant, BodyForm form) const {
  // Views into `params`, which outlives this call: a Describe copies none of them.
  const std::string_view region = param_view(params, "RegionId");
  const std::string_view site = param_view(params, "Site");
  const std::string_view group = param_view(params, "ReplicaGroupId");
  const std::string_view resource_group = param_view(params, "ResourceGroupId");
  const std::string_view name = param_view(params, "Name");
  const std::vector<std::string_view> ids = split_csv_views(param_view(params, "PairIds"));
  if (ids.size() > 100) {
    Outcome out;
    out.error = error(codes::kInvalidParameter, "PairIds");
    return out;
  }
  auto tag_filters = read_tags(params);

  // With PairIds, look the pairs up instead of scanning every pair (10,000-pair worlds).
  std::vector<const Pair*> candidates;
  if (!ids.empty()) {
    std::set<std::string_view> seen;
    for (const auto& id : ids) {
      if (!seen.insert(id).second) continue;
      if (auto it = pairs_.find(id); it != pairs_.end()) candidates.push_back(&it->second);
    }
  } else {
    candidates.reserve(pairs_.size());
    for (const auto& [id, p] : pairs_) candidates.push_back(&p);
  }

  std::vector<const Pair*> matched;
  for (const Pair* candidate : candidates) {
    const Pair& p = *candidate;
    // Choice: without Site, a pair is listed when its primary OR secondary is in the
    // region (the RegionId description); Site narrows to one side.
    if (site == "production" ? p.source_region != region
        : site == "backup"   ? p.destination_region != region
                             : !visible_in_region(p, region)) {
      continue;
    }
    if (!group.empty() && (group == "-" ? !p.replica_group_id.empty() : p.replica_group_id != group)) {
      continue;
    }
    if (!resource_group.empty() && p.resource_group_id != resource_group) continue;
    if (!name.empty() && p.pair_name.find(name) == std::string::npos) continue;
    if (!has_tags(p.tags, tag_filters)) continue;
    matched.push_back(&p);
  }
  // Stable order: oldest first, then by id.
  std::sort(matched.begin(), matched.end(), [](const Pair* a, const Pair* b) {
    return a->create_time != b->create_time ? a->create_time < b->create_time : a->id < b->id;
  });

  if (form == BodyForm::Page) {
    const auto page = read_page(params);
    if (!page) return refuse(codes::kInvalidParameter, "NextToken");
    Outcome out;
    out.body = nlohmann::json();  // not filled: the page is the body
    PairPage& copied = out.page.emplace(PairPage{*page, matched.size(), {}});
    copied.items.reserve(std::min(page->size, matched.size()));
    for (std::size_t i = page->offset; i < matched.size() && page->holds(i); ++i) copied.items.push_back(*matched[i]);
    return out;
  }
  return paged(params, matched, kReplicaPairsKey, [](const Pair* p) { return to_describe_json(*p); });
}

}  // namespace ebsmock::contracts
