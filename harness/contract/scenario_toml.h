// scenario_toml.h: writes a loaded Scenario back as scenario TOML that the loader reads to
// the same world ([scenario], [[credential]], [clock], [auth], [timing], [contract],
// [errors], [[pair]]). [[fault]] rules and [[replay]] steps are not written: the harness
// pushes worlds without faults (it injects its own) and appends replay steps itself.
// Pure functions; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "scenarios/loader/scenario.h"

namespace ebsmock::harness {

// A TOML basic string, quoted and escaped (UTF-8 passes through).
std::string toml_quoted(std::string_view value);

// `replay_mode` is written into [scenario] when set (the caller appends [[replay]]).
std::string scenario_to_toml(const scenarios::Scenario& scenario,
                             std::optional<scenarios::ReplayMode> replay_mode = std::nullopt);

}  // namespace ebsmock::harness
