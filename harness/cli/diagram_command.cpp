// diagram_command.cpp: `ebsmock diagram [--format dot|mermaid]` prints the state machine
// generated from contracts/, so the picture can never drift from the code.
#include <iostream>

#include "contracts/diagram.h"
#include "harness/cli/commands.h"

namespace ebsmock::cli {

void add_diagram_command(CLI::App& app, int& exit_code) {
  auto* cmd = app.add_subcommand("diagram", "Print the pair state machine (Graphviz DOT or Mermaid)");
  auto format = std::make_shared<std::string>("dot");
  cmd->add_option("--format", *format, "dot or mermaid")->check(CLI::IsMember({"dot", "mermaid"}));
  cmd->callback([format, &exit_code] {
    std::cout << (*format == "dot" ? contracts::state_machine_dot() : contracts::state_machine_mermaid());
    exit_code = 0;
  });
}

}  // namespace ebsmock::cli
