// scenarios_command.cpp: `ebsmock scenarios`: the scenario library (library_dirs()), one
// line per scenario with its description and file, for `serve --scenario NAME`. Exit 0,
// or 1 when no library folder exists. Runs once, on the main thread.
#include <iostream>

#include "harness/cli/commands.h"
#include "harness/cli/world_loading.h"
#include "scenarios/loader/scenario_library.h"

namespace ebsmock::cli {

void add_scenarios_command(CLI::App& app, int& exit_code) {
  auto* cmd = app.add_subcommand("scenarios", "List the scenario library (names for serve --scenario NAME)");
  auto paths = std::make_shared<bool>(false);
  cmd->add_flag("--paths", *paths, "Also print each scenario's file");
  cmd->callback([paths, &exit_code] {
    const auto dirs = library_dirs();
    const auto library = scenarios::list_library(dirs);
    if (library.empty()) {
      std::cerr << "ebsmock scenarios: no library scenario in";
      for (const auto& d : dirs) std::cerr << " " << d;
      std::cerr << " (set EBSMOCK_SCENARIO_PATH)\n";
      exit_code = 1;
      return;
    }
    std::size_t width = 0;
    for (const auto& e : library) width = std::max(width, e.name.size());
    for (const auto& e : library) {
      std::cout << e.name << std::string(width - e.name.size() + 2, ' ') << e.description;
      if (*paths) std::cout << "  (" << e.path << ")";
      std::cout << "\n";
    }
    exit_code = 0;
  });
}

}  // namespace ebsmock::cli
