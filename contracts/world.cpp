// world.cpp: the behaviour of each operation, following transitions.cpp's rule table.
// Choices where the documentation is silent are marked "Choice:" and listed in
// contracts/README.md.
#include "contracts/world.h"

#include <algorithm>
#include <set>

#include "contracts/crypto.h"
#include "contracts/text.h"

namespace ebsmock::contracts {
namespace {

std::string param(const Params& p, std::string_view name, std::string_view fallback = {}) {
  auto it = p.find(name);
  if (it == p.end() || it->second.empty()) return std::string(fallback);
  return it->second;
}

bool flag(const Params& p, std::string_view name, bool fallback) {
  auto it = p.find(name);
  if (it == p.end() || it->second.empty()) return fallback;
  return parse_bool(it->second).value_or(fallback);
}

// NextToken is opaque to clients; it encodes the offset of the next page.
std::string encode_next_token(size_t offset) {
  return "ebsm" + crypto::base64_encode("offset:" + std::to_string(offset));
}

std::optional<size_t> decode_next_token(std::string_view token) {
  if (!token.starts_with("ebsm")) return std::nullopt;
  std::string_view b64 = token.substr(4);
  // Minimal base64 decoder for the alphabet we emit.
  static constexpr std::string_view kAlphabet =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string decoded;
  int buffer = 0, bits = 0;
  for (char c : b64) {
    if (c == '=') break;
    auto pos = kAlphabet.find(c);
    if (pos == std::string_view::npos) return std::nullopt;
    buffer = (buffer << 6) | static_cast<int>(pos);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      decoded += static_cast<char>((buffer >> bits) & 0xFF);
    }
  }
  if (!decoded.starts_with("offset:")) return std::nullopt;
  auto n = parse_int(std::string_view(decoded).substr(7));
  if (!n || *n < 0) return std::nullopt;
  return static_cast<size_t>(*n);
}

}  // namespace

std::string_view to_string(ResourceKind kind) {
  switch (kind) {
    case ResourceKind::Pair: return "pair";
    case ResourceKind::Group: return "group";
    case ResourceKind::Drill: return "drill";
  }
  return "pair";
}

std::optional<ResourceKind> parse_resource_kind(std::string_view text) {
  for (auto kind : {ResourceKind::Pair, ResourceKind::Group, ResourceKind::Drill}) {
    if (to_string(kind) == text) return kind;
  }
  return std::nullopt;
}

std::string to_string(const Transition& t) {
  std::string out;
  // Pairs are the common case and keep the short form every report already shows.
  if (t.kind != ResourceKind::Pair) out += std::string(to_string(t.kind)) + " ";
  out += t.id + " " + (t.from ? std::string(to_string(*t.from)) : std::string("(new)")) + " -> " +
         std::string(to_string(t.to));
  return out;
}

std::ostream& operator<<(std::ostream& os, const Transition& t) { return os << to_string(t); }

World::World(Policy policy) : policy_(std::move(policy)) {}

ApiError World::error(std::string_view code, std::string_view detail) const {
  return policy_.errors.make(code, detail);
}

const Pair* World::find(std::string_view id) const {
  auto it = pairs_.find(std::string(id));
  return it == pairs_.end() ? nullptr : &it->second;
}

void World::begin(Pair& pair, Status transient, TimingKey timing, Instant now) {
  pair.status = transient;
  pair.next_cycle.reset();
  auto successor = natural_successor(transient);
  if (!successor) {
    pair.pending.reset();
    return;
  }
  Duration d = duration_of(policy_.timing, timing == TimingKey::None ? successor->timing : timing);
  pair.pending = PendingTransition{successor->to, now, now + d};
  note_due(pair);
}

std::optional<Instant> World::due_of(const Pair& p) const {
  if (p.pending) return p.pending->due;
  if (p.next_cycle) return p.next_cycle;
  if (p.deleted_at) return *p.deleted_at + policy_.timing.deleted_retention;
  return std::nullopt;
}

void World::note_due(const Pair& pair) {
  auto due = due_of(pair);
  if (!due) return;
  // Stale entries leave the queue when their time comes; a long horizon (deleted
  // retention, long sync cycles) with many re-scheduled pairs could pile them up.
  // Compact before pushing: `pair` may not be in pairs_ yet (add_pair, create).
  if (due_.size() >= 4 * pairs_.size() + 1024) compact_due();
  due_.emplace(*due, pair.id);
}

