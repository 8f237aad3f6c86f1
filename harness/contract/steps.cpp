// steps.cpp: step parameters, descriptions, the generator and the shrinks. Pure.
#include "harness/contract/steps.h"

#include <algorithm>
#include <ostream>

#include "contracts/transitions.h"

namespace ebsmock::harness {
namespace {

using contracts::Operation;

// Draws from a RapidCheck Random directly: a step is generated as one value with its own
// shrinks (step_shrinks), so nested generators, which shrink on their own terms, are not
// wanted here.
class Draw {
 public:
  explicit Draw(const rc::Random& random) : random_(random) {}
  std::uint64_t below(std::uint64_t n) { return n == 0 ? 0 : random_.next() % n; }
  bool percent(int p) { return static_cast<int>(below(100)) < p; }
  // Index chosen with the given weights.
  std::size_t weighted(const std::vector<int>& weights) {
    int total = 0;
    for (int w : weights) total += std::max(w, 0);
    auto pick = static_cast<int>(below(static_cast<std::uint64_t>(std::max(total, 1))));
    for (std::size_t i = 0; i < weights.size(); ++i) {
      pick -= std::max(weights[i], 0);
      if (pick < 0) return i;
    }
    return weights.size() - 1;
  }
  template <typename T>
  T pick(const std::vector<T>& values) {
    return values[static_cast<std::size_t>(below(values.size()))];
  }

 private:
  rc::Random random_;
};

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
    case StepKind::AdvanceClock: break;
  }
  return Operation::DescribeDiskReplicaPairs;
}

std::string_view action_of(StepKind k) { return contracts::to_string(operation_of(k)); }

contracts::Params step_params(const Step& s, const std::string& pair_id) {
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
      p["SourceZoneId"] = "cn-hangzhou-h";
      p["DiskId"] = "d-bp1contract0000000001";
      p["DestinationRegionId"] = std::string(kDestinationRegion);
      p["DestinationZoneId"] = "cn-shanghai-e";
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
  }
  return p;
}

std::string describe(const Step& s) {
  if (s.kind == StepKind::AdvanceClock) {
    return "AdvanceClock " + contracts::format_duration(s.advance);
  }
  std::string out(action_of(s.kind));
  if (s.kind == StepKind::Create) {
    if (s.incomplete) out += " (without DestinationDiskId)";
  } else if (s.slot == kUnknownPair) {
    out += " <unknown pair>";
  } else if (s.slot == kAllPairs) {
    out += " <all pairs>";
  } else {
    out += " pair#" + std::to_string(s.slot);
  }
  if (s.kind == StepKind::Start) out += s.flag ? " OneShot=true" : " OneShot=false";
  if (s.kind == StepKind::Reprotect) {
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
  const std::string id = s.slot >= 0 && static_cast<std::size_t>(s.slot) < slots.size()
                             ? slots[static_cast<std::size_t>(s.slot)]
                             : std::string(kUnknownPairId);
  const auto op = operation_of(s.kind);
  const auto params = step_params(s, id);
  if (contracts::validate_params(op, params, world.policy().errors)) return;
  contracts::NewIds ids;
  if (s.kind == StepKind::Create) ids.pair_id = "pair-cn-predicted" + std::to_string(created);
  auto outcome = world.execute(op, params, now, ids);
  if (outcome.ok() && s.kind == StepKind::Create) {
    slots.push_back(ids.pair_id);
    ++created;
  }
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
  return out;
}

rc::Gen<Step> gen_step(const GenModel& model) {
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
      const std::vector<std::chrono::milliseconds> amounts = {
          std::chrono::seconds(1), std::chrono::seconds(2), std::chrono::seconds(3),
          std::chrono::seconds(5), std::chrono::seconds(30)};
      s.advance = amounts[d.weighted({15, 30, 25, 20, 10})];
      return rc::shrinkable::just(s);
    }

    if (s.kind != StepKind::Create) {
      if (s.kind == StepKind::Describe && d.percent(30)) {
        s.slot = kAllPairs;
      } else if (!t.legal.empty() && d.percent(75)) {
        s.slot = d.pick(t.legal);
      } else if (!t.any.empty() && d.percent(80)) {
        s.slot = d.pick(t.any);
      } else {
        s.slot = kUnknownPair;
      }
    }
    const int special_count = static_cast<int>(name_values().size()) - 1;
    auto name_value = [&](int special_percent) {
      return d.percent(special_percent) ? 1 + static_cast<int>(d.below(static_cast<std::uint64_t>(special_count))) : 0;
    };
    switch (s.kind) {
      case StepKind::Create:
        if (d.percent(70)) s.name = name_value(50);
        if (d.percent(50)) s.description = name_value(50);
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
        if (which != 1) s.name = name_value(60);
        if (which != 0) s.description = name_value(60);
        break;
      }
      default:
        break;
    }

    if (d.percent(35)) {
      const std::vector<int> fault_weights = {14, 14, 8, 10, 6, 5, 10, 6, 2, 10, 7, 8};
      s.fault.kind = kAllFaultKinds[d.weighted(fault_weights)];
      s.fault.commit_after = can_commit_after(s.fault.kind) && d.percent(40);
      s.fault.persistent = s.fault.kind != FaultKind::Delay && d.percent(20);
    }
    return rc::shrinkable::shrinkRecur(
        s, [](const Step& x) { return rc::seq::fromContainer(step_shrinks(x)); });
  });
}

}  // namespace ebsmock::harness
