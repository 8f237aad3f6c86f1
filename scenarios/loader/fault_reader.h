// fault_reader.h: reads [[fault]] rules and [[replay]] steps into FaultSpec / ReplayStep
// (fault_spec.h) for the scenario loader, reporting every problem, with its position,
// through the load's DiagnosticSink. Internal to scenarios/loader.
// Not thread-safe: one FaultReadState per load.
#pragma once

#include <array>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <toml++/toml.h>

#include "contracts/error_catalogue.h"
#include "scenarios/loader/fault_spec.h"
#include "scenarios/loader/toml_reader.h"

namespace ebsmock::scenarios::internal {

inline constexpr std::array<std::string_view, 23> kFaultKeys = {
    // identity
    "id", "description",
    // which requests match
    "action", "pair", "group", "region", "access_key_id", "when_status", "client_token",
    "call_id",
    // which matching calls fire
    "calls", "after", "times", "probability",
    // what it does
    "delay", "hold_until", "commit", "error", "status", "message", "retry_after_ms", "transport", "hang_cap",
};

inline constexpr std::array<std::string_view, 10> kReplayKeys = {
    "action", "params", "status", "code", "message", "body", "headers", "delay", "commit",
    "transport",
};

// A fault's `pair` or `group`, kept for the undeclared-resource lint, which can only run
// once every [[pair]] and [[group]] of the file has been read.
struct IdReference {
  std::string id;
  toml::source_region where;
};

// What reading faults and replay steps needs beyond one table.
struct FaultReadState {
  DiagnosticSink& sink;
  // The catalogue with the file's [errors] overrides ([errors] is read first), so a
  // replay step's default status follows what the file says its region returns.
  const contracts::ErrorCatalogue& errors;
  // The whole document, to point a JSON error in a replay body at its exact position.
  std::string_view text;
  int fault_count = 0;  // [[fault]] tables seen so far, for the default ids "f<N>"
  // Line where each fault id (given or default) was claimed, to point duplicates back.
  std::map<std::string, int, std::less<>> fault_id_lines;
  std::vector<IdReference> pair_references;
  std::vector<IdReference> group_references;
};

enum class Star { Allowed, Forbidden };

// `key` as one name or a non-empty list of distinct names out of `candidates` (a near
// miss gets a suggestion). An empty result means "any" (absent, or "*" where allowed).
// nullopt when the value has a problem (reported). `empty_hint` ends the message for an
// empty list; by default "leave it out to match any <noun>".
std::optional<std::vector<std::string>> read_names(TableReader& r, std::string_view key,
                                                   std::string_view noun,
                                                   std::span<const std::string_view> candidates,
                                                   Star star, std::string_view empty_hint = {});

// One [[fault]] table; appends the rule to `out` only when it has no problem.
void read_fault(const toml::table& t, FaultReadState& st, std::vector<FaultSpec>& out);

// One [[replay]] table; appends the step to `out` only when it has no problem.
void read_replay_step(const toml::table& t, FaultReadState& st, std::vector<ReplayStep>& out);

}  // namespace ebsmock::scenarios::internal
