// model_tables_test.cpp: the static tables of contracts/ against the documentation:
// 19 statuses with wire names, every operation has a rule and a parameter spec, the
// error catalogue's statuses and overrides, and the idempotence decision table.
#include <gtest/gtest.h>

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
  EXPECT_EQ(format_duration(Duration{120'000}), "2m");
  auto t = parse_iso8601("2024-01-01T00:00:00Z");
  ASSERT_TRUE(t);
  EXPECT_EQ(unix_seconds(*t), 1704067200);
  EXPECT_EQ(format_iso8601(*t), "2024-01-01T00:00:00Z");
  EXPECT_FALSE(parse_iso8601("2024-13-01T00:00:00Z"));
  EXPECT_FALSE(parse_iso8601("2024-01-01 00:00:00Z"));
}

}  // namespace
}  // namespace ebsmock::contracts
