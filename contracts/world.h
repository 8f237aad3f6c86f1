// world.h: the replica pairs, replication pair-consistent groups and DR drills of one
// emulated account, the tags on them, and the documented behaviour of every operation on
// them, as a pure value type. Time is an argument (`now`); the model never reads a clock,
// never draws random numbers (callers pass new ids in), never does I/O. The mock wraps
// one World in a mutex; the contract harness copies it freely.
// Not thread-safe by itself (plain value).
//
// Groups and their member pairs (ebs-groups.md §5.2, choices in contracts/README.md):
//  - A group owns the one schedule its members move on: a group Start/Stop/Failover/
//    Reprotect moves the group and every member into the same transient status at the
//    same instant, and advance() moves them to the same final status at the same instant.
//    Members get the group's LastRecoverPoint when it gets it.
//  - Invariant after every execute() and advance(): every member pair shows its group's
//    status, except while the group is `invalid` because a member is: then the invalid
//    members show `invalid` and the others share Group::healthy_status. (force_status /
//    force_group_status are the fault-injection back door and may break it on purpose.)
//  - Pair-level Start/Stop/Failover/Reprotect/Delete and an RPO/Bandwidth/EnableRtc
//    Modify on a member answer Policy::member_pair_refusal and change nothing.
//  - Membership is the group's pair_ids; Pair::replica_group_id/name mirror it. A pair
//    whose replica_group_id names a group the world does not hold (a scenario label) is
//    not a member: it behaves as an ungrouped pair, but cannot be added to another group.
#pragma once

#include <cstddef>
#include <functional>
#include <map>
#include <memory>
#include <ostream>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "contracts/api_schema.h"
#include "contracts/drill.h"
#include "contracts/error_catalogue.h"
#include "contracts/group.h"
#include "contracts/json_writer.h"
#include "contracts/operation.h"
#include "contracts/pair.h"
#include "contracts/pair_page.h"
#include "contracts/policy.h"
#include "contracts/transitions.h"

namespace ebsmock::contracts {

// A status change of one resource. Drill statuses are Status values too (status.h).
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

// A status change the service made on its own as time passed, or a resource vanishing
// (`vanished` set, `from` = `to` = its last status: a pair or group after `deleted` and
// its retention, a drill after `clearing`, a drill whose pair or group vanished).
struct TimedTransition {
  Transition transition;
  Instant at;
  bool vanished = false;
};

// How a success body comes back. Dom: in Outcome::body. Page: the operation that answers
// a large fixed shape (DescribeDiskReplicaPairs) copies its page into Outcome::page
// instead, for the caller to write as text when it likes (PairPage::write), and leaves
// `body` empty; the others fill `body` as ever. The mock asks for Page (it only sends the
// body on, and writes it after letting go of its world's lock); readers of `body` ask for
// Dom.
enum class BodyForm { Dom, Page };

// The member every answer's body has and no Outcome's does: the exchange's id, not the
// operation's. A page written as text keeps its place in name order (JsonObjectText).
// An array, not a string_view, so that a JsonWriter can take it as a compile-time JsonName.
inline constexpr char kRequestIdMember[] = "RequestId";

// The result of one operation: an error, or a success body (without RequestId, which
// belongs to the HTTP exchange) and the transitions it caused.
struct Outcome {
  std::optional<ApiError> error;
  nlohmann::json body = nlohmann::json::object();
  // BodyForm::Page, when the operation answers a page of pairs: the page, whose text is
  // exactly what dumping the Dom form's `body` gives. Empty otherwise.
  std::optional<PairPage> page;
  // The status change of the resource the call addressed or created (the pair, the group,
  // or the new/cleared drill), if any.
  std::optional<Transition> transition;
  // The member pairs a group operation moved with the group (same `to`), in id order.
  std::vector<Transition> member_transitions;

  bool ok() const { return !error.has_value(); }
};

// Ids a call needs, drawn by the caller (so the model stays free of randomness). Ask
// World::ids_needed() which ones; an empty or missing one answers 500 InternalError.
struct NewIds {
  std::string pair_id;   // CreateDiskReplicaPair: "pair-cn-..."
  std::string order_id;  // CreateDiskReplicaPair: digits
  std::string group_id;  // CreateDiskReplicaGroup: "pg-..."
  std::string drill_id;  // StartPairDrill: "drill-..."; StartReplicaGroupDrill: "pg-drill-..."
  // Start*Drill: one drill disk id ("d-...") per drilled pair (a group: per member, in id
  // order).
  std::vector<std::string> drill_disk_ids;
  friend bool operator==(const NewIds&, const NewIds&) = default;
};

// NewIds as the journal writes them: {"pair_id", "order_id", "group_id", "drill_id",
// "drill_disk_ids"}, empty members left out; and back (absent members stay empty; throws
// nlohmann::json::exception on a member of the wrong type).
nlohmann::json to_json(const NewIds& ids);
NewIds new_ids_from_json(const nlohmann::json& j);

// Which NewIds fields execute(op, params) will use.
struct IdsNeeded {
  bool pair_id = false;
  bool order_id = false;
  bool group_id = false;
  bool drill_id = false;
  std::size_t drill_disk_ids = 0;
  friend bool operator==(const IdsNeeded&, const IdsNeeded&) = default;
};

// Pairs by id; looked up by view (a request's ids are views into its parameters).
using PairMap = std::map<std::string, Pair, std::less<>>;

class World {
 public:
  explicit World(Policy policy = {});

