// service.h: the emulated EBS endpoint, independent of the HTTP library: a raw request
// in, a connection action out. handle_rpc is a short script of named stages over one
// Exchange (exchange.h), each stage in its own file:
//   admit (admission.h) -> decide (decide.h) -> idempotence (idempotence_gate.h) -> wait
//   -> commit (commit.h) -> render (render.h) -> record (record.h, journal.h)
// Owns everything a scenario sets up (world, world clock, seeded Random, credentials,
// fault rules, replay script) and replaces it whole on reset()/load(), so a run is
// reproducible from scenario + seed.
// Thread-safe: one mutex guards the world state; a call holds it from decide to record,
// except while it waits out an injected delay or a hold_until fault at the wait stage (a
// retry meanwhile sees LastTokenProcessing), or while a planted race's window is open
// (race_window.h; never in the correct server). A Describe's page is copied under it and
// written into the answer after it (envelope.h's UnwrittenPage).
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <stop_token>
#include <string>
#include <vector>

#include "contracts/random.h"
#include "contracts/world.h"
#include "mock/spinning_mutex.h"
#include "mock/authenticator.h"
#include "mock/clock.h"
#include "mock/connection_action.h"
#include "mock/exchange.h"
#include "mock/fault_engine.h"
#include "mock/hold_board.h"
#include "mock/idempotence_gate.h"
#include "mock/journal.h"
#include "mock/latency_probe.h"
#include "mock/model.h"
#include "mock/replay_engine.h"
#include "mock/request_handler.h"
#include "mock/rpc_request.h"
#include "mock/server_mutants.h"
#include "mock/token_store.h"
#include "scenarios/loader/scenario.h"

namespace ebsmock::mock {

struct ServiceOptions {
  // Overrides the scenario's seed (the --seed flag); nullopt = scenario seed or fresh.
  std::optional<std::uint64_t> seed;
  // The clock signature timestamps are checked against; nullptr = the system clock.
  std::shared_ptr<const Clock> wall_clock;
  // The clock injected delays wait on; nullptr = the system clock. Tests pass a
  // ManualClock and release delays when they choose (clock.h).
  std::shared_ptr<Clock> wait_clock;
  // Entries kept in memory for GET /__admin/journal (a ring: the oldest go first). About
  // 1-2 KB each; 10,000 keeps the mock's RSS small under a long soak. Every entry can also
  // go to a JSON-lines file (journal_file), which keeps everything.
  std::size_t journal_capacity = 10'000;
  std::string journal_file;
  // ClientTokens remembered for idempotence and for rules on reused tokens (oldest
  // forgotten first; see token_store.h). About 100 bytes each (tests/bench/token_memory.cpp).
  std::size_t token_capacity = TokenStore::kDefaultCapacity;
  // A planted bug (`ebsmock serve --mutant`, mock/server_mutants.h); None = correct.
  ServerMutant mutant = ServerMutant::None;
  // How long a planted race keeps its window open between check and act, on the wait
  // clock (`serve --race-window-ms`). A few ms: long enough that real concurrent clients
  // land in it often, short enough that a sequential run barely slows down. Unused by
  // the correct server.
  contracts::Duration race_window{std::chrono::milliseconds(3)};
};

// What a call needs before it takes the Service's lock, from the world current when it
// began: a concurrent reset replaces the world, and the call keeps what it started with.
// Every member is thread-safe on its own (the catalogue is immutable; the authenticator,
// the clock, the random and the RequestIds guard themselves).
struct CallGate {
  std::shared_ptr<const contracts::ErrorCatalogue> errors;
  std::shared_ptr<Authenticator> auth;
  std::shared_ptr<const Clock> world_clock;
  std::shared_ptr<contracts::SeededRandom> random;  // drawn under the Service's lock
  std::shared_ptr<contracts::RequestIds> request_ids;
};

// Everything a scenario sets up; reset()/load() build a new one. Read through
// Service::inspect, under the Service's mutex.
struct WorldState {
  const scenarios::Scenario* scenario = nullptr;  // what was loaded (the Service's copy)
  // The world's catalogue, authenticator, clock and Random (also what a call begins from).
  std::shared_ptr<const CallGate> gate;
  ManualClock* virtual_clock = nullptr;  // gate->world_clock, when it moves only by advance
  contracts::World world;
  std::unique_ptr<FaultEngine> faults;
  std::unique_ptr<ReplayEngine> replay;
  std::unique_ptr<Model> model;
  std::unique_ptr<TokenPolicy> token_policy;
  // Bumped by every reset/load: a call that waited across one must not act on the new world.
  std::uint64_t generation = 0;
  // The world clock's reading at reset: the scenario's [[event]] times count from it.
  contracts::Instant start{};
  std::size_t next_event = 0;  // scenario->events[next_event] is the first not yet applied
};

class Service {
 public:
  explicit Service(scenarios::Scenario scenario, ServiceOptions options = {});

