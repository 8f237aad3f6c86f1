// server_mutants.cpp: the planted server bugs. Each one is written as "run the correct
// model, then bend its outcome", so a mutant differs from the correct server in exactly
// the named way and nowhere else.
#include "mock/server_mutants.h"

#include "contracts/idempotence.h"
#include "contracts/status.h"
#include "contracts/transitions.h"

namespace ebsmock::mock {
namespace codes = contracts::codes;

namespace {
// Bounds the stale-describe cache; past it, new parameter sets are answered fresh.
constexpr std::size_t kMaxStaleAnswers = 10'000;
}  // namespace

const std::vector<ServerMutantInfo>& server_mutants() {
  static const std::vector<ServerMutantInfo> kMutants = {
      {ServerMutant::StopFromStopped, "stop-from-stopped",
       "StopDiskReplicaPair is accepted in stopped (stopping -> stopped again)"},
      {ServerMutant::IgnoreClientToken, "ignore-client-token",
       "ClientToken is ignored: every request executes, no replay, no mismatch"},
      {ServerMutant::WrongErrorCode, "wrong-error-code",
       "OperationDenied.InvalidStatus is answered as OperationDenied with HTTP 400"},
      {ServerMutant::SkipTransition, "skip-transition",
       "transient statuses are skipped: calls move the pair straight to the final status"},
      {ServerMutant::StaleDescribe, "stale-describe",
       "DescribeDiskReplicaPairs repeats its earlier answer for the same parameters"},
  };
  return kMutants;
}

std::vector<std::string> server_mutant_names() {
  std::vector<std::string> out;
  for (const auto& m : server_mutants()) out.emplace_back(m.name);
  return out;
}

std::string_view to_string(ServerMutant mutant) {
  for (const auto& m : server_mutants()) {
    if (m.mutant == mutant) return m.name;
  }
  return "none";
}

std::optional<ServerMutant> parse_server_mutant(std::string_view name) {
  if (name == "none") return ServerMutant::None;
  for (const auto& m : server_mutants()) {
    if (m.name == name) return m.mutant;
  }
  return std::nullopt;
}

contracts::Outcome execute_with_mutant(ServerMutant mutant, ServerMutantState& state,
                                       contracts::World& world, contracts::Operation op,
                                       const contracts::Params& params, contracts::Instant now,
                                       const contracts::NewIds& ids, bool remember) {
  contracts::Outcome outcome = world.execute(op, params, now, ids);
  switch (mutant) {
    case ServerMutant::None:
    case ServerMutant::IgnoreClientToken:  // acts in the Service's ClientToken step
      break;

    case ServerMutant::StopFromStopped: {
      // The model refused the Stop after its existence, region and site checks; only the
      // status check is bypassed, so unknown pairs still answer NoSuchResource.
      if (op != contracts::Operation::StopDiskReplicaPair || !outcome.error ||
          outcome.error->code != codes::kInvalidStatus) {
        break;
      }
      auto id = params.find("ReplicaPairId");
      const contracts::Pair* pair = id == params.end() ? nullptr : world.find(id->second);
      if (!pair || pair->status != contracts::Status::Stopped) break;
      // force_status starts the stopping -> stopped timer like a real Stop would.
      auto transition = world.force_status(pair->id, contracts::Status::Stopping, now);
      outcome = contracts::Outcome{};
      outcome.transition = transition;
      break;
    }

    case ServerMutant::WrongErrorCode:
      if (outcome.error && outcome.error->code == codes::kInvalidStatus) {
        contracts::ApiError wrong = world.policy().errors.make(codes::kOperationDenied);
        wrong.http_status = 400;
        outcome.error = wrong;
      }
      break;

    case ServerMutant::SkipTransition:
      if (outcome.ok() && outcome.transition && contracts::is_transient(outcome.transition->to)) {
        // Every natural successor is a final (non-transient) status, so one step suffices.
        if (auto next = contracts::natural_successor(outcome.transition->to)) {
          world.force_status(outcome.transition->id, next->to, now);
          outcome.transition->to = next->to;
        }
      }
      break;

    case ServerMutant::StaleDescribe:
      if (op == contracts::Operation::DescribeDiskReplicaPairs && outcome.ok()) {
        // Keyed like ClientToken idempotence: same API parameters, protocol parameters
        // (signature, nonce, timestamp) ignored, so each poll of a waiter hits the cache.
        std::string key = contracts::request_fingerprint(op, params);
        auto it = state.describe_answers_.find(key);
        if (it != state.describe_answers_.end()) {
          outcome.body = it->second;
        } else if (remember && state.describe_answers_.size() < kMaxStaleAnswers) {
          state.describe_answers_.emplace(std::move(key), outcome.body);
        }
      }
      break;
  }
  return outcome;
}

}  // namespace ebsmock::mock
