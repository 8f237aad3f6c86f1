// fault_rules_text.h: parses fault rules sent at run time (POST /__admin/faults): TOML
// ([[fault]] tables, or one rule's keys at the top level) or JSON (an object or an array
// of objects with the same keys). JSON is converted to TOML and goes through the same
// validating loader, so both forms accept exactly the same rules. Thread-safe (pure).
#pragma once

#include <string_view>
#include <vector>

#include "scenarios/loader/fault_spec.h"

namespace ebsmock::scenarios {

// Throws ScenarioError listing every problem.
std::vector<FaultSpec> parse_fault_rules(std::string_view text, bool is_json,
                                         std::string_view source_name);

}  // namespace ebsmock::scenarios
