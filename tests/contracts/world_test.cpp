// world_test.cpp: the pure contract model: each operation's documented effect, the
// time-driven progress, Describe filters/paging, and RapidCheck properties over random
// operation histories (every status change the model makes is one the rule table or
// natural_successor() allows).
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <algorithm>

#include "contracts/transitions.h"
#include "contracts/world.h"

namespace ebsmock::contracts {
namespace {

using namespace std::chrono_literals;

const Instant kT0 = Instant{std::chrono::seconds(1704067200)};

Pair make_pair(std::string id, Status status) {
  Pair p;
  p.id = std::move(id);
  p.status = status;
  p.source_region = "cn-hangzhou";
  p.destination_region = "cn-shanghai";
  p.source_disk_id = "d-src";
  p.destination_disk_id = "d-dst";
  p.create_time = unix_seconds(kT0);
  return p;
}

Params pair_call(std::string id, std::string region = "cn-hangzhou") {
  return {{"RegionId", std::move(region)}, {"ReplicaPairId", std::move(id)}};
}

Params create_params() {
  return {{"RegionId", "cn-hangzhou"},        {"SourceZoneId", "cn-hangzhou-h"},
          {"DiskId", "d-src"},                {"DestinationRegionId", "cn-shanghai"},
          {"DestinationZoneId", "cn-shanghai-e"}, {"DestinationDiskId", "d-dst"}};
}

TEST(WorldTest, CreateEntersCreatingThenCreatedAfterTiming) {
  World w;
  auto out = w.execute(Operation::CreateDiskReplicaPair, create_params(), kT0, {"pair-cn-a", "123"});
  ASSERT_TRUE(out.ok());
  EXPECT_EQ(out.body["ReplicaPairId"], "pair-cn-a");
  EXPECT_EQ(out.body["OrderId"], "123");
  ASSERT_TRUE(out.transition);
  EXPECT_FALSE(out.transition->from.has_value());
  EXPECT_EQ(out.transition->to, Status::Creating);
  EXPECT_EQ(w.find("pair-cn-a")->status, Status::Creating);
  EXPECT_TRUE(w.advance(kT0 + w.policy().timing.create - 1ms).empty());
  auto events = w.advance(kT0 + w.policy().timing.create);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].transition.to, Status::Created);
  EXPECT_EQ(w.find("pair-cn-a")->status, Status::Created);
  // POSTPAY forces dynamic bandwidth.
  EXPECT_EQ(w.find("pair-cn-a")->bandwidth, 0);
}

TEST(WorldTest, PrepayWithoutPeriodIsMissingParameter) {
  World w;
  auto params = create_params();
  params["ChargeType"] = "PREPAY";
  auto out = w.execute(Operation::CreateDiskReplicaPair, params, kT0, {"pair-cn-a", "1"});
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(out.error->code, "MissingParameter");
  EXPECT_NE(out.error->message.find("Period"), std::string::npos);
  EXPECT_TRUE(w.pairs().empty());
}

TEST(WorldTest, FirstStartIsInitialSyncAndSetsLastRecoverPointOnlyWhenDone) {
  World w;
  w.add_pair(make_pair("pair-cn-a", Status::Created), kT0);
  ASSERT_TRUE(w.execute(Operation::StartDiskReplicaPair, pair_call("pair-cn-a"), kT0).ok());
  EXPECT_EQ(w.find("pair-cn-a")->status, Status::InitialSyncing);
  EXPECT_FALSE(w.find("pair-cn-a")->last_recover_point);
  auto done = kT0 + w.policy().timing.initial_sync;
  w.advance(done);
  EXPECT_EQ(w.find("pair-cn-a")->status, Status::Normal);
  EXPECT_EQ(w.find("pair-cn-a")->last_recover_point, unix_seconds(done));
}

