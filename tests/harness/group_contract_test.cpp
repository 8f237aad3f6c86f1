// group_contract_test.cpp: `ebsmock contract --groups` end to end, against embedded and
// served mocks: the reference client keeps the contract over 500 histories that reach the
// group and drill statuses that matter, under every fault kind (ambiguous ones on group
// calls too); every group mutant of the client and every group bug planted in the server
// is caught with a shrunk history of at most 6 steps; an ambiguous group failover retried
// with the same ClientToken fails over once; Terraform's fresh-token drill retry leaves two
// drills and is reported (C9); a group counterexample replays; a scenario's groups and
// drills are in the models.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "harness/contract/checks.h"
#include "harness/contract/contract_run.h"
#include "harness/contract/counterexample.h"
#include "harness/contract/report.h"
#include "harness/contract/steps.h"
#include "scenarios/loader/scenario_loader.h"
#include "scenarios/writer/scenario_writer.h"
#include "tests/support/command_line.h"
#include "tests/support/contract_support.h"
#include "tests/support/served_process.h"

namespace ebsmock::harness {
namespace {

using ebsmock::testing::contract_options;
using ebsmock::testing::history_size;
using ebsmock::testing::temp_path;
using ebsmock::testing::violates;

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

TEST(GroupContract, ReferenceClientPasses500GroupHistories) {
  const auto start = std::chrono::steady_clock::now();
  auto r = run_contract(contract_options("builtin:reference", 1234, 500, 30, /*groups=*/true));
  const double secs = seconds_since(start);
  ASSERT_EQ(r.exit_code, 0) << summary_text(r);
  EXPECT_EQ(r.cases_passed, 500);
  // Every group and drill call is generated, and each of the moves of a group's life
  // succeeds somewhere: the histories reach normal, failovered, drills and back.
  for (StepKind k : kGroupStepKinds) {
    EXPECT_GT(r.stats.steps_by_kind[std::string(to_string(k))], 0u) << to_string(k);
  }
  for (const char* ok : {"CreateGroup: ok", "AddPair: ok", "RemovePair: ok", "StartGroup: ok", "StopGroup: ok",
                         "FailoverGroup: ok", "ReprotectGroup: ok", "DeleteGroup: ok", "StartPairDrill: ok",
                         "ClearPairDrill: ok", "StartGroupDrill: ok", "DescribeGroupDrills: ok"}) {
    EXPECT_GT(r.stats.outcomes[ok], 0u) << ok;
  }
  // ...and refused ones, the model's own refusals for groups among them.
  for (const char* refused : {"AddPair: OperationDenied.GroupStatusCannotAddPair", "StartGroup: OperationDenied.NoPairInGroup",
                              "FailoverGroup: OperationDenied.InvalidStatus", "DeleteGroup: OperationDenied.GroupHasPair",
                              "StartGroupDrill: OperationDenied.RecoverPointNotFound", "StartGroup: NoSuchResource"}) {
    EXPECT_GT(r.stats.outcomes[refused], 0u) << refused;
  }
  // Faults of every kind, and ambiguous ones (applied, then an error) on group calls.
  for (FaultKind k : kAllFaultKinds) {
    EXPECT_GT(r.stats.faults_fired_by_kind[std::string(to_string(k))], 0u) << to_string(k);
  }
  for (const char* action : {"CreateDiskReplicaGroup", "AddDiskReplicaPair", "StartDiskReplicaGroup",
                             "FailoverDiskReplicaGroup", "StartPairDrill"}) {
    EXPECT_GT(r.stats.ambiguous_fired_by_action[action], 0u) << action;
  }
  for (CheckId id : {CheckId::C1, CheckId::C2, CheckId::C3, CheckId::C4, CheckId::C5, CheckId::C6, CheckId::C7,
                     CheckId::C8, CheckId::C9, CheckId::S1, CheckId::A1}) {
    EXPECT_EQ(verdict(r.stats.tally, id, false), "pass") << to_string(id) << "\n" << summary_text(r);
  }
  std::printf("[ measure  ] reference --groups: 500 cases of up to 30 commands in %.2f s (%.1f cases/s), %llu steps\n",
              secs, 500 / secs, static_cast<unsigned long long>(r.stats.steps));
}

// The reference client is the only client that must pass; pair-only histories are as
// before (a --groups flag that leaked into them would change the pinned step mix).
TEST(GroupContract, PairHistoriesHaveNoGroupSteps) {
  auto r = run_contract(contract_options("builtin:reference", 5, 30, 15));
  ASSERT_EQ(r.exit_code, 0) << summary_text(r);
  for (StepKind k : kGroupStepKinds) EXPECT_EQ(r.stats.steps_by_kind.count(std::string(to_string(k))), 0u);
  EXPECT_EQ(r.stats.steps_by_kind.count("final DescribeGroups"), 0u);
}

// A scenario's groups and drills are in the harness's models from the start, as in the
// mock's world (its scheduled events are left out, with a note): histories act on the
// library's groups and drills and the reference client keeps the contract.
TEST(GroupContract, ScenarioGroupsAndDrillsAreInTheModels) {
  auto o = contract_options("builtin:reference", 3, 100, 20, /*groups=*/true);
  o.scenario_path = std::string(EBSMOCK_SOURCE_DIR) + "/scenarios/group-member-invalid-mid-drill.toml";
  auto r = run_contract(o);
  ASSERT_EQ(r.exit_code, 0) << summary_text(r);
  ASSERT_FALSE(r.world.groups.empty());
  ASSERT_FALSE(r.world.drills.empty());
  EXPECT_TRUE(r.world.events.empty());
  bool noted = false;
  for (const auto& n : r.notes) noted = noted || n.find("[[event]]") != std::string::npos;
  EXPECT_TRUE(noted);
  EXPECT_GT(r.stats.outcomes["FailoverGroup: ok"], 0u) << summary_text(r);
  EXPECT_GT(r.stats.outcomes["ClearGroupDrill: ok"], 0u) << summary_text(r);
}

struct GroupMutantCase {
  std::string name;
  CheckId caught_by;
};

class GroupMutantTest : public ::testing::TestWithParam<GroupMutantCase> {};

TEST_P(GroupMutantTest, CaughtWithShortHistory) {
  const auto& m = GetParam();
  const auto start = std::chrono::steady_clock::now();
  auto r = run_contract(contract_options("builtin:" + m.name, 7, 200, 30, /*groups=*/true));
  const double secs = seconds_since(start);
  ASSERT_EQ(r.exit_code, 1) << summary_text(r);
  ASSERT_TRUE(r.counterexample);
  EXPECT_TRUE(violates(r, m.caught_by)) << summary_text(r);
  EXPECT_LE(history_size(*r.counterexample), 6u) << summary_text(r);
  std::printf("[ measure  ] %-28s caught by %s after %d passing cases; shrunk %zu -> %zu steps (total %.2f s)\n",
              m.name.c_str(), std::string(to_string(m.caught_by)).c_str(), r.cases_passed,
              r.counterexample->first_size, history_size(*r.counterexample), secs);
}

INSTANTIATE_TEST_SUITE_P(Builtin, GroupMutantTest,
                         ::testing::Values(GroupMutantCase{"member-pair-stop", CheckId::C1},
                                           GroupMutantCase{"failover-504-new-token", CheckId::C4},
                                           GroupMutantCase{"recover-point-before-normal", CheckId::C8},
                                           GroupMutantCase{"drill-new-token", CheckId::C4}),
                         [](const auto& info) {
                           std::string n = info.param.name;
                           for (auto& c : n) c = std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
                           return n;
                         });

// The group mutants need group histories: without --groups they keep the contract (so the
// test above shows the group steps, not some pair-level side effect, catch them).
TEST(GroupContract, GroupMutantsPassPairHistories) {
  for (const std::string name : {"member-pair-stop", "failover-504-new-token", "recover-point-before-normal",
                                 "drill-new-token"}) {
    auto r = run_contract(contract_options("builtin:" + name, 7, 60, 20));
    EXPECT_EQ(r.exit_code, 0) << name << "\n" << summary_text(r);
  }
}

using ebsmock::testing::ServedProcess;

// Group bugs planted in the server (`serve --mutant`) are caught by the reference client
// through --endpoint, with a short shrunk history; the correct server passes the same run.
TEST(GroupContract, ServerDirectionCatchesPlantedGroupBugs) {
  for (const char* mutant : {"partial-group-failover", "add-pair-while-normal"}) {
    SCOPED_TRACE(mutant);
    ServedProcess served({"serve", "--port", "0", "--mutant", mutant});
    ASSERT_FALSE(served.endpoint().empty());
    auto o = contract_options("builtin:reference", 5, 200, 30, /*groups=*/true);
    o.endpoint = served.endpoint();
    const auto start = std::chrono::steady_clock::now();
    auto r = run_contract(o);
    const double secs = seconds_since(start);
    ASSERT_EQ(r.exit_code, 1) << summary_text(r);
    ASSERT_TRUE(r.counterexample) << summary_text(r);
    EXPECT_TRUE(violates(r, CheckId::S1)) << summary_text(r);
    EXPECT_LE(history_size(*r.counterexample), 6u) << summary_text(r);
    std::printf("[ measure  ] server %-24s caught by %s after %d passing cases; shrunk %zu -> %zu steps "
                "(total %.2f s)\n",
                mutant, std::string(to_string(r.counterexample->failures.front().check)).c_str(), r.cases_passed,
                r.counterexample->first_size, history_size(*r.counterexample), secs);
  }
  ServedProcess served({"serve", "--port", "0"});
  ASSERT_FALSE(served.endpoint().empty());
  auto o = contract_options("builtin:reference", 5, 60, 30, /*groups=*/true);
  o.endpoint = served.endpoint();
  auto r = run_contract(o);
  EXPECT_EQ(r.exit_code, 0) << summary_text(r);
}

// --- hand-written histories (--replay files) ---

// One "#@" call note of a replay plan: `params` as a step of `kind` sends them, with the
// ids the plan uses ("pg-plan" for the group it creates, mapped to the real one).
std::string call_note(int call, StepKind kind, const StepIds& ids, const Step& shape = {},
                      const std::vector<std::string>& created = {}) {
  Step s = shape;
  s.kind = kind;
  nlohmann::json note = {{"call", call}, {"action", std::string(action_of(kind))},
                         {"params", step_params(s, ids)}, {"created", created}};
  return "#@ " + note.dump() + "\n";
}

std::string advance_note(const std::string& by) { return "#@ " + nlohmann::json{{"advance", by}}.dump() + "\n"; }

// The built-in world with the pairs --groups adds, one fault rule, and the plan's notes.
std::string replay_file(const std::string& name, const std::string& fault_toml, const std::string& notes) {
  scenarios::Scenario world = scenarios::default_scenario();
  for (auto& p : group_world_pairs(world.clock.start)) world.pairs.push_back(std::move(p));
  world.clock.mode = scenarios::ClockMode::Virtual;
  const std::string path = temp_path(name);
  std::ofstream out(path);
  out << scenarios::write_scenario(world, {.explicit_defaults = true}) << "\n" << fault_toml << "\n" << notes;
  return path;
}

ContractResult replay(const std::string& client, const std::string& path) {
  ContractOptions o;
  o.client_spec = client;
  o.replay_path = path;
  return run_contract(o);
}

const StepRecord& record_of(const ContractResult& r, const std::string& action) {
  for (const auto& rec : r.replay_records) {
    if (rec.action == action && !rec.final_describe) return rec;
  }
  throw std::runtime_error("no " + action + " in the run");
}

// A group failover that is applied and then answered 504 (the ambiguous failure),
// retried: with the same ClientToken the server replays the first answer, and the group
// and each member fail over exactly once; with a new token (the mutant) the retry runs
// again, which C4 reports (the model makes that second failover a no-op: a group already
// failovering is left as it is).
TEST(GroupContract, AmbiguousGroupFailoverRetriedWithTheSameTokenFailsOverOnce) {
  const StepIds group{.pair = {}, .group = "pg-plan", .drill = {}};
  auto member = [](const char* pair) { return StepIds{.pair = pair, .group = "pg-plan", .drill = {}}; };
  std::string notes = call_note(1, StepKind::CreateGroup, {}, {}, {"pg-plan"}) + advance_note("30s") +
                      call_note(2, StepKind::AddPair, member("pair-cn-contractgroup001")) +
                      call_note(3, StepKind::AddPair, member("pair-cn-contractgroup002")) +
                      call_note(4, StepKind::StartGroup, group) + advance_note("30s") +
                      call_note(5, StepKind::FailoverGroup, group);
  const std::string path = replay_file("failover.toml",
                                       "[[fault]]\naction = \"FailoverDiskReplicaGroup\"\ntimes = 1\n"
                                       "commit = \"after\"\nerror = \"RequestTimeout\"\n",
                                       notes);

  auto ok = replay("builtin:reference", path);
  ASSERT_EQ(ok.exit_code, 0) << summary_text(ok);
  const StepRecord& failover = record_of(ok, "FailoverDiskReplicaGroup");
  ASSERT_EQ(failover.attempts.size(), 2u);
  const auto& first = failover.attempts[0];
  const auto& retry = failover.attempts[1];
  EXPECT_EQ(first.attempt.status, 504);
  ASSERT_TRUE(first.attempt.transition);
  EXPECT_EQ(first.attempt.transition->to, contracts::Status::Failovering);
  EXPECT_EQ(first.attempt.member_transitions.size(), 2u);
  EXPECT_EQ(retry.attempt.client_token, first.attempt.client_token);
  EXPECT_TRUE(retry.replayed);
  EXPECT_FALSE(retry.attempt.transition);
  EXPECT_TRUE(retry.attempt.member_transitions.empty());
  EXPECT_TRUE(failover.result.ok);
  EXPECT_GT(ok.stats.tally.at(CheckId::C3).evaluated, 0u);

  auto renewed = replay("builtin:failover-504-new-token", path);
  ASSERT_EQ(renewed.exit_code, 1) << summary_text(renewed);
  EXPECT_TRUE(violates(renewed, CheckId::C4)) << summary_text(renewed);
  EXPECT_FALSE(violates(renewed, CheckId::C3)) << summary_text(renewed);
  const StepRecord& again = record_of(renewed, "FailoverDiskReplicaGroup");
  ASSERT_EQ(again.attempts.size(), 2u);
  EXPECT_NE(again.attempts[1].attempt.client_token, again.attempts[0].attempt.client_token);
  EXPECT_TRUE(again.attempts[1].executed);
  EXPECT_FALSE(again.attempts[1].attempt.transition);
  std::filesystem::remove(path);
}

// Terraform's drill resources draw a new ClientToken for every attempt of Start*Drill
// (ebs-groups.md §9.4-9.6). After an ambiguous failure the retry starts a second drill,
// whose pay-as-you-go disks nobody will clear: C9 reports it as a violation (C4 and C3 see
// the token and the second transition too). The same history with one token leaves one.
TEST(GroupContract, FreshTokenDrillRetryLeavesTwoDrillsAndIsReported) {
  const std::string pair = "pair-cn-7xk2m9d1q8w3e5r0";  // normal, with a recovery point
  const std::string path = replay_file(
      "drill.toml",
      "[[fault]]\naction = \"StartPairDrill\"\ntimes = 1\ncommit = \"after\"\nerror = \"RequestTimeout\"\n",
      call_note(1, StepKind::StartPairDrill, {.pair = pair, .group = {}, .drill = {}}));

  auto terraform_like = replay("builtin:drill-new-token", path);
  ASSERT_EQ(terraform_like.exit_code, 1) << summary_text(terraform_like);
  EXPECT_TRUE(violates(terraform_like, CheckId::C9)) << summary_text(terraform_like);
  EXPECT_TRUE(violates(terraform_like, CheckId::C4)) << summary_text(terraform_like);
  const StepRecord& twice = record_of(terraform_like, "StartPairDrill");
  EXPECT_EQ(twice.created.size(), 2u);
  bool named = false;
  for (const auto& v : twice.violations) {
    named = named || (v.check == CheckId::C9 && v.detail.find("left 2 drills") != std::string::npos &&
                      v.detail.find(twice.created[0]) != std::string::npos &&
                      v.detail.find(twice.created[1]) != std::string::npos);
  }
  EXPECT_TRUE(named) << summary_text(terraform_like);
  EXPECT_NE(counterexample_text(terraform_like).find("VIOLATED C9"), std::string::npos);

  auto reference = replay("builtin:reference", path);
  ASSERT_EQ(reference.exit_code, 0) << summary_text(reference);
  const StepRecord& once = record_of(reference, "StartPairDrill");
  EXPECT_EQ(once.created.size(), 1u);
  ASSERT_EQ(once.attempts.size(), 2u);
  EXPECT_TRUE(once.attempts[1].replayed);
  EXPECT_EQ(reference.stats.tally.at(CheckId::C9).evaluated, 1u);
  std::filesystem::remove(path);
}

// A group counterexample saved by --save-counterexample reruns with --replay: the group
// the history created gets a new id on the rerun and the calls follow it.
TEST(GroupContract, SavedGroupCounterexampleReplays) {
  auto found = run_contract(contract_options("builtin:member-pair-stop", 7, 200, 30, /*groups=*/true));
  ASSERT_EQ(found.exit_code, 1) << summary_text(found);
  const std::string path = temp_path("group-cx.toml");
  {
    std::ofstream out(path);
    out << counterexample_toml(found);
  }
  auto again = replay("builtin:member-pair-stop", path);
  EXPECT_EQ(again.exit_code, 1) << summary_text(again);
  EXPECT_TRUE(violates(again, found.counterexample->failures.front().check)) << summary_text(again);
  auto reference = replay("builtin:reference", path);
  EXPECT_EQ(reference.exit_code, 0) << summary_text(reference);
  std::filesystem::remove(path);
}

TEST(GroupContract, CommandLineTakesGroupsAndRerunsWithIt) {
  auto run = ebsmock::test::run_ebsmock("contract --client builtin:member-pair-stop --groups --seed 7 --tests 200");
  EXPECT_EQ(run.exit_code, 1) << run.output;
  EXPECT_NE(run.output.find(", groups"), std::string::npos) << run.output;
  EXPECT_NE(run.output.find("rerun: ebsmock contract --client builtin:member-pair-stop --groups --seed 7"),
            std::string::npos)
      << run.output;
  auto list = ebsmock::test::run_ebsmock("contract --list-clients");
  for (const char* name : {"member-pair-stop", "failover-504-new-token", "recover-point-before-normal",
                           "drill-new-token"}) {
    EXPECT_NE(list.output.find(name), std::string::npos) << list.output;
  }
}

}  // namespace
}  // namespace ebsmock::harness
