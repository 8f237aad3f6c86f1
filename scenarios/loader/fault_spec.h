// fault_spec.h: fault rules ([[fault]]) and replay steps ([[replay]]) as plain,
// validated structs. The loader produces them; mock/fault_engine.h executes them.
// Value types; thread-safe to read.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "contracts/api_schema.h"
#include "contracts/signature_v3.h"
#include "contracts/status.h"
#include "contracts/time.h"

namespace ebsmock::scenarios {

// How long to hold a request before answering. Sampled per firing from the rule's own
// seeded stream, so the same seed gives the same delays.
struct DelaySpec {
  enum class Kind { None, Fixed, Uniform, LogNormal };
  Kind kind = Kind::None;
  contracts::Duration fixed{0};        // Fixed
  contracts::Duration low{0}, high{0}; // Uniform: [low, high]
  contracts::Duration median{0};       // LogNormal
  double sigma = 0;                    // LogNormal
  friend bool operator==(const DelaySpec&, const DelaySpec&) = default;
};

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

struct FaultSpec {
  // Stable id used by the admin API and the journal ("f1", "f2", ... when not given).
  std::string id;
  std::string description;

  // --- which requests match (all given conditions must hold) ---
  std::vector<std::string> actions;  // empty = any action ("*")
  std::string pair;                  // ReplicaPairId; empty = any
  std::string region;                // RegionId; empty = any
  std::string access_key_id;         // empty = any
  std::vector<contracts::Status> when_status;  // target pair's status; empty = any
  std::string client_token;          // "" = any, "reused" = retries of a seen token, else literal

  // --- which of the matching calls fire (counted per rule, 1-based) ---
  std::vector<int> calls;        // only these call numbers; empty = all
  int after = 0;                 // only calls after the first `after`
  std::optional<int> times;      // fire at most this many times
  double probability = 1.0;      // seeded coin flip per eligible call

  // --- what it does, in this order: delay, commit, answer ---
  DelaySpec delay;
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
