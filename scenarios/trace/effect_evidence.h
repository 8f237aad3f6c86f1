// effect_evidence.h: what the rest of a trace says about a call whose outcome the client
// could not know (a 5xx or a lost connection on a mutating call): did it take effect?
// A trace records answers, not effects, so the importer never assumes; this finds the
// evidence a support engineer would look for and says where it is:
//  - Observed: the first later Describe shows the pair in a status other than the one it
//    had before the call (a Describe before it, or the --base world); the status before
//    was not a transient one (which time alone moves on); no call in between is known to
//    have changed the pair; and by the documented transitions this call can make that
//    change while no other call in between whose outcome is unknown can. Strong enough
//    to apply the call (`import-trace --infer-commits`).
//  - RetryRefused: the same call for the same pair later got OperationDenied.InvalidStatus,
//    so it probably went through; a hint only (another client may have moved the pair).
// Pure functions; thread-safe.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "scenarios/loader/scenario.h"
#include "scenarios/trace/trace_import.h"

namespace ebsmock::scenarios {

struct EffectEvidence {
  enum class Kind { Observed, RetryRefused };
  Kind kind = Kind::Observed;
  std::size_t step = 0;  // index of the request that shows it
  std::string text;      // one line for the step's comment
};

// Evidence about requests[i] (nullopt when there is none, or requests[i] names no pair).
// `base` is the world the replay starts from, or nullptr.
std::optional<EffectEvidence> effect_evidence(const std::vector<TraceRequest>& requests, std::size_t i,
                                              const Scenario* base);

// The pair's status in a recorded DescribeDiskReplicaPairs answer (both the JSON shape of
// the V3 SDKs and the {"ReplicaPairs":{"ReplicaPair":[...]}} one); nullopt when the body
// does not show that pair.
std::optional<contracts::Status> described_status(const TraceRequest& r, const std::string& pair_id);

}  // namespace ebsmock::scenarios
