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
      {ServerMutant::TokenCheckRace, "token-check-race",
       "M1: ClientToken lookup and insert not atomic: a concurrent same-token duplicate executes twice", true},
      {ServerMutant::StatusCheckRace, "status-check-race",
       "M2: pair status check and write not atomic: concurrent status calls both act on the old status", true},
      {ServerMutant::ModifyLostUpdate, "modify-lost-update",
       "M3: ModifyDiskReplicaPair writes back the whole record it read: a concurrent Modify is lost", true},
      {ServerMutant::TornDescribe, "torn-describe",
       "M4: DescribeDiskReplicaPairs reads PairName after the other fields: a concurrent Modify is torn", true},
      {ServerMutant::StaleBackgroundWrite, "stale-background-write",
       "M5: a clock advance writes back stale pair statuses over concurrent requests' changes", true},
      {ServerMutant::MismatchCheckRace, "mismatch-check-race",
       "M6: IdempotentParameterMismatch check not atomic with insert: same token, other params both Ok", true},
      {ServerMutant::NoLastTokenProcessing, "no-last-token-processing",
       "M7: a duplicate of an in-flight token waits, then executes again (no LastTokenProcessing)", true},
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
                             contracts::Instant now, const contracts::NewIds& ids, bool dry_run,
                             RaceWindow& window) final {
    contracts::Outcome outcome = inner_.execute(world, op, params, now, ids, dry_run, window);
    bend(outcome, world, op, params, now, dry_run);
    return outcome;
  }

 protected:
  virtual void bend(contracts::Outcome& outcome, contracts::World& world, contracts::Operation op,
                    const contracts::Params& params, contracts::Instant now, bool dry_run) = 0;

 private:
  WorldModel inner_{contracts::BodyForm::Dom};  // bend() may read and keep bodies
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
  contracts::TokenDecision begin(const TokenStore::Key&, const contracts::RequestDigest&, contracts::Instant,
                                 contracts::Duration, RaceWindow&) override {
    return contracts::TokenDecision::Execute;
  }
  void complete(const TokenStore::Key&, int, std::string_view, std::string_view) override {}
  void abandon(const TokenStore::Key&) override {}
  std::optional<TokenStore::RecordedAnswer> answer(const TokenStore::Key&,
                                                   std::optional<std::string_view>) const override {
    return std::nullopt;
  }
};

// ---------------------------------------------------------------------------------------
// Concurrency mutants (M1-M7): check, window, act. Each act first asks whether anything
// it checked changed inside the window; if not, it does what the correct server does.

std::string pair_id_of(const contracts::Params& params) { return contracts::read_param(params, "ReplicaPairId"); }

bool is_pair_status_call(contracts::Operation op) {
  using O = contracts::Operation;
  return op == O::StartDiskReplicaPair || op == O::StopDiskReplicaPair || op == O::FailoverDiskReplicaPair ||
         op == O::ReprotectDiskReplicaPair || op == O::DeleteDiskReplicaPair;
}

// M2.
class StatusCheckRace final : public Model {
 public:
  bool opens_race_window(contracts::Operation op) const override { return is_pair_status_call(op); }
  contracts::Outcome execute(contracts::World& world, contracts::Operation op, const contracts::Params& params,
                             contracts::Instant now, const contracts::NewIds& ids, bool dry_run,
                             RaceWindow& window) override {
    if (dry_run || !opens_race_window(op)) return world.execute(op, params, now, ids);
    const std::string id = pair_id_of(params);
    const contracts::World checked = world;  // what the status check read
    window.open();
    const contracts::Pair* before = checked.find(id);
    const contracts::Pair* live = world.find(id);
    if (!before || !live || before->status == live->status) return world.execute(op, params, now, ids);
    // The check passed on the old status, so the call acts: the answer and the status the
    // old status led to, written over the status another call set meanwhile.
    contracts::World stale = checked;
    contracts::Outcome outcome = stale.execute(op, params, now, ids);
    if (outcome.ok() && outcome.transition && outcome.transition->id == id) {
      const contracts::Status from = live->status;
      world.force_status(id, outcome.transition->to, now);
      outcome.transition->from = from;
    }
    return outcome;
  }
};

