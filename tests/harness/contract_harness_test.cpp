// contract_harness_test.cpp: the contract harness end to end, against embedded mocks:
// the reference client passes, every builtin mutant is caught with a short shrunk
// history, the same seed gives the same verdict, the report / JUnit / counterexample
// files are well-formed, and a saved counterexample replays (embedded, and served by
// `ebsmock serve --scenario`). Case counts are smaller than the CLI's defaults so the
// whole binary stays well under a minute on two cores.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <thread>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness/contract/checks.h"
#include "harness/contract/client_spec.h"
#include "harness/contract/contract_run.h"
#include "harness/contract/counterexample.h"
#include "harness/contract/report.h"
#include "scenarios/loader/scenario_loader.h"
#include "tests/support/contract_support.h"
#include "tests/support/served_process.h"

namespace ebsmock::harness {
namespace {

using ebsmock::testing::history_size;
using ebsmock::testing::temp_path;
using ebsmock::testing::violates;

ContractOptions options(const std::string& client, std::uint64_t seed, int tests = 40, int max_commands = 20) {
  return ebsmock::testing::contract_options(client, seed, tests, max_commands);
}

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

TEST(ContractHarness, ReferenceClientPasses) {
  const auto start = std::chrono::steady_clock::now();
  auto r = run_contract(options("builtin:reference", 1234, 500, 30));
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  ASSERT_EQ(r.exit_code, 0) << summary_text(r);
  EXPECT_EQ(r.cases_passed, 500);
  // The generator must exercise faults of every kind, commit after, and refusals.
  for (FaultKind k : kAllFaultKinds) {
    EXPECT_GT(r.stats.faults_by_kind[std::string(to_string(k))], 0u) << to_string(k);
  }
  EXPECT_GT(r.stats.refusals, 0u);
  EXPECT_GT(r.stats.transitions, 0u);
  for (CheckId id : {CheckId::C1, CheckId::C2, CheckId::C3, CheckId::C4, CheckId::C5, CheckId::C6,
                     CheckId::C7, CheckId::C8, CheckId::S1, CheckId::A1}) {
    EXPECT_EQ(verdict(r.stats.tally, id, false), "pass") << to_string(id) << "\n" << summary_text(r);
  }
  std::printf("[ measure  ] reference: 500 cases of up to 30 commands in %.2f s (%.1f cases/s), %llu steps\n",
              secs, 500 / secs, static_cast<unsigned long long>(r.stats.steps));
}

TEST(ContractHarness, ReferenceV1ClientPassesStrict) {
  auto o = options("builtin:reference-v1", 99, 40, 20);
  o.strict = true;
  auto r = run_contract(o);
  EXPECT_EQ(r.exit_code, 0) << summary_text(r);
}

struct MutantCase {
  std::string name;
  CheckId caught_by;
  bool strict;
};

class MutantTest : public ::testing::TestWithParam<MutantCase> {};

TEST_P(MutantTest, CaughtWithShortHistory) {
  const auto& m = GetParam();
  auto o = options("builtin:" + m.name, 7, 200, 30);
  o.strict = m.strict;
  const auto start = std::chrono::steady_clock::now();
  auto r = run_contract(o);
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  ASSERT_EQ(r.exit_code, 1) << summary_text(r);
  ASSERT_TRUE(r.counterexample);
  EXPECT_TRUE(violates(r, m.caught_by)) << summary_text(r);
  EXPECT_LE(history_size(*r.counterexample), 6u) << summary_text(r);
  EXPECT_LT(secs, 30.0);
  std::printf("[ measure  ] %-20s caught by %s after %d passing cases; shrunk %zu -> %zu steps in %.2f s "
              "(total %.2f s)\n",
              m.name.c_str(), std::string(to_string(m.caught_by)).c_str(), r.cases_passed,
              r.counterexample->first_size, history_size(*r.counterexample), r.counterexample->shrink_seconds,
              secs);
}

INSTANTIATE_TEST_SUITE_P(
    Builtin, MutantTest,
    ::testing::Values(MutantCase{"new-token-on-retry", CheckId::C4, false},
                      MutantCase{"retries-4xx", CheckId::C5, false},
                      MutantCase{"504-is-success", CheckId::C1, false},
                      MutantCase{"ignores-error-code", CheckId::C1, false},
                      MutantCase{"bad-encoding", CheckId::C7, false},
                      MutantCase{"reuses-token", CheckId::C4, false},
                      MutantCase{"no-retry", CheckId::A1, true},
                      MutantCase{"no-backoff", CheckId::A3, true},
                      MutantCase{"ignores-retry-after", CheckId::A2, true}),
    [](const auto& info) {
      std::string n = info.param.name;
      for (auto& c : n) c = std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
      return n;
    });

TEST(ContractHarness, AdvisoryMutantPassesWithoutStrict) {
  auto r = run_contract(options("builtin:no-retry", 7, 60, 20));
  EXPECT_EQ(r.exit_code, 0) << summary_text(r);
  EXPECT_EQ(verdict(r.stats.tally, CheckId::A1, false), "advisory") << summary_text(r);
}

TEST(ContractHarness, SameSeedSameVerdict) {
  auto a = run_contract(options("builtin:retries-4xx", 42, 100, 20));
  auto b = run_contract(options("builtin:retries-4xx", 42, 100, 20));
  ASSERT_EQ(a.exit_code, 1);
  ASSERT_EQ(b.exit_code, 1);
  EXPECT_EQ(a.cases_passed, b.cases_passed);
  ASSERT_TRUE(a.counterexample && b.counterexample);
  ASSERT_EQ(a.counterexample->records.size(), b.counterexample->records.size());
  for (std::size_t i = 0; i < a.counterexample->records.size(); ++i) {
    EXPECT_EQ(describe(a.counterexample->records[i].step), describe(b.counterexample->records[i].step));
  }
  EXPECT_EQ(a.stats.steps, b.stats.steps);
  EXPECT_EQ(a.stats.faults_by_kind, b.stats.faults_by_kind);

  auto c = run_contract(options("builtin:reference", 5, 30, 15));
  auto d = run_contract(options("builtin:reference", 5, 30, 15));
  EXPECT_EQ(c.exit_code, 0);
  EXPECT_EQ(c.stats.steps, d.stats.steps);
  EXPECT_EQ(c.stats.attempts, d.stats.attempts);
  EXPECT_EQ(c.stats.outcomes, d.stats.outcomes);
}

TEST(ContractHarness, ReportJunitAndCounterexampleAreWellFormed) {
  auto r = run_contract(options("builtin:new-token-on-retry", 3, 200, 20));
  ASSERT_EQ(r.exit_code, 1) << summary_text(r);

  // JSON: round-trips, names every check, has the matrix and the counterexample.
  auto j = nlohmann::json::parse(report_json(r).dump());
  EXPECT_EQ(j["verdict"], "fail");
  EXPECT_EQ(j["checks"].size(), kAllChecks.size());
  EXPECT_TRUE(j["matrix"].contains("builtin:new-token-on-retry"));
  EXPECT_FALSE(j["counterexample"]["steps"].empty());
  EXPECT_EQ(j["seed"], 3);

  // JUnit: one testcase per check, the violated one failed.
  const std::string xml = junit_xml(r);
  EXPECT_TRUE(xml.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>"));
  std::regex testcase("<testcase ");
  EXPECT_EQ(std::distance(std::sregex_iterator(xml.begin(), xml.end(), testcase), std::sregex_iterator()),
            static_cast<long>(kAllChecks.size()));
  EXPECT_NE(xml.find("name=\"C4 "), std::string::npos);
  EXPECT_NE(xml.find("<failure message="), std::string::npos);
  EXPECT_NE(xml.find("</testsuites>"), std::string::npos);
  EXPECT_EQ(xml.find("ebsmock contract builtin:new-token-on-retry\" tests=\"12\" failures=\"0\""), std::string::npos);

  // Counterexample: a scenario the loader accepts, with replay steps and notes.
  const std::string toml = counterexample_toml(r);
  scenarios::Scenario s = scenarios::load_scenario_string(toml, "counterexample.toml");
  EXPECT_FALSE(s.replay.steps.empty());
  EXPECT_EQ(s.replay.mode, scenarios::ReplayMode::Lenient);
  EXPECT_EQ(s.clock.mode, scenarios::ClockMode::Virtual);
  auto plan = parse_replay_plan(toml);
  EXPECT_FALSE(plan.empty());
}

TEST(ContractHarness, SavedCounterexampleReplays) {
  for (const std::string mutant : {"new-token-on-retry", "bad-encoding", "504-is-success"}) {
    SCOPED_TRACE(mutant);
    auto found = run_contract(options("builtin:" + mutant, 11, 200, 20));
    ASSERT_EQ(found.exit_code, 1) << summary_text(found);
    const CheckId check = found.counterexample->failures.front().check;
    const std::string path = temp_path(mutant + ".toml");
    {
      std::ofstream out(path);
      out << counterexample_toml(found);
    }
    ContractOptions o;
    o.client_spec = "builtin:" + mutant;
    o.replay_path = path;
    auto again = run_contract(o);
    EXPECT_EQ(again.exit_code, 1) << summary_text(again);
    EXPECT_TRUE(violates(again, check)) << summary_text(again);
    // The correct client, given the same answers, keeps the contract.
    o.client_spec = "builtin:reference";
    auto reference = run_contract(o);
    EXPECT_EQ(reference.exit_code, 0) << summary_text(reference);
    std::filesystem::remove(path);
  }
}

using ebsmock::testing::ServedProcess;

TEST(ContractHarness, ServedCounterexampleFailsTheSameClient) {
  auto found = run_contract(options("builtin:new-token-on-retry", 11, 200, 20));
  ASSERT_EQ(found.exit_code, 1) << summary_text(found);
  const std::string path = temp_path("served.toml");
  {
    std::ofstream out(path);
    out << counterexample_toml(found);
  }
  ServedProcess served({"serve", "--scenario", path, "--port", "0"});
  ASSERT_FALSE(served.endpoint().empty());
  ContractOptions o;
  o.client_spec = "builtin:new-token-on-retry";
  o.replay_path = path;
  o.endpoint = served.endpoint();
  auto again = run_contract(o);
  EXPECT_EQ(again.exit_code, 1) << summary_text(again);
  EXPECT_TRUE(violates(again, found.counterexample->failures.front().check)) << summary_text(again);
  o.client_spec = "builtin:reference";
  auto reference = run_contract(o);
  EXPECT_EQ(reference.exit_code, 0) << summary_text(reference);
  std::filesystem::remove(path);
}

TEST(ContractHarness, ServerDirectionPassesTheRealMock) {
  ServedProcess served({"serve", "--port", "0"});
  ASSERT_FALSE(served.endpoint().empty());
  auto o = options("builtin:reference", 21, 30, 20);
  o.endpoint = served.endpoint();
  auto r = run_contract(o);
  EXPECT_EQ(r.exit_code, 0) << summary_text(r);
  EXPECT_FALSE(r.embedded);
}

// Every planted server bug (`serve --mutant`) is caught by the reference client, through
// the check that sees it, with a short shrunk history.
TEST(ContractHarness, ServerDirectionCatchesPlantedServerBugs) {
  const std::pair<const char*, std::vector<CheckId>> planted[] = {
      {"stop-from-stopped", {CheckId::S1}},
      {"ignore-client-token", {CheckId::S1, CheckId::C3, CheckId::C6}},
      {"wrong-error-code", {CheckId::S1}},
      {"skip-transition", {CheckId::S1}},
      {"stale-describe", {CheckId::C8}}};
  for (const auto& [mutant, checks] : planted) {
    SCOPED_TRACE(mutant);
    ServedProcess served({"serve", "--port", "0", "--mutant", mutant});
    ASSERT_FALSE(served.endpoint().empty());
    auto o = options("builtin:reference", 5, 200, 20);
    o.endpoint = served.endpoint();
    const auto start = std::chrono::steady_clock::now();
    auto r = run_contract(o);
    const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    EXPECT_EQ(r.exit_code, 1) << summary_text(r);
    ASSERT_TRUE(r.counterexample) << summary_text(r);
    bool caught = false;
    for (CheckId c : checks) caught = caught || violates(r, c);
    EXPECT_TRUE(caught) << summary_text(r);
    EXPECT_LE(history_size(*r.counterexample), 6u) << summary_text(r);
    std::printf("[ measure  ] server %-20s caught by %s after %d passing cases; shrunk %zu -> %zu steps "
                "(total %.2f s)\n",
                mutant, std::string(to_string(r.counterexample->failures.front().check)).c_str(), r.cases_passed,
                r.counterexample->first_size, history_size(*r.counterexample), secs);
  }
}

int run_cli(const std::string& args, const std::string& out_path) {
  const std::string cmd = std::string(EBSMOCK_BINARY) + " contract " + args + " >" + out_path + " 2>&1";
  const int status = std::system(cmd.c_str());
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

TEST(ContractHarness, CommandLineWritesFilesAndExitCodes) {
  const std::string out = temp_path("cli.out");
  const std::string report = temp_path("cli.json");
  const std::string junit = temp_path("cli.xml");
  const std::string cx = temp_path("cli.toml");
  EXPECT_EQ(run_cli("--client builtin:retries-4xx --seed 3 --tests 50 --max-commands 10 --report " + report +
                        " --junit " + junit + " --save-counterexample " + cx,
                    out),
            1)
      << slurp(out);
  EXPECT_NE(slurp(out).find("rerun: ebsmock contract --client builtin:retries-4xx --seed 3"), std::string::npos)
      << slurp(out);
  auto j = nlohmann::json::parse(slurp(report), nullptr, false);
  ASSERT_TRUE(j.is_object());
  EXPECT_EQ(j["exit_code"], 1);
  EXPECT_NE(slurp(junit).find("<testsuites"), std::string::npos);
  EXPECT_EQ(run_cli("--client builtin:retries-4xx --replay " + cx, out), 1) << slurp(out);
  EXPECT_EQ(run_cli("--client builtin:reference --replay " + cx, out), 0) << slurp(out);
  EXPECT_EQ(run_cli("--client builtin:reference --seed 3 --tests 10 --max-commands 10", out), 0) << slurp(out);
  EXPECT_EQ(run_cli("--client builtin:nope --tests 5", out), 2) << slurp(out);
  EXPECT_EQ(run_cli("--tests 0", out), 2) << slurp(out);
  for (const auto& p : {out, report, junit, cx}) std::filesystem::remove(p);
}

// A failure found with --call-timeout (a slow driver) must rerun with the same timeout,
// or the rerun reports a different failure, or none.
TEST(ContractHarness, RerunCommandsCarryANonDefaultCallTimeout) {
  ContractResult r;
  r.client = "exec:node driver.mjs";
  r.seed = 7;
  r.tests = 10;
  r.max_commands = 5;
  EXPECT_EQ(r.rerun_command().find("--call-timeout"), std::string::npos) << r.rerun_command();
  r.call_timeout = std::chrono::milliseconds(1500);
  EXPECT_NE(r.rerun_command().find(" --call-timeout 1500 "), std::string::npos) << r.rerun_command();
  r.replay_path = "cx.toml";
  EXPECT_NE(r.rerun_command().find(" --call-timeout 1500 --replay cx.toml"), std::string::npos)
      << r.rerun_command();
  r.replay_path.clear();
  r.counterexample = Counterexample{};  // an empty history is enough for the header
  EXPECT_NE(counterexample_toml(r).find("--call-timeout 1500 --replay THIS_FILE"), std::string::npos)
      << counterexample_toml(r);
}

TEST(ContractHarness, SetupErrorsExitTwo) {
  auto bad_client = run_contract(options("builtin:no-such-client", 1, 5, 5));
  EXPECT_EQ(bad_client.exit_code, 2);
  EXPECT_NE(bad_client.setup_error.find("unknown builtin client"), std::string::npos);
  auto bad_spec = run_contract(options("curl", 1, 5, 5));
  EXPECT_EQ(bad_spec.exit_code, 2);
  auto o = options("builtin:reference", 1, 5, 5);
  o.endpoint = "http://127.0.0.1:1";
  auto unreachable = run_contract(o);
  EXPECT_EQ(unreachable.exit_code, 2);
}

}  // namespace
}  // namespace ebsmock::harness
