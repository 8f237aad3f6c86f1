// world.h: the replica pairs of one emulated account and the documented behaviour of
// every operation on them, as a pure value type. Time is an argument (`now`); the model
// never reads a clock, never draws random numbers (callers pass new ids in), never does
// I/O. The mock wraps one World in a mutex; the contract harness copies it freely.
// Not thread-safe by itself (plain value).
#pragma once

#include <functional>
#include <map>
#include <ostream>
#include <optional>
#include <queue>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "contracts/api_schema.h"
#include "contracts/error_catalogue.h"
#include "contracts/operation.h"
#include "contracts/pair.h"
#include "contracts/policy.h"
#include "contracts/transitions.h"

namespace ebsmock::contracts {

// What a status change is about. Pairs and groups share the status vocabulary
// (ebs-groups.md §3.2: "pair and group statuses share one vocabulary").
enum class ResourceKind { Pair, Group, Drill };
// "pair", "group", "drill": also the key naming the id in the journal's JSON.
std::string_view to_string(ResourceKind kind);
std::optional<ResourceKind> parse_resource_kind(std::string_view text);

// A status change of one resource.
struct Transition {
  std::string id;
  std::optional<Status> from;  // nullopt when the call created the resource
  Status to;
  ResourceKind kind = ResourceKind::Pair;
  friend bool operator==(const Transition&, const Transition&) = default;
};

// "pair-cn-1 created -> initial_syncing", "pair-cn-1 (new) -> creating"; a group or drill
// is named as such ("group pg-1 stopped -> failovering"). The one printer for reports,
// messages and the demo.
std::string to_string(const Transition& t);
std::ostream& operator<<(std::ostream& os, const Transition& t);

// A status change the service made on its own as time passed (or the pair vanishing
// after deletion: `vanished` set, `to` = deleted).
struct TimedTransition {
  Transition transition;
  Instant at;
  bool vanished = false;
};

// The result of one operation: an error, or a success body (without RequestId, which
// belongs to the HTTP exchange) and the transition it caused, if any.
struct Outcome {
  std::optional<ApiError> error;
  nlohmann::json body = nlohmann::json::object();
  std::optional<Transition> transition;

  bool ok() const { return !error.has_value(); }
};

// Ids a Create needs, drawn by the caller (so the model stays free of randomness).
struct NewIds {
  std::string pair_id;   // "pair-cn-..." 
  std::string order_id;  // digits
};

class World {
 public:
  explicit World(Policy policy = {});

  const Policy& policy() const { return policy_; }

  // Adds a pair as a scenario describes it. A transient status gets its pending
  // transition (e.g. a loaded `creating` pair becomes `created` after Timing::create).
  void add_pair(Pair pair, Instant now);

  // Pairs by id (including deleted ones still within their retention).
  const std::map<std::string, Pair>& pairs() const { return pairs_; }
  const Pair* find(std::string_view id) const;

  // Applies every time-driven change due at or before `now`, oldest first.
  std::vector<TimedTransition> advance(Instant now);

  // Runs one validated request. Call advance(now) first: execute assumes the world is
  // current. `ids` is used only by CreateDiskReplicaPair.
  Outcome execute(Operation op, const Params& params, Instant now, const NewIds& ids = {});

  // Moves a pair to `status` directly (scenario set-up, fault injection into *_failed).
  // Returns the transition, or nullopt for an unknown pair.
  std::optional<Transition> force_status(std::string_view id, Status status, Instant now);

 private:
  Outcome create(const Params& params, Instant now, const NewIds& ids);
  Outcome describe_pairs(const Params& params, Instant now) const;
  Outcome describe_progress(const Pair& pair, Instant now) const;
  Outcome modify(Pair& pair, const Params& params);
  void begin(Pair& pair, Status transient, TimingKey timing, Instant now);
  ApiError error(std::string_view code, std::string_view detail = {}) const;
  // When `pair`'s next time-driven change is due (pending transition, next sync cycle,
  // or the end of a deleted pair's retention), if any.
  std::optional<Instant> due_of(const Pair& pair) const;
  void note_due(const Pair& pair);

  Policy policy_;
  std::map<std::string, Pair> pairs_;
  // Every scheduled change as (due, pair id), earliest first, so advance() touches only
  // what is due (a scan of every pair per request made a 10,000-pair world 3x slower, and
  // with changes due all the time a lower bound alone did not help). Whatever schedules a
  // change pushes it; an entry whose pair no longer has that due time is stale and is
  // dropped when it comes up. Ties go to the smaller id, as a scan in id order would.
  using DueEntry = std::pair<Instant, std::string>;
  std::priority_queue<DueEntry, std::vector<DueEntry>, std::greater<>> due_;
  void compact_due();
};

}  // namespace ebsmock::contracts
