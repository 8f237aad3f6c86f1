// parallel_program.cpp: generating and shrinking parallel programs. Pure; thread-safe.
#include "harness/contract/parallel_program.h"

#include "harness/contract/contention_motifs.h"

#include <algorithm>
#include <map>
#include <optional>
#include <set>
#include <sstream>

namespace ebsmock::harness {
namespace {

// The share of programs that get contention motifs (contention_motifs.h); the rest are
// random branches on the hot pairs, left to chance.
constexpr int kMotifPercent = 80;

// The calls a branch makes, by weight. Delete is rare and only a branch's last call, so
// that pairs live through the program.
struct Weighted {
  StepKind kind;
  int weight;
};
constexpr Weighted kBranchKinds[] = {
    {StepKind::Start, 14},     {StepKind::Stop, 14},   {StepKind::Failover, 10},
    {StepKind::Reprotect, 8},  {StepKind::Modify, 14}, {StepKind::Describe, 18},
};

// Faults a branch call may meet: ambiguous ones (the effect happened, the client saw a
// failure; or every attempt fails) and definite ones (refused before the service).
InjectedFault draw_fault(Draw& d, bool ambiguous_allowed) {
  InjectedFault f;
  const std::size_t k = d.weighted({3, 3, 2, 2, 2});
  const FaultKind kinds[] = {FaultKind::InternalError, FaultKind::ServiceUnavailable, FaultKind::Reset,
                             FaultKind::InternalError, FaultKind::ServiceUnavailable};
  f.kind = kinds[k];
  if (!ambiguous_allowed) return f;  // commit before, once: the retry answers
  f.commit_after = k < 3;
  f.persistent = k >= 3 || d.percent(25);
  return f;
}

Step as_prefix_step(const ParallelCall& c) {
  Step s;
  s.kind = c.kind;
  s.slot = c.slot;
  s.flag = c.flag;
  if (c.kind == StepKind::AdvanceClock) s.advance = kBranchClockAdvance;
  if (c.kind == StepKind::Modify) {
    if (c.fields != ParallelCall::Fields::Description) s.name = 0;
    if (c.fields != ParallelCall::Fields::Name) s.description = 0;
  }
  return s;
}

// The call that moves the pair in `slot` into a transient status that a Stop or a
// Failover changes before it completes, or nullopt (already transient, or no such call).
std::optional<Step> into_transient(const GenModel& model, int slot) {
  if (slot < 0 || static_cast<std::size_t>(slot) >= model.slots.size()) return std::nullopt;
  const contracts::Pair* pair = model.world.find(model.slots[static_cast<std::size_t>(slot)]);
  if (!pair) return std::nullopt;
  Step s;
  s.slot = slot;
  switch (pair->status) {
    case contracts::Status::Created:
    case contracts::Status::Stopped: s.kind = StepKind::Start; break;        // -> (initial_)syncing
    case contracts::Status::Normal: s.kind = StepKind::Stop; break;          // -> stopping
    case contracts::Status::Failovered: s.kind = StepKind::Reprotect; break;  // -> reprotecting
    default: return std::nullopt;
  }
  s.flag = s.kind == StepKind::Reprotect;
  return s;
}

// Whether `c`, landing on `model`, changes its pair's status.
bool changes_status(const GenModel& model, const ParallelCall& c) {
  if (c.slot < 0 || static_cast<std::size_t>(c.slot) >= model.slots.size()) return false;
  const std::string& id = model.slots[static_cast<std::size_t>(c.slot)];
  const contracts::Pair* before = model.world.find(id);
  GenModel after = model;
  after.apply(as_prefix_step(c));
  const contracts::Pair* now = after.world.find(id);
  return before && now && now->status != before->status;
}

// A branch with one clock advance (the header comment says why), when there is room for
// a branch. Its draws come after every other draw of the program, so the rest of the
// program is what it would be without it. With holds nearly always (90%): a program with
// two motifs has no room for it, and held runs are few (20 programs), so a rarer advance
// left M5 uncaught in 1 of 20 seeds; without holds 60%.
// A contention motif's pair is left alone: a prefix step that made it transient would
// refuse the very calls the motif races (contention_motifs.h).
void add_clock_advance(ParallelProgram& p, Draw& d, GenModel& model, int& next_id, bool holds,
                       const std::set<int>& motif_slots) {
  if (p.branches.size() >= static_cast<std::size_t>(kMaxBranches) || !d.percent(holds ? 90 : 60)) return;
  struct Contender {
    std::size_t branch;
    std::size_t index;
    std::optional<Step> prefix_step;  // what leaves its pair transient
  };
  // The contenders: calls that change their pair's status while it is transient (a Stop
  // from syncing, a Failover from stopping, ...). Held, the advance waits for one, so a
  // call that is not its branch's first arrives after the advance more surely; unheld, it
  // must land inside the advance's short window, as a first call on the latch does.
  std::vector<Contender> preferred, others;
  for (std::size_t b = 0; b < p.branches.size(); ++b) {
    for (std::size_t i = 0; i < p.branches[b].size(); ++i) {
      const ParallelCall& c = p.branches[b][i];
      if (c.kind == StepKind::Describe || c.kind == StepKind::Modify || motif_slots.count(c.slot)) continue;
      GenModel transient = model;
      const std::optional<Step> step = into_transient(model, c.slot);
      if (step) transient.apply(*step);
      if (!changes_status(transient, c)) continue;
      ((i == 0) != holds ? preferred : others).push_back({b, i, step});
    }
  }
  ParallelCall advance;
  advance.id = next_id++;
  advance.kind = StepKind::AdvanceClock;
  advance.slot = p.branches[0][0].slot;
  if (!preferred.empty() || !others.empty()) {
    const Contender z = d.pick(preferred.empty() ? others : preferred);
    const ParallelCall& contender = p.branches[z.branch][z.index];
    advance.slot = contender.slot;
    // The clock is frozen until the advance: a status entered here is still transient then.
    if (z.prefix_step) {
      p.prefix.push_back(*z.prefix_step);
      model.apply(*z.prefix_step);
    }
    if (holds) advance.hold_for = contender.id;
  }
  p.branches.push_back({advance});
}

}  // namespace

std::string call_id_of(const ParallelCall& c) { return "c" + std::to_string(c.id); }
std::string unique_value(const ParallelCall& c) {
  return "m" + std::to_string(c.duplicate && c.shared_token >= 0 ? c.shared_token : c.id);
}

bool is_ambiguous_fault(const InjectedFault& f) {
  return f.kind != FaultKind::None && (f.commit_after || f.persistent);
}

contracts::Params call_params(const ParallelCall& c, const std::string& pair_id) {
  Step s;
  s.kind = c.kind;
  s.slot = c.slot;
  s.flag = c.flag;
  contracts::Params p = step_params(s, pair_id);
  if (c.kind == StepKind::Modify) {
    if (c.fields != ParallelCall::Fields::Description) p["PairName"] = unique_value(c);
    if (c.fields != ParallelCall::Fields::Name) p["Description"] = unique_value(c);
  }
  if (c.shared_token >= 0) p["ClientToken"] = "ebsmock-tok-" + std::to_string(c.shared_token);
  return p;
}

rc::Gen<ParallelProgram> gen_parallel_program(const GenModel& initial, const ParallelGenOptions& options) {
  return rc::Gen<ParallelProgram>([initial, options](const rc::Random& random, int size) {
    rc::Random r = random;
    Draw d(r.split());
    ParallelProgram p;
    GenModel model = initial;

    // Prefix: a few fault-free steps of the sequential generator, then (usually) time for
    // their transient statuses to complete; the clock is frozen afterwards.
    const int prefix_steps = static_cast<int>(d.below(4));
    for (int i = 0; i < prefix_steps; ++i) {
      Step s = gen_step(model)(r.split(), size).value();
      s.fault = {};
      if (s.kind == StepKind::Delete) continue;
      p.prefix.push_back(s);
      model.apply(s);
    }
    if (d.percent(70)) {
      Step tick;
      tick.kind = StepKind::AdvanceClock;
      tick.advance = std::chrono::seconds(10);
      p.prefix.push_back(tick);
      model.apply(tick);
    }

    // Hot pairs: 1 or 2 of the live ones.
    std::vector<int> live;
    for (std::size_t i = 0; i < model.slots.size(); ++i) {
      if (model.world.find(model.slots[i])) live.push_back(static_cast<int>(i));
    }
    if (live.empty()) live.push_back(0);
    std::vector<int> hot = {d.pick(live)};
    if (live.size() > 1 && d.percent(40)) {
      const int other = d.pick(live);
      if (other != hot[0]) hot.push_back(other);
    }

    std::map<int, int> ambiguous;  // slot -> ambiguous faults
    std::vector<int> weights;
    for (const auto& k : kBranchKinds) weights.push_back(k.weight);
    int next_id = 1;
    auto random_branch = [&](const std::vector<int>& slots) {
      std::vector<ParallelCall> calls;
      const int n = 1 + static_cast<int>(d.weighted({20, 40, 30, 10}));
      for (int i = 0; i < n; ++i) {
        ParallelCall c;
        c.id = next_id++;
        c.slot = d.pick(slots);
        c.kind = (i == n - 1 && d.percent(4)) ? StepKind::Delete : kBranchKinds[d.weighted(weights)].kind;
        c.flag = (c.kind == StepKind::Start && d.percent(15)) || (c.kind == StepKind::Reprotect && d.percent(50));
        if (c.kind == StepKind::Modify) c.fields = static_cast<ParallelCall::Fields>(d.weighted({35, 35, 30}));
        if (options.faults && c.kind != StepKind::Describe && d.percent(20)) {
          c.fault = draw_fault(d, ambiguous[c.slot] < kMaxAmbiguousPerPair);
          if (is_ambiguous_fault(c.fault)) ++ambiguous[c.slot];
        }
        calls.push_back(c);
      }
      return calls;
    };

    // Most programs: a contention motif, alone on its pair (another branch's call on it
    // could hide the bug: a later write of the lost field, a Stop that makes a doubled
    // Start legal again), often with a second one on another pair, and random calls on
    // the other pairs. The rest: 2-4 random branches on the hot pairs.
    std::vector<ContentionMotif> motifs;
    if (d.percent(kMotifPercent)) {
      motifs = draw_motifs(d, model, live, live.size() > 1 && d.percent(80) ? 2 : 1, options, next_id);
    }
    if (!motifs.empty()) {
      for (const auto& m : motifs) {
        for (const Step& s : m.prefix) {
          p.prefix.push_back(s);
          model.apply(s);
        }
        p.branches.push_back(m.first);
        p.branches.push_back(m.second);
      }
      std::vector<int> others;
      for (int slot : live) {
        if (std::none_of(motifs.begin(), motifs.end(), [slot](const auto& m) { return m.slot == slot; })) {
          others.push_back(slot);
        }
      }
      // Random calls (faults and all) on the pairs no motif uses: after a motif's calls
      // in its branches, or in a branch of their own.
      if (!others.empty()) {
        for (auto& branch : p.branches) {
          if (!d.percent(80)) continue;
          auto tail = random_branch({d.pick(others)});
          branch.insert(branch.end(), tail.begin(), tail.end());
        }
        if (motifs.size() == 1 && d.percent(50)) p.branches.push_back(random_branch({d.pick(others)}));
      }
    } else {
      const int branches = 2 + static_cast<int>(d.weighted({35, 45, 20}));
      for (int b = 0; b < branches; ++b) p.branches.push_back(random_branch(hot));
    }

    // hold_until: first the motifs' own (the interleaving each bug needs; a motif's
    // chain of waits ends at a call that waits for nothing). Then, at random, a call
    // waits for a call of another branch on the same pair, where no such wait can depend
    // on another: a call waited for never waits, and nothing before it in its branch
    // waits either, so each held call is released as soon as its target's branch gets
    // there, not by the budget.
    if (options.holds) {
      struct Where {
        std::size_t branch;
        std::size_t index;
      };
      std::map<int, Where> where;
      for (std::size_t b = 0; b < p.branches.size(); ++b) {
        for (std::size_t i = 0; i < p.branches[b].size(); ++i) where[p.branches[b][i].id] = {b, i};
      }
      auto call = [&](int id) -> ParallelCall& { return p.branches[where[id].branch][where[id].index]; };
      std::set<int> targets;
      auto can_hold = [&](int held, int target) {
        const Where h = where[held], t = where[target];
        if (h.branch == t.branch || call(held).hold_for >= 0 || call(target).hold_for >= 0) return false;
        for (int other : targets) {  // nothing at or before an existing target waits
          if (where[other].branch == h.branch && where[other].index >= h.index) return false;
        }
        for (std::size_t i = 0; i < t.index; ++i) {  // nothing before the target waits
          if (p.branches[t.branch][i].hold_for >= 0) return false;
        }
        return true;
      };
      auto hold = [&](int held, int target) {
        if (!can_hold(held, target)) return;
        call(held).hold_for = target;
        targets.insert(target);
      };
      for (const auto& m : motifs) {
        for (const auto& [held, target] : m.holds) {
          call(held).hold_for = target;
          targets.insert(target);
        }
      }
      for (std::size_t b = 0; b < p.branches.size(); ++b) {
        if (!d.percent(60)) continue;
        const int held = p.branches[b][d.below(p.branches[b].size())].id;
        std::vector<int> candidates;
        for (const auto& [id, w] : where) {
          if (w.branch != b && call(id).slot == call(held).slot) candidates.push_back(id);
        }
        if (!candidates.empty()) hold(held, d.pick(candidates));
      }
    }
    if (options.clock_advances) {
      std::set<int> motif_slots;
      for (const auto& m : motifs) motif_slots.insert(m.slot);
      add_clock_advance(p, d, model, next_id, options.holds, motif_slots);
    }
    return rc::shrinkable::just(std::move(p));
  });
}

std::vector<ParallelProgram> program_shrinks(const ParallelProgram& p) {
  std::vector<ParallelProgram> out;
  auto drop_holds_on = [](ParallelProgram& q, int id) {
    for (auto& br : q.branches) {
      for (auto& c : br) {
        if (c.hold_for == id) c.hold_for = -1;
      }
    }
  };
  // Drop a branch.
  if (p.branches.size() > 1) {
    for (std::size_t b = 0; b < p.branches.size(); ++b) {
      ParallelProgram q = p;
      for (const auto& c : q.branches[b]) drop_holds_on(q, c.id);
      q.branches.erase(q.branches.begin() + static_cast<std::ptrdiff_t>(b));
      out.push_back(std::move(q));
    }
  }
  // Drop a call (a branch keeps at least one).
  for (std::size_t b = 0; b < p.branches.size(); ++b) {
    if (p.branches[b].size() < 2) continue;
    for (std::size_t i = 0; i < p.branches[b].size(); ++i) {
      ParallelProgram q = p;
      drop_holds_on(q, q.branches[b][i].id);
      q.branches[b].erase(q.branches[b].begin() + static_cast<std::ptrdiff_t>(i));
      out.push_back(std::move(q));
    }
  }
  // Drop a prefix step that creates nothing (slots stay where they are).
  for (std::size_t i = 0; i < p.prefix.size(); ++i) {
    if (p.prefix[i].kind == StepKind::Create) continue;
    ParallelProgram q = p;
    q.prefix.erase(q.prefix.begin() + static_cast<std::ptrdiff_t>(i));
    out.push_back(std::move(q));
  }
  // Unparallelize: a branch's first call moves to the end of the prefix.
  for (std::size_t b = 0; b < p.branches.size(); ++b) {
    if (p.branches[b].size() < 2) continue;
    ParallelProgram q = p;
    drop_holds_on(q, q.branches[b][0].id);
    q.prefix.push_back(as_prefix_step(q.branches[b][0]));
    q.branches[b].erase(q.branches[b].begin());
    out.push_back(std::move(q));
  }
  // Faults off, then ambiguous -> definite, then holds off.
  for (std::size_t b = 0; b < p.branches.size(); ++b) {
    for (std::size_t i = 0; i < p.branches[b].size(); ++i) {
      const ParallelCall& c = p.branches[b][i];
      if (c.fault.kind != FaultKind::None) {
        ParallelProgram q = p;
        q.branches[b][i].fault = {};
        out.push_back(q);
        if (is_ambiguous_fault(c.fault)) {
          q = p;
          q.branches[b][i].fault.commit_after = false;
          q.branches[b][i].fault.persistent = false;
          out.push_back(std::move(q));
        }
      }
      if (c.hold_for >= 0) {
        ParallelProgram q = p;
        q.branches[b][i].hold_for = -1;
        out.push_back(std::move(q));
      }
      if (c.shared_token >= 0 && c.shared_token != c.id) {
        ParallelProgram q = p;
        q.branches[b][i].shared_token = -1;
        q.branches[b][i].duplicate = false;
        out.push_back(std::move(q));
      }
    }
  }
  return out;
}

int call_count(const ParallelProgram& p) {
  int n = 0;
  for (const auto& b : p.branches) n += static_cast<int>(b.size());
  return n;
}

std::string describe(const ParallelCall& c) {
  Step s;
  s.kind = c.kind;
  s.slot = c.slot;
  s.flag = c.flag;
  if (c.kind == StepKind::AdvanceClock) s.advance = kBranchClockAdvance;
  s.fault = c.fault;
  std::string out = call_id_of(c) + " " + describe(s);
  if (c.kind == StepKind::Modify) {
    if (c.fields != ParallelCall::Fields::Description) out += " PairName=" + unique_value(c);
    if (c.fields != ParallelCall::Fields::Name) out += " Description=" + unique_value(c);
  }
  if (c.shared_token >= 0) {
    out += " ClientToken=ebsmock-tok-" + std::to_string(c.shared_token);
    if (c.shared_token != c.id) out += c.duplicate ? " (the same request as c" : " (the token of c";
    if (c.shared_token != c.id) out += std::to_string(c.shared_token) + ")";
  }
  if (c.hold_for >= 0) out += " (held until c" + std::to_string(c.hold_for) + " is journaled)";
  return out;
}

std::string describe(const ParallelProgram& p) {
  std::ostringstream os;
  os << "Sequential prefix:\n";
  if (p.prefix.empty()) os << "  (none)\n";
  for (const auto& s : p.prefix) os << "  " << describe(s) << "\n";
  for (std::size_t b = 0; b < p.branches.size(); ++b) {
    os << "Branch " << b + 1 << ":\n";
    for (const auto& c : p.branches[b]) os << "  " << describe(c) << "\n";
  }
  return os.str();
}

std::ostream& operator<<(std::ostream& os, const ParallelProgram& p) { return os << describe(p); }

}  // namespace ebsmock::harness