TEST(WorldTest, RestartAfterASyncResumesAsSyncing) {
  World w;
  Pair p = make_pair("pair-cn-a", Status::Stopped);
  p.last_recover_point = 1;
  w.add_pair(p, kT0);
  auto out = w.execute(Operation::StartDiskReplicaPair, pair_call("pair-cn-a"), kT0);
  ASSERT_TRUE(out.ok());
  EXPECT_EQ(out.transition->to, Status::Syncing);
  w.advance(kT0 + w.policy().timing.sync);
  EXPECT_EQ(w.find("pair-cn-a")->status, Status::Normal);
}

TEST(WorldTest, OneShotStartReturnsToStopped) {
  World w;
  w.add_pair(make_pair("pair-cn-a", Status::Stopped), kT0);
  auto params = pair_call("pair-cn-a");
  params["OneShot"] = "true";
  ASSERT_TRUE(w.execute(Operation::StartDiskReplicaPair, params, kT0).ok());
  EXPECT_EQ(w.find("pair-cn-a")->status, Status::ManualSyncing);
  w.advance(kT0 + w.policy().timing.manual_sync);
  EXPECT_EQ(w.find("pair-cn-a")->status, Status::Stopped);
  EXPECT_TRUE(w.find("pair-cn-a")->last_recover_point);
}

TEST(WorldTest, OneShotFromManualSyncingFollowsPolicy) {
  for (bool allowed : {false, true}) {
    Policy policy;
    policy.oneshot_from_manual_syncing = allowed;
    World w(policy);
    w.add_pair(make_pair("pair-cn-a", Status::ManualSyncing), kT0);
    auto params = pair_call("pair-cn-a");
    params["OneShot"] = "true";
    EXPECT_EQ(w.execute(Operation::StartDiskReplicaPair, params, kT0).ok(), allowed);
  }
}

TEST(WorldTest, StopOutsideItsFourStatusesIsInvalidStatusAndChangesNothing) {
  for (Status s : kAllStatuses) {
    World w;
    w.add_pair(make_pair("pair-cn-a", s), kT0);
    Pair before = *w.find("pair-cn-a");
    auto out = w.execute(Operation::StopDiskReplicaPair, pair_call("pair-cn-a"), kT0);
    bool documented = s == Status::InitialSyncing || s == Status::Syncing ||
                      s == Status::ManualSyncing || s == Status::Normal;
    EXPECT_EQ(out.ok(), documented) << to_string(s);
    if (documented) {
      EXPECT_EQ(w.find("pair-cn-a")->status, Status::Stopping);
    } else {
      EXPECT_EQ(out.error->code, "OperationDenied.InvalidStatus");
      EXPECT_EQ(out.error->http_status, 403);
      EXPECT_EQ(*w.find("pair-cn-a"), before);
    }
  }
}

TEST(WorldTest, ReprotectWithReverseSwapsSourceAndDestinationButNotInitialSites) {
  World w;
  Pair p = make_pair("pair-cn-a", Status::Failovered);
  p.primary_region = "cn-hangzhou";
  p.standby_region = "cn-shanghai";
  w.add_pair(p, kT0);
  ASSERT_TRUE(w.execute(Operation::ReprotectDiskReplicaPair, pair_call("pair-cn-a"), kT0).ok());
  EXPECT_EQ(w.find("pair-cn-a")->status, Status::Reprotecting);
  w.advance(kT0 + w.policy().timing.reprotect);
  const Pair* after = w.find("pair-cn-a");
  EXPECT_EQ(after->status, Status::Stopped);
  EXPECT_EQ(after->source_region, "cn-shanghai");
  EXPECT_EQ(after->destination_region, "cn-hangzhou");
  EXPECT_EQ(after->source_disk_id, "d-dst");
  EXPECT_EQ(after->primary_region, "cn-hangzhou");
  EXPECT_EQ(after->standby_region, "cn-shanghai");
  EXPECT_EQ(after->status_message, "");
}

