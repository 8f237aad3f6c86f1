// diagram.h: renders the state machines of transitions.h as Graphviz DOT or Mermaid, so
// the picture is generated from the model and can never drift from it: the pair machine
// (the default, unchanged output), the group machine, or the drill machine.
// Pure; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace ebsmock::contracts {

enum class Machine { Pair, Group, Drill };

// "pair", "group", "drill" (what a CLI flag would take).
std::string_view to_string(Machine m);
std::optional<Machine> parse_machine(std::string_view text);

std::string state_machine_dot(Machine machine = Machine::Pair);
std::string state_machine_mermaid(Machine machine = Machine::Pair);

}  // namespace ebsmock::contracts
