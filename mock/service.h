// service.h: the emulated EBS endpoint, independent of the HTTP library: takes a raw
// request, answers a raw response. Pipeline: parse -> route (Action/Version) ->
// authenticate -> validate parameters -> ClientToken idempotence -> the contract model
// -> journal. Owns the world (pairs), the clock and the seeded Random, so a run is
// reproducible from scenario + seed. Fault rules and replay steps are decided after
// validation (see handle_rpc for the order of effects).
// Thread-safe: world, tokens, fault counters and clock are guarded by one mutex (calls
// are short); injected delays wait outside it and end early on shutdown().
#pragma once

#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "contracts/world.h"
#include "mock/authenticator.h"
#include "mock/clock.h"
#include "mock/fault_engine.h"
#include "mock/journal.h"
#include "contracts/random.h"
#include "mock/replay_engine.h"
#include "mock/rpc_request.h"
#include "mock/server_mutants.h"
#include "mock/token_store.h"
#include "scenarios/loader/scenario.h"

namespace ebsmock::mock {

inline constexpr std::string_view kJsonContentType = "application/json;charset=utf-8";

struct HttpResponse {
  int status = 200;
  std::string body;
  std::string content_type{kJsonContentType};
  contracts::HeaderList headers;
  // A fault below HTTP for the server to carry out (reset, close, hang, truncate).
  scenarios::Transport transport = scenarios::Transport::None;
  contracts::Duration hang_cap{0};
};

struct ServiceOptions {
  // Overrides the scenario's seed (the --seed flag); nullopt = scenario seed or fresh.
  std::optional<std::uint64_t> seed;
  // Clock for signature timestamps; nullptr = the system clock.
  std::shared_ptr<const Clock> wall_clock;
  // Entries kept in memory for GET /__admin/journal (a ring: the oldest go first). About
  // 1-2 KB each; 10,000 keeps the mock's RSS small under a long soak. Every entry can also
  // go to a JSON-lines file (journal_file), which keeps everything.
  std::size_t journal_capacity = 10'000;
  std::string journal_file;
  // ClientTokens remembered for idempotence and for rules on reused tokens (oldest
  // forgotten first; see token_store.h). About 0.4 KB each.
  std::size_t token_capacity = TokenStore::kDefaultCapacity;
  // A planted bug (`ebsmock serve --mutant`, mock/server_mutants.h); None = correct.
  ServerMutant mutant = ServerMutant::None;
};

class Service {
 public:
  explicit Service(scenarios::Scenario scenario, ServiceOptions options = {});

  // An RPC call on path "/".
  HttpResponse handle_rpc(const RawRequest& raw);
  // The documented error body for a failure found outside the RPC pipeline (e.g. the
  // HTTP layer refusing an oversized body).
  HttpResponse error_response(const contracts::ApiError& err, std::string_view host);

  // Back to the loaded scenario: pairs, clock, tokens, nonces, journal, seed.
  void reset();
  // Replaces the world with another scenario (then resets).
  void load(scenarios::Scenario scenario);

  // Fault rules at run time (admin API).
  nlohmann::json faults_json();
  // All or nothing, atomically for requests: the ids given (empty = numbered by the
  // engine), or the first id that is already taken and nothing added.
  struct AddFaultsResult {
    std::vector<std::string> added;
    std::string taken;  // non-empty: refused because of this id
  };
  AddFaultsResult add_faults(std::vector<scenarios::FaultSpec> rules);
  bool remove_fault(std::string_view id);
  nlohmann::json replay_json();

  // Wakes every request waiting in an injected delay or hang; later delays are skipped.
  // Called when the server stops, so shutdown never waits for a fault.
  void shutdown();
  bool is_shutting_down();
  // Waits up to `d` of real time; returns early (false) on shutdown.
  bool pause(contracts::Duration d);

  // Advances a virtual clock; false on a real clock.
  bool advance_clock(contracts::Duration by);
  contracts::Instant now();
  bool clock_is_virtual();

  nlohmann::json pairs_json();
  nlohmann::json health_json();
  Journal& journal() { return journal_; }
  std::uint64_t seed() const { return seed_; }
  ServerMutant mutant() const { return options_.mutant; }
  // A copy: the catalogue is replaced by reset()/load() while other threads answer.
  contracts::ErrorCatalogue errors();

 private:
  // Brings the world up to `now`, journaling the service's own status changes.
  void advance_world_locked(contracts::Instant now);
  struct ModelAnswer {
    HttpResponse response;
    std::string code;
    std::optional<contracts::Transition> transition;
  };
  // Runs the operation on the world (or, for a dry run, on a copy of it).
  ModelAnswer run_model_locked(contracts::Operation op, const RpcRequest& req,
                               contracts::Instant now, const std::string& request_id,
                               const std::string& host, bool dry_run);
  HttpResponse success(nlohmann::json body, const std::string& request_id);
  HttpResponse failure(const contracts::ApiError& err, const std::string& request_id,
                       std::string_view host);
  void reset_locked();

  std::mutex mu_;
  scenarios::Scenario scenario_;
  ServiceOptions options_;
  std::uint64_t seed_;
  // Replaced as a whole by reset()/load(); a request holds the ones it started with, so
  // a concurrent reset never pulls them from under it.
  std::shared_ptr<const contracts::ErrorCatalogue> errors_;
  std::unique_ptr<Clock> clock_;
  std::shared_ptr<const Clock> wall_clock_;
  std::unique_ptr<contracts::SeededRandom> random_;
  std::shared_ptr<Authenticator> auth_;
  contracts::World world_;
  // What the planted bug remembers (stale-describe); reset with the world.
  ServerMutantState mutant_state_;
  TokenStore tokens_;
  std::unique_ptr<FaultEngine> faults_;
  std::unique_ptr<ReplayEngine> replay_;
  // Bumped by reset()/load(): a request delayed across a reset must not act on the new world.
  std::uint64_t generation_ = 0;
  Journal journal_;

  std::mutex stop_mu_;
  std::condition_variable stop_cv_;
  bool stopping_ = false;
};

}  // namespace ebsmock::mock
