// contention_motifs.cpp: drawing contention motifs. Pure; thread-safe.
#include "harness/contract/contention_motifs.h"

#include <algorithm>
#include <optional>

namespace ebsmock::harness {
namespace {

std::string pair_of(const GenModel& model, const ParallelCall& c) {
  return static_cast<std::size_t>(c.slot) < model.slots.size() ? model.slots[static_cast<std::size_t>(c.slot)] : "";
}

// Whether `c` succeeds on the model as it stands after the prefix (the clock is frozen
// in the branches, so this is the state every branch starts from).
bool succeeds(const GenModel& model, const ParallelCall& c) {
  contracts::World copy = model.world;
  return copy.execute(operation_of(c.kind), call_params(c, pair_of(model, c)), model.now).ok();
}

// Whether `second` is refused once `first` has acted: then a server that lets both act
// answers what no order of the two explains.
bool excludes(const GenModel& model, const ParallelCall& first, const ParallelCall& second) {
  contracts::World copy = model.world;
  if (!copy.execute(operation_of(first.kind), call_params(first, pair_of(model, first)), model.now).ok()) {
    return false;
  }
  return !copy.execute(operation_of(second.kind), call_params(second, pair_of(model, second)), model.now).ok();
}

// The status calls (kind and flag) that succeed on `slot` after the prefix: a race
// between two calls shows only when each would have acted (a refused call has no effect
// to double, lose or tear, and its replay answers like its second execution).
std::vector<ParallelCall> acting_status_calls(const GenModel& model, int slot) {
  std::vector<ParallelCall> out;
  const std::pair<StepKind, bool> kinds[] = {{StepKind::Start, false},    {StepKind::Start, true},
                                             {StepKind::Stop, false},     {StepKind::Failover, false},
                                             {StepKind::Reprotect, false}, {StepKind::Reprotect, true}};
  for (const auto& [kind, flag] : kinds) {
    ParallelCall c;
    c.kind = kind;
    c.flag = flag;
    c.slot = slot;
    if (succeeds(model, c)) out.push_back(c);
  }
  return out;
}

enum class Motif {
  SameRequest,      // one request sent by two workers with one token (a token check must win)
  SameTokenOther,   // one token, other parameters (IdempotentParameterMismatch territory)
  TwoActions,       // two status calls that each act from the status they both check
  ModifyModify,     // two Modifies of different fields (a lost update)
  DescribeInModify, // a Describe that a Modify of both fields lands inside (a torn read)
  ReadAfterWrite,   // a Describe, a write in another branch, then that branch reads back
};

// What a pair's status after the prefix lets a motif do on it.
struct PairChoices {
  int slot = 0;
  std::vector<ParallelCall> acting;   // status calls that succeed
  std::vector<ParallelCall> doubled;  // ...and are refused the second time (a doubled one shows)
  // Ordered pairs of acting calls that exclude each other both ways (both acting shows).
  std::vector<std::pair<ParallelCall, ParallelCall>> exclusive;
  bool modifiable = false;  // Modify succeeds (only in some statuses)

