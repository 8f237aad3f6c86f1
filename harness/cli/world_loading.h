// world_loading.h: loads the scenario named on the command line (or the built-in
// world) and prints every diagnostic as file:line:col on failure. Not thread-safe.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "scenarios/loader/scenario.h"

namespace ebsmock::cli {

// `path_or_name` is a file, or the name of a library scenario ("flaky-5xx"): see
// library_dirs(). nullopt after printing the problems to stderr (for an unknown name, the
// closest library names).
std::optional<scenarios::Scenario> load_world_or_report(const std::string& path_or_name);

// True for a scenario file large enough (256 KiB and up, some 1,600 pairs) that loading
// it on 2 MB pages (mock/startup_arena.h) repays the ~1 ms of setting that arena up: the
// 10,000-pair world starts ~60 ms sooner where a page fault costs ~7 us. False for the
// built-in world and library names, which are small.
bool worth_a_startup_arena(const std::string& path_or_name);

// The --scenario option of serve and demo: a TOML file or a library name, or the built-in
// world when absent.
CLI::Option* add_scenario_option(CLI::App* command, std::string& path_or_name);

// Where library scenarios are looked up, first match winning: the folders of
// EBSMOCK_SCENARIO_PATH (':'-separated), then those compiled in (EBSMOCK_SCENARIO_DIRS:
// the installed share folder, and for a build from source its scenarios/ folder).
std::vector<std::string> library_dirs();

}  // namespace ebsmock::cli