TEST(WorldTest, ReprotectWithoutReverseKeepsDirection) {
  World w;
  w.add_pair(make_pair("pair-cn-a", Status::Failovered), kT0);
  auto params = pair_call("pair-cn-a");
  params["ReverseReplicate"] = "false";
  ASSERT_TRUE(w.execute(Operation::ReprotectDiskReplicaPair, params, kT0).ok());
  w.advance(kT0 + w.policy().timing.reprotect);
  EXPECT_EQ(w.find("pair-cn-a")->source_region, "cn-hangzhou");
  EXPECT_EQ(w.find("pair-cn-a")->status, Status::Stopped);
}

TEST(WorldTest, DeletedPairVanishesAfterRetention) {
  Policy policy;
  policy.timing.deleted_retention = 10s;
  World w(policy);
  w.add_pair(make_pair("pair-cn-a", Status::Stopped), kT0);
  ASSERT_TRUE(w.execute(Operation::DeleteDiskReplicaPair, pair_call("pair-cn-a"), kT0).ok());
  auto deleted_at = kT0 + policy.timing.delete_;
  w.advance(deleted_at);
  EXPECT_EQ(w.find("pair-cn-a")->status, Status::Deleted);
  w.advance(deleted_at + 9s);
  EXPECT_NE(w.find("pair-cn-a"), nullptr);
  auto events = w.advance(deleted_at + 10s);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_TRUE(events[0].vanished);
  EXPECT_EQ(w.find("pair-cn-a"), nullptr);
  auto out = w.execute(Operation::DeleteDiskReplicaPair, pair_call("pair-cn-a"), kT0);
  EXPECT_EQ(out.error->code, "NoSuchResource");
  EXPECT_EQ(out.error->http_status, 404);
}

TEST(WorldTest, PairInAnotherRegionIsUnknown) {
  World w;
  w.add_pair(make_pair("pair-cn-a", Status::Normal), kT0);
  auto out = w.execute(Operation::StopDiskReplicaPair, pair_call("pair-cn-a", "cn-beijing"), kT0);
  EXPECT_EQ(out.error->code, "NoSuchResource");
  // The secondary region addresses the pair too.
  EXPECT_TRUE(w.execute(Operation::StopDiskReplicaPair, pair_call("pair-cn-a", "cn-shanghai"), kT0).ok());
}

TEST(WorldTest, EnforcedSitesRefuseFailoverFromThePrimaryRegion) {
  Policy policy;
  policy.enforce_site_region = true;
  World w(policy);
  w.add_pair(make_pair("pair-cn-a", Status::Normal), kT0);
  auto out = w.execute(Operation::FailoverDiskReplicaPair, pair_call("pair-cn-a"), kT0);
  EXPECT_EQ(out.error->code, "OperationDenied.OperateNotAllowedForPrimary");
  EXPECT_TRUE(w.execute(Operation::FailoverDiskReplicaPair, pair_call("pair-cn-a", "cn-shanghai"), kT0).ok());
}

TEST(WorldTest, ModifyChangesFieldsWithoutTransition) {
  World w;
  w.add_pair(make_pair("pair-cn-a", Status::Created), kT0);
  auto params = pair_call("pair-cn-a");
  params["PairName"] = "renamed";
  params["Description"] = "new description";
  auto out = w.execute(Operation::ModifyDiskReplicaPair, params, kT0);
  ASSERT_TRUE(out.ok());
  EXPECT_FALSE(out.transition);
  EXPECT_EQ(w.find("pair-cn-a")->pair_name, "renamed");
  EXPECT_EQ(w.find("pair-cn-a")->status, Status::Created);
}

TEST(WorldTest, ProgressReportsPartialSyncAndRecoverPoint) {
  World w;
  w.add_pair(make_pair("pair-cn-a", Status::Created), kT0);
  w.execute(Operation::StartDiskReplicaPair, pair_call("pair-cn-a"), kT0);
  auto half = kT0 + w.policy().timing.initial_sync / 2;
  auto out = w.execute(Operation::DescribeDiskReplicaPairProgress, pair_call("pair-cn-a"), half);
  EXPECT_EQ(out.body["Progress"], 50);
  EXPECT_FALSE(out.body.contains("RecoverPoint"));
  auto end = kT0 + w.policy().timing.initial_sync;
  w.advance(end);
  out = w.execute(Operation::DescribeDiskReplicaPairProgress, pair_call("pair-cn-a"), end);
  EXPECT_EQ(out.body["Progress"], 100);
  EXPECT_EQ(out.body["RecoverPoint"], unix_seconds(end));
}

