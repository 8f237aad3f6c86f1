// diagram_command.cpp: `ebsmock diagram [--machine pair|group|drill] [--format dot|mermaid]`
// prints a state machine generated from contracts/, so the picture can never drift from
// the code. Runs once on the main thread.
#include <iostream>

#include "contracts/diagram.h"
#include "harness/cli/commands.h"

namespace ebsmock::cli {

void add_diagram_command(CLI::App& app, int& exit_code) {
  auto* cmd = app.add_subcommand("diagram", "Print a state machine: pair, group or drill (Graphviz DOT or Mermaid)");
  auto format = std::make_shared<std::string>("dot");
  auto machine = std::make_shared<std::string>(contracts::to_string(contracts::Machine::Pair));
  cmd->add_option("--format", *format, "dot or mermaid")->check(CLI::IsMember({"dot", "mermaid"}));
  cmd->add_option("--machine", *machine,
                  "pair (default), group (replication groups and their member pairs) or drill (DR drills)")
      ->check(CLI::IsMember({std::string(contracts::to_string(contracts::Machine::Pair)),
                             std::string(contracts::to_string(contracts::Machine::Group)),
                             std::string(contracts::to_string(contracts::Machine::Drill))}));
  cmd->callback([format, machine, &exit_code] {
    // IsMember has admitted only names parse_machine knows.
    const contracts::Machine m = contracts::parse_machine(*machine).value_or(contracts::Machine::Pair);
    std::cout << (*format == "dot" ? contracts::state_machine_dot(m) : contracts::state_machine_mermaid(m));
    exit_code = 0;
  });
}

}  // namespace ebsmock::cli
