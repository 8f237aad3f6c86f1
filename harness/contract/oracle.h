// oracle.h: the authoritative model of one contract case: a contracts::World, the
// harness's virtual time, the ClientToken records the server should keep, and the pair
// slots. It is driven by the JOURNAL, not by what the client says: for every attempt the
// mock journaled, the oracle decides from the attempt's own facts (signature verdict,
// parameters, the fault that fired and whether it committed, the token) whether the
// operation ran, runs it on the model, and compares the model's answer, transition and
// idempotence verdict with what the server journaled. Differences are S1 deviations (the
// server does not follow the model); the model then holds exactly the effects the server
// applied, whatever the client reported.
// Not thread-safe (one oracle per case).
#pragma once

#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "contracts/idempotence.h"
#include "contracts/world.h"
#include "harness/contract/admin_client.h"
#include "scenarios/loader/scenario.h"

namespace ebsmock::harness {

// What one journaled attempt was, according to the model.
struct AttemptAnalysis {
  ObservedAttempt attempt;
  bool auth_ok = false;        // signed correctly (or signatures not verified)
  bool executed = false;       // ran on the model as a new request
  bool took_effect = false;    // executed, succeeded, and mutating: the effect happened here
  bool replayed = false;       // answered from an earlier success with the same token
  bool answer_from_fault = false;  // an injected error/transport replaced the server's answer
  std::string expected_code;   // the model's answer when the answer is the server's own
  std::optional<contracts::Transition> expected_transition;
  std::vector<contracts::Transition> expected_member_transitions;
  std::vector<std::string> deviations;  // S1: where the server differs from the model
};

class Oracle {
 public:
  Oracle(const scenarios::Scenario& scenario, contracts::Instant start);

  AttemptAnalysis observe(const ObservedAttempt& attempt);
  // The clock moved to `now`: the model's own progress must match the journal's.
  std::vector<std::string> observe_progress(contracts::Instant now,
                                            const std::vector<ObservedProgress>& progress);

  const contracts::World& world() const { return world_; }
  contracts::Instant now() const { return now_; }
  const std::vector<std::string>& slots() const { return slots_; }
  // Groups and drills known to the case, in the order they appeared (as GenModel's).
  const std::vector<std::string>& group_slots() const { return group_slots_; }
  const std::vector<std::string>& drill_slots() const { return drill_slots_; }
  // Every pair and group that had a drill in this case (the closing check reads their
  // drills), in the order they first had one.
  const std::vector<std::pair<contracts::ResourceKind, std::string>>& drilled() const { return drilled_; }
  // The ReplicaPairId a slot stands for (kUnknownPairId for slots the run never got).
  std::string resolve(int slot) const;
  // Likewise for group slots (kUnknownGroupId) and drill slots (kUnknownDrillId).
  std::string resolve_group(int slot) const;
  std::string resolve_drill(int slot) const;
  // The model's answer to a read (DescribeDiskReplicaPairs / ...Progress).
  contracts::Outcome expected_read(contracts::Operation op, const contracts::Params& params);

 private:
  void note_drilled(contracts::ResourceKind kind, const std::string& id);

  contracts::World world_;
  contracts::Instant now_;
  std::vector<std::string> slots_;
  std::vector<std::string> group_slots_;
  std::vector<std::string> drill_slots_;
  std::vector<std::pair<contracts::ResourceKind, std::string>> drilled_;
  std::map<std::pair<std::string, std::string>, contracts::TokenRecord> tokens_;
};

}  // namespace ebsmock::harness
