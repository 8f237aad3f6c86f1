// steps.cpp: step parameters, descriptions, the generator and the shrinks. Pure.
#include "harness/contract/steps.h"

#include <algorithm>
#include <map>
#include <memory>
#include <tuple>
#include <ostream>

#include "contracts/transitions.h"

namespace ebsmock::harness {
namespace {

using contracts::Operation;

std::string param_region() { return std::string(kRegion); }

}  // namespace

std::string_view to_string(StepKind k) {
  switch (k) {
    case StepKind::Create: return "Create";
    case StepKind::Start: return "Start";
    case StepKind::Stop: return "Stop";
    case StepKind::Failover: return "Failover";
    case StepKind::Reprotect: return "Reprotect";
    case StepKind::Delete: return "Delete";
    case StepKind::Modify: return "Modify";
    case StepKind::Describe: return "Describe";
    case StepKind::DescribeProgress: return "DescribeProgress";
    case StepKind::AdvanceClock: return "AdvanceClock";
    case StepKind::CreateGroup: return "CreateGroup";
    case StepKind::AddPair: return "AddPair";
    case StepKind::RemovePair: return "RemovePair";
    case StepKind::StartGroup: return "StartGroup";
    case StepKind::StopGroup: return "StopGroup";
    case StepKind::FailoverGroup: return "FailoverGroup";
    case StepKind::ReprotectGroup: return "ReprotectGroup";
    case StepKind::DeleteGroup: return "DeleteGroup";
    case StepKind::DescribeGroups: return "DescribeGroups";
    case StepKind::StartPairDrill: return "StartPairDrill";
    case StepKind::ClearPairDrill: return "ClearPairDrill";
    case StepKind::DescribePairDrills: return "DescribePairDrills";
    case StepKind::StartGroupDrill: return "StartGroupDrill";
    case StepKind::ClearGroupDrill: return "ClearGroupDrill";
    case StepKind::DescribeGroupDrills: return "DescribeGroupDrills";
  }
  return "?";
}

std::string_view to_string(FaultKind k) {
  switch (k) {
    case FaultKind::None: return "none";
    case FaultKind::InternalError: return "InternalError";
    case FaultKind::RequestTimeout: return "RequestTimeout";
    case FaultKind::ServiceUnavailable: return "ServiceUnavailable";
    case FaultKind::Throttling: return "Throttling.User";
    case FaultKind::Forbidden: return "Forbidden";
    case FaultKind::Delay: return "delay";
    case FaultKind::Reset: return "reset";
    case FaultKind::Close: return "close";
    case FaultKind::Hang: return "hang";
    case FaultKind::Html: return "html";
    case FaultKind::MalformedJson: return "malformed-json";
    case FaultKind::Truncate: return "truncate";
  }
  return "?";
}

std::optional<FaultKind> parse_fault_kind(std::string_view text) {
  if (text == "none") return FaultKind::None;
  for (FaultKind k : kAllFaultKinds) {
    if (to_string(k) == text) return k;
  }
  return std::nullopt;
}

bool can_commit_after(FaultKind k) {
  switch (k) {
    case FaultKind::InternalError:
    case FaultKind::RequestTimeout:
    case FaultKind::ServiceUnavailable:
    case FaultKind::Reset:
    case FaultKind::Close:
    case FaultKind::Hang:
    case FaultKind::Html:
    case FaultKind::MalformedJson:
    case FaultKind::Truncate:
      return true;
    // A real gateway throttles or denies before the backend runs, and a delay answers
    // normally: "commit after" would describe no real failure.
    case FaultKind::None:
    case FaultKind::Throttling:
    case FaultKind::Forbidden:
    case FaultKind::Delay:
      return false;
  }
  return false;
}

std::string describe(const InjectedFault& f) {
  if (f.kind == FaultKind::None) return "none";
  std::string out(to_string(f.kind));
  if (f.kind == FaultKind::Throttling) out += " (x-acs-retry-after " + std::to_string(kRetryAfterMs) + " ms)";
  if (f.kind == FaultKind::Delay) out += " " + std::to_string(kDelay.count()) + " ms";
  out += f.persistent ? " on every attempt" : " once";
  if (can_commit_after(f.kind)) out += f.commit_after ? ", commit after" : ", commit before";
  return out;
}

nlohmann::json fault_rule_json(const InjectedFault& fault, const std::string& rule_id,
                               std::string_view action) {
  nlohmann::json j = {{"id", rule_id},
                      {"action", std::string(action)},
                      {"times", fault.persistent ? kPersistentTimes : 1}};
  const std::string commit = fault.commit_after ? "after" : "before";
  switch (fault.kind) {
    case FaultKind::None:
      break;
    case FaultKind::InternalError:
    case FaultKind::RequestTimeout:
    case FaultKind::ServiceUnavailable:
      j["error"] = std::string(to_string(fault.kind));
      j["commit"] = commit;
      break;
    case FaultKind::Forbidden:
      j["error"] = "Forbidden";
      break;
    case FaultKind::Throttling:
      j["error"] = "Throttling.User";
      j["retry_after_ms"] = kRetryAfterMs;
      break;
    case FaultKind::Delay:
      j["delay"] = std::to_string(kDelay.count()) + "ms";
      break;
    case FaultKind::Hang:
      j["transport"] = "hang";
      j["hang_cap"] = std::to_string(kHangCap.count()) + "ms";
      j["commit"] = commit;
      break;
    case FaultKind::Reset:
    case FaultKind::Close:
    case FaultKind::Html:
    case FaultKind::MalformedJson:
    case FaultKind::Truncate:
      j["transport"] = std::string(to_string(fault.kind));
      j["commit"] = commit;
      break;
  }
  return j;
}

const std::vector<std::string>& name_values() {
  static const std::vector<std::string> kValues = {
      "contract-pair",
      "orders db",                         // space: '+' instead of %20
      "x*y",                               // '*': kept literal instead of %2A
      "tilde~name",                        // '~': %7E instead of literal
      "caf\xC3\xA9",                       // non-ASCII (2-byte UTF-8)
      "\xE4\xB8\xAD\xE6\x96\x87 disk",     // non-ASCII (3-byte UTF-8) and a space
      "a b*c~d/e+f!g'h(i)j",               // the SDK edge value of sdk-wire.md §4
      "50% off",                           // a literal '%'
  };
  return kValues;
}

bool is_operation(const Step& s) { return s.kind != StepKind::AdvanceClock; }

bool is_group_kind(StepKind k) {
  return std::find(kGroupStepKinds.begin(), kGroupStepKinds.end(), k) != kGroupStepKinds.end();
}

bool names_pair(const Step& s) {
  switch (s.kind) {
    case StepKind::Create:
    case StepKind::AdvanceClock:
      return false;
    case StepKind::Describe:
      return s.slot != kAllPairs;
    case StepKind::AddPair:
    case StepKind::RemovePair:
    case StepKind::StartPairDrill:
    case StepKind::ClearPairDrill:
    case StepKind::DescribePairDrills:
      return true;
    default:
      return !is_group_kind(s.kind);
  }
}

bool names_group(const Step& s) {
  switch (s.kind) {
    case StepKind::CreateGroup:
    case StepKind::StartPairDrill:
    case StepKind::ClearPairDrill:
    case StepKind::DescribePairDrills:
      return false;
    case StepKind::DescribeGroups:
      return s.group != kAllGroups;
    default:
      return is_group_kind(s.kind);
  }
}

bool names_drill(const Step& s) {
  return s.kind == StepKind::ClearPairDrill || s.kind == StepKind::ClearGroupDrill;
}

contracts::Operation operation_of(StepKind k) {
  switch (k) {
    case StepKind::Create: return Operation::CreateDiskReplicaPair;
    case StepKind::Start: return Operation::StartDiskReplicaPair;
    case StepKind::Stop: return Operation::StopDiskReplicaPair;
    case StepKind::Failover: return Operation::FailoverDiskReplicaPair;
    case StepKind::Reprotect: return Operation::ReprotectDiskReplicaPair;
    case StepKind::Delete: return Operation::DeleteDiskReplicaPair;
    case StepKind::Modify: return Operation::ModifyDiskReplicaPair;
    case StepKind::Describe: return Operation::DescribeDiskReplicaPairs;
    case StepKind::DescribeProgress: return Operation::DescribeDiskReplicaPairProgress;
    case StepKind::CreateGroup: return Operation::CreateDiskReplicaGroup;
    case StepKind::AddPair: return Operation::AddDiskReplicaPair;
    case StepKind::RemovePair: return Operation::RemoveDiskReplicaPair;
    case StepKind::StartGroup: return Operation::StartDiskReplicaGroup;
    case StepKind::StopGroup: return Operation::StopDiskReplicaGroup;
    case StepKind::FailoverGroup: return Operation::FailoverDiskReplicaGroup;
    case StepKind::ReprotectGroup: return Operation::ReprotectDiskReplicaGroup;
    case StepKind::DeleteGroup: return Operation::DeleteDiskReplicaGroup;
    case StepKind::DescribeGroups: return Operation::DescribeDiskReplicaGroups;
    case StepKind::StartPairDrill: return Operation::StartPairDrill;
    case StepKind::ClearPairDrill: return Operation::ClearPairDrill;
    case StepKind::DescribePairDrills: return Operation::DescribePairDrills;
    case StepKind::StartGroupDrill: return Operation::StartReplicaGroupDrill;
    case StepKind::ClearGroupDrill: return Operation::ClearReplicaGroupDrill;
    case StepKind::DescribeGroupDrills: return Operation::DescribeReplicaGroupDrills;
    case StepKind::AdvanceClock: break;
  }
  return Operation::DescribeDiskReplicaPairs;
}

std::string_view action_of(StepKind k) { return contracts::to_string(operation_of(k)); }

std::optional<StepKind> step_kind_of(contracts::Operation op) {
  for (const auto& kinds : {std::vector<StepKind>(kAllStepKinds.begin(), kAllStepKinds.end()),
                            std::vector<StepKind>(kGroupStepKinds.begin(), kGroupStepKinds.end())}) {
    for (StepKind k : kinds) {
      if (k != StepKind::AdvanceClock && operation_of(k) == op) return k;
    }
  }
  return std::nullopt;
}

std::string slot_id(const std::vector<std::string>& ids, int slot, std::string_view unknown) {
  if (slot < 0 || static_cast<std::size_t>(slot) >= ids.size()) return std::string(unknown);
  return ids[static_cast<std::size_t>(slot)];
}

int slot_of(const std::vector<std::string>& ids, const std::string& id, int unknown) {
  auto it = std::find(ids.begin(), ids.end(), id);
  return it == ids.end() ? unknown : static_cast<int>(it - ids.begin());
}

contracts::Params step_params(const Step& s, const std::string& pair_id) {
  return step_params(s, StepIds{.pair = pair_id, .group = {}, .drill = {}});
}

contracts::Params step_params(const Step& s, const StepIds& ids) {
  const std::string& pair_id = ids.pair;
  contracts::Params p;
  p["RegionId"] = param_region();
  auto names = [&] {
    if (s.name >= 0) p["PairName"] = name_values().at(static_cast<std::size_t>(s.name));
    if (s.description >= 0) {
      p["Description"] = name_values().at(static_cast<std::size_t>(s.description));
    }
  };
  switch (s.kind) {
    case StepKind::Create:
      p["SourceZoneId"] = std::string(kSourceZone);
      p["DiskId"] = "d-bp1contract0000000001";
      p["DestinationRegionId"] = std::string(kDestinationRegion);
      p["DestinationZoneId"] = std::string(kDestinationZone);
      if (!s.incomplete) p["DestinationDiskId"] = "d-uf6contract0000000001";
      names();
      break;
    case StepKind::Start:
      p["ReplicaPairId"] = pair_id;
      p["OneShot"] = s.flag ? "true" : "false";
      break;
    case StepKind::Reprotect:
      p["ReplicaPairId"] = pair_id;
      p["ReverseReplicate"] = s.flag ? "true" : "false";
      break;
    case StepKind::Stop:
    case StepKind::Failover:
    case StepKind::Delete:
    case StepKind::DescribeProgress:
      p["ReplicaPairId"] = pair_id;
      break;
    case StepKind::Modify:
      p["ReplicaPairId"] = pair_id;
      names();
      break;
    case StepKind::Describe:
      if (s.slot != kAllPairs) p["PairIds"] = pair_id;
      // Every pair on one page: the default page of 10 could hide some.
      p["PageSize"] = "100";
      break;
    case StepKind::AdvanceClock:
      p.clear();
      break;
    case StepKind::CreateGroup:
      p["SourceZoneId"] = std::string(kSourceZone);
      p["DestinationRegionId"] = std::string(kDestinationRegion);
      p["DestinationZoneId"] = std::string(s.flag ? kScenarioDestinationZone : kDestinationZone);
      if (s.description >= 0) {
        p["Description"] = name_values().at(static_cast<std::size_t>(s.description));
      }
      break;
    case StepKind::AddPair:
    case StepKind::RemovePair:
      p["ReplicaGroupId"] = ids.group;
      p["ReplicaPairId"] = pair_id;
      break;
    case StepKind::StartGroup:
      p["ReplicaGroupId"] = ids.group;
      p["OneShot"] = s.flag ? "true" : "false";
      break;
    case StepKind::ReprotectGroup:
      p["ReplicaGroupId"] = ids.group;
      p["ReverseReplicate"] = s.flag ? "true" : "false";
      break;
    case StepKind::StopGroup:
    case StepKind::FailoverGroup:
    case StepKind::DeleteGroup:
      p["ReplicaGroupId"] = ids.group;
      break;
    case StepKind::DescribeGroups:
      if (s.group != kAllGroups) p["GroupIds"] = ids.group;
      p["PageSize"] = "100";
      break;
    case StepKind::StartPairDrill:
      p["PairId"] = pair_id;
      break;
    case StepKind::ClearPairDrill:
      p["PairId"] = pair_id;
      p["DrillId"] = ids.drill;
      break;
    case StepKind::DescribePairDrills:
      p["PairId"] = pair_id;
      p["PageSize"] = "100";
      break;
    case StepKind::StartGroupDrill:
      p["GroupId"] = ids.group;
      break;
    case StepKind::ClearGroupDrill:
      p["GroupId"] = ids.group;
      p["DrillId"] = ids.drill;
      break;
    case StepKind::DescribeGroupDrills:
      p["GroupId"] = ids.group;
      p["PageSize"] = "100";
      break;
  }
  return p;
}

std::string describe(const Step& s) {
  if (s.kind == StepKind::AdvanceClock) {
    return "AdvanceClock " + contracts::format_duration(s.advance);
  }
  std::string out(action_of(s.kind));
  if (is_group_kind(s.kind)) {
    if (s.kind == StepKind::CreateGroup) {
      out += " (to " + std::string(s.flag ? kScenarioDestinationZone : kDestinationZone) + ")";
    } else if (s.kind == StepKind::DescribeGroups && s.group == kAllGroups) {
      out += " <all groups>";
    } else if (names_group(s)) {
      out += s.group == kUnknownGroup ? " <unknown group>" : " group#" + std::to_string(s.group);
    }
    if (names_pair(s)) out += s.slot == kUnknownPair ? " <unknown pair>" : " pair#" + std::to_string(s.slot);
    if (names_drill(s)) out += s.drill == kUnknownDrill ? " <unknown drill>" : " drill#" + std::to_string(s.drill);
  } else if (s.kind == StepKind::Create) {
    if (s.incomplete) out += " (without DestinationDiskId)";
  } else if (s.slot == kUnknownPair) {
    out += " <unknown pair>";
  } else if (s.slot == kAllPairs) {
    out += " <all pairs>";
  } else {
    out += " pair#" + std::to_string(s.slot);
  }
  if (s.kind == StepKind::Start || s.kind == StepKind::StartGroup) {
    out += s.flag ? " OneShot=true" : " OneShot=false";
  }
  if (s.kind == StepKind::Reprotect || s.kind == StepKind::ReprotectGroup) {
    out += s.flag ? " ReverseReplicate=true" : " ReverseReplicate=false";
  }
  auto quoted = [](int idx) { return nlohmann::json(name_values().at(static_cast<std::size_t>(idx))).dump(); };
  if (s.name >= 0) out += " PairName=" + quoted(s.name);
  if (s.description >= 0) out += " Description=" + quoted(s.description);
  if (s.fault.kind != FaultKind::None) out += " [fault: " + describe(s.fault) + "]";
  return out;
}

std::ostream& operator<<(std::ostream& os, const Step& s) { return os << describe(s); }

void GenModel::apply(const Step& s) {
  if (s.kind == StepKind::AdvanceClock) {
    now += s.advance;
    world.advance(now);
    return;
  }
  const FaultKind k = s.fault.kind;
  const bool fault_blocks =
      k != FaultKind::None && !s.fault.commit_after &&
      (s.fault.persistent || k == FaultKind::Forbidden || k == FaultKind::MalformedJson);
  if (fault_blocks) return;
  StepIds step_ids;
  step_ids.pair = slot_id(slots, s.slot, kUnknownPairId);
  if (names_group(s)) step_ids.group = slot_id(group_slots, s.group, kUnknownGroupId);
  if (names_drill(s)) {
    std::vector<std::string> drill_ids;
    for (const auto& d : drill_slots) drill_ids.push_back(d.id);
    step_ids.drill = slot_id(drill_ids, s.drill, kUnknownDrillId);
  }
  const auto op = operation_of(s.kind);
  const auto params = step_params(s, step_ids);
  if (contracts::validate_params(op, params, world.policy().errors)) return;
  contracts::NewIds ids;
  if (s.kind == StepKind::Create) ids.pair_id = "pair-cn-predicted" + std::to_string(created);
  const contracts::IdsNeeded needed = world.ids_needed(op, params);
  if (needed.group_id) ids.group_id = "pg-predicted" + std::to_string(group_slots.size());
  if (needed.drill_id) ids.drill_id = "drill-predicted" + std::to_string(drill_slots.size());
  for (std::size_t i = 0; i < needed.drill_disk_ids; ++i) {
    ids.drill_disk_ids.push_back("d-predicted" + std::to_string(drill_slots.size()) + "-" + std::to_string(i));
  }
  auto outcome = world.execute(op, params, now, ids);
  if (!outcome.ok()) return;
  if (s.kind == StepKind::Create) {
    slots.push_back(ids.pair_id);
    ++created;
  } else if (s.kind == StepKind::CreateGroup) {
    group_slots.push_back(ids.group_id);
  } else if (s.kind == StepKind::StartPairDrill) {
    drill_slots.push_back({ids.drill_id, contracts::ResourceKind::Pair, s.slot});
  } else if (s.kind == StepKind::StartGroupDrill) {
    drill_slots.push_back({ids.drill_id, contracts::ResourceKind::Group, s.group});
  }
}

bool GenModel::has_slots_of(const Step& s) const {
  // In group mode a slot past the end resolves to the newest one (resolved()), so only an
  // empty list fails.
  auto fits = [&](int slot, std::size_t size) {
    return slot < static_cast<int>(size) || (groups && size > 0);
  };
  return fits(s.slot, slots.size()) && fits(s.group, group_slots.size()) && fits(s.drill, drill_slots.size());
}

Step GenModel::resolved(const Step& s) const {
  if (!groups) return s;
  Step out = s;
  auto clamp = [](int& slot, std::size_t size) {
    if (size > 0 && slot >= static_cast<int>(size)) slot = static_cast<int>(size) - 1;
  };
  clamp(out.slot, slots.size());
  clamp(out.group, group_slots.size());
  const int before = out.drill;
  clamp(out.drill, drill_slots.size());
  if (out.drill != before && names_drill(out)) {
    // A drill is cleared through its own pair or group.
    const DrillSlot& d = drill_slots[static_cast<std::size_t>(out.drill)];
    (d.kind == contracts::ResourceKind::Pair ? out.slot : out.group) = d.target;
  }
  return out;
}

std::vector<Step> step_shrinks(const Step& s) {
  std::vector<Step> out;
  if (s.fault.kind != FaultKind::None) {
    Step t = s;
    t.fault = {};
    out.push_back(t);
    if (s.fault.persistent) {
      t = s;
      t.fault.persistent = false;
      out.push_back(t);
    }
    if (s.fault.commit_after) {
      t = s;
      t.fault.commit_after = false;
      out.push_back(t);
    }
  }
  if (s.name > 0) {
    Step t = s;
    t.name = 0;
    out.push_back(t);
  }
  if (s.description > 0) {
    Step t = s;
    t.description = 0;
    out.push_back(t);
  }
  if (s.incomplete) {
    Step t = s;
    t.incomplete = false;
    out.push_back(t);
  }
  if (is_group_kind(s.kind)) {
    // An earlier resource: once the shrinker drops the step that made a later one, the
    // step can still find something to act on.
    if (names_pair(s) && s.slot > 0) {
      Step t = s;
      --t.slot;
      out.push_back(t);
    }
    if (names_group(s) && s.group > 0) {
      Step t = s;
      --t.group;
      out.push_back(t);
    }
    if (names_drill(s) && s.drill > 0) {
      Step t = s;
      --t.drill;
      out.push_back(t);
    }
  }
  return out;
}

namespace {

// Fault, AdvanceClock amount and name values drawn the same way in both generators.
void draw_fault(Draw& d, Step& s) {
  if (d.percent(35)) {
    const std::vector<int> fault_weights = {14, 14, 8, 10, 6, 5, 10, 6, 2, 10, 7, 8};
    s.fault.kind = kAllFaultKinds[d.weighted(fault_weights)];
    s.fault.commit_after = can_commit_after(s.fault.kind) && d.percent(40);
    s.fault.persistent = s.fault.kind != FaultKind::Delay && d.percent(20);
  }
}

constexpr std::chrono::milliseconds kLongestAdvance = std::chrono::seconds(30);

// 1 s, 2 s, 3 s, 5 s or 30 s, with the given weights.
std::chrono::milliseconds draw_advance(Draw& d, const std::vector<int>& weights = {15, 30, 25, 20, 10}) {
  const std::vector<std::chrono::milliseconds> amounts = {
      std::chrono::seconds(1), std::chrono::seconds(2), std::chrono::seconds(3),
      std::chrono::seconds(5), kLongestAdvance};
  return amounts[d.weighted(weights)];
}

int draw_name_value(Draw& d, int special_percent) {
  const int special_count = static_cast<int>(name_values().size()) - 1;
  return d.percent(special_percent) ? 1 + static_cast<int>(d.below(static_cast<std::uint64_t>(special_count))) : 0;
}

// 75% a legal target, else mostly any known one, else `unknown` (one that never existed).
int pick_slot(Draw& d, const std::vector<int>& legal, const std::vector<int>& any, int unknown) {
  if (!legal.empty() && d.percent(75)) return d.pick(legal);
  if (!any.empty() && d.percent(80)) return d.pick(any);
  return unknown;
}

// A pair call's slot (from `legal`, `any` or an unknown pair; Describe: all pairs 30% of
// the time; Create: none) and its variant values, drawn alike in both generators.
void draw_pair_step(Draw& d, Step& s, const std::vector<int>& legal, const std::vector<int>& any) {
  if (s.kind != StepKind::Create) {
    s.slot = s.kind == StepKind::Describe && d.percent(30) ? kAllPairs : pick_slot(d, legal, any, kUnknownPair);
  }
  switch (s.kind) {
    case StepKind::Create:
      if (d.percent(70)) s.name = draw_name_value(d, 50);
      if (d.percent(50)) s.description = draw_name_value(d, 50);
      s.incomplete = d.percent(5);
      break;
    case StepKind::Start:
      s.flag = d.percent(35);  // OneShot
      break;
    case StepKind::Reprotect:
      s.flag = d.percent(50);  // ReverseReplicate
      break;
    case StepKind::Modify: {
      const auto which = d.below(3);
      if (which != 1) s.name = draw_name_value(d, 60);
      if (which != 0) s.description = draw_name_value(d, 60);
      break;
    }
    default:
      break;
  }
}

rc::Shrinkable<Step> shrinkable_step(const Step& s) {
  return rc::shrinkable::shrinkRecur(s, [](const Step& x) { return rc::seq::fromContainer(step_shrinks(x)); });
}

// What the group-mode generator draws from: per kind the slots (or slot combinations)
// on which the call is legal in the predicted model, and every slot known.
struct GroupModeTargets {
  std::vector<int> pairs;   // every pair slot
  std::vector<int> groups;  // every group slot
  std::map<StepKind, std::vector<int>> legal;                   // pair or group slots
  std::map<StepKind, std::vector<std::pair<int, int>>> combos;  // (group, pair): Add, Remove
  // (group, pair) an Add would join but for the group's status (GroupStatusCannotAddPair):
  // the refusal a server that checks only the pair gets wrong.
  std::vector<std::pair<int, int>> add_wrong_group_status;
  std::vector<int> start_one_shot;                              // StartGroup OneShot=true
  std::vector<int> clearable_pair_drills;                       // drill slots
  std::vector<int> clearable_group_drills;
  std::vector<int> pair_drills;   // every drill slot of a pair
  std::vector<int> group_drills;  // every drill slot of a group
  std::vector<int> drilled_pairs;   // pair slots with a drill slot
  std::vector<int> drilled_groups;  // group slots with a drill slot
  std::vector<int> drill_targets;   // per drill slot: the slot of its pair or group
  int live_groups = 0;
  bool pending = false;
};

GroupModeTargets group_mode_targets(const GenModel& model) {
  using contracts::Operation;
  using contracts::Status;
  const contracts::World& w = model.world;
  const contracts::Policy& policy = w.policy();
  GroupModeTargets t;
  auto allowed = [&](Operation op, Status from, contracts::OperationFlags flags = {}) {
    return contracts::is_allowed(contracts::rule_for(op, flags), from, policy);
  };
  auto drillable = [&](Status st, const std::optional<std::int64_t>& lrp) {
    return lrp.has_value() &&
           std::find(policy.drill_statuses.begin(), policy.drill_statuses.end(), st) != policy.drill_statuses.end();
  };
  for (std::size_t i = 0; i < model.slots.size(); ++i) {
    const int slot = static_cast<int>(i);
    t.pairs.push_back(slot);
    const contracts::Pair* p = w.find(model.slots[i]);
    if (!p) continue;
    const bool member = w.group_of(*p) != nullptr;
    for (StepKind k : {StepKind::Start, StepKind::Stop, StepKind::Failover, StepKind::Reprotect,
                       StepKind::Delete, StepKind::Modify}) {
      // Members refuse pair-level calls (Policy::member_pair_refusal): not "legal".
      if ((!member || k == StepKind::Modify) && allowed(operation_of(k), p->status)) t.legal[k].push_back(slot);
    }
    t.legal[StepKind::Describe].push_back(slot);
    t.legal[StepKind::DescribeProgress].push_back(slot);
    if (drillable(p->status, p->last_recover_point)) t.legal[StepKind::StartPairDrill].push_back(slot);
  }
  for (std::size_t gi = 0; gi < model.group_slots.size(); ++gi) {
    const int gslot = static_cast<int>(gi);
    t.groups.push_back(gslot);
    const contracts::Group* g = w.find_group(model.group_slots[gi]);
    if (!g) continue;
    if (g->status != Status::Deleting && g->status != Status::Deleted) ++t.live_groups;
    t.pending = t.pending || g->pending.has_value();
    const bool has_members = !g->pair_ids.empty();
    t.legal[StepKind::DescribeGroups].push_back(gslot);
    if (has_members && allowed(Operation::StartDiskReplicaGroup, g->status)) t.legal[StepKind::StartGroup].push_back(gslot);
    if (has_members && allowed(Operation::StartDiskReplicaGroup, g->status, {.one_shot = true})) {
      t.start_one_shot.push_back(gslot);
    }
    if (has_members && allowed(Operation::StopDiskReplicaGroup, g->status)) t.legal[StepKind::StopGroup].push_back(gslot);
    if (has_members && g->last_recover_point && allowed(Operation::FailoverDiskReplicaGroup, g->status)) {
      t.legal[StepKind::FailoverGroup].push_back(gslot);
    }
    if (has_members && allowed(Operation::ReprotectDiskReplicaGroup, g->status)) {
      t.legal[StepKind::ReprotectGroup].push_back(gslot);
    }
    if (!has_members && allowed(Operation::DeleteDiskReplicaGroup, g->status)) {
      t.legal[StepKind::DeleteGroup].push_back(gslot);
    }
    if (has_members && drillable(g->status, g->last_recover_point)) t.legal[StepKind::StartGroupDrill].push_back(gslot);
    for (std::size_t pi = 0; pi < model.slots.size(); ++pi) {
      const contracts::Pair* p = w.find(model.slots[pi]);
      if (!p) continue;
      const int pslot = static_cast<int>(pi);
      const bool same_direction = p->source_region == g->source_region &&
                                  p->destination_region == g->destination_region &&
                                  p->source_zone == g->source_zone && p->destination_zone == g->destination_zone;
      const bool joinable = p->replica_group_id.empty() && same_direction &&
                            g->pair_ids.size() < contracts::kMaxPairsPerGroup;
      if (joinable && allowed(Operation::AddDiskReplicaPair, g->status) && p->status == g->status) {
        t.combos[StepKind::AddPair].emplace_back(gslot, pslot);
      } else if (joinable && !allowed(Operation::AddDiskReplicaPair, g->status) &&
                 allowed(Operation::AddDiskReplicaPair, p->status)) {
        t.add_wrong_group_status.emplace_back(gslot, pslot);
      }
      if (contracts::has_member(*g, p->id) && allowed(Operation::RemoveDiskReplicaPair, g->status) &&
          (p->status == g->status || g->status == Status::Invalid)) {
        t.combos[StepKind::RemovePair].emplace_back(gslot, pslot);
      }
    }
  }
  for (const auto& [id, p] : w.pairs()) t.pending = t.pending || p.pending.has_value();
  const auto& clear_from = contracts::drill_rule_for(Operation::ClearPairDrill).allowed_from;
  for (std::size_t di = 0; di < model.drill_slots.size(); ++di) {
    const DrillSlot& ds = model.drill_slots[di];
    const int dslot = static_cast<int>(di);
    t.drill_targets.push_back(ds.target);
    const bool of_pair = ds.kind == contracts::ResourceKind::Pair;
    (of_pair ? t.pair_drills : t.group_drills).push_back(dslot);
    auto& drilled = of_pair ? t.drilled_pairs : t.drilled_groups;
    if (std::find(drilled.begin(), drilled.end(), ds.target) == drilled.end()) drilled.push_back(ds.target);
    const contracts::Drill* drill = w.find_drill(ds.id);
    if (!drill) continue;
    t.pending = t.pending || drill->due.has_value();
    if (std::find(clear_from.begin(), clear_from.end(), drill->status) != clear_from.end()) {
      (of_pair ? t.clearable_pair_drills : t.clearable_group_drills).push_back(dslot);
    }
  }
  return t;
}

// Group mode: the pair operations, less often, and the group and drill operations,
// weighted towards the next interesting move (create a group, add pairs while it is
// created, start it, fail it over, reprotect it, drill it), so that histories reach the
// group statuses that matter within a few steps.
rc::Gen<Step> gen_group_mode_step(const GenModel& model) {
  auto t = std::make_shared<const GroupModeTargets>(group_mode_targets(model));
  const std::size_t slot_count = model.slots.size();
  return rc::Gen<Step>([t, slot_count](const rc::Random& random, int) {
    Draw d(random);
    auto legal = [&](StepKind k) -> const std::vector<int>& {
      static const std::vector<int> kNone;
      auto it = t->legal.find(k);
      return it == t->legal.end() ? kNone : it->second;
    };
    auto combos = [&](StepKind k) {
      auto it = t->combos.find(k);
      return it == t->combos.end() ? std::vector<std::pair<int, int>>{} : it->second;
    };
    auto when = [](bool c, int yes, int no) { return c ? yes : no; };
    std::vector<StepKind> kinds(kAllStepKinds.begin(), kAllStepKinds.end());
    kinds.insert(kinds.end(), kGroupStepKinds.begin(), kGroupStepKinds.end());
    // In kinds order: kAllStepKinds, then kGroupStepKinds.
    const bool any_group = !t->groups.empty();
    // The next move of a group's life weighs most when it is legal somewhere; every call
    // keeps a small weight so that refusals are exercised too.
    const std::vector<int> weights = {
        slot_count < 8 ? 3 : 1,  // Create
        2,                       // Start
        2,                       // Stop
        2,                       // Failover
        2,                       // Reprotect
        2,                       // Delete
        2,                       // Modify
        2,                       // Describe
        1,                       // DescribeProgress
        t->pending ? 24 : 4,     // AdvanceClock
        t->live_groups == 0 ? 16 : t->live_groups < 2 ? 3 : 1,  // CreateGroup
        when(!combos(StepKind::AddPair).empty(), 24, when(!t->add_wrong_group_status.empty(), 10, 1)),  // AddPair
        when(!combos(StepKind::RemovePair).empty(), 4, 1),       // RemovePair
        when(!legal(StepKind::StartGroup).empty(), 24, 1),       // StartGroup
        when(!legal(StepKind::StopGroup).empty(), 6, 1),         // StopGroup
        when(!legal(StepKind::FailoverGroup).empty(), 18, 1),    // FailoverGroup
        when(!legal(StepKind::ReprotectGroup).empty(), 16, 1),   // ReprotectGroup
        when(!legal(StepKind::DeleteGroup).empty(), 5, 1),       // DeleteGroup
        when(any_group, 4, 1),                                   // DescribeGroups
        when(!legal(StepKind::StartPairDrill).empty(), 3, 1),    // StartPairDrill
        when(!t->clearable_pair_drills.empty(), 8, 1),           // ClearPairDrill
        when(!t->pair_drills.empty(), 3, 1),                     // DescribePairDrills
        when(!legal(StepKind::StartGroupDrill).empty(), 8, 1),   // StartGroupDrill
        when(!t->clearable_group_drills.empty(), 8, 1),          // ClearGroupDrill
        when(!t->group_drills.empty(), 3, 1),                    // DescribeGroupDrills
    };
    Step s;
    s.kind = kinds[d.weighted(weights)];
    if (s.kind == StepKind::AdvanceClock) {
      // Longer on average than in pair mode: a group's initial sync takes 5 s.
      s.advance = draw_advance(d, {5, 20, 20, 30, 25});
      // Shrinks to the longest amount: one long advance lets everything pending finish,
      // so the shrinker can then drop a neighbouring advance (3 s + 2 s of an initial
      // sync become one step).
      return rc::shrinkable::shrinkRecur(s, [](const Step& x) {
        Step longest = x;
        longest.advance = kLongestAdvance;
        return x.advance < kLongestAdvance ? rc::seq::just(longest) : rc::Seq<Step>();
      });
    }
    auto pick = [&](const std::vector<int>& good, const std::vector<int>& any, int unknown) {
      return pick_slot(d, good, any, unknown);
    };
    if (!is_group_kind(s.kind)) {
      draw_pair_step(d, s, legal(s.kind), t->pairs);
      draw_fault(d, s);
      return shrinkable_step(s);
    }
    switch (s.kind) {
      case StepKind::CreateGroup:
        s.flag = d.percent(10);
        if (d.percent(40)) s.description = draw_name_value(d, 50);
        break;
      case StepKind::AddPair:
      case StepKind::RemovePair: {
        const auto good = combos(s.kind);
        const auto& near = t->add_wrong_group_status;
        if (!good.empty() && d.percent(75)) {
          std::tie(s.group, s.slot) = d.pick(good);
        } else if (s.kind == StepKind::AddPair && !near.empty() && d.percent(60)) {
          std::tie(s.group, s.slot) = d.pick(near);
        } else {
          s.group = pick({}, t->groups, kUnknownGroup);
          s.slot = pick({}, t->pairs, kUnknownPair);
        }
        break;
      }
      case StepKind::StartGroup:
        s.flag = d.percent(35);  // OneShot
        s.group = pick(s.flag ? t->start_one_shot : legal(s.kind), t->groups, kUnknownGroup);
        break;
      case StepKind::ReprotectGroup:
        s.flag = d.percent(50);  // ReverseReplicate
        s.group = pick(legal(s.kind), t->groups, kUnknownGroup);
        break;
      case StepKind::DescribeGroups:
        s.group = d.percent(40) ? kAllGroups : pick(legal(s.kind), t->groups, kUnknownGroup);
        break;
      case StepKind::StopGroup:
      case StepKind::FailoverGroup:
      case StepKind::DeleteGroup:
      case StepKind::StartGroupDrill:
        s.group = pick(legal(s.kind), t->groups, kUnknownGroup);
        break;
      case StepKind::StartPairDrill:
        s.slot = pick(legal(s.kind), t->pairs, kUnknownPair);
        break;
      case StepKind::DescribePairDrills:
        s.slot = pick(t->drilled_pairs, t->pairs, kUnknownPair);
        break;
      case StepKind::DescribeGroupDrills:
        s.group = pick(t->drilled_groups, t->groups, kUnknownGroup);
        break;
      case StepKind::ClearPairDrill:
      case StepKind::ClearGroupDrill: {
        const bool of_pair = s.kind == StepKind::ClearPairDrill;
        s.drill = of_pair ? pick(t->clearable_pair_drills, t->pair_drills, kUnknownDrill)
                          : pick(t->clearable_group_drills, t->group_drills, kUnknownDrill);
        // A known drill is cleared through its own pair or group; an unknown one through
        // any (a step names both, so the shrinker keeps them together).
        int& target = of_pair ? s.slot : s.group;
        target = s.drill == kUnknownDrill
                     ? pick({}, of_pair ? t->pairs : t->groups, kUnknownPair)
                     : t->drill_targets[static_cast<std::size_t>(s.drill)];
        break;
      }
      default:  // pair calls and AdvanceClock: drawn above
        break;
    }
    draw_fault(d, s);
    return shrinkable_step(s);
  });
}

}  // namespace

rc::Gen<Step> gen_step(const GenModel& model) {
  if (model.groups) return gen_group_mode_step(model);
  // Which slots each operation is allowed on now, per the predicted model, so that most
  // generated calls are legal transitions and the rest exercise refusals.
  struct Targets {
    std::vector<int> legal;
    std::vector<int> any;
  };
  auto targets_for = [&](StepKind kind) {
    Targets t;
    for (std::size_t i = 0; i < model.slots.size(); ++i) {
      const int slot = static_cast<int>(i);
      t.any.push_back(slot);
      const contracts::Pair* pair = model.world.find(model.slots[i]);
      if (!pair) continue;
      if (kind == StepKind::Describe || kind == StepKind::DescribeProgress) {
        t.legal.push_back(slot);
        continue;
      }
      const auto& rule = contracts::rule_for(operation_of(kind), {});
      if (contracts::is_allowed(rule, pair->status, model.world.policy())) t.legal.push_back(slot);
    }
    return t;
  };
  std::vector<Targets> targets;
  for (StepKind k : kAllStepKinds) targets.push_back(targets_for(k));
  bool any_pending = false;
  for (const auto& [id, p] : model.world.pairs()) any_pending = any_pending || p.pending.has_value();
  const std::size_t slot_count = model.slots.size();

  return rc::Gen<Step>([targets, any_pending, slot_count](const rc::Random& random, int) {
    Draw d(random);
    // Weights in kAllStepKinds order: state-changing calls dominate; the clock moves
    // often while something is in flight, so transient statuses complete.
    const std::vector<int> weights = {
        slot_count < 8 ? 8 : 2,  // Create
        11,                      // Start
        11,                      // Stop
        8,                       // Failover
        8,                       // Reprotect
        7,                       // Delete
        9,                       // Modify
        7,                       // Describe
        3,                       // DescribeProgress
        any_pending ? 20 : 6,    // AdvanceClock
    };
    Step s;
    const std::size_t ki = d.weighted(weights);
    s.kind = kAllStepKinds[ki];
    const Targets& t = targets[ki];

    if (s.kind == StepKind::AdvanceClock) {
      s.advance = draw_advance(d);
      return rc::shrinkable::just(s);
    }

    draw_pair_step(d, s, t.legal, t.any);
    draw_fault(d, s);
    return shrinkable_step(s);
  });
}

}  // namespace ebsmock::harness
