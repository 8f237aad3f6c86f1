// fault_spec.h: fault rules ([[fault]]) and replay steps ([[replay]]) as plain,
// validated structs, with the delay limits and the one delay sampler both use. The loader
// produces them; the mock's fault and replay engines execute them.
// Value types; thread-safe to read. sample_delay is as thread-safe as its generator.
#pragma once

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <numbers>
#include <optional>
#include <string>
#include <vector>

#include "contracts/status.h"
#include "contracts/time.h"
#include "contracts/wire.h"

namespace ebsmock::scenarios {

// How long to hold a request before answering. Sampled per firing from the rule's own
// seeded stream, so the same seed gives the same delays. `delay = {...}` means the same
// in [[fault]] and [[replay]]: one reader (fault_reader.cpp) and one sampler (below).
struct DelaySpec {
  enum class Kind { None, Fixed, Uniform, LogNormal };
  Kind kind = Kind::None;
  contracts::Duration fixed{0};        // Fixed
  contracts::Duration low{0}, high{0}; // Uniform: [low, high], both included
  contracts::Duration median{0};       // LogNormal
  double sigma = 0;                    // LogNormal
  friend bool operator==(const DelaySpec&, const DelaySpec&) = default;
};

// The longest any delay holds a request: a fixed delay, a uniform bound and a log-normal
// median must not exceed it (the loader says so at the value), and a log-normal draw is
// capped at it. Delays are real time even on a virtual clock, every SDK has given up
// long before an hour, and a request held longer is stuck, not slow (transport = "hang"
// says that).
inline constexpr contracts::Duration kMaxDelay = std::chrono::hours(1);
// The widest log-normal the loader accepts. At sigma 3, 1 draw in 100 is already over
// 1000 times the median; wider spreads only pile up at 0 and at kMaxDelay.
inline constexpr double kMaxLogNormalSigma = 3.0;

// One draw of `spec`. R is any generator with `std::uint64_t below(std::uint64_t n)`
// (uniform in [0, n)) and `double unit()` (uniform in [0, 1)), such as the mock's seeded
// Random. Draws: none for None and Fixed, one below() for Uniform, two unit() for
// LogNormal (none when the median is 0), so a stream's later values do not depend on
// anything else. The result is always in [0, kMaxDelay]. A spec the loader would refuse
// (reversed or out-of-range bounds, a median <= 0, a non-finite sigma) still gets a
// value in that range: code that builds specs by hand cannot make the server overflow.
// Thread-safety: as safe as `random`.
template <class R>
contracts::Duration sample_delay(const DelaySpec& spec, R& random) {
  using contracts::Duration;
  auto clamp = [](Duration d) { return std::clamp(d, Duration{0}, kMaxDelay); };
  switch (spec.kind) {
    case DelaySpec::Kind::None: return Duration{0};
    case DelaySpec::Kind::Fixed: return clamp(spec.fixed);
    case DelaySpec::Kind::Uniform: {
      const Duration lo = clamp(std::min(spec.low, spec.high));
      const Duration hi = clamp(std::max(spec.low, spec.high));
      const auto span = static_cast<std::uint64_t>((hi - lo).count()) + 1;
      return lo + Duration{static_cast<std::int64_t>(random.below(span))};
    }
    case DelaySpec::Kind::LogNormal: {
      if (spec.median.count() <= 0) return Duration{0};
      // Box-Muller; 1 - unit() is in (0, 1], so the log is finite.
      const double u1 = 1.0 - random.unit();
      const double u2 = random.unit();
      const double z = std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * std::numbers::pi * u2);
      const double ms = static_cast<double>(clamp(spec.median).count()) * std::exp(spec.sigma * z);
      const double cap_ms = static_cast<double>(kMaxDelay.count());
      // Also catches inf and nan, which must not reach the integer conversion.
      if (!(ms < cap_ms)) return kMaxDelay;
      return Duration{std::llround(ms)};
    }
  }
  return Duration{0};
}

// Whether the operation's effect is applied before the fault's answer is sent.
enum class Commit {
  Before,  // default: the request fails without effect
  After,   // the effect is applied, then the error/transport fault is returned (ambiguous failure)
};

// Faults below HTTP. Html and MalformedJson are HTTP answers a client cannot parse.
enum class Transport {
  None,
  Reset,          // TCP RST, no response
  Close,          // FIN, no response
  Hang,           // no answer until the client gives up (bounded by hang_cap)
  Html,           // 504 with a gateway HTML page
  MalformedJson,  // 200 with a body that is not JSON
  Truncate,       // the real answer's headers, then half of its body, then close
};

