// contention_motifs_test.cpp: the concurrent generator's programs (parallel_program.h,
// contention_motifs.h) over fixed seeds: hold_until schedules never wait in a cycle (each
// held call is released by its target, not by the budget); the calls a motif contends
// with succeed on the model after the prefix (a refused call has nothing to race over);
// and each motif shows up in a fair share of programs, in the direction it belongs to.
#include <gtest/gtest.h>

#include <functional>
#include <map>
#include <set>

#include "harness/contract/contract_run.h"
#include "harness/contract/parallel_program.h"
#include "scenarios/loader/scenario_loader.h"

namespace ebsmock::harness {
namespace {

constexpr int kPrograms = 500;

std::vector<ParallelProgram> programs(bool holds, bool shared_tokens) {
  const GenModel initial = initial_gen_model(scenarios::default_scenario(), false);
  const auto gen = gen_parallel_program(initial, {.holds = holds, .faults = true, .shared_tokens = shared_tokens});
  std::vector<ParallelProgram> out;
  for (int i = 0; i < kPrograms; ++i) out.push_back(gen(rc::Random(1000 + i), 30).value());
  return out;
}

GenModel after_prefix(const ParallelProgram& p) {
  GenModel m = initial_gen_model(scenarios::default_scenario(), false);
  for (const auto& s : p.prefix) m.apply(s);
  return m;
}

// A call starts after the call before it in its branch has returned, and a held call
// commits after its target has: a cycle in that order is a wait only the budget ends.
bool waits_in_a_cycle(const ParallelProgram& p) {
  std::map<int, std::vector<int>> after;  // call -> the calls it waits for
  for (const auto& branch : p.branches) {
    for (std::size_t i = 0; i < branch.size(); ++i) {
      if (i > 0) after[branch[i].id].push_back(branch[i - 1].id);
      if (branch[i].hold_for >= 0) after[branch[i].id].push_back(branch[i].hold_for);
    }
  }
  std::map<int, int> state;  // 1 visiting, 2 done
  std::function<bool(int)> cyclic = [&](int id) {
    if (state[id] == 1) return true;
    if (state[id] == 2) return false;
    state[id] = 1;
    for (int next : after[id]) {
      if (cyclic(next)) return true;
    }
    state[id] = 2;
    return false;
  };
  for (const auto& [id, deps] : after) {
    if (cyclic(id)) return true;
  }
  return false;
}

TEST(ContentionMotifs, HoldsNeverWaitInACycle) {
  for (bool shared : {false, true}) {
    int held = 0;
    for (const auto& p : programs(true, shared)) {
      EXPECT_FALSE(waits_in_a_cycle(p)) << describe(p);
      for (const auto& b : p.branches) {
        for (const auto& c : b) held += c.hold_for >= 0 ? 1 : 0;
      }
    }
    EXPECT_GT(held, kPrograms) << "most programs hold a call";
  }
}

TEST(ContentionMotifs, SameTokenCallsActOnThePairAfterThePrefix) {
  int duplicates = 0, others = 0;
  for (const auto& p : programs(true, true)) {
    const GenModel model = after_prefix(p);
    for (const auto& b : p.branches) {
      for (const auto& c : b) {
        if (c.shared_token < 0) continue;
        contracts::World world = model.world;
        const std::string pair = model.slots.at(static_cast<std::size_t>(c.slot));
        ParallelCall plain = c;
        plain.shared_token = -1;
        EXPECT_TRUE(world.execute(operation_of(c.kind), call_params(plain, pair), model.now).ok())
            << describe(c) << "\n" << describe(p);
        if (c.shared_token != c.id) ++(c.duplicate ? duplicates : others);
      }
    }
  }
  EXPECT_GT(duplicates, kPrograms / 5);
  EXPECT_GT(others, kPrograms / 5);
}

TEST(ContentionMotifs, EachShapeInAFairShareOfPrograms) {
  auto share = [](const std::vector<ParallelProgram>& ps, const std::function<bool(const ParallelProgram&)>& has) {
    int n = 0;
    for (const auto& p : ps) n += has(p) ? 1 : 0;
    return static_cast<double>(n) / static_cast<double>(ps.size());
  };
  // Two Modifies of different fields of one pair, in two branches.
  auto modify_pair = [](const ParallelProgram& p) {
    std::map<int, std::set<ParallelCall::Fields>> fields;  // slot -> fields set by branch heads
    for (const auto& b : p.branches) {
      if (b[0].kind == StepKind::Modify && b[0].fields != ParallelCall::Fields::Both) {
        fields[b[0].slot].insert(b[0].fields);
      }
    }
    for (const auto& [slot, f] : fields) {
      if (f.size() == 2) return true;
    }
    return false;
  };
  auto shared_token = [](const ParallelProgram& p) {
    for (const auto& b : p.branches) {
      for (const auto& c : b) {
        if (c.shared_token >= 0 && c.shared_token != c.id) return true;
      }
    }
    return false;
  };
  const auto server = programs(true, true);
  const auto client = programs(true, false);
  EXPECT_GT(share(server, modify_pair), 0.15);
  EXPECT_GT(share(client, modify_pair), 0.15);
  EXPECT_GT(share(server, shared_token), 0.3);
  EXPECT_EQ(share(client, shared_token), 0.0) << "in the client direction the client chooses tokens";
}

}  // namespace
}  // namespace ebsmock::harness
