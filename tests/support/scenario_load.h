// scenario_load.h: loads scenario text a test expects to be good. A ScenarioError fails
// the test with every diagnostic, then propagates (the test cannot go on without the
// scenario). Header-only; no shared state.
#pragma once

#include <string_view>

#include <gtest/gtest.h>

#include "scenarios/loader/scenario_loader.h"

namespace ebsmock::testing {

inline scenarios::Scenario load_good_scenario(std::string_view text, std::string_view path) {
  try {
    return scenarios::load_scenario_string(text, path);
  } catch (const scenarios::ScenarioError& e) {
    ADD_FAILURE() << "unexpected ScenarioError:\n" << e.what();
    throw;
  }
}

}  // namespace ebsmock::testing
