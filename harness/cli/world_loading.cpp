// world_loading.cpp: scenario loading for the CLI: files, library names, the built-in world.
#include "harness/cli/world_loading.h"

#include <cstdlib>
#include <cstdint>
#include <filesystem>
#include <iostream>
#include <sstream>

#include "scenarios/loader/scenario_library.h"
#include "scenarios/loader/scenario_loader.h"

namespace ebsmock::cli {
namespace {

std::vector<std::string> split(const std::string& text, char sep) {
  std::vector<std::string> out;
  std::stringstream in(text);
  for (std::string part; std::getline(in, part, sep);) {
    if (!part.empty()) out.push_back(part);
  }
  return out;
}

}  // namespace

std::vector<std::string> library_dirs() {
  std::vector<std::string> dirs;
  if (const char* env = std::getenv("EBSMOCK_SCENARIO_PATH")) dirs = split(env, ':');
  for (auto& d : split(EBSMOCK_SCENARIO_DIRS, '|')) dirs.push_back(std::move(d));
  return dirs;
}

std::optional<scenarios::Scenario> load_world_or_report(const std::string& path_or_name) {
  if (path_or_name.empty()) return scenarios::default_scenario();
  std::string path = path_or_name;
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) {
    const auto dirs = library_dirs();
    if (auto found = scenarios::find_in_library(path_or_name, dirs)) {
      path = *found;
    } else if (path_or_name.find('/') == std::string::npos) {
      // A name, not a path: say what the library has instead.
      std::cerr << "ebsmock: no scenario named '" << path_or_name << "' (not a file, and not in the library";
      for (const auto& d : dirs) std::cerr << " " << d;
      std::cerr << ")";
      const auto closest = scenarios::closest_names(path_or_name, scenarios::list_library(dirs));
      if (!closest.empty()) {
        std::cerr << "; closest:";
        for (const auto& c : closest) std::cerr << " " << c;
      }
      std::cerr << "\n(`ebsmock scenarios` lists the library)\n";
      return std::nullopt;
    }
  }
  try {
    return scenarios::load_scenario_file(path);
  } catch (const scenarios::ScenarioError& e) {
    for (const auto& d : e.diagnostics()) std::cerr << d.to_string() << "\n";
    return std::nullopt;
  }
}

bool worth_a_startup_arena(const std::string& path_or_name) {
  constexpr std::uintmax_t kLargeWorldBytes = 256 * 1024;
  std::error_code ec;
  const std::uintmax_t size = std::filesystem::file_size(path_or_name, ec);
  return !ec && size >= kLargeWorldBytes;
}

CLI::Option* add_scenario_option(CLI::App* command, std::string& path_or_name) {
  return command->add_option("--scenario", path_or_name,
                             "Scenario: a TOML file, or a library name such as flaky-5xx (ebsmock scenarios lists "
                             "them); default: the built-in world");
}

}  // namespace ebsmock::cli
