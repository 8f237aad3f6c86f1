// replay_engine.h: answers a scenario's [[replay]] steps in order, exactly as recorded,
// so a support engineer can reproduce a customer's error trace. Each request is compared
// with the next unconsumed step; a match consumes it and yields the recorded answer as a
// FaultDecision, anything else is a mismatch (strict: Mock.ReplayMismatch, lenient: the
// normal model answers). Not thread-safe: the Service calls it under its mutex.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "contracts/error_catalogue.h"
#include "mock/fault_decision.h"
#include "contracts/random.h"
#include "scenarios/loader/fault_spec.h"

namespace ebsmock::mock {

// The error code of a strict-mode mismatch. Deliberately outside the catalogue: it is
// the mock talking about the replay, never something the real service says.
inline constexpr std::string_view kReplayMismatchCode = "Mock.ReplayMismatch";
inline constexpr int kReplayMismatchStatus = 400;

class ReplayEngine final : public Decider {
 public:
  struct Result {
    // The answer to give; nullopt = no opinion (inactive, or a lenient mismatch).
    std::optional<FaultDecision> decision;
    bool mismatch = false;
    std::string mismatch_reason;
    int step = 0;  // 1-based step consumed, 0 if none
  };

  // One request that did not match the step expected next.
  struct Mismatch {
    int step = 0;          // 1-based step that was expected; 0 once the replay finished
    std::string expected;  // that step's action; "" once the replay finished
    std::string got;       // the request's action
    std::string reason;
  };

  // A long lenient session could mismatch forever; older records are kept, later ones
  // only counted, so memory stays bounded.
  static constexpr std::size_t kMaxRecordedMismatches = 1000;

  // `errors` supplies the default message of a step's code; it is read here only (each
  // step's error is built up front), so it need not outlive the engine. `seed` drives
  // Uniform/LogNormal delays, so the same seed gives the same delays.
  explicit ReplayEngine(scenarios::ReplaySpec spec, const contracts::ErrorCatalogue& errors,
                        std::uint64_t seed = 0);

  Result next(const CallContext& call);
  Decision decide_call(const CallContext& call) override {
    Result r = next(call);
    return {std::move(r.decision), r.mismatch ? std::move(r.mismatch_reason) : std::string()};
  }

  // No steps: every call returns {} and nothing is recorded.
  bool active() const { return !steps_.empty(); }
  // Every step has been consumed (trivially true when inactive).
  bool finished() const { return consumed_ == steps_.size(); }
  std::size_t consumed() const { return consumed_; }
  const std::vector<Mismatch>& mismatches() const { return mismatches_; }

  // {"mode","steps","consumed","finished","next","mismatches":[{step,expected,got,reason}],
  //  "mismatches_dropped"} for the admin API.
  nlohmann::json status_json() const;

 private:
  // Why `call` does not match steps_[index]; "" when it does.
  std::string compare(std::size_t index, const CallContext& call) const;
  FaultDecision decision_for(std::size_t index);
  void record(Mismatch m);

  scenarios::ReplayMode mode_;
  std::vector<scenarios::ReplayStep> steps_;
  std::vector<std::optional<contracts::ApiError>> step_errors_;  // parallel to steps_
  std::size_t consumed_ = 0;
  // Behind a pointer because SeededRandom holds a mutex: keeps the engine movable, so the
  // Service can replace it on reset/load.
  std::unique_ptr<contracts::SeededRandom> random_;
  std::vector<Mismatch> mismatches_;
  std::size_t mismatches_dropped_ = 0;
};

}  // namespace ebsmock::mock
