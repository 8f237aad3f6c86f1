// readme_example_test.cpp: the scenario format section of README.md is a newcomer's first
// scenario, so its ```toml blocks, read together as one file, must load and lint clean
// and set up what the comments say. Independent; reads only the README.
#include <regex>
#include <string>

#include <gtest/gtest.h>

#include "scenarios/loader/scenario_loader.h"
#include "tests/support/command_line.h"

namespace ebsmock::scenarios {
namespace {

std::string readme_toml() {
  const std::string readme = test::read_text(EBSMOCK_SOURCE_DIR "/README.md");
  std::string out;
  static const std::regex block("```toml\\n([\\s\\S]*?)```");
  for (std::sregex_iterator it(readme.begin(), readme.end(), block), end; it != end; ++it) out += (*it)[1].str() + "\n";
  return out;
}

TEST(ReadmeExample, TheScenarioFormatBlocksLoadAsOneFileAndSetUpWhatTheySay) {
  const std::string text = readme_toml();
  ASSERT_NE(text.find("[[group]]"), std::string::npos) << "README's scenario section lost its group example";
  Scenario s;
  try {
    s = load_scenario_string(text, "README.md");
  } catch (const ScenarioError& e) {
    std::string all;
    for (const auto& d : e.diagnostics()) all += d.to_string() + "\n";
    FAIL() << all;
  }
  ASSERT_EQ(s.groups.size(), 1u);
  EXPECT_EQ(s.groups[0].pair_ids, std::vector<std::string>{"pair-cn-7xk2m9d1q8w3e5r0"});
  ASSERT_EQ(s.drills.size(), 1u);
  EXPECT_EQ(s.drills[0].status, contracts::Status::Executing);
  ASSERT_EQ(s.events.size(), 1u);
  EXPECT_EQ(s.events[0].at, std::chrono::seconds(30));
  EXPECT_EQ(s.faults.size(), 3u);
  EXPECT_TRUE(lint_scenario_string(text, "README.md", LintOptions{.undeclared_pairs = true}).empty());
}

}  // namespace
}  // namespace ebsmock::scenarios
