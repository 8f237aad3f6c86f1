// world_loading.h: loads the scenario named on the command line (or the built-in
// world) and prints every diagnostic as file:line:col on failure. Not thread-safe.
#pragma once

#include <optional>
#include <string>

#include <CLI/CLI.hpp>

#include "scenarios/loader/scenario.h"

namespace ebsmock::cli {

// nullopt after printing the problems to stderr.
std::optional<scenarios::Scenario> load_world_or_report(const std::string& path);

// The --scenario option of serve and demo: a TOML file, or the built-in world when absent.
CLI::Option* add_scenario_option(CLI::App* command, std::string& path);

}  // namespace ebsmock::cli
