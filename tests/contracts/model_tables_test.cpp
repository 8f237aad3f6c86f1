// model_tables_test.cpp: the static tables of contracts/ against the documentation:
// 19 statuses with wire names, every operation has a rule and a parameter spec, the
// error catalogue's statuses and overrides, and the idempotence decision table.
#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "contracts/api_schema.h"
#include "contracts/diagram.h"
#include "contracts/error_catalogue.h"
#include "contracts/idempotence.h"
#include "contracts/transitions.h"

namespace ebsmock::contracts {
namespace {

using namespace std::chrono_literals;

TEST(StatusTable, NineteenDistinctWireNamesThatRoundTrip) {
  std::set<std::string_view> names;
  for (Status s : kAllStatuses) {
    names.insert(to_string(s));
    EXPECT_EQ(parse_status(to_string(s)), s);
  }
  EXPECT_EQ(names.size(), 19u);
  EXPECT_FALSE(parse_status("Normal"));  // wire names are lower-case
}

TEST(TransitionTable, StopIsExactlyAsTheApiPageSays) {
  const auto& rule = rule_for(Operation::StopDiskReplicaPair, {});
  std::set<Status> from(rule.allowed_from.begin(), rule.allowed_from.end());
  EXPECT_EQ(from, (std::set<Status>{Status::InitialSyncing, Status::Syncing, Status::ManualSyncing,
                                    Status::Normal}));
  EXPECT_EQ(rule.transient, Status::Stopping);
  EXPECT_EQ(rule.final_status, Status::Stopped);
  EXPECT_FALSE(rule.source.empty());
}

TEST(TransitionTable, EveryRuleCitesASourceAndEveryTransientSettles) {
  for (const auto& r : transition_rules()) {
    EXPECT_FALSE(r.source.empty()) << to_string(r.op);
    if (r.transient) {
      auto successor = natural_successor(*r.transient);
      ASSERT_TRUE(successor) << to_string(*r.transient);
      EXPECT_EQ(successor->to, *r.final_status) << to_string(r.op) << " " << r.variant;
    }
  }
  for (Operation op : kAllOperations) {
    EXPECT_NO_THROW(rule_for(op, {}));
    EXPECT_NO_THROW(spec_for(op));
  }
}

TEST(TransitionTable, FailoverAllowedEverywhereButInvalidAndDeleted) {
  const auto& rule = rule_for(Operation::FailoverDiskReplicaPair, {});
  Policy policy;
  for (Status s : kAllStatuses) {
    EXPECT_EQ(is_allowed(rule, s, policy), s != Status::Invalid && s != Status::Deleted) << to_string(s);
  }
}

TEST(ErrorCatalogue, DocumentedStatusesAndOverrides) {
  ErrorCatalogue c;
  EXPECT_EQ(c.status_of("OperationDenied.InvalidStatus"), 403);
  EXPECT_EQ(c.status_of("NoSuchResource"), 404);
  EXPECT_EQ(c.status_of("InternalError"), 500);
  EXPECT_EQ(c.status_of("RequestTimeout"), 504);
  EXPECT_EQ(c.status_of("IdempotentParameterMismatch"), 400);
  EXPECT_EQ(c.status_of("LastTokenProcessing"), 403);
  EXPECT_EQ(c.status_of("OperationDenied.StandbyDeviceAttached"), 400);
  EXPECT_TRUE(c.override_status("SignatureDoesNotMatch", 403));
  EXPECT_EQ(c.make("SignatureDoesNotMatch", "X").http_status, 403);
  EXPECT_FALSE(c.override_status("NoSuchCode", 500));
  auto missing = c.make("MissingParameter", "RegionId");
  EXPECT_EQ(missing.message,
            "The input parameter \"RegionId\" that is mandatory for processing this request is not supplied.");
  std::set<std::string_view> codes;
  for (const auto& e : builtin_errors()) {
    EXPECT_TRUE(codes.insert(e.code).second) << "duplicate " << e.code;
    EXPECT_GE(e.http_status, 400);
    EXPECT_FALSE(e.source.empty());
  }
}

TEST(ErrorCatalogue, RetryClassesMatchTheClientContract) {
  ErrorCatalogue c;
  EXPECT_EQ(c.find("InternalError")->retry, RetryClass::Transient);
  EXPECT_EQ(c.find("RequestTimeout")->retry, RetryClass::Transient);
  EXPECT_EQ(c.find("Throttling.User")->retry, RetryClass::Throttled);
  EXPECT_EQ(c.find("OperationDenied.InvalidStatus")->retry, RetryClass::Never);
  EXPECT_EQ(c.find("SignatureDoesNotMatch")->retry, RetryClass::Never);
}

TEST(ParameterValidation, GatewayStyleErrors) {
  ErrorCatalogue c;
  Params ok{{"RegionId", "cn-hangzhou"}, {"ReplicaPairId", "pair-cn-a"}};
  EXPECT_FALSE(validate_params(Operation::StopDiskReplicaPair, ok, c));
  auto missing = validate_params(Operation::StopDiskReplicaPair, {{"RegionId", "cn-hangzhou"}}, c);
  ASSERT_TRUE(missing);
  EXPECT_EQ(missing->code, "MissingParameter");
  EXPECT_NE(missing->message.find("ReplicaPairId"), std::string::npos);
  auto with = [&](std::string k, std::string v) {
    Params p = ok;
    p[k] = v;
    return validate_params(Operation::StopDiskReplicaPair, p, c);
  };
  EXPECT_FALSE(with("ClientToken", std::string(64, 'a')));
  EXPECT_EQ(with("ClientToken", std::string(65, 'a'))->code, "InvalidParameter");
  EXPECT_EQ(with("ClientToken", "t\xC3\xA9")->code, "InvalidParameter");
  Params start = ok;
  start["OneShot"] = "maybe";
  EXPECT_EQ(validate_params(Operation::StartDiskReplicaPair, start, c)->code, "InvalidParameter");
  Params describe{{"RegionId", "cn-hangzhou"}, {"PageSize", "101"}};
  EXPECT_EQ(validate_params(Operation::DescribeDiskReplicaPairs, describe, c)->code, "InvalidParameter");
  describe["PageSize"] = "abc";
  EXPECT_EQ(validate_params(Operation::DescribeDiskReplicaPairs, describe, c)->code, "InvalidParameter");
  describe["PageSize"] = "100";
  describe["Site"] = "elsewhere";
  EXPECT_EQ(validate_params(Operation::DescribeDiskReplicaPairs, describe, c)->code, "InvalidParameter");
}

TEST(Idempotence, FingerprintIgnoresProtocolParametersAndTokenButNotRegion) {
  Params a{{"RegionId", "cn-hangzhou"}, {"ReplicaPairId", "p"}, {"ClientToken", "t1"},
           {"Timestamp", "x"}, {"SignatureNonce", "n1"}};
  Params b{{"RegionId", "cn-hangzhou"}, {"ReplicaPairId", "p"}, {"ClientToken", "t2"},
           {"Timestamp", "y"}, {"SignatureNonce", "n2"}};
  EXPECT_EQ(request_fingerprint(Operation::StopDiskReplicaPair, a),
            request_fingerprint(Operation::StopDiskReplicaPair, b));
  b["RegionId"] = "cn-shanghai";
  EXPECT_NE(request_fingerprint(Operation::StopDiskReplicaPair, a),
            request_fingerprint(Operation::StopDiskReplicaPair, b));
  EXPECT_NE(request_fingerprint(Operation::StopDiskReplicaPair, a),
            request_fingerprint(Operation::StartDiskReplicaPair, a));
}

TEST(Idempotence, DecisionTable) {
  const Instant t0{std::chrono::seconds(1000)};
  const Duration ttl = 24h;
  EXPECT_EQ(decide_token(nullptr, "f", t0, ttl), TokenDecision::Execute);
  TokenRecord r{.fingerprint = "f", .in_flight = true, .first_seen = t0};
  EXPECT_EQ(decide_token(&r, "f", t0, ttl), TokenDecision::InFlight);
  EXPECT_EQ(decide_token(&r, "g", t0, ttl), TokenDecision::Mismatch);
  r.in_flight = false;
  EXPECT_EQ(decide_token(&r, "f", t0 + ttl - 1ms, ttl), TokenDecision::Replay);
  EXPECT_EQ(decide_token(&r, "g", t0, ttl), TokenDecision::Mismatch);
  EXPECT_EQ(decide_token(&r, "g", t0 + ttl, ttl), TokenDecision::Execute);
}

TEST(Diagram, DotAndMermaidComeFromTheTable) {
  std::string dot = state_machine_dot();
  EXPECT_NE(dot.find("digraph replica_pair"), std::string::npos);
  EXPECT_NE(dot.find("normal -> stopping [label=\"Stop\"]"), std::string::npos);
  EXPECT_NE(dot.find("stopping -> stopped [style=dashed]"), std::string::npos);
  EXPECT_EQ(dot.find("stopped -> stopping"), std::string::npos);  // Stop is not allowed from stopped
  for (Status s : kAllStatuses) EXPECT_NE(dot.find(std::string(to_string(s))), std::string::npos);
  std::string mermaid = state_machine_mermaid();
  EXPECT_NE(mermaid.find("stateDiagram-v2"), std::string::npos);
  EXPECT_NE(mermaid.find("normal --> stopping : Stop"), std::string::npos);
}

TEST(Durations, ParseAndFormat) {
  EXPECT_EQ(parse_duration("250ms"), Duration{250});
  EXPECT_EQ(parse_duration("1.5s"), Duration{1500});
  EXPECT_EQ(parse_duration("1h30m"), Duration{5'400'000});
  EXPECT_EQ(parse_duration("0"), Duration{0});
  EXPECT_FALSE(parse_duration("5"));
  EXPECT_FALSE(parse_duration("5 s"));
  EXPECT_FALSE(parse_duration("-1s"));
  EXPECT_FALSE(parse_duration(""));
  // A dot with no digit is refused, not thrown (found by the scenario_loader fuzzer as
  // delay = "200ms.User").
  EXPECT_FALSE(parse_duration("200ms.User"));
  EXPECT_FALSE(parse_duration(".s"));
  EXPECT_FALSE(parse_duration("."));
  EXPECT_EQ(parse_duration(".5s"), Duration{500});
  EXPECT_EQ(parse_duration("2.s"), Duration{2000});
  EXPECT_EQ(format_duration(Duration{120'000}), "2m");
  auto t = parse_iso8601("2024-01-01T00:00:00Z");
  ASSERT_TRUE(t);
  EXPECT_EQ(unix_seconds(*t), 1704067200);
  EXPECT_EQ(format_iso8601(*t), "2024-01-01T00:00:00Z");
  EXPECT_EQ(format_iso8601_millis(*t), "2024-01-01T00:00:00.000Z");
  EXPECT_EQ(format_iso8601_millis(*t + Duration{86'399'007}), "2024-01-01T23:59:59.007Z");
  EXPECT_EQ(format_iso8601_millis(*t + Duration{1'250}), "2024-01-01T00:00:01.250Z");
  // Before the epoch the millisecond still counts up from the second: 1969-12-31T23:59:59.999Z.
  EXPECT_EQ(format_iso8601_millis(Instant{} - Duration{1}), "1969-12-31T23:59:59.999Z");
  EXPECT_EQ(parse_iso8601(format_iso8601_millis(*t + Duration{42})), *t + Duration{42});
  // Past year 9999 the digits come from snprintf, with or without milliseconds.
  const Instant far{std::chrono::sys_days{std::chrono::year{10000} / 1 / 2}.time_since_epoch() + Duration{3'005}};
  EXPECT_EQ(format_iso8601(far), "10000-01-02T00:00:03Z");
  EXPECT_EQ(format_iso8601_millis(far), "10000-01-02T00:00:03.005Z");
  EXPECT_FALSE(parse_iso8601("2024-13-01T00:00:00Z"));
  EXPECT_FALSE(parse_iso8601("2024-01-01 00:00:00Z"));
}

}  // namespace
}  // namespace ebsmock::contracts

// --- Groups, drills, tags (ebs-groups.md) ----------------------------------------------

namespace ebsmock::contracts {
namespace {

TEST(StatusTable, DrillStatusesAreStatusesButNotPairOrGroupStatuses) {
  const std::vector<std::string> documented = {"executing", "executed", "execute_failed", "clearing",
                                               "clear_failed"};
  ASSERT_EQ(kDrillStatuses.size(), documented.size());
  for (std::size_t i = 0; i < documented.size(); ++i) {
    EXPECT_EQ(to_string(kDrillStatuses[i]), documented[i]);
    EXPECT_EQ(parse_status(documented[i]), kDrillStatuses[i]);
    EXPECT_TRUE(is_drill_status(kDrillStatuses[i]));
    EXPECT_EQ(std::find(kAllStatuses.begin(), kAllStatuses.end(), kDrillStatuses[i]), kAllStatuses.end());
  }
  for (Status s : kAllStatuses) EXPECT_FALSE(is_drill_status(s)) << to_string(s);
  EXPECT_TRUE(is_transient(Status::Executing));
  EXPECT_TRUE(is_transient(Status::Clearing));
  EXPECT_FALSE(is_transient(Status::ClearFailed));
}

TEST(OperationTable, EveryActionOfTheInventoryWithItsClientTokenRule) {
  // ebs-groups.md §1's table plus the nine pair operations; §2's ClientToken list.
  const std::vector<std::string> with_token = {
      "CreateDiskReplicaGroup", "DeleteDiskReplicaGroup", "ModifyDiskReplicaGroup", "StartDiskReplicaGroup",
      "StopDiskReplicaGroup", "FailoverDiskReplicaGroup", "ReprotectDiskReplicaGroup", "AddDiskReplicaPair",
      "RemoveDiskReplicaPair", "StartReplicaGroupDrill", "StartPairDrill", "TagResources", "UntagResources",
      "ListTagResources", "ChangeResourceGroup"};
  const std::vector<std::string> without_token = {
      "DescribeDiskReplicaGroups", "DescribeReplicaGroupDrills", "DescribePairDrills", "ClearReplicaGroupDrill",
      "ClearPairDrill", "DescribeRegions", "ListReplicaEdgeSupported"};
  const std::vector<std::string> reads = {"DescribeDiskReplicaGroups", "DescribeReplicaGroupDrills",
                                          "DescribePairDrills", "ListTagResources", "DescribeRegions",
                                          "ListReplicaEdgeSupported", "DescribeDiskReplicaPairs",
                                          "DescribeDiskReplicaPairProgress"};
  EXPECT_EQ(kAllOperations.size(), 9 + with_token.size() + without_token.size());
  for (const auto& name : with_token) {
    auto op = parse_operation(name);
    ASSERT_TRUE(op) << name;
    EXPECT_TRUE(accepts_client_token(*op)) << name;
  }
  for (const auto& name : without_token) {
    auto op = parse_operation(name);
    ASSERT_TRUE(op) << name;
    EXPECT_FALSE(accepts_client_token(*op)) << name;
    EXPECT_FALSE(uses_idempotence(*op)) << name;
  }
  for (Operation op : kAllOperations) {
    const bool read = std::find(reads.begin(), reads.end(), to_string(op)) != reads.end();
    EXPECT_EQ(is_mutating(op), !read) << to_string(op);
    // Idempotence: exactly the mutating operations that take a token.
    EXPECT_EQ(uses_idempotence(op), accepts_client_token(op) && !read) << to_string(op);
    // The parameter spec has ClientToken exactly when the operation takes one.
    const auto& params = spec_for(op).params;
    const bool has_token = std::any_of(params.begin(), params.end(), [](const ParamSpec& p) { return p.name == "ClientToken"; });
    EXPECT_EQ(has_token, accepts_client_token(op)) << to_string(op);
    // Every target parameter is a parameter of the operation.
    for (const auto& t : target_params(op)) {
      const bool scalar = std::any_of(params.begin(), params.end(), [&](const ParamSpec& p) { return p.name == t.name; });
      const auto& lists = spec_for(op).repeat_lists;
      const bool listed = std::any_of(lists.begin(), lists.end(), [&](const RepeatList& l) { return l.prefix == t.name; });
      EXPECT_TRUE(t.repeated ? listed : scalar) << to_string(op) << " " << t.name;
    }
  }
  EXPECT_FALSE(uses_idempotence(Operation::ListTagResources));  // a read that takes a token
  EXPECT_TRUE(targets_existing_pair(Operation::AddDiskReplicaPair));
  EXPECT_FALSE(targets_existing_pair(Operation::StartPairDrill));  // PairId, not ReplicaPairId
}

TEST(ErrorCatalogue, GroupDrillAndTagCodesWithTheirDocumentedStatusAndMessage) {
  ErrorCatalogue c;
  struct Row {
    const char* code;
    int status;
    const char* message;
  };
  // Copied from ebs-groups.md §4-§7.
  const Row rows[] = {
      {"OperationDenied.GroupHasPair", 403, "The group cannot be deleted due to not empty."},
      {"OperationDenied.PairsExceedInGroup", 403, "The operation is not allowed due to too much pair in the group."},
      {"OperationDenied.PairInAnotherGroup", 403, "The operation is not allowed because pair is already in another group."},
      {"OperationDenied.PairNotInGroup", 403, "The operation is not allowed because pair is not in any group."},
      {"OperationDenied.NoPairInGroup", 403, "The operation is not allowed because no pair in the group."},
      {"OperationDenied.PairGroupStatusConflict", 403, "The operation is not allowed due to pair and group status are not consistent."},
      {"OperationDenied.PairGroupAZoneConflict", 403, "The operation is not allowed due to pair and group having different RegionId or ZoneId."},
      {"OperationDenied.GroupStatusCannotAddPair", 403, "The pair cannot be added in group current status."},
      {"OperationDenied.GroupStatusCannotRemovePair", 403, "The pair cannot be removed in group current status."},
      {"OperationDenied.PairStatusCannotAddToGroup", 403, "The pair cannot be added in pair current status."},
      {"OperationDenied.PairStatusCannotRemoveFromGroup", 403, "The pair cannot be removed in pair  current status."},
      {"OperationDenied.PairInitializing", 403, "The operation is not allowed due to pair initializing,  please try again later."},
      {"OperationDenied.ManualSyncLimit", 403, "One shot start manual syncing too frequently, please try again later."},
      {"OperationDenied.StandbyDeviceAttached", 400, "The secondary disk is attached."},
      {"OperationDenied.TooMuchEmptyGroup", 403, "Operation failed because of too many empty groups."},
      {"OperationDenied.GroupTotalDiskCapacityLimit", 403, "The disk space in the replication pair-consistent group exceeds the upper limit."},
      {"OperationDenied.RecoverPointNotFound", 403, "Recover point is not found."},
      {"OperationDenied.StartDrillShouldOnDestRegion", 403, "Operation should be executed on the secondary region."},
      {"Duplicate.TagKey", 400, "The Tag.N.Key contain duplicate key."},
      {"NumberExceed.ResourceIds", 400, "The ResourceIds parameter number is exceed , Valid : 50"},
      {"NumberExceed.Tags", 400, "NumberExceed.Tags"},
      {"InvalidResourceId.NotFound", 404, "The specified ResourceIds are not found in our records."},
      {"InvalidResourceType.NotFound", 404, "The ResourceType provided does not exist in our records."},
      {"MissingParameter.ResourceType", 404, "The parameter - ResourceType should not be null"},
      {"MissingParameter.ResourceGroup", 404, "The parameter - Resource Group should not be null"},
      {"InvalidResourceGroup.NotFound", 404, "The ResourceGroup provided does not exist in our records."},
      {"InvalidRegionId.NotFound", 404, "The specified RegionId does not exist."},
      {"InvalidParameter.Format", 400, "Specified parameter format is not valid."},
      {"InvalidApi.NotFound", 404, "Specified api is not found, please check your url and method."},
      {"NoPermission.SLR", 403, "The RAM user does not have the permission to create service linked role: AliyunServiceLinkedRoleForEBS."},
  };
  for (const auto& r : rows) {
    ASSERT_TRUE(c.contains(r.code)) << r.code;
    auto e = c.make(r.code);
    EXPECT_EQ(e.http_status, r.status) << r.code;
    EXPECT_EQ(e.message, r.message) << r.code;
    EXPECT_EQ(c.find(r.code)->retry, RetryClass::Never) << r.code;
  }
  EXPECT_EQ(c.make(codes::kInvalidResourceIdNotFound, {}, messages::kResourceIdNotFound).message,
            "The specified ResourceId is not found in our records.");
  // The configured member-pair refusal must be a catalogue code.
  EXPECT_TRUE(c.contains(Policy{}.member_pair_refusal));
}

TEST(TransitionTable, DrillRulesFollowTheDrillStatuses) {
  for (Operation op : {Operation::StartPairDrill, Operation::StartReplicaGroupDrill}) {
    const auto& r = drill_rule_for(op);
    EXPECT_TRUE(r.allowed_from.empty());
    EXPECT_EQ(r.transient, Status::Executing);
    EXPECT_EQ(r.final_status, Status::Executed);
    EXPECT_EQ(r.failure_status, Status::ExecuteFailed);
    EXPECT_EQ(natural_successor(r.transient)->to, Status::Executed);
  }
  for (Operation op : {Operation::ClearPairDrill, Operation::ClearReplicaGroupDrill}) {
    const auto& r = drill_rule_for(op);
    EXPECT_EQ(std::set<Status>(r.allowed_from.begin(), r.allowed_from.end()),
              (std::set<Status>{Status::Executed, Status::ExecuteFailed, Status::ClearFailed, Status::Clearing}));
    EXPECT_EQ(r.transient, Status::Clearing);
    EXPECT_FALSE(r.final_status);  // vanishes
    EXPECT_FALSE(natural_successor(Status::Clearing));
  }
  EXPECT_THROW(drill_rule_for(Operation::StopDiskReplicaPair), std::logic_error);
  for (const auto& r : drill_rules()) EXPECT_FALSE(r.source.empty());
}

TEST(Diagram, GroupAndDrillMachinesComeFromTheirTables) {
  // The default output is the pair machine.
  EXPECT_EQ(state_machine_dot(), state_machine_dot(Machine::Pair));
  EXPECT_EQ(state_machine_mermaid(), state_machine_mermaid(Machine::Pair));
  std::string group = state_machine_dot(Machine::Group);
  EXPECT_NE(group.find("digraph replica_group"), std::string::npos);
  EXPECT_NE(group.find("ebsmock diagram --machine group"), std::string::npos);
  EXPECT_NE(group.find("normal -> stopping [label=\"Stop\"]"), std::string::npos);
  EXPECT_NE(group.find("stop_failed -> stopping [label=\"Stop\"]"), std::string::npos);  // groups only
  EXPECT_EQ(group.find("initial_syncing -> stopping"), std::string::npos);            // pairs only
  EXPECT_EQ(group.find("stopped -> stopping"), std::string::npos);  // allowed, but no change
  std::string drill = state_machine_mermaid(Machine::Drill);
  EXPECT_NE(drill.find("[*] --> executing : StartDrill"), std::string::npos);
  EXPECT_NE(drill.find("executed --> clearing : ClearDrill"), std::string::npos);
  EXPECT_NE(drill.find("clearing --> [*] : vanishes from Describe"), std::string::npos);
  EXPECT_EQ(drill.find("executing --> clearing"), std::string::npos);  // §10 #8
  EXPECT_EQ(parse_machine("group"), Machine::Group);
  EXPECT_FALSE(parse_machine("groups"));
}

TEST(ParamParsing, BooleansAndResourceTypesInAnyLetterCaseOnly) {
  // SDKs send "true"/"True"; anything else is not a boolean, whatever its case.
  EXPECT_EQ(parse_bool("true"), std::optional<bool>(true));
  EXPECT_EQ(parse_bool("TRUE"), std::optional<bool>(true));
  EXPECT_EQ(parse_bool("False"), std::optional<bool>(false));
  for (const char* not_bool : {"", "yes", "1", "tru", "truex", "f"}) {
    EXPECT_EQ(parse_bool(not_bool), std::nullopt) << not_bool;
  }
  EXPECT_EQ(canonical_resource_type("DiskReplicaGroup"), std::optional<std::string_view>("diskreplicagroup"));
  EXPECT_EQ(canonical_resource_type("DISKREPLICAPAIR"), std::optional<std::string_view>("diskreplicapair"));
  EXPECT_EQ(canonical_resource_type("DiskReplicaGroups"), std::nullopt);
}

}  // namespace
}  // namespace ebsmock::contracts