void World::compact_due() {
  std::vector<DueEntry> live;
  live.reserve(pairs_.size());
  for (const auto& [id, p] : pairs_) {
    if (auto due = due_of(p)) live.emplace_back(*due, id);
  }
  due_ = decltype(due_)(std::greater<>(), std::move(live));
}

void World::add_pair(Pair pair, Instant now) {
  pair.pending.reset();
  if (is_transient(pair.status)) {
    begin(pair, pair.status, TimingKey::None, now);
  } else if (pair.status == Status::Normal && policy_.timing.sync_cycle.count() > 0) {
    pair.next_cycle = now + policy_.timing.sync_cycle;
  } else if (pair.status == Status::Deleted) {
    pair.deleted_at = now;
  }
  note_due(pair);
  std::string id = pair.id;
  pairs_[id] = std::move(pair);
}

std::vector<TimedTransition> World::advance(Instant now) {
  std::vector<TimedTransition> events;
  // Changes come out in time order; one may schedule another that is also due (a
  // completed sync starting the next cycle), which the queue then yields in turn.
  while (!due_.empty() && due_.top().first <= now) {
    auto [at, id] = due_.top();
    due_.pop();
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
      if (to == Status::Normal && policy_.timing.sync_cycle.count() > 0) {
        p.next_cycle = at + policy_.timing.sync_cycle;
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
      pairs_.erase(it);
    }
  }
  return events;
}

std::optional<Transition> World::force_status(std::string_view id, Status status, Instant now) {
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
  return t;
}

