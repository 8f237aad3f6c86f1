// group_table_test.cpp: the acceptance table of the group state machine on the pure model.
// For every group status (the 18 documented + initial_syncing) x every group operation
// (Start OneShot=false/true, Stop, Failover, Reprotect ReverseReplicate=true/false, Modify,
// Delete, AddDiskReplicaPair, RemoveDiskReplicaPair): the call succeeds exactly when
// ebs-groups.md §5.1 (written out literally below as the oracle, not read from
// contracts/) allows it; on success the group and every member pair enter the documented
// transient status at the same instant and later reach the documented final status
// together; otherwise 403 OperationDenied.InvalidStatus (Add/Remove: their documented
// Group*Cannot* codes) and the world is unchanged.
#include <gtest/gtest.h>

#include <algorithm>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include "contracts/transitions.h"
#include "tests/contracts/group_fixtures.h"

namespace ebsmock::contracts {
namespace {

using namespace testing;

// ---------------------------------------------------------------------------------------
// The oracle: ebs-groups.md §3.2 and §5.1, copied.

const std::vector<std::string> kDocumentedGroupStatuses = {
    "invalid",     "creating",        "created",      "create_failed",  "manual_syncing",
    "syncing",     "normal",          "stopping",     "stopped",        "stop_failed",
    "failovering", "failovered",      "failover_failed", "reprotecting", "reprotect_failed",
    "deleting",    "delete_failed",   "deleted",
};
// §10 #1: emitted during the first full sync although not in the list.
const std::string kAlsoEmitted = "initial_syncing";

enum class GroupOp {
  StartPeriodic, StartOneShot, Stop, Failover, ReprotectReverse, ReprotectRestore, Modify, Delete,
  Add, Remove,
};
constexpr GroupOp kGroupOps[] = {GroupOp::StartPeriodic, GroupOp::StartOneShot, GroupOp::Stop,
                                 GroupOp::Failover, GroupOp::ReprotectReverse,
                                 GroupOp::ReprotectRestore, GroupOp::Modify, GroupOp::Delete,
                                 GroupOp::Add, GroupOp::Remove};

struct Documented {
  std::vector<std::string> allowed_from;
  // Allowed, but ebsmock's documented choice is "accepted, no change" (transitions.cpp):
  // already in the transient or final status of this very operation.
  std::vector<std::string> unchanged_from;
  std::optional<std::string> transient;       // nullopt: no status change (Modify, Add, Remove)
  std::optional<std::string> final_status;    // "gone" for Delete
  std::string refusal = "OperationDenied.InvalidStatus";
};

Documented documented(GroupOp op) {
  switch (op) {
    case GroupOp::StartPeriodic:
      // "created, syncing, normal, stopped"; "initial_syncing (first time) / syncing";
      // normal.
      return {{"created", "syncing", "normal", "stopped"}, {"syncing", "normal"}, "initial_syncing", "normal"};
    case GroupOp::StartOneShot:
      // "created, manual_syncing, stopped; gap > RPO/2"; manual_syncing; stopped.
      return {{"created", "manual_syncing", "stopped"}, {}, "manual_syncing", "stopped"};
    case GroupOp::Stop:
      return {{"manual_syncing", "syncing", "normal", "stopping", "stop_failed", "stopped"},
              {"stopping", "stopped"}, "stopping", "stopped"};
    case GroupOp::Failover:
      return {{"manual_syncing", "syncing", "normal", "stopping", "stop_failed", "stopped",
               "failovering", "failover_failed", "failovered"},
              {"failovering", "failovered"}, "failovering", "failovered"};
    case GroupOp::ReprotectReverse:
    case GroupOp::ReprotectRestore:
      return {{"failovered"}, {}, "reprotecting", "stopped"};
    case GroupOp::Modify:
      return {{"created", "stopped"}, {}, std::nullopt, std::nullopt};
    case GroupOp::Delete:
      return {{"created", "create_failed", "stopped", "failovered", "deleting", "delete_failed",
               "invalid"},
              {"deleting"}, "deleting", "gone"};
    case GroupOp::Add:
      return {{"created", "stopped"}, {}, std::nullopt, std::nullopt,
              "OperationDenied.GroupStatusCannotAddPair"};
    case GroupOp::Remove:
      return {{"created", "stopped", "invalid"}, {}, std::nullopt, std::nullopt,
              "OperationDenied.GroupStatusCannotRemovePair"};
  }
  return {};
}

struct Call {
  const char* name;
  Operation op;
  Params extra;
};

Call call_of(GroupOp op) {
  switch (op) {
    case GroupOp::StartPeriodic: return {"StartOneShotFalse", Operation::StartDiskReplicaGroup, {{"OneShot", "false"}}};
    case GroupOp::StartOneShot: return {"StartOneShotTrue", Operation::StartDiskReplicaGroup, {{"OneShot", "true"}}};
    case GroupOp::Stop: return {"Stop", Operation::StopDiskReplicaGroup, {}};
    case GroupOp::Failover: return {"Failover", Operation::FailoverDiskReplicaGroup, {}};
    case GroupOp::ReprotectReverse:
      return {"ReprotectReverseTrue", Operation::ReprotectDiskReplicaGroup, {{"ReverseReplicate", "true"}}};
    case GroupOp::ReprotectRestore:
      return {"ReprotectReverseFalse", Operation::ReprotectDiskReplicaGroup, {{"ReverseReplicate", "false"}}};
    case GroupOp::Modify: return {"Modify", Operation::ModifyDiskReplicaGroup, {{"Description", "changed by test"}}};
    case GroupOp::Delete: return {"Delete", Operation::DeleteDiskReplicaGroup, {}};
    case GroupOp::Add: return {"Add", Operation::AddDiskReplicaPair, {{"ReplicaPairId", "pair-cn-f1"}}};
    case GroupOp::Remove: return {"Remove", Operation::RemoveDiskReplicaPair, {{"ReplicaPairId", "pair-cn-m1"}}};
  }
  return {};
}

bool contains(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

// The world a row starts from: group pg-1 in `status`. Delete needs an empty group (its
// documented precondition), deleting/deleted groups cannot hold pairs; otherwise two
// members in the group's status. Add has a free pair: in the group's status when that is
// an Add status, else created. A recovery point (the first full sync done, which Failover
// requires) except for groups that never synced.
World row_world(const std::string& status_name, GroupOp op) {
  const Status status = *parse_status(status_name);
  const bool never_synced = status == Status::Creating || status == Status::Created ||
                            status == Status::CreateFailed || status == Status::InitialSyncing;
  const bool empty = op == GroupOp::Delete || status == Status::Deleting || status == Status::Deleted;
  Policy policy;
  policy.timing.deleted_retention = 1h;  // a loaded `deleted` group stays listed for its row
  const Status free_status =
      status == Status::Created || status == Status::Stopped ? status : Status::Created;
  World w = group_world(status, empty ? 0 : 2, never_synced ? std::nullopt : std::optional<std::int64_t>(1700000000),
                        op == GroupOp::Add ? 1 : 0, free_status, policy);
  // Remove from a group that cannot hold pairs: the pair exists, outside the group.
  if (op == GroupOp::Remove && empty) w.add_pair(make_pair("pair-cn-m1", Status::Created), kT0);
  return w;
}

std::string shown(const World& w, const std::string& id) {
  const Pair* p = w.find(id);
  return p == nullptr ? "(gone)" : std::string(to_string(p->status));
}

class GroupStatusTable : public ::testing::TestWithParam<std::tuple<std::string, GroupOp>> {};

TEST_P(GroupStatusTable, CallSucceedsExactlyWhenDocumented) {
  const auto& [status, op] = GetParam();
  const Documented doc = documented(op);
  const Call call = call_of(op);
  World w = row_world(status, op);
  const World before = w;
  Params params = group_call();
  for (const auto& [k, v] : call.extra) params[k] = v;

  Outcome out = w.execute(call.op, params, kT0);
  const bool allowed = contains(doc.allowed_from, status);
  ASSERT_EQ(out.ok(), allowed) << call.name << " from " << status << ": "
                               << (out.error ? out.error->code : std::string("ok"));
  if (!allowed) {
    EXPECT_EQ(out.error->code, doc.refusal);
    EXPECT_EQ(out.error->http_status, 403);
    EXPECT_EQ(w.groups(), before.groups());
    EXPECT_EQ(w.pairs(), before.pairs());
    return;
  }
  const Group& g = *w.find_group("pg-1");
  if (!doc.transient || contains(doc.unchanged_from, status)) {
    EXPECT_FALSE(out.transition);
    EXPECT_EQ(std::string(to_string(g.status)), status);
    return;
  }
  // The documented transient: initial_syncing the first time, syncing after a sync.
  std::string transient = *doc.transient;
  if (op == GroupOp::StartPeriodic && before.find_group("pg-1")->last_recover_point) transient = "syncing";
  ASSERT_TRUE(out.transition);
  EXPECT_EQ(out.transition->kind, ResourceKind::Group);
  EXPECT_EQ(std::string(to_string(out.transition->to)), transient);
  EXPECT_EQ(std::string(to_string(g.status)), transient);
  ASSERT_EQ(out.member_transitions.size(), g.pair_ids.size());
  for (const auto& t : out.member_transitions) {
    EXPECT_EQ(std::string(to_string(t.to)), transient);
    EXPECT_EQ(shown(w, t.id), transient) << t.id;
  }
  // Later the group and its members reach the documented final status together.
  auto events = w.advance(kT0 + 2h);
  if (*doc.final_status == "gone") {
    EXPECT_EQ(w.find_group("pg-1"), nullptr);
    return;
  }
  ASSERT_NE(w.find_group("pg-1"), nullptr);
  EXPECT_EQ(std::string(to_string(w.find_group("pg-1")->status)), *doc.final_status);
  for (const auto& id : w.find_group("pg-1")->pair_ids) EXPECT_EQ(shown(w, id), *doc.final_status);
  ASSERT_FALSE(events.empty());
  for (const auto& e : events) EXPECT_EQ(e.at, events.front().at) << e.transition;
}

std::vector<std::string> all_group_statuses() {
  auto v = kDocumentedGroupStatuses;
  v.push_back(kAlsoEmitted);
  return v;
}

INSTANTIATE_TEST_SUITE_P(
    EveryStatusTimesEveryGroupOperation, GroupStatusTable,
    ::testing::Combine(::testing::ValuesIn(all_group_statuses()), ::testing::ValuesIn(kGroupOps)),
    [](const auto& info) {
      return std::get<0>(info.param) + "_" + call_of(std::get<1>(info.param)).name;
    });

TEST(GroupStatusTableOracle, GroupStatusesAreTheDocumentedOnesPlusInitialSyncing) {
  ASSERT_EQ(kGroupStatuses.size(), kDocumentedGroupStatuses.size() + 1);
  for (const auto& name : all_group_statuses()) {
    auto s = parse_status(name);
    ASSERT_TRUE(s) << name;
    EXPECT_NE(std::find(kGroupStatuses.begin(), kGroupStatuses.end(), *s), kGroupStatuses.end()) << name;
  }
}

TEST(GroupStatusTableOracle, RuleTableAgreesWithTheDocumentedAllowedSets) {
  Policy policy;
  for (GroupOp op : kGroupOps) {
    const Documented doc = documented(op);
    OperationFlags flags{.one_shot = op == GroupOp::StartOneShot,
                         .reverse_replicate = op != GroupOp::ReprotectRestore};
    const TransitionRule& rule = rule_for(call_of(op).op, flags);
    EXPECT_EQ(rule.kind, ResourceKind::Group) << call_of(op).name;
    EXPECT_FALSE(rule.source.empty());
    for (const auto& name : all_group_statuses()) {
      EXPECT_EQ(is_allowed(rule, *parse_status(name), policy), contains(doc.allowed_from, name))
          << call_of(op).name << " from " << name;
    }
  }
}

}  // namespace
}  // namespace ebsmock::contracts
