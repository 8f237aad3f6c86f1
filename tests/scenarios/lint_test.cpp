// lint_test.cpp: `ebsmock lint` and the lint API. The broken files in lint_cases/ mark
// each planted mistake with a comment "LINT [line=N] col=C fragment"; every marked
// mistake must be reported at exactly that position, and nothing else (so all of them
// are reported, not only the first). Every scenario shipped in scenarios/ must lint
// clean. The CLI is run as a process (EBSMOCK_BINARY) to check output and exit codes.
// Tests are independent; each CLI test starts its own process.
#include <algorithm>
#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "scenarios/loader/scenario_loader.h"
#include "tests/support/command_line.h"

namespace ebsmock::scenarios {
namespace {

namespace fs = std::filesystem;
using test::read_text;

const fs::path kLintCases = fs::path(EBSMOCK_SOURCE_DIR) / "tests" / "scenarios" / "lint_cases";
const fs::path kLibrary = fs::path(EBSMOCK_SOURCE_DIR) / "scenarios";

// The options `ebsmock lint` uses by default.
constexpr LintOptions kCliDefaults{.undeclared_pairs = true};

struct Expected {
  int line = 0;
  int column = 0;
  std::string fragment;
};

// Markers: "# LINT col=C fragment" (this line) or "# LINT line=N col=C fragment".
std::vector<Expected> markers_of(const fs::path& path) {
  static const std::regex kMarker(R"(# LINT (?:line=(\d+) )?col=(\d+) (.+)$)");
  std::vector<Expected> out;
  std::istringstream in(read_text(path));
  std::string text;
  for (int line = 1; std::getline(in, text); ++line) {
    std::smatch m;
    if (!std::regex_search(text, m, kMarker)) continue;
    out.push_back(Expected{m[1].matched ? std::stoi(m[1]) : line, std::stoi(m[2]), m[3]});
  }
  return out;
}

std::vector<fs::path> toml_files_in(const fs::path& dir) {
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(dir)) {
    if (entry.path().extension() == ".toml") files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

std::string all_of(const std::vector<Diagnostic>& diagnostics) {
  std::string all;
  for (const auto& d : diagnostics) all += d.to_string() + "\n";
  return all;
}

TEST(LintTest, EveryPlantedMistakeIsReportedWhereItIs) {
  const auto files = toml_files_in(kLintCases);
  ASSERT_GE(files.size(), 5u);
  for (const fs::path& file : files) {
    SCOPED_TRACE(file.string());
    const auto expected = markers_of(file);
    ASSERT_FALSE(expected.empty()) << "a lint case without LINT markers tests nothing";
    const auto findings = lint_scenario_file(file.string(), kCliDefaults);
    EXPECT_EQ(findings.size(), expected.size()) << all_of(findings);
    for (const Expected& e : expected) {
      const bool found = std::any_of(findings.begin(), findings.end(), [&](const Diagnostic& d) {
        return d.line == e.line && d.column == e.column &&
               d.message.find(e.fragment) != std::string::npos;
      });
      EXPECT_TRUE(found) << "not reported: " << e.line << ":" << e.column << " " << e.fragment
                         << "\nfindings:\n" << all_of(findings);
    }
    for (const auto& d : findings) EXPECT_EQ(d.path, file.string());
    // In file order, as a reader goes through the file.
    EXPECT_TRUE(std::is_sorted(findings.begin(), findings.end(),
                               [](const Diagnostic& a, const Diagnostic& b) {
                                 return std::pair(a.line, a.column) < std::pair(b.line, b.column);
                               }));
  }
}

TEST(LintTest, ShippedScenariosLintClean) {
  int library = 0;
  for (const fs::path& file : toml_files_in(kLibrary)) {
    SCOPED_TRACE(file.string());
    EXPECT_EQ(all_of(lint_scenario_file(file.string(), kCliDefaults)), "");
    ++library;
  }
  EXPECT_GE(library, 13);  // default.toml and the library, the three group drills included
}

TEST(LintTest, ShippedScenariosStartWithWhatTheyDrillAndAreInTheReadme) {
  const std::string readme = read_text(kLibrary / "README.md");
  for (const fs::path& file : toml_files_in(kLibrary)) {
    SCOPED_TRACE(file.string());
    const std::string text = read_text(file);
    const std::string name = file.filename().string();
    EXPECT_TRUE(text.starts_with("# " + name + ": ")) << "the first line names the file";
    if (name == "default.toml") continue;
    EXPECT_NE(text.find("What it drills:"), std::string::npos);
    EXPECT_NE(text.find("How to use it:"), std::string::npos);
    EXPECT_NE(readme.find("[" + name + "](" + name + ")"), std::string::npos)
        << "missing from the library table of scenarios/README.md";
  }
}

TEST(LintTest, UnreadableFileIsOneFinding) {
  const auto findings = lint_scenario_file("/nonexistent/ebsmock/x.toml", kCliDefaults);
  ASSERT_EQ(findings.size(), 1u);
  EXPECT_EQ(findings[0].to_string(),
            "/nonexistent/ebsmock/x.toml: cannot open: No such file or directory");
}

// ---------------------------------------------------------------------------------------
// The `ebsmock lint` command

std::string quoted(const std::string& s) { return "'" + s + "'"; }

test::CommandRun run_lint(const std::vector<std::string>& args) {
  std::string arguments = "lint";
  for (const auto& a : args) arguments += " " + quoted(a);
  return test::run_ebsmock(arguments);
}

class LintCommandTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!fs::exists(EBSMOCK_BINARY)) {
      GTEST_SKIP() << "ebsmock is not built (" << EBSMOCK_BINARY << "); build the ebsmock target";
    }
  }
};

