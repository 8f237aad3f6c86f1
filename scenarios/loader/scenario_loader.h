// scenario_loader.h: turns a scenario TOML file into a validated Scenario (scenario.h).
// Every problem is reported with file:line:col, all of them at once, not only the first.
// The file format is documented in scenarios/README.md and by example in
// scenarios/default.toml and the other scenarios/*.toml.
// Thread-safety: all functions are reentrant (no shared mutable state); default_scenario()
// is initialised once, thread-safely, and is immutable afterwards.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "scenarios/loader/scenario.h"

namespace ebsmock::scenarios {

// Larger inputs are rejected unread: a scenario is hand-written, and a runaway generator
// or a wrong path (a disk image) should not exhaust memory.
inline constexpr std::size_t kMaxScenarioBytes = 16u * 1024 * 1024;

// Reads and validates a scenario file. Throws ScenarioError listing every problem,
// including "path: cannot open: <reason>".
Scenario load_scenario_file(const std::string& path);

// Same for text already in memory; `source_path` is used in diagnostics and stored in
// Scenario::source_path.
Scenario load_scenario_string(std::string_view toml_text, std::string_view source_path);

// Every problem in `text` (empty when it would load). Never throws.
std::vector<Diagnostic> lint_scenario_string(std::string_view text, std::string_view path);

// Findings `ebsmock lint` reports on top of the load errors.
struct LintOptions {
  // A [[fault]] whose `pair` names no [[pair]] of the file: usually a typo that makes the
  // rule never fire, but legitimate for a pair created at run time.
  bool undeclared_pairs = false;
};

// Load errors plus the findings `options` turns on, in source order. Never throws.
std::vector<Diagnostic> lint_scenario_string(std::string_view text, std::string_view path,
                                             const LintOptions& options);
// Same for a file; a file that cannot be read is one finding ("path: cannot open: ...").
std::vector<Diagnostic> lint_scenario_file(const std::string& path, const LintOptions& options);

// The built-in world: scenarios/default.toml, embedded at build time.
// source_path is "<default>".
const Scenario& default_scenario();

}  // namespace ebsmock::scenarios
