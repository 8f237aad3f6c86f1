// world_loading.cpp: scenario loading for the CLI.
#include "harness/cli/world_loading.h"

#include <iostream>

#include "scenarios/loader/scenario_loader.h"

namespace ebsmock::cli {

std::optional<scenarios::Scenario> load_world_or_report(const std::string& path) {
  if (path.empty()) return scenarios::default_scenario();
  try {
    return scenarios::load_scenario_file(path);
  } catch (const scenarios::ScenarioError& e) {
    for (const auto& d : e.diagnostics()) std::cerr << d.to_string() << "\n";
    return std::nullopt;
  }
}

CLI::Option* add_scenario_option(CLI::App* command, std::string& path) {
  return command->add_option("--scenario", path, "Scenario TOML file (default: the built-in world)")
      ->check(CLI::ExistingFile);
}

}  // namespace ebsmock::cli