Outcome World::execute(Operation op, const Params& params, Instant now, const NewIds& ids) {
  if (op == Operation::CreateDiskReplicaPair) return create(params, now, ids);
  if (op == Operation::DescribeDiskReplicaPairs) return describe_pairs(params, now);

  Outcome out;
  const std::string region = param(params, "RegionId");
  auto it = pairs_.find(param(params, "ReplicaPairId"));
  // Choice (open question 7): a pair in another region is as unknown as a missing one.
  if (it == pairs_.end() || !visible_in_region(it->second, region)) {
    out.error = error(codes::kNoSuchResource);
    return out;
  }
  Pair& pair = it->second;
  if (op == Operation::DescribeDiskReplicaPairProgress) return describe_progress(pair, now);

  OperationFlags flags;
  flags.one_shot = flag(params, "OneShot", false);
  flags.reverse_replicate = flag(params, "ReverseReplicate", true);
  const TransitionRule& rule = rule_for(op, flags);

  if (policy_.enforce_site_region) {
    bool wants_secondary =
        op == Operation::FailoverDiskReplicaPair || op == Operation::ReprotectDiskReplicaPair;
    bool wants_primary = op == Operation::DeleteDiskReplicaPair;
    if (wants_secondary && region != pair.destination_region) {
      out.error = error(codes::kOperateNotAllowedForPrimary);
      return out;
    }
    if (wants_primary && region != pair.source_region) {
      out.error = error("OperationDenied.OperateNotAllowedForStandby");
      return out;
    }
  }

  if (!is_allowed(rule, pair.status, policy_)) {
    out.error = error(codes::kInvalidStatus);
    return out;
  }

  if (op == Operation::ModifyDiskReplicaPair) return modify(pair, params);

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
  std::string charge = param(params, "ChargeType", "POSTPAY");
  if (charge == "PREPAY" && param(params, "Period").empty()) {
    out.error = error(codes::kMissingParameter, "Period");
    return out;
  }
  Pair p;
  p.id = ids.pair_id;
  p.pair_name = param(params, "PairName");
  p.description = param(params, "Description");
  p.source_region = param(params, "RegionId");
  p.source_zone = param(params, "SourceZoneId");
  p.source_disk_id = param(params, "DiskId");
  p.destination_region = param(params, "DestinationRegionId");
  p.destination_zone = param(params, "DestinationZoneId");
  p.destination_disk_id = param(params, "DestinationDiskId");
  p.primary_region = p.source_region;
  p.primary_zone = p.source_zone;
  p.standby_region = p.destination_region;
  p.standby_zone = p.destination_zone;
  p.charge_type = charge;
  // TEA: default 10240; with POSTPAY it is forced to 0 (dynamic) and cannot be set.
  p.bandwidth = charge == "POSTPAY" ? 0 : parse_int(param(params, "Bandwidth", "10240")).value_or(10240);
  p.rpo = parse_int(param(params, "RPO", "900")).value_or(900);
  p.enable_rtc = flag(params, "EnableRtc", false);
  p.resource_group_id = param(params, "ResourceGroupId");
  p.create_time = unix_seconds(now);
  if (charge == "PREPAY") {
    auto months = parse_int(param(params, "Period", "1")).value_or(1);
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
  if (auto v = param(params, "PairName"); !v.empty()) pair.pair_name = v;
  if (auto v = param(params, "Description"); !v.empty()) pair.description = v;
  if (auto v = param(params, "RPO"); !v.empty()) pair.rpo = parse_int(v).value_or(pair.rpo);
  if (auto v = param(params, "Bandwidth"); !v.empty()) {
    pair.bandwidth = parse_int(v).value_or(pair.bandwidth);
  }
  if (auto v = param(params, "EnableRtc"); !v.empty()) {
    pair.enable_rtc = parse_bool(v).value_or(pair.enable_rtc);
  }
  return out;
}

Outcome World::describe_progress(const Pair& pair, Instant now) const {
  Outcome out;
  int progress = 0;
  if (pair.pending && (pair.status == Status::InitialSyncing || pair.status == Status::Syncing ||
                       pair.status == Status::ManualSyncing)) {
    auto total = (pair.pending->due - pair.pending->started).count();
    auto done = (now - pair.pending->started).count();
    progress = total <= 0 ? 99 : static_cast<int>(std::min<long long>(99, done * 100 / total));
  } else if (pair.last_recover_point) {
    progress = 100;
  }
  out.body = {{"Progress", progress}};
  if (pair.last_recover_point) out.body["RecoverPoint"] = *pair.last_recover_point;
  return out;
}

Outcome World::describe_pairs(const Params& params, Instant) const {
  Outcome out;
  const std::string region = param(params, "RegionId");
  const std::string site = param(params, "Site");
  const std::string group = param(params, "ReplicaGroupId");
  const std::string resource_group = param(params, "ResourceGroupId");
  const std::string name = param(params, "Name");
  std::vector<std::string> ids = split_csv(param(params, "PairIds"));
  if (ids.size() > 100) {
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
    bool tags_ok = std::all_of(tag_filters.begin(), tag_filters.end(), [&](const auto& f) {
      return std::any_of(p.tags.begin(), p.tags.end(), [&](const Tag& t) {
        return t.key == f.first && (f.second.empty() || t.value == f.second);
      });
    });
    if (!tags_ok) continue;
    matched.push_back(&p);
  }
  // Stable order: oldest first, then by id.
  std::sort(matched.begin(), matched.end(), [](const Pair* a, const Pair* b) {
    return a->create_time != b->create_time ? a->create_time < b->create_time : a->id < b->id;
  });

  const bool token_paging = params.contains("NextToken") || params.contains("MaxResults");
  size_t offset = 0;
  size_t page_size = 10;
  std::int64_t page_number = 1;
  if (token_paging) {
    page_size = static_cast<size_t>(parse_int(param(params, "MaxResults", "10")).value_or(10));
    if (auto token = param(params, "NextToken"); !token.empty()) {
      auto decoded = decode_next_token(token);
      if (!decoded) {
        out.error = error(codes::kInvalidParameter, "NextToken");
        return out;
      }
      offset = *decoded;
    }
  } else {
    page_number = parse_int(param(params, "PageNumber", "1")).value_or(1);
    page_size = static_cast<size_t>(parse_int(param(params, "PageSize", "10")).value_or(10));
    offset = static_cast<size_t>(page_number - 1) * page_size;
  }
  nlohmann::json items = nlohmann::json::array();
  for (size_t i = offset; i < matched.size() && i < offset + page_size; ++i) {
    items.push_back(to_describe_json(*matched[i]));
  }
  std::string next_token;
  if (token_paging && offset + page_size < matched.size()) {
    next_token = encode_next_token(offset + page_size);
  }
  out.body = {{"NextToken", next_token},
              {"PageNumber", page_number},
              {"PageSize", page_size},
              {"TotalCount", matched.size()},
              {"ReplicaPairs", items}};
  return out;
}

}  // namespace ebsmock::contracts
