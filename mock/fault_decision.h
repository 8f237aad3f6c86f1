// fault_decision.h: what the fault layer decides for one request, and what it needs to
// know about the request to decide. Produced by FaultEngine ([[fault]] rules) and
// ReplayEngine ([[replay]] steps) through the decide stage (decide.h); the wait, commit
// and render stages carry it out (render maps `transport` onto the connection action,
// so the scenario file's enum goes no further). Plain value types.
#pragma once

#include <optional>
#include <string>

#include "contracts/api_schema.h"
#include "contracts/error_catalogue.h"
#include "contracts/status.h"
#include "contracts/time.h"
#include "contracts/wire.h"
#include "scenarios/loader/fault_spec.h"

namespace ebsmock::mock {

// The facts about one authenticated, validated request that rules match on.
struct CallContext {
  std::string action;
  const contracts::Params* params = nullptr;  // decoded request parameters
  std::string pair_id;                        // the pair the call names (ReplicaPairId, PairId), "" when none
  std::string group_id;                       // the group it names (ReplicaGroupId, GroupId), "" when none
  std::string region;                         // RegionId
  std::string access_key_id;
  std::string client_token;                   // "" when none
  bool token_reused = false;                  // this token was seen on an earlier request
  std::string call_id;                        // the x-ebsmock-call-id header, "" when none
  // Status of the pair or group the call aims at first (the group of a group call or of
  // Add/Remove, the pair of a pair call or pair drill), if it exists.
  std::optional<contracts::Status> target_status;
  // Status of the drill the call names (DrillId), if it exists: what a rule's drill
  // statuses in when_status are compared with.
  std::optional<contracts::Status> drill_status;
};

struct FaultDecision {
  std::string rule_id;  // "f1", or "replay:3" for replay step 3 (1-based)
  contracts::Duration delay{0};
  std::optional<scenarios::HoldSpec> hold;  // hold_until (fault rules only)
  scenarios::Commit commit = scenarios::Commit::Before;
  // When set, the answer is this error (after the commit, if any).
  std::optional<contracts::ApiError> error;
  std::optional<int> retry_after_ms;  // x-acs-retry-after
  scenarios::Transport transport = scenarios::Transport::None;
  contracts::Duration hang_cap{std::chrono::seconds(30)};
  // Replay: an exact answer. `status` overrides the HTTP status; `body` is sent verbatim
  // (its RequestId is left as written); `headers` are added.
  std::optional<int> status;
  std::optional<std::string> body;
  contracts::HeaderList headers;
  // Replay: a 2xx step without a body runs the model and answers with its body, so pair
  // ids created during the replay line up with later steps.
  bool answer_from_model = false;

  // A delay-only decision: after the delay the request runs and answers as usual.
  bool answers_normally() const {
    return !error && transport == scenarios::Transport::None && !status && !body &&
           !answer_from_model;
  }
  // Whether the operation's effect is applied. A Truncate fault with commit "before"
  // computes the real answer on a copy of the world and discards the effect.
  bool applies_effect() const {
    return answers_normally() || answer_from_model || commit == scenarios::Commit::After;
  }
};

// What a decider concludes about one call.
struct Decision {
  std::optional<FaultDecision> fault;  // nullopt: no opinion
  std::string replay_mismatch;         // a replay script's complaint, even without a decision
};

// The one interface of the fault layer (decide.h asks the replay script, then the rules).
class Decider {
 public:
  virtual ~Decider() = default;
  virtual Decision decide_call(const CallContext& call) = 0;
};

}  // namespace ebsmock::mock