  const Policy& policy() const { return *policy_; }

  // --- Scenario set-up. Add pairs first, then the groups that list them, then drills.
  // Each throws std::invalid_argument with a message when the resource cannot exist as
  // described (the scenario loader maps it to file:line).

  // Adds a pair as a scenario describes it. A transient status gets its pending
  // transition (e.g. a loaded `creating` pair becomes `created` after Timing::create).
  void add_pair(Pair pair, Instant now);
  // Adds a group holding the pairs in `group.pair_ids` (already added; at most 17; in no
  // other group; same regions, and zones where both name one; each in the group's status,
  // or for an `invalid` group: invalid or one shared status). Empty zones are taken from
  // the members; Primary*/Standby* default to Source*/Destination*. Members take the
  // group's RPO, EnableRtc, name and, when the group has one, its LastRecoverPoint. A
  // transient status gets its pending transition for the group and all members.
  void add_group(Group group, Instant now);
  // Adds a drill of an existing pair or group in one of the 5 drill statuses. recover_point
  // 0 takes the target's LastRecoverPoint (required then); start_at 0 means `now`. Empty
  // `disks` get one per drilled pair, with ids derived from the drill id ("d-" + the
  // drill id's last part + "-" + N).
  void add_drill(Drill drill, Instant now);

  // --- What the world holds.

  // Pairs by id (including deleted ones still within their retention).
  const PairMap& pairs() const { return pairs_; }
  const Pair* find(std::string_view id) const;
  // Groups by id (including deleted ones still within their retention).
  const std::map<std::string, Group>& groups() const { return groups_; }
  const Group* find_group(std::string_view id) const;
  // Drills by id, until they vanish.
  const std::map<std::string, Drill>& drills() const { return drills_; }
  const Drill* find_drill(std::string_view id) const;
  // The group `pair` is a member of, or nullptr.
  const Group* group_of(const Pair& pair) const;

  // --- Time and calls.

  // Applies every time-driven change due at or before `now`, oldest first. At one instant:
  // pairs (id order), then groups (id order), each group's own change immediately followed
  // by its members' (id order, same `at`), then drills (id order); a resource vanishing is
  // followed by the drills that vanish with it.
  std::vector<TimedTransition> advance(Instant now);

  // Runs one validated request (api_schema's validate_params). Call advance(now) first:
  // execute assumes the world is current. `ids` is used only by the calls ids_needed()
  // names.
  Outcome execute(Operation op, const Params& params, Instant now, const NewIds& ids = {},
                  BodyForm form = BodyForm::Dom);

  // Which new ids execute(op, params) would use (for StartReplicaGroupDrill: one drill
  // disk per current member of GroupId).
  IdsNeeded ids_needed(Operation op, const Params& params) const;

  // --- Fault injection and set-up back doors (no status rule applies).

  // Moves a pair to `status` directly (scenario set-up, fault injection into *_failed).
  // Returns the transition, or nullopt for an unknown pair. On a member pair, becoming
  // invalid makes its group invalid, and the last invalid member leaving invalid restores
  // the group (§5.2 #5); those group changes are appended to `group_changes` when given.
  // Any other status moves only that pair (a partial failure). Throws
  // std::invalid_argument for a drill status.
  std::optional<Transition> force_status(std::string_view id, Status status, Instant now,
                                         std::vector<Transition>* group_changes = nullptr);
  // Moves a group and all its members to `status` (e.g. a group Stop failing into
  // stop_failed). Returns the group's transition then the members' (id order); empty for
  // an unknown group. A group forced `invalid` stays invalid until forced out or deleted.
  // Throws std::invalid_argument for a drill status.
  std::vector<Transition> force_group_status(std::string_view id, Status status, Instant now);
  // Moves a drill to one of the 5 drill statuses (executing and clearing restart their
  // timer; execute_failed sets the documented StatusMessage). nullopt for an unknown
  // drill; throws std::invalid_argument for a pair/group status.
  std::optional<Transition> force_drill_status(std::string_view id, Status status, Instant now);
  // The one of the three above that `kind` names (a pair with its group changes): every
  // transition in the order it happened; empty for an unknown id. What a scenario's
  // [[event]] does, and what replaying one from the journal does.
  std::vector<Transition> force(ResourceKind kind, std::string_view id, Status status, Instant now);