  // An RPC call. `stop` cuts an injected delay short (the server is stopping).
  ConnectionAction handle_rpc(const RawRequest& raw, std::stop_token stop = {});
  // The documented error body for a failure the HTTP layer found, journaled like any answer.
  Answer answer_http_failure(HttpFailure failure, int status, std::string_view detail, const RawRequest& raw);

  // Back to the loaded scenario: pairs, clock, tokens, nonces, journal, seed.
  void reset();
  // Replaces the world with another scenario (then resets).
  void load(scenarios::Scenario scenario);

  // All or nothing, atomically for requests: the ids given (empty = numbered by the
  // engine), or the first id that is already taken and nothing added.
  struct AddFaultsResult {
    std::vector<std::string> added;
    std::string taken;  // non-empty: refused because of this id
  };
  AddFaultsResult add_faults(std::vector<scenarios::FaultSpec> rules);
  bool remove_fault(std::string_view id);

  // Moves a virtual world clock and journals what became due; false on a real clock.
  // `call_id` (the admin request's x-ebsmock-call-id) lets a fault rule with that
  // call_id and a hold_until park the advance (only the hold applies), so a harness can
  // schedule time passing against a request; `stop` cuts such a hold short.
  bool advance_clock(contracts::Duration by, std::string_view call_id = {}, std::stop_token stop = {});

  // Runs `view(state)` under the lock, with the world brought up to the clock first. The
  // lock guards the journal too: a view reads it with its `_locked` calls only.
  template <class View>
  auto inspect(View&& view) {
    std::lock_guard lock(mu_);
    catch_up_locked();
    return view(static_cast<const WorldState&>(state_));
  }

  Journal& journal() { return journal_; }
  const TokenStore& tokens() const { return tokens_; }
  // Waits on the lock that outlasted its spin and slept (spinning_mutex.h), since start; a
  // call that waits out a delay takes the lock twice, so it may count twice.
  SpinningMutex::Sleeps lock_sleeps() const { return mu_.sleeps(); }
  std::uint64_t seed() const { return seed_; }
  const ServiceOptions& options() const { return options_; }
  // What delays and other waits run on (options().wait_clock, or the real clock).
  const std::shared_ptr<Clock>& wait_clock() const { return wait_clock_; }

 private:
  // Starts an exchange: its RequestId and world time, from the current world's gate (set
  // in `gate`). Does not take mu_: every request passes here, and waiting for the
  // Service's lock twice per request made each one queue twice behind the commits.
  Exchange begin(const RawRequest& raw, const CallGate*& gate);
  // The current world's gate. The calling thread keeps it alive until its next call here,
  // so it stays valid for the rest of the call even if a reset replaces it meanwhile; a
  // thread runs one call at a time (an HTTP worker, or a test's own thread), so no call's
  // gate is dropped under it.
  const CallGate& current_gate() const;
  // Render and record; `held` is the lock of the call's commit, released after recording,
  // and `hold` the span of its hold (the latency probe), stopped when it is released.
  ConnectionAction finish(Exchange& x, std::unique_lock<SpinningMutex>* held, LatencySpan* hold = nullptr);
  // Applies every time-driven change and every scenario [[event]] due on the world clock,
  // in time order (an event after the changes due at its instant), journaling each.
  contracts::Instant catch_up_locked();
  // Progress entries; `event` names the scenario [[event]] that forced them, if one did.
  void journal_progress_locked(std::vector<contracts::TimedTransition> changes, std::string_view event = {});
  void apply_event_locked(const scenarios::ScheduledEvent& event, contracts::Instant at);
  void reset_locked();
  // Answers a call that waited across a reset or load: it must not act on the new world.
  void refuse_replaced(Exchange& x, const contracts::ErrorCatalogue& errors);

  friend class CallWindow;  // service.cpp: one call's wait stage and race window

  // Spins up to ~24 us before it sleeps: held a few microseconds per call by every
  // worker, so a waiter that slept paid more in futex wake-ups than the wait itself
  // (RESULTS.md). Also the journal's guard, so a commit's entry costs no second lock.
  SpinningMutex mu_;
  // Guards gate_ only, and is held only to copy or replace it (after mu_ when both are held).
  mutable std::mutex gate_mu_;
  std::shared_ptr<const CallGate> gate_;  // state_.gate, readable without mu_
  std::atomic<std::uint64_t> gate_epoch_{0};  // gate_'s epoch, process-unique; set under gate_mu_
  scenarios::Scenario scenario_;
  ServiceOptions options_;
  std::uint64_t seed_;
  std::shared_ptr<const Clock> wall_clock_;
  std::shared_ptr<Clock> wait_clock_;
  WorldState state_;
  TokenStore tokens_;  // outlives resets for its eviction count; cleared by them
  Journal journal_;
  HoldBoard holds_;  // requests parked by hold_until faults (thread-safe on its own)
};

}  // namespace ebsmock::mock
