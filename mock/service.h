// service.h: the emulated EBS endpoint, independent of the HTTP library: takes a raw
// request, answers a raw response. Pipeline: parse -> route (Action/Version) ->
// authenticate -> validate parameters -> ClientToken idempotence -> the contract model
// -> journal. Owns the world (pairs), the clock and the seeded Random, so a run is
// reproducible from scenario + seed. Thread-safe: world, tokens and clock are guarded by
// one mutex (calls are short; injected delays happen outside it).
#pragma once

#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "contracts/world.h"
#include "mock/authenticator.h"
#include "mock/clock.h"
#include "mock/journal.h"
#include "mock/random.h"
#include "mock/rpc_request.h"
#include "mock/token_store.h"
#include "scenarios/loader/scenario.h"

namespace ebsmock::mock {

inline constexpr std::string_view kJsonContentType = "application/json;charset=utf-8";

struct HttpResponse {
  int status = 200;
  std::string body;
  std::string content_type{kJsonContentType};
  contracts::HeaderList headers;
};

struct ServiceOptions {
  // Overrides the scenario's seed (the --seed flag); nullopt = scenario seed or fresh.
  std::optional<std::uint64_t> seed;
  // Clock for signature timestamps; nullptr = the system clock.
  std::shared_ptr<const Clock> wall_clock;
  std::size_t journal_capacity = 100'000;
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

  // Advances a virtual clock; false on a real clock.
  bool advance_clock(contracts::Duration by);
  contracts::Instant now();
  bool clock_is_virtual();

  nlohmann::json pairs_json();
  nlohmann::json health_json();
  Journal& journal() { return journal_; }
  std::uint64_t seed() const { return seed_; }
  const contracts::ErrorCatalogue& errors() const { return errors_; }

 private:
  // Brings the world up to `now`, journaling the service's own status changes.
  void advance_world_locked(contracts::Instant now);
  HttpResponse success(nlohmann::json body, const std::string& request_id);
  HttpResponse failure(const contracts::ApiError& err, const std::string& request_id,
                       std::string_view host);
  void reset_locked();

  std::mutex mu_;
  scenarios::Scenario scenario_;
  ServiceOptions options_;
  std::uint64_t seed_;
  contracts::ErrorCatalogue errors_;
  std::unique_ptr<Clock> clock_;
  std::shared_ptr<const Clock> wall_clock_;
  std::unique_ptr<SeededRandom> random_;
  std::unique_ptr<Authenticator> auth_;
  contracts::World world_;
  TokenStore tokens_;
  Journal journal_;
};

}  // namespace ebsmock::mock