TEST(WorldTest, SyncCycleAlternatesNormalAndSyncing) {
  Policy policy;
  policy.timing.sync_cycle = 60s;
  policy.timing.sync = 5s;
  World w(policy);
  w.add_pair(make_pair("pair-cn-a", Status::Normal), kT0);
  w.advance(kT0 + 60s);
  EXPECT_EQ(w.find("pair-cn-a")->status, Status::Syncing);
  w.advance(kT0 + 65s);
  EXPECT_EQ(w.find("pair-cn-a")->status, Status::Normal);
  EXPECT_EQ(w.find("pair-cn-a")->last_recover_point, unix_seconds(kT0 + 65s));
}

TEST(WorldTest, DescribePagesEveryPairExactlyOnceInBothStyles) {
  World w;
  for (int i = 0; i < 23; ++i) w.add_pair(make_pair("pair-cn-" + std::to_string(100 + i), Status::Normal), kT0);
  std::vector<std::string> seen;
  for (int page = 1; page <= 5; ++page) {
    Params params{{"RegionId", "cn-hangzhou"}, {"PageNumber", std::to_string(page)}, {"PageSize", "5"}};
    auto out = w.execute(Operation::DescribeDiskReplicaPairs, params, kT0);
    EXPECT_EQ(out.body["TotalCount"], 23);
    for (const auto& p : out.body["ReplicaPairs"]) seen.push_back(p["ReplicaPairId"]);
  }
  EXPECT_EQ(seen.size(), 23u);
  std::vector<std::string> by_token;
  std::string token;
  for (int guard = 0; guard < 10; ++guard) {
    Params params{{"RegionId", "cn-hangzhou"}, {"MaxResults", "7"}};
    if (!token.empty()) params["NextToken"] = token;
    auto out = w.execute(Operation::DescribeDiskReplicaPairs, params, kT0);
    for (const auto& p : out.body["ReplicaPairs"]) by_token.push_back(p["ReplicaPairId"]);
    token = out.body["NextToken"];
    if (token.empty()) break;
  }
  EXPECT_EQ(by_token, seen);
  auto bad = w.execute(Operation::DescribeDiskReplicaPairs,
                       {{"RegionId", "cn-hangzhou"}, {"NextToken", "garbage"}}, kT0);
  EXPECT_EQ(bad.error->code, "InvalidParameter");
}

TEST(WorldTest, DescribeFilters) {
  World w;
  Pair grouped = make_pair("pair-cn-g", Status::Normal);
  grouped.replica_group_id = "pg-1";
  w.add_pair(grouped, kT0);
  w.add_pair(make_pair("pair-cn-x", Status::Stopped), kT0);
  auto ids = [&](Params params) {
    std::vector<std::string> out;
    // Keep the outcome alive: a range-for over a member of a temporary dangles in C++20.
    auto outcome = w.execute(Operation::DescribeDiskReplicaPairs, params, kT0);
    for (const auto& p : outcome.body["ReplicaPairs"]) out.push_back(p["ReplicaPairId"]);
    return out;
  };
  using V = std::vector<std::string>;
  EXPECT_EQ(ids({{"RegionId", "cn-hangzhou"}, {"PairIds", "pair-cn-x,pair-cn-nope"}}), V{"pair-cn-x"});
  EXPECT_EQ(ids({{"RegionId", "cn-hangzhou"}, {"ReplicaGroupId", "-"}}), V{"pair-cn-x"});
  EXPECT_EQ(ids({{"RegionId", "cn-hangzhou"}, {"ReplicaGroupId", "pg-1"}}), V{"pair-cn-g"});
  EXPECT_EQ(ids({{"RegionId", "cn-shanghai"}, {"Site", "production"}}), V{});
  EXPECT_EQ(ids({{"RegionId", "cn-shanghai"}, {"Site", "backup"}}).size(), 2u);
  EXPECT_EQ(ids({{"RegionId", "cn-beijing"}}), V{});
}

