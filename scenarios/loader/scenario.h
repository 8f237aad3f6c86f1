// scenario.h: a loaded scenario file as plain, validated structs: the world to set up
// (credentials, pairs, groups, drills, timing, clock, auth, contract policy) and the
// system events scheduled in it. Produced by scenario_loader.h, consumed by the mock.
// Value types; thread-safe to read.
#pragma once

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "contracts/drill.h"
#include "contracts/group.h"
#include "contracts/operation.h"
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

// [[event]]: a status change the service makes on its own at a set time, as when a disk
// is deleted or a subscription expires under a pair ("invalid"), or a drill disk cannot
// be deleted ("clear_failed"). The loader has checked that the target is declared in the
// same file ([[pair]], [[group]] or [[drill]]) and that `status` is one of its kind
// (a pair or group status for pairs and groups, a drill status for drills).
//
// Semantics the mock implements: when the world clock first reaches world start + `at`
// (the start of a virtual clock, or the moment a real-clock world is created or reset),
// the event is applied through World::force_status (pair), force_group_status (group) or
// force_drill_status (drill), after the time-driven changes due at or before that instant,
// and journaled as progress. A member pair forced `invalid` makes its group `invalid`
// (force_status's group_changes). An event whose target no longer exists then (deleted
// and vanished, a cleared drill) does nothing. Each event fires once; a reset re-arms all.
struct ScheduledEvent {
  contracts::Duration at{0};                            // after the world's start; >= 0
  contracts::ResourceKind kind = contracts::ResourceKind::Pair;  // what target_id names
  std::string target_id;                                // "pair-...", "pg-...", "drill-..."
  contracts::Status status = contracts::Status::Invalid;  // the status it is forced into
  std::string description;                              // free text, for reports
  std::string source;  // "file:line:col" of the [[event]] table, like FaultSpec::source

  friend bool operator==(const ScheduledEvent&, const ScheduledEvent&) = default;
};

// [expect]: what a drill on this scenario must show, judged PASS / FAIL / INCONCLUSIVE
// over its journal (mock/drill_verdict.h) by the dashboard and `serve --until-verdict`.
// A field left unset expects nothing.
struct DrillExpectations {
  // S1 as far as the journal shows it: per resource, every transition starts where the
  // one before ended.
  bool consistent_transitions = false;
  // At most this share (percent) of the requests the model answered (no fault fired)
  // may be 5xx or get no answer.
  std::optional<std::int64_t> max_error_percent;
  // Every rule with commit = "after" (an ambiguous outcome) fires at least once.
  bool ambiguous_rules_fire = false;
  // These rules fire at least once.
  std::vector<std::string> rules_fire;
  // Fewer answered requests than this: INCONCLUSIVE.
  std::int64_t min_requests = 1;
  // `serve --until-verdict` ends the drill after this many answered requests, or this
  // much wall time, whichever comes first (neither: when the server is stopped).
  std::optional<std::int64_t> requests;
  std::optional<contracts::Duration> duration;
  friend bool operator==(const DrillExpectations&, const DrillExpectations&) = default;
};

struct Scenario {
  // [scenario]
  std::string name = "default";
  std::string description;
  std::optional<std::uint64_t> seed;

  std::vector<Credential> credentials;  // [[credential]]
  std::vector<contracts::Pair> pairs;   // [[pair]]
  // [[group]], in file order. Set up the world with World::add_pair for every pair, then
  // add_group for every group, then add_drill for every drill, all at the world's start:
  // the loader validated the file by doing exactly that. Zones, Primary*/Standby* and
  // create_time are filled in (from the members or the regions, and the clock's start);
  // healthy_status and the schedule fields are left to World. Members listed here also
  // carry their group's id, name, RPO, EnableRtc and LastRecoverPoint in `pairs`.
  std::vector<contracts::Group> groups;
  // [[drill]], in file order. recover_point 0 = the target's LastRecoverPoint and
  // start_at 0 = the world's start (World::add_drill fills both); `disks` is left empty
  // (World derives one drill disk per drilled pair); `due` unset.
  std::vector<contracts::Drill> drills;
  // [[event]], sorted by `at` (events with the same `at` in file order).
  std::vector<ScheduledEvent> events;
  contracts::Policy policy;             // [timing], [contract], [errors]
  ClockSpec clock;                      // [clock]
  AuthSpec auth;                        // [auth]
  std::vector<FaultSpec> faults;        // [[fault]]
  ReplaySpec replay;                    // [[replay]] steps; mode from [scenario] replay_mode
  std::optional<DrillExpectations> expect;  // [expect]

  std::string source_path;  // file it came from, "<default>" for the built-in world

  // Field by field, positions included (FaultSpec::source, ReplayStep::source,
  // ScheduledEvent::source).
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
