// server_mutants.cpp: the planted server bugs, as decorators of the pipeline's seams.
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
      {ServerMutant::PartialGroupFailover, "partial-group-failover",
       "FailoverDiskReplicaGroup leaves the group's last member pair behind"},
      {ServerMutant::AddPairWhileNormal, "add-pair-while-normal",
       "AddDiskReplicaPair is accepted while the group is normal"},
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

namespace {

// Runs the documented model, then bends its outcome: a mutant differs from the correct
// server in exactly the named way and nowhere else.
class MutantModel : public Model {
 public:
  contracts::Outcome execute(contracts::World& world, contracts::Operation op, const contracts::Params& params,
                             contracts::Instant now, const contracts::NewIds& ids, bool dry_run) final {
    contracts::Outcome outcome = inner_.execute(world, op, params, now, ids, dry_run);
    bend(outcome, world, op, params, now, dry_run);
    return outcome;
  }

 protected:
  virtual void bend(contracts::Outcome& outcome, contracts::World& world, contracts::Operation op,
                    const contracts::Params& params, contracts::Instant now, bool dry_run) = 0;

 private:
  WorldModel inner_;
};

class StopFromStopped final : public MutantModel {
  void bend(contracts::Outcome& outcome, contracts::World& world, contracts::Operation op,
            const contracts::Params& params, contracts::Instant now, bool) override {
    // The model refused the Stop after its existence, region and site checks; only the
    // status check is bypassed, so unknown pairs still answer NoSuchResource.
    if (op != contracts::Operation::StopDiskReplicaPair || !outcome.error ||
        outcome.error->code != codes::kInvalidStatus) {
      return;
    }
    auto id = params.find("ReplicaPairId");
    const contracts::Pair* pair = id == params.end() ? nullptr : world.find(id->second);
    if (!pair || pair->status != contracts::Status::Stopped) return;
    // force_status starts the stopping -> stopped timer like a real Stop would.
    auto transition = world.force_status(pair->id, contracts::Status::Stopping, now);
    outcome = contracts::Outcome{};
    outcome.transition = transition;
  }
};

class WrongErrorCode final : public MutantModel {
  void bend(contracts::Outcome& outcome, contracts::World& world, contracts::Operation, const contracts::Params&,
            contracts::Instant, bool) override {
    if (outcome.error && outcome.error->code == codes::kInvalidStatus) {
      contracts::ApiError wrong = world.policy().errors.make(codes::kOperationDenied);
      wrong.http_status = 400;
      outcome.error = wrong;
    }
  }
};

class SkipTransition final : public MutantModel {
  void bend(contracts::Outcome& outcome, contracts::World& world, contracts::Operation, const contracts::Params&,
            contracts::Instant now, bool) override {
    if (!outcome.ok() || !outcome.transition || !contracts::is_transient(outcome.transition->to)) return;
    // Every natural successor is a final (non-transient) status, so one step suffices.
    if (auto next = contracts::natural_successor(outcome.transition->to)) {
      world.force_status(outcome.transition->id, next->to, now);
      outcome.transition->to = next->to;
    }
  }
};

class StaleDescribe final : public MutantModel {
  void bend(contracts::Outcome& outcome, contracts::World&, contracts::Operation op, const contracts::Params& params,
            contracts::Instant, bool dry_run) override {
    if (op != contracts::Operation::DescribeDiskReplicaPairs || !outcome.ok()) return;
    // Keyed like ClientToken idempotence: same API parameters, protocol parameters
    // (signature, nonce, timestamp) ignored, so each poll of a waiter hits the cache.
    std::string key = contracts::request_fingerprint(op, params);
    auto it = answers_.find(key);
    if (it != answers_.end()) {
      outcome.body = it->second;
    } else if (!dry_run && answers_.size() < kMaxStaleAnswers) {
      // Only answers that really happened are learnt, not a dry run's.
      answers_.emplace(std::move(key), outcome.body);
    }
  }
  // request_fingerprint -> the Describe body first answered for it.
  std::map<std::string, nlohmann::json> answers_;
};

class PartialGroupFailover final : public MutantModel {
  void bend(contracts::Outcome& outcome, contracts::World& world, contracts::Operation op, const contracts::Params&,
            contracts::Instant now, bool) override {
    if (op != contracts::Operation::FailoverDiskReplicaGroup || !outcome.ok() || outcome.member_transitions.empty()) {
      return;
    }
    // The last member goes back where it was; the journal shows only the members moved.
    const contracts::Transition behind = outcome.member_transitions.back();
    if (behind.from) world.force_status(behind.id, *behind.from, now);
    outcome.member_transitions.pop_back();
  }
};

class AddPairWhileNormal final : public MutantModel {
  void bend(contracts::Outcome& outcome, contracts::World& world, contracts::Operation op,
            const contracts::Params& params, contracts::Instant now, bool) override {
    if (op != contracts::Operation::AddDiskReplicaPair || !outcome.error ||
        outcome.error->code != codes::kGroupStatusCannotAddPair) {
      return;
    }
    auto group_id = params.find("ReplicaGroupId");
    auto pair_id = params.find("ReplicaPairId");
    const contracts::Group* group = group_id == params.end() ? nullptr : world.find_group(group_id->second);
    const contracts::Pair* pair = pair_id == params.end() ? nullptr : world.find(pair_id->second);
    // Only a settled normal group (nothing pending, no invalid member), so that putting
    // it back below restores exactly what it was; only a pair Add could take at all.
    if (!group || !pair || group->status != contracts::Status::Normal || group->pending || group->next_cycle ||
        group->healthy_status ||
        (pair->status != contracts::Status::Created && pair->status != contracts::Status::Stopped)) {
      return;
    }
    // The status check is skipped: with the group briefly in the pair's status, the
    // documented Add runs its other checks (direction, limits) and joins the pair; then
    // the group, the new member with it, is normal again.
    const std::string gid = group->id;
    world.force_group_status(gid, pair->status, now);
    outcome = world.execute(op, params, now);
    world.force_group_status(gid, contracts::Status::Normal, now);
  }
};

// Every request executes: no replay, no mismatch, no in-flight refusal. The journal says
// "executed", as a buggy server would believe, so catching it must come from behaviour
// (a retry executing twice), not from the journal confessing.
class IgnoreClientToken final : public TokenPolicy {
 public:
  contracts::TokenDecision begin(const TokenStore::Key&, const std::string&, contracts::Instant,
                                 contracts::Duration) override {
    return contracts::TokenDecision::Execute;
  }
  void complete(const TokenStore::Key&, int, std::string, std::string) override {}
  void abandon(const TokenStore::Key&) override {}
  const contracts::TokenRecord* find(const TokenStore::Key&) const override { return nullptr; }
};

}  // namespace

std::unique_ptr<Model> make_model(ServerMutant mutant) {
  switch (mutant) {
    case ServerMutant::StopFromStopped: return std::make_unique<StopFromStopped>();
    case ServerMutant::WrongErrorCode: return std::make_unique<WrongErrorCode>();
    case ServerMutant::SkipTransition: return std::make_unique<SkipTransition>();
    case ServerMutant::StaleDescribe: return std::make_unique<StaleDescribe>();
    case ServerMutant::PartialGroupFailover: return std::make_unique<PartialGroupFailover>();
    case ServerMutant::AddPairWhileNormal: return std::make_unique<AddPairWhileNormal>();
    case ServerMutant::None:
    case ServerMutant::IgnoreClientToken:  // acts on the ClientToken step
      break;
  }
  return std::make_unique<WorldModel>();
}

std::unique_ptr<TokenPolicy> make_token_policy(ServerMutant mutant, TokenStore& store) {
  if (mutant == ServerMutant::IgnoreClientToken) return std::make_unique<IgnoreClientToken>();
  return std::make_unique<StoreTokenPolicy>(store);
}

}  // namespace ebsmock::mock