// --- Properties over random histories ---------------------------------------------

struct Step {
  Operation op;
  bool one_shot;
  bool reverse;
  int advance_seconds;
};

bool is_documented_change(Operation op, const OperationFlags& flags, std::optional<Status> from,
                          Status to, const Policy& policy) {
  const TransitionRule& rule = rule_for(op, flags);
  if (!from) return op == Operation::CreateDiskReplicaPair && to == Status::Creating;
  return is_allowed(rule, *from, policy) &&
         (to == rule.transient || (rule.transient_if_synced && to == *rule.transient_if_synced));
}

RC_GTEST_PROP(WorldProperties, EveryStatusChangeIsDocumented, ()) {
  World w;
  Instant now = kT0;
  w.add_pair(make_pair("pair-cn-a", *rc::gen::elementOf(kAllStatuses)), now);
  const auto ops = std::vector<Operation>(kAllOperations.begin(), kAllOperations.end());
  auto steps = *rc::gen::container<std::vector<std::tuple<int, bool, bool, int>>>(
      rc::gen::tuple(rc::gen::inRange<int>(0, static_cast<int>(ops.size())), rc::gen::arbitrary<bool>(),
                     rc::gen::arbitrary<bool>(), rc::gen::inRange(0, 12)));
  for (const auto& [op_index, one_shot, reverse, advance_s] : steps) {
    Operation op = ops[static_cast<size_t>(op_index)];
    Params params = op == Operation::CreateDiskReplicaPair ? create_params() : pair_call("pair-cn-a");
    if (op == Operation::DescribeDiskReplicaPairs) params.erase("ReplicaPairId");
    params["OneShot"] = one_shot ? "true" : "false";
    params["ReverseReplicate"] = reverse ? "true" : "false";
    const Pair* before = w.find("pair-cn-a");
    std::optional<Status> from = before ? std::optional<Status>(before->status) : std::nullopt;
    auto out = w.execute(op, params, now, {"pair-cn-new" + std::to_string(w.pairs().size()), "1"});
    if (out.transition) {
      OperationFlags flags{one_shot, reverse};
      // Assigned, not initialised from a conditional: GCC 12 then warns
      // (-Wmaybe-uninitialized) about the optional's payload.
      std::optional<Status> tfrom;
      if (op != Operation::CreateDiskReplicaPair) tfrom = from;
      RC_ASSERT(is_documented_change(op, flags, tfrom, out.transition->to, w.policy()));
    } else if (out.ok() && op != Operation::ModifyDiskReplicaPair) {
      // Reads never change anything.
      RC_ASSERT(!is_mutating(op));
    }
    if (!out.ok() && out.error->code == "OperationDenied.InvalidStatus") {
      RC_ASSERT(w.find("pair-cn-a")->status == *from);
    }
    now += std::chrono::seconds(advance_s);
    for (const auto& e : w.advance(now)) {
      if (e.vanished) continue;
      auto successor = natural_successor(*e.transition.from);
      bool cycle = *e.transition.from == Status::Normal && e.transition.to == Status::Syncing;
      RC_ASSERT(cycle || (successor && successor->to == e.transition.to));
    }
  }
}

// When the given pair's next time-driven change is due, read from its public fields: a
// scan of every pair, the way advance() used to find work, to check the due queue against.
std::optional<Instant> due_by_scan(const Pair& p, const Policy& policy) {
  if (p.pending) return p.pending->due;
  if (p.next_cycle) return p.next_cycle;
  if (p.deleted_at) return *p.deleted_at + policy.timing.deleted_retention;
  return std::nullopt;
}