std::string_view to_string(Transport t);
std::string_view to_string(Commit c);
// The transport a scenario names ("reset", ..., "truncate"); nullopt for anything else,
// including "none", which is never written.
std::optional<Transport> parse_transport(std::string_view name);
// "before" / "after"; nullopt for anything else.
std::optional<Commit> parse_commit(std::string_view name);

// `hold_until`: park the request at the pipeline's wait point (or inside a planted race's
// window, mock/race_window.h) until a request that names `call_id` (x-ebsmock-call-id) or
// carries `client_token` has been journaled, or until `budget` passes on the wait clock.
// Exactly one of call_id and client_token is set.
inline constexpr contracts::Duration kDefaultHoldBudget = std::chrono::milliseconds(2000);
struct HoldSpec {
  std::string call_id;
  std::string client_token;
  contracts::Duration budget = kDefaultHoldBudget;  // at most kMaxDelay
  friend bool operator==(const HoldSpec&, const HoldSpec&) = default;
};

struct FaultSpec {
  // Stable id used by the admin API and the journal ("f1", "f2", ... when not given).
  std::string id;
  std::string description;

  // --- which requests match (all given conditions must hold) ---
  std::vector<std::string> actions;  // empty = any action ("*")
  std::string pair;                  // ReplicaPairId; empty = any
  // The group the request targets: ReplicaGroupId (group operations, Add/Remove pair) or
  // GroupId (group drills); empty = any.
  std::string group;
  std::string region;                // RegionId; empty = any
  std::string access_key_id;         // empty = any
  // Statuses of what the request targets; empty = any. A pair/group status is compared
  // with the pair or group of its first target parameter (contracts::target_params:
  // ReplicaPairId/PairId, ReplicaGroupId/GroupId), a drill status with the drill its
  // DrillId names. A request with no such resource does not match.
  std::vector<contracts::Status> when_status;
  std::string client_token;          // "" = any, "reused" = retries of a seen token, else literal
  std::string call_id;               // the request's x-ebsmock-call-id, exactly; "" = any

  // --- which of the matching calls fire (counted per rule, 1-based) ---
  std::vector<int> calls;        // only these call numbers; empty = all
  int after = 0;                 // only calls after the first `after`
  std::optional<int> times;      // fire at most this many times
  double probability = 1.0;      // seeded coin flip per eligible call

  // --- what it does, in this order: delay, hold, commit, answer ---
  DelaySpec delay;
  std::optional<HoldSpec> hold;  // hold_until
  Commit commit = Commit::Before;
  std::string error;                  // catalogue code (or any code when status is given)
  std::optional<int> status;          // overrides the code's documented HTTP status
  std::string message;                // overrides the code's documented message
  std::optional<int> retry_after_ms;  // sent as x-acs-retry-after
  Transport transport = Transport::None;
  contracts::Duration hang_cap{std::chrono::seconds(30)};

  // Where the rule was written, for diagnostics ("" for rules added at run time as JSON).
  std::string source;  // "file:line:col"
  // True when no id was written and `id` is the loader's positional default ("f<N>"), so
  // a rule added at run time can be renumbered instead of clashing with a file's "f1".
  bool id_is_default = false;

  friend bool operator==(const FaultSpec&, const FaultSpec&) = default;
};

// One step of a recorded trace: the request expected next and the exact answer.
struct ReplayStep {
  std::string action;
  // Parameters the request must carry with these exact decoded values ("*" = present).
  contracts::Params params;
  int status = 200;
  std::string code;                 // error code; empty for a success
  std::string message;
  std::optional<std::string> body;  // exact JSON body; absent = built from the model/code
  contracts::HeaderList headers;    // extra response headers
  DelaySpec delay;
  Commit commit = Commit::Before;   // for a 2xx without body: the model always executes
  Transport transport = Transport::None;
  std::string source;  // "file:line:col" of the [[replay]] table

  friend bool operator==(const ReplayStep&, const ReplayStep&) = default;
};

enum class ReplayMode {
  Strict,   // a request that is not the next step gets an error and is recorded as a mismatch
  Lenient,  // such a request falls through to the normal model
};

struct ReplaySpec {
  ReplayMode mode = ReplayMode::Strict;
  std::vector<ReplayStep> steps;
  friend bool operator==(const ReplaySpec&, const ReplaySpec&) = default;
};

}  // namespace ebsmock::scenarios
