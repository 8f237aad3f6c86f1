// diagram.h: renders the state machine of transitions.h as Graphviz DOT or Mermaid, so
// the picture is generated from the model and can never drift from it. Pure; thread-safe.
#pragma once

#include <string>

namespace ebsmock::contracts {

std::string state_machine_dot();
std::string state_machine_mermaid();

}  // namespace ebsmock::contracts