// advance() works from a queue of due changes, not a scan. Whatever random operations on
// several pairs (sync cycles and deleted retention on, so every kind of change is
// scheduled and re-scheduled), advancing must leave nothing due, yield changes in time
// order, and give the same events and the same world whether time moves in one jump or
// second by second.
RC_GTEST_PROP(WorldProperties, AdvanceLeavesNothingDueInTimeOrderHoweverTimeMoves, ()) {
  Policy policy;
  policy.timing.sync_cycle = std::chrono::seconds(*rc::gen::inRange(1, 8));
  policy.timing.deleted_retention = std::chrono::seconds(*rc::gen::inRange(0, 5));
  World jump(policy);
  Instant now = kT0;
  const std::vector<std::string> ids = {"pair-cn-a", "pair-cn-b", "pair-cn-c"};
  for (const auto& id : ids) jump.add_pair(make_pair(id, *rc::gen::elementOf(kAllStatuses)), now);
  World steps = jump;
  const auto ops = std::vector<Operation>(kAllOperations.begin(), kAllOperations.end());
  auto history = *rc::gen::container<std::vector<std::tuple<int, int, bool, int>>>(
      rc::gen::tuple(rc::gen::inRange<int>(0, static_cast<int>(ops.size())), rc::gen::inRange(0, 3),
                     rc::gen::arbitrary<bool>(), rc::gen::inRange(0, 15)));
  for (const auto& [op_index, pair_index, flag, advance_s] : history) {
    Operation op = ops[static_cast<size_t>(op_index)];
    if (op == Operation::CreateDiskReplicaPair || op == Operation::DescribeDiskReplicaPairs) continue;
    Params params = pair_call(ids[static_cast<size_t>(pair_index)]);
    params["OneShot"] = flag ? "true" : "false";
    params["ReverseReplicate"] = flag ? "true" : "false";
    auto a = jump.execute(op, params, now);
    auto b = steps.execute(op, params, now);
    RC_ASSERT(a.ok() == b.ok());

    Instant target = now + std::chrono::seconds(advance_s);
    auto jumped = jump.advance(target);
    std::vector<TimedTransition> stepped;
    for (Instant t = now; t <= target; t += std::chrono::seconds(1)) {
      for (auto& e : steps.advance(t)) stepped.push_back(std::move(e));
    }
    now = target;
    RC_ASSERT(jumped.size() == stepped.size());
    for (std::size_t i = 0; i < jumped.size(); ++i) {
      RC_ASSERT(jumped[i].at <= now);
      if (i > 0) RC_ASSERT(jumped[i - 1].at <= jumped[i].at);
      RC_ASSERT(jumped[i].at == stepped[i].at);
      RC_ASSERT(jumped[i].transition.id == stepped[i].transition.id);
      RC_ASSERT(jumped[i].transition.to == stepped[i].transition.to);
      RC_ASSERT(jumped[i].vanished == stepped[i].vanished);
    }
    RC_ASSERT(jump.pairs().size() == steps.pairs().size());
    for (const auto& [id, p] : jump.pairs()) {
      auto due = due_by_scan(p, policy);
      RC_ASSERT(!due || *due > now);
      const Pair* q = steps.find(id);
      RC_ASSERT(q != nullptr);
      RC_ASSERT(p.status == q->status);
      RC_ASSERT(due == due_by_scan(*q, policy));
    }
  }
}

RC_GTEST_PROP(WorldProperties, TransientStatusesAlwaysSettle, ()) {
  World w;
  auto status = *rc::gen::elementOf(kAllStatuses);
  w.add_pair(make_pair("pair-cn-a", status), kT0);
  // Longer than any default timing: every transient status must have finished.
  w.advance(kT0 + std::chrono::hours(1));
  const Pair* p = w.find("pair-cn-a");
  if (status == Status::Deleting || status == Status::Deleted) {
    RC_ASSERT(p == nullptr);
  } else {
    RC_ASSERT(p != nullptr);
    RC_ASSERT(!is_transient(p->status));
  }
}

}  // namespace
}  // namespace ebsmock::contracts
