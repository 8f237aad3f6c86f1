// scenario.h: a loaded scenario file as plain, validated structs: the world to set up
// (credentials, pairs, timing, clock, auth, contract policy). Produced by
// scenario_loader.h, consumed by the mock. Value types; thread-safe to read.
#pragma once

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "contracts/pair.h"
#include "contracts/policy.h"
#include "contracts/time.h"
#include "scenarios/loader/fault_spec.h"

namespace ebsmock::scenarios {

struct Credential {
  std::string access_key_id;
  std::string access_key_secret;
  friend bool operator==(const Credential&, const Credential&) = default;
};

enum class ClockMode { Real, Virtual };

struct ClockSpec {
  ClockMode mode = ClockMode::Real;
  // Where a virtual clock starts. Default: 2024-01-01T00:00:00Z, so virtual runs are
  // reproducible byte for byte.
  contracts::Instant start = contracts::Instant{std::chrono::seconds(1704067200)};
  friend bool operator==(const ClockSpec&, const ClockSpec&) = default;
};

struct AuthSpec {
  bool verify_signatures = true;
  friend bool operator==(const AuthSpec&, const AuthSpec&) = default;
};

struct Scenario {
  // [scenario]
  std::string name = "default";
  std::string description;
  std::optional<std::uint64_t> seed;

  std::vector<Credential> credentials;  // [[credential]]
  std::vector<contracts::Pair> pairs;   // [[pair]]
  contracts::Policy policy;             // [timing], [contract], [errors]
  ClockSpec clock;                      // [clock]
  AuthSpec auth;                        // [auth]
  std::vector<FaultSpec> faults;        // [[fault]]
  ReplaySpec replay;                    // [[replay]] steps; mode from [scenario] replay_mode

  std::string source_path;  // file it came from, "<default>" for the built-in world

  // Field by field, positions included (FaultSpec::source, ReplayStep::source).
  friend bool operator==(const Scenario&, const Scenario&) = default;
};

// One problem found in a scenario file, pointing at the offending text.
struct Diagnostic {
  std::string path;
  int line = 0;    // 1-based; 0 when unknown
  int column = 0;  // 1-based; 0 when unknown
  std::string message;

  // "path:line:col: message"
  std::string to_string() const;
};

// Thrown by the loader with every problem found (not only the first).
class ScenarioError : public std::runtime_error {
 public:
  explicit ScenarioError(std::vector<Diagnostic> diagnostics);
  const std::vector<Diagnostic>& diagnostics() const { return diagnostics_; }

 private:
  std::vector<Diagnostic> diagnostics_;
};

}  // namespace ebsmock::scenarios
