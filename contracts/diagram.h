// diagram.h: renders the state machines of transitions.h as Graphviz DOT or Mermaid, so
// the picture is generated from the model and can never drift from it: the pair machine
// (the default, unchanged output), the group machine, or the drill machine.
// Pure; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "contracts/operation.h"

namespace ebsmock::contracts {

// A state machine is named by the kind of resource it moves: to_string gives "pair",
// "group", "drill" (what the CLI flag takes), parse_resource_kind reads them back.
using Machine = ResourceKind;

inline std::optional<Machine> parse_machine(std::string_view text) { return parse_resource_kind(text); }

std::string state_machine_dot(Machine machine = Machine::Pair);

// The same graph as data, for drawings that are not DOT or Mermaid (the HTML report's
// coverage): nodes are the statuses plus "start" and "gone"; edge style is "call" (an
// operation, `label` names it), "auto" (the service finishing a transient status) or
// "fail" (to a documented failure status). Sorted, one edge per (from, to, label).
struct DiagramEdge {
  std::string from, to, label, style;
};
std::vector<std::string> state_machine_nodes(Machine machine);
std::vector<DiagramEdge> state_machine_edges(Machine machine);
std::string state_machine_mermaid(Machine machine = Machine::Pair);

}  // namespace ebsmock::contracts
