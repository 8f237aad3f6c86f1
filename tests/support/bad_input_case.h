// bad_input_case.h: the table-driven check every bad-input test of the scenario loader
// runs: a broken document must give exactly one diagnostic, at the pinned line:column,
// with the pinned message fragment, and the throwing API must report the very same one
// (one mistake must not cascade into several reports). Header-only; no shared state.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <gtest/gtest.h>

#include "scenarios/loader/scenario_loader.h"

namespace ebsmock::testing {

struct BadCase {
  const char* name;  // the parameterized test's name
  std::string_view text;
  int line;
  int column;
  std::string_view fragment;
};

inline std::string all_diagnostics(const std::vector<scenarios::Diagnostic>& diagnostics) {
  std::string all;
  for (const auto& d : diagnostics) all += d.to_string() + "\n";
  return all;
}

inline void expect_one_diagnostic(const BadCase& c) {
  SCOPED_TRACE(std::string("input:\n") + std::string(c.text));
  const auto diagnostics = scenarios::lint_scenario_string(c.text, "bad.toml");
  ASSERT_EQ(diagnostics.size(), 1u) << all_diagnostics(diagnostics);
  const scenarios::Diagnostic& d = diagnostics[0];
  EXPECT_EQ(d.path, "bad.toml");
  EXPECT_EQ(d.line, c.line) << d.to_string();
  EXPECT_EQ(d.column, c.column) << d.to_string();
  EXPECT_NE(d.message.find(c.fragment), std::string::npos)
      << "message: " << d.message << "\nwanted fragment: " << c.fragment;
  try {
    scenarios::load_scenario_string(c.text, "bad.toml");
    ADD_FAILURE() << "load_scenario_string did not throw";
  } catch (const scenarios::ScenarioError& e) {
    ASSERT_EQ(e.diagnostics().size(), 1u);
    EXPECT_EQ(e.diagnostics()[0].to_string(), d.to_string());
    EXPECT_EQ(std::string(e.what()), d.to_string());
  }
}

// The name gtest shows for a case.
inline std::string bad_case_name(const ::testing::TestParamInfo<BadCase>& info) { return info.param.name; }

}  // namespace ebsmock::testing