// M3.
class ModifyLostUpdate final : public Model {
 public:
  bool opens_race_window(contracts::Operation op) const override {
    return op == contracts::Operation::ModifyDiskReplicaPair;
  }
  contracts::Outcome execute(contracts::World& world, contracts::Operation op, const contracts::Params& params,
                             contracts::Instant now, const contracts::NewIds& ids, bool dry_run,
                             RaceWindow& window) override {
    if (dry_run || !opens_race_window(op)) return world.execute(op, params, now, ids);
    const std::string id = pair_id_of(params);
    const contracts::Pair* found = world.find(id);
    if (!found) return world.execute(op, params, now, ids);
    const contracts::Pair read = *found;
    window.open();
    const contracts::Pair* live = world.find(id);
    if (!live || *live == read) return world.execute(op, params, now, ids);
    // Writes the whole record back: every attribute the call did not give, as it was read
    // (through the documented Modify, which cannot write an attribute back to empty).
    contracts::Params whole = params;
    whole.try_emplace("PairName", read.pair_name);
    whole.try_emplace("Description", read.description);
    whole.try_emplace("RPO", std::to_string(read.rpo));
    whole.try_emplace("Bandwidth", std::to_string(read.bandwidth));
    whole.try_emplace("EnableRtc", read.enable_rtc ? "true" : "false");
    return world.execute(op, whole, now, ids);
  }
};

// M4.
class TornDescribe final : public Model {
 public:
  bool opens_race_window(contracts::Operation op) const override {
    return op == contracts::Operation::DescribeDiskReplicaPairs;
  }
  contracts::Outcome execute(contracts::World& world, contracts::Operation op, const contracts::Params& params,
                             contracts::Instant now, const contracts::NewIds& ids, bool dry_run,
                             RaceWindow& window) override {
    if (dry_run || !opens_race_window(op)) return world.execute(op, params, now, ids);
    contracts::Outcome first = world.execute(op, params, now, ids);
    window.open();
    if (!first.ok()) return first;
    const contracts::Outcome second = world.execute(op, params, now, ids);
    if (!first.body.contains("ReplicaPairs") || !second.body.contains("ReplicaPairs")) return first;
    for (auto& pair : first.body["ReplicaPairs"]) {
      for (const auto& later : second.body["ReplicaPairs"]) {
        if (later.value("ReplicaPairId", "") == pair.value("ReplicaPairId", "") && later.contains("PairName")) {
          pair["PairName"] = later["PairName"];
        }
      }
    }
    return first;
  }
};

// M5.
class StaleBackgroundWrite final : public Model {
 public:
  contracts::Outcome execute(contracts::World& world, contracts::Operation op, const contracts::Params& params,
                             contracts::Instant now, const contracts::NewIds& ids, bool, RaceWindow&) override {
    return world.execute(op, params, now, ids);
  }
  bool opens_race_window_on_advance() const override { return true; }
  std::vector<contracts::Transition> before_advance(contracts::World& world, contracts::Instant to,
                                                    RaceWindow& window) override {
    // The background writer computes the pairs' time-driven changes on its own copy...
    contracts::World copy = world;
    std::map<std::string, contracts::Pair> read;
    for (const auto& change : copy.advance(to)) {
      const auto& t = change.transition;
      if (t.kind != contracts::ResourceKind::Pair) continue;
      if (const contracts::Pair* p = world.find(t.id)) read.emplace(t.id, *p);
    }
    window.open();
    // ...and stores the copy's statuses, over whatever requests changed meanwhile. A pair
    // nobody touched is left to World::advance, exactly as the correct server does.
    std::vector<contracts::Transition> written;
    for (const auto& [id, before] : read) {
      const contracts::Pair* live = world.find(id);
      const contracts::Pair* stale = copy.find(id);
      if (!live || !stale || *live == before || live->status == stale->status) continue;
      if (auto t = world.force_status(id, stale->status, to)) written.push_back(*t);
    }
    return written;
  }
};

// M1, M6, M7: the documented rules over the store, with the lookup and the insert apart.
class RacyTokenPolicy : public TokenPolicy {
 public:
  explicit RacyTokenPolicy(TokenStore& store) : store_(store) {}
  void complete(const TokenStore::Key& key, int http_status, std::string_view body,
                std::string_view request_id) override {
    store_.complete(key, http_status, body, request_id);
  }
  void abandon(const TokenStore::Key& key) override { store_.abandon(key); }
  std::optional<TokenStore::RecordedAnswer> answer(const TokenStore::Key& key,
                                                   std::optional<std::string_view> request_id) const override {
    return store_.answer(key, request_id);
  }