  PairChoices(const GenModel& model, int s) : slot(s), acting(acting_status_calls(model, s)) {
    for (const auto& a : acting) {
      if (excludes(model, a, a)) doubled.push_back(a);
      for (const auto& b : acting) {
        if (excludes(model, a, b) && excludes(model, b, a)) exclusive.emplace_back(a, b);
      }
    }
    ParallelCall modify;
    modify.kind = StepKind::Modify;
    modify.fields = ParallelCall::Fields::Both;
    modify.slot = s;
    modifiable = succeeds(model, modify);
  }
  bool supports(Motif m) const {
    switch (m) {
      case Motif::SameRequest: return !doubled.empty();
      case Motif::SameTokenOther: return acting.size() >= 2;  // the copy must act as well
      case Motif::TwoActions: return !exclusive.empty();
      case Motif::ModifyModify:
      case Motif::DescribeInModify: return modifiable;
      case Motif::ReadAfterWrite: return modifiable || !acting.empty();
    }
    return false;
  }
};

// Draws a motif that one of `pairs` supports, on such a pair (nullopt: none supports any).
std::optional<ContentionMotif> draw_motif(Draw& d, const GenModel& model, const std::vector<PairChoices>& pairs,
                                          const ParallelGenOptions& options, int& next_id) {
  // In Motif's order. The token motifs only where the harness chooses tokens; in the
  // client direction the read-after-write one (the shape a client-side cache gets wrong)
  // takes their share.
  std::vector<int> weights = {options.shared_tokens ? 22 : 0, options.shared_tokens ? 16 : 0, 12, 20, 24,
                              options.shared_tokens ? 6 : 35};
  for (std::size_t k = 0; k < weights.size(); ++k) {
    const auto m = static_cast<Motif>(k);
    if (std::none_of(pairs.begin(), pairs.end(), [m](const PairChoices& p) { return p.supports(m); })) weights[k] = 0;
  }
  if (std::all_of(weights.begin(), weights.end(), [](int w) { return w == 0; })) return std::nullopt;
  const auto motif = static_cast<Motif>(d.weighted(weights));
  std::vector<const PairChoices*> fit;
  for (const auto& p : pairs) {
    if (p.supports(motif)) fit.push_back(&p);
  }
  const PairChoices& pair = *d.pick(fit);
  const int slot = pair.slot;
  const auto& acting = pair.acting;
  const auto& doubled = pair.doubled;
  const auto& exclusive = pair.exclusive;
  const bool modifiable = pair.modifiable;
  auto make = [&](StepKind kind) {
    ParallelCall c;
    c.id = next_id++;
    c.kind = kind;
    c.slot = slot;
    return c;
  };
  auto acting_call = [&](const ParallelCall& like) {
    ParallelCall c = make(like.kind);
    c.flag = like.flag;
    return c;
  };
  // An acting call unlike `c` (other kind or flag), else `c`'s like.
  auto other_acting = [&](const ParallelCall& c) {
    std::vector<ParallelCall> others;
    for (const auto& a : acting) {
      if (a.kind != c.kind || a.flag != c.flag) others.push_back(a);
    }
    return others.empty() ? c : d.pick(others);
  };
  ContentionMotif m;
  m.slot = slot;
  switch (motif) {
    case Motif::SameRequest:
    case Motif::SameTokenOther: {
      ParallelCall original = acting_call(motif == Motif::SameRequest ? d.pick(doubled) : d.pick(acting));
      original.shared_token = original.id;
      ParallelCall copy = original;
      copy.id = next_id++;
      copy.duplicate = motif == Motif::SameRequest;
      if (!copy.duplicate) {  // the copy goes first, and only a call that acts keeps its token
        const ParallelCall other = other_acting(original);
        copy.kind = other.kind;
        copy.flag = other.flag;
      }
      // The original must be between its token step and its commit when the copy
      // arrives: with hold_until it waits there until the copy is answered, and both
      // branches start from one instant (the copy's first read waits for the original's
      // read) with one more read before the copy, a head start for the original that
      // does not depend on when the latch woke each thread. Without hold_until, the copy
      // follows two reads, and the original is sometimes slow (a delay between its token
      // step and its commit, as on a busy server), else only a mutant's race window
      // lets the copy in.
      if (options.holds) {
        const ParallelCall anchor = make(StepKind::Describe);
        ParallelCall follower = make(StepKind::Describe);
        m.first = {anchor, original};
        m.second = {follower, make(StepKind::Describe), copy};
        m.holds = {{original.id, copy.id}, {follower.id, anchor.id}};
      } else {
        m.first = {original};
        m.second = {make(StepKind::Describe), make(StepKind::Describe), copy};
        if (options.faults && d.percent(50)) m.first[0].fault.kind = FaultKind::Delay;
      }
      break;
    }
    case Motif::TwoActions: {
      const auto [a, b] = d.pick(exclusive);
      m.first = {acting_call(a)};
      m.second = {acting_call(b)};
      m.holds = {{m.first[0].id, m.second[0].id}};
      break;
    }
    case Motif::ModifyModify: {
      // A lost update shows only as an attribute going back to what it was, and Modify
      // cannot set one back to empty: both get a value first.
      const contracts::Pair* pair = model.world.find(model.slots[static_cast<std::size_t>(slot)]);
      if (pair && (pair->pair_name.empty() || pair->description.empty())) {
        Step named;
        named.kind = StepKind::Modify;
        named.slot = slot;
        named.name = static_cast<int>(d.below(name_values().size()));
        named.description = static_cast<int>(d.below(name_values().size()));
        m.prefix.push_back(named);
      }
      ParallelCall name = make(StepKind::Modify);
      name.fields = ParallelCall::Fields::Name;
      ParallelCall description = make(StepKind::Modify);
      description.fields = ParallelCall::Fields::Description;
      m.first = {name};
      m.second = {description};
      m.holds = {{name.id, description.id}};
      break;
    }
    case Motif::DescribeInModify: {
      // With hold_until the Modify comes after a read of its own, so the held Describe
      // has read before it; without, both start together, so the Modify can land inside
      // a Describe's race window.
      ParallelCall both = make(StepKind::Modify);
      both.fields = ParallelCall::Fields::Both;
      m.first = {make(StepKind::Describe)};
      m.second = {both};
      if (options.holds) m.second.insert(m.second.begin(), make(StepKind::Describe));
      m.holds = {{m.first[0].id, both.id}};
      break;
    }
    case Motif::ReadAfterWrite: {
      // The write waits for the first read, then its branch reads back.
      const bool modifies = acting.empty() || (modifiable && d.percent(40));
      ParallelCall write = modifies ? make(StepKind::Modify) : acting_call(d.pick(acting));
      if (write.kind == StepKind::Modify) write.fields = ParallelCall::Fields::Both;
      m.first = {make(StepKind::Describe)};
      m.second = {write, make(StepKind::Describe)};
      m.holds = {{write.id, m.first[0].id}};
      break;
    }
  }
  if (!options.holds) m.holds.clear();
  return m;
}

}  // namespace

std::vector<ContentionMotif> draw_motifs(Draw& d, const GenModel& model, const std::vector<int>& slots, int wanted,
                                         const ParallelGenOptions& options, int& next_id) {
  std::vector<PairChoices> choices;
  for (int slot : slots) choices.emplace_back(model, slot);
  std::vector<ContentionMotif> out;
  for (int k = 0; k < wanted; ++k) {
    auto m = draw_motif(d, model, choices, options, next_id);
    if (!m) break;
    std::erase_if(choices, [&](const PairChoices& c) { return c.slot == m->slot; });
    out.push_back(std::move(*m));
  }
  return out;
}

}  // namespace ebsmock::harness