TEST_F(LintCommandTest, CleanFilesPrintOkAndExitZero) {
  std::vector<std::string> files;
  std::string expected;
  for (const fs::path& f : toml_files_in(kLibrary)) {
    files.push_back(f.string());
    expected += f.string() + ": ok\n";
  }
  const test::CommandRun run = run_lint(files);
  EXPECT_EQ(run.exit_code, 0) << run.output;
  EXPECT_EQ(run.output, expected);
}

TEST_F(LintCommandTest, QuietPrintsNothingWhenClean) {
  const test::CommandRun run = run_lint({"-q", (kLibrary / "default.toml").string(),
                            (kLibrary / "connection-chaos.toml").string()});
  EXPECT_EQ(run.exit_code, 0);
  EXPECT_EQ(run.output, "");
}

TEST_F(LintCommandTest, PrintsEveryFindingOfEveryFileAndExitsOne) {
  const std::string good = (kLibrary / "flaky-5xx.toml").string();
  std::vector<std::string> args = {good};
  std::string expected = good + ": ok\n";
  for (const char* name : {"faults.toml", "replay.toml", "mixed.toml"}) {
    const std::string bad = (kLintCases / name).string();
    args.push_back(bad);
    for (const auto& d : lint_scenario_file(bad, kCliDefaults)) expected += d.to_string() + "\n";
  }
  const test::CommandRun run = run_lint(args);
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_EQ(run.output, expected);
  // Spot-check the format on a known finding: file:line:col: message.
  EXPECT_NE(run.output.find((kLintCases / "faults.toml").string() +
                            ":24:10: unknown action 'StopDiskReplicaPairs'; did you mean "
                            "'StopDiskReplicaPair'?\n"),
            std::string::npos)
      << run.output;
}

TEST_F(LintCommandTest, QuietStillPrintsFindings) {
  const std::string bad = (kLintCases / "mixed.toml").string();
  const test::CommandRun run = run_lint({"-q", (kLibrary / "default.toml").string(), bad});
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_EQ(run.output, all_of(lint_scenario_file(bad, kCliDefaults)));
}

TEST_F(LintCommandTest, UndeclaredPairIsAFindingUnlessAllowed) {
  const std::string file = (kLintCases / "undeclared-pair.toml").string();
  const test::CommandRun strict = run_lint({file});
  EXPECT_EQ(strict.exit_code, 1);
  EXPECT_EQ(strict.output, file +
                               ":5:8: pair 'pair-cn-5rz8w2k4m1x7q9b3' is not declared in this "
                               "file (ok if it is created at run time; "
                               "--allow-undeclared-pairs silences this)\n");
  const test::CommandRun allowed = run_lint({"--allow-undeclared-pairs", file});
  EXPECT_EQ(allowed.exit_code, 0) << allowed.output;
  EXPECT_EQ(allowed.output, file + ": ok\n");
}

TEST_F(LintCommandTest, UnreadableFileIsAFinding) {
  const std::string good = (kLibrary / "default.toml").string();
  const test::CommandRun run = run_lint({"/nonexistent/ebsmock/x.toml", good});
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_EQ(run.output, "/nonexistent/ebsmock/x.toml: cannot open: No such file or directory\n" +
                            good + ": ok\n");
}

TEST_F(LintCommandTest, NoFilesIsAUsageError) {
  const test::CommandRun run = run_lint({});
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_NE(run.output.find("files is required"), std::string::npos) << run.output;
}

TEST_F(LintCommandTest, UnknownOptionIsAUsageError) {
  const test::CommandRun run = run_lint({"--strict", (kLibrary / "default.toml").string()});
  EXPECT_EQ(run.exit_code, 2) << run.output;
}

}  // namespace
}  // namespace ebsmock::scenarios