 protected:
  contracts::TokenDecision lookup(const TokenStore::Key& key, const contracts::RequestDigest& fingerprint,
                                  contracts::Instant now, contracts::Duration ttl) const {
    return store_.peek(key, fingerprint, now, ttl);
  }
  // Executes whatever the store holds for the token now: the record is overwritten.
  contracts::TokenDecision execute_anyway(const TokenStore::Key& key, const contracts::RequestDigest& fingerprint,
                                          contracts::Instant now, contracts::Duration ttl) {
    store_.abandon(key);
    return store_.begin(key, fingerprint, now, ttl);
  }
  TokenStore& store_;
};

// M1 and M6: the lookup found the token new; after the window the call executes even if
// a call with the same token (M1: same parameters; M6: other parameters) got in first.
class TokenCheckRace final : public RacyTokenPolicy {
 public:
  TokenCheckRace(TokenStore& store, bool other_params) : RacyTokenPolicy(store), other_params_(other_params) {}
  contracts::TokenDecision begin(const TokenStore::Key& key, const contracts::RequestDigest& fingerprint,
                                 contracts::Instant now,
                                 contracts::Duration ttl, RaceWindow& window) override {
    if (lookup(key, fingerprint, now, ttl) != contracts::TokenDecision::Execute) {
      return store_.begin(key, fingerprint, now, ttl);
    }
    window.open();
    const contracts::TokenDecision meanwhile = lookup(key, fingerprint, now, ttl);
    const bool missed = other_params_ ? meanwhile == contracts::TokenDecision::Mismatch
                                      : (meanwhile == contracts::TokenDecision::InFlight ||
                                         meanwhile == contracts::TokenDecision::Replay);
    return missed ? execute_anyway(key, fingerprint, now, ttl) : store_.begin(key, fingerprint, now, ttl);
  }

 private:
  bool other_params_;
};

// M7.
class NoLastTokenProcessing final : public RacyTokenPolicy {
 public:
  using RacyTokenPolicy::RacyTokenPolicy;
  contracts::TokenDecision begin(const TokenStore::Key& key, const contracts::RequestDigest& fingerprint,
                                 contracts::Instant now,
                                 contracts::Duration ttl, RaceWindow& window) override {
    if (lookup(key, fingerprint, now, ttl) != contracts::TokenDecision::InFlight) {
      return store_.begin(key, fingerprint, now, ttl);
    }
    window.open();  // waits for the first instead of answering LastTokenProcessing...
    return execute_anyway(key, fingerprint, now, ttl);  // ...then runs again
  }
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
    case ServerMutant::StatusCheckRace: return std::make_unique<StatusCheckRace>();
    case ServerMutant::ModifyLostUpdate: return std::make_unique<ModifyLostUpdate>();
    case ServerMutant::TornDescribe: return std::make_unique<TornDescribe>();
    case ServerMutant::StaleBackgroundWrite: return std::make_unique<StaleBackgroundWrite>();
    case ServerMutant::None:
    case ServerMutant::IgnoreClientToken:  // these act on the ClientToken step
    case ServerMutant::TokenCheckRace:
    case ServerMutant::MismatchCheckRace:
    case ServerMutant::NoLastTokenProcessing:
      break;
  }
  return std::make_unique<WorldModel>();
}

std::unique_ptr<TokenPolicy> make_token_policy(ServerMutant mutant, TokenStore& store) {
  switch (mutant) {
    case ServerMutant::IgnoreClientToken: return std::make_unique<IgnoreClientToken>();
    case ServerMutant::TokenCheckRace: return std::make_unique<TokenCheckRace>(store, /*other_params=*/false);
    case ServerMutant::MismatchCheckRace: return std::make_unique<TokenCheckRace>(store, /*other_params=*/true);
    case ServerMutant::NoLastTokenProcessing: return std::make_unique<NoLastTokenProcessing>(store);
    default: break;
  }
  return std::make_unique<StoreTokenPolicy>(store);
}

}  // namespace ebsmock::mock