 private:
  // Pairs (world.cpp).
  Outcome execute_pair(Operation op, const Params& params, Instant now);
  Outcome create(const Params& params, Instant now, const NewIds& ids);
  Outcome describe_pairs(const Params& params, Instant now, BodyForm form = BodyForm::Dom) const;
  Outcome describe_progress(const Pair& pair, Instant now) const;
  Outcome modify(Pair& pair, const Params& params);
  void begin(Pair& pair, Status transient, TimingKey timing, Instant now);
  void erase_drills_of(ResourceKind kind, const std::string& id, Instant at,
                       std::vector<TimedTransition>& events);
  // Groups (world_groups.cpp).
  Outcome create_group(const Params& params, Instant now, const NewIds& ids);
  Outcome describe_groups(const Params& params) const;
  Outcome execute_group(Operation op, const Params& params, Instant now);
  Outcome modify_group(Group& group, const Params& params);
  Outcome add_member(const Params& params);
  Outcome remove_member(const Params& params, Instant now);
  // Moves the group (or, while it is invalid, its healthy members) and every member into
  // `transient`, on one pending schedule. Returns the group's transition, members' go to
  // `members`.
  Transition begin_group(Group& group, Status transient, TimingKey timing, Instant now,
                         std::vector<Transition>& members);
  void advance_group(Group& group, Instant at, std::vector<TimedTransition>& events);
  // After a member's status or the membership changed: the group becomes invalid when a
  // member is, and leaves invalid when none is (only when a member made it invalid).
  std::optional<Transition> reconcile_group(Group& group, Instant now);
  Group* mutable_group_of(const Pair& pair);
  bool has_active_drills(ResourceKind kind, const std::string& id) const;
  // Drills (world_drills.cpp).
  Outcome start_drill(Operation op, const Params& params, Instant now, const NewIds& ids);
  Outcome describe_drills(Operation op, const Params& params) const;
  Outcome clear_drill(Operation op, const Params& params, Instant now);
  // Tags, resource groups and lookups (world_tags.cpp).
  Outcome tag_resources(const Params& params);
  Outcome untag_resources(const Params& params);
  Outcome list_tag_resources(const Params& params) const;
  Outcome change_resource_group(const Params& params);
  Outcome describe_regions(const Params& params) const;
  Outcome list_replica_edges(const Params& params) const;

  // Why a status operation on an existing pair or group (its regions and status given) is
  // refused before it acts, or nullopt: sent to the other site's region (Failover and
  // Reprotect belong to the secondary site, Delete to the primary; only with
  // enforce_site_region), then a status its transition rule does not allow.
  std::optional<ApiError> site_or_status_refusal(Operation op, std::string_view region,
                                                 std::string_view source_region,
                                                 std::string_view destination_region, Status status,
                                                 const TransitionRule& rule) const;
  ApiError error(std::string_view code, std::string_view detail = {}) const;
  // An Outcome answering `code`.
  Outcome refuse(std::string_view code, std::string_view detail = {}) const;
  // The page of `matched` a Describe asks for, or InvalidParameter NextToken.
  template <class Item, class ToJson>
  Outcome paged(const Params& params, const std::vector<Item>& matched, std::string_view key,
                ToJson&& to_json) const;
  ApiError missing_id(std::string_view what) const;
  // When a resource's next time-driven change is due (pending transition, next sync
  // cycle, end of a deleted pair's or group's retention, a drill's executing/clearing end).
  std::optional<Instant> due_of(const Pair& pair) const;
  std::optional<Instant> due_of(const Group& group) const;
  static std::optional<Instant> due_of(const Drill& drill) { return drill.due; }
  void note_due(ResourceKind kind, const std::string& id, std::optional<Instant> due);
  void note_due(const Pair& pair) { note_due(ResourceKind::Pair, pair.id, due_of(pair)); }
  void note_due(const Group& group) { note_due(ResourceKind::Group, group.id, due_of(group)); }
  void note_due(const Drill& drill) { note_due(ResourceKind::Drill, drill.id, due_of(drill)); }

  // Shared: a World is copied per step by the harness's checkers, and the policy (the
  // region table, the error catalogue) never changes after construction.
  std::shared_ptr<const Policy> policy_;
  PairMap pairs_;
  std::map<std::string, Group> groups_;
  std::map<std::string, Drill> drills_;
  // Every scheduled change as (due, kind, id), earliest first, so advance() touches only
  // what is due (a scan of every pair per request made a 10,000-pair world 3x slower, and
  // with changes due all the time a lower bound alone did not help). Whatever schedules a
  // change pushes it; an entry whose resource no longer has that due time is stale and is
  // dropped when it comes up. Ties: pairs before groups before drills, then the smaller
  // id, as a scan in that order would. Member pairs are not queued, their group is (unless
  // force_status put one in a transient status of its own).
  // A min-heap (std::push_heap/pop_heap with std::greater): a priority_queue's top() is
  // const, so taking an entry out would copy its id.
  using DueEntry = std::tuple<Instant, ResourceKind, std::string>;
  std::vector<DueEntry> due_;
  void compact_due();
};

}  // namespace ebsmock::contracts
