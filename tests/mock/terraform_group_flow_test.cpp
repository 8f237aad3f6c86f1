// terraform_group_flow_test.cpp: the call sequences terraform-provider-alicloud makes for
// alicloud_ebs_disk_replica_group (ebs-groups.md §5.3, §9.2), alicloud_ebs_replica_group_drill
// (§9.4) and alicloud_ebs_replica_pair_drill (§9.5), over real HTTP with V1 signatures as
// tea-rpc sends them: common parameters in the query, API parameters in a form body, except
// Start*Drill (GroupId/PairId in the query; RegionId, ClientToken in the body),
// Describe*Drills (all in the query) and Clear*Drill (GroupId/PairId, DrillId in the query;
// RegionId in the body). A V1 signature covers query and body together, so a parameter
// moved from the body to the query after signing keeps the signature valid, exactly the
// freedom tea-rpc uses. TF-style ClientTokens, TF's waiters polled every second of world
// time (the virtual clock moves only through the admin API). The C++ twin of
// tests/e2e/terraform_groups_e2e.test.mjs, which runs the same flows through the real Node
// SDKs. Each test owns its server.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "tests/support/mock_server_fixture.h"

namespace ebsmock::testing {
namespace {

constexpr const char* kRegion = "cn-hangzhou";
constexpr const char* kSourceZone = "cn-hangzhou-i";
constexpr const char* kDestZone = "cn-hangzhou-h";

std::string tf_token(std::string_view action, int n) {
  std::string t = "TF-" + std::string(action) + "-1704067200-" + std::to_string(n) +
                  "-3f2a9c1e-7d4b-4c61-9a0e-5b8f2d6c1a90";
  return t.substr(0, 64);
}

class Terraform {
 public:
  explicit Terraform(const MockServer& s) : s_(s) {}

  // One call as tea-rpc sends it: V1, POST, API parameters in the body except `in_query`.
  Response call(std::string_view action, const contracts::ParamList& params,
                const std::vector<std::string>& in_query = {}, bool all_in_query = false) const {
    SignOptions o = s_.default_signing();
    o.scheme = Scheme::V1;
    o.placement = all_in_query ? Placement::Query : Placement::Form;
    contracts::ParamList all{{"Action", std::string(action)}, {"Version", std::string(contracts::kApiVersion)}};
    all.insert(all.end(), params.begin(), params.end());
    WireRequest w = build_request(all, s_.host(), o);
    if (!in_query.empty()) {
      auto form = contracts::parse_urlencoded(w.body);
      EXPECT_TRUE(form.has_value());
      contracts::ParamList body, moved;
      for (const auto& p : *form) {
        bool q = std::find(in_query.begin(), in_query.end(), p.first) != in_query.end();
        (q ? moved : body).push_back(p);
      }
      EXPECT_EQ(moved.size(), in_query.size()) << "not every query parameter was in the body";
      w.body = contracts::encode_params(body);
      w.target += "&" + contracts::encode_params(moved);
    }
    return s_.send(w);
  }

  Json must(std::string_view action, const contracts::ParamList& params,
            const std::vector<std::string>& in_query = {}) const {
    Response r = call(action, params, in_query);
    EXPECT_EQ(r.status, 200) << action << ": " << r.body;
    return r.json;
  }

  std::optional<Json> group(const std::string& id) const {
    Response r = call("DescribeDiskReplicaGroups", {{"RegionId", kRegion}, {"GroupIds", id}});
    EXPECT_EQ(r.status, 200) << r.body;
    EXPECT_TRUE(r.json.contains("ReplicaGroups") && r.json["ReplicaGroups"].is_array()) << r.body;
    for (const auto& g : r.json["ReplicaGroups"]) {
      if (g.value("ReplicaGroupId", "") == id) {
        EXPECT_TRUE(g["PairIds"].is_array()) << g.dump();
        if (g.contains("LastRecoverPoint") && !g["LastRecoverPoint"].is_null()) {
          EXPECT_GT(g["LastRecoverPoint"].get<std::int64_t>(), 0) << "never 0: " << g.dump();
        }
        return g;
      }
    }
    return std::nullopt;
  }

  std::optional<Json> pair(const std::string& id) const {
    Response r = call("DescribeDiskReplicaPairs", {{"RegionId", kRegion}, {"PairIds", id}});
    EXPECT_EQ(r.status, 200) << r.body;
    for (const auto& p : r.json["ReplicaPairs"]) {
      if (p.value("ReplicaPairId", "") == id) return p;
    }
    return std::nullopt;
  }

  std::map<std::string, std::string> tags(const std::string& id, int n) const {
    Json b = must("ListTagResources", {{"RegionId", kRegion}, {"ResourceType", "DiskReplicaGroup"},
                                       {"ResourceId.1", id}, {"ClientToken", tf_token("ListTagResources", n)}});
    std::map<std::string, std::string> out;
    for (const auto& t : b["TagResources"]) out[t["TagKey"]] = t["TagValue"];
    return out;
  }

  // Polls `observe` every second of world time until `done`; returns every observation.
  template <typename Observe, typename Done>
  std::vector<std::optional<Json>> wait(Observe observe, Done done, int max_seconds = 300) const {
    std::vector<std::optional<Json>> seen;
    for (int t = 0; t <= max_seconds; ++t) {
      seen.push_back(observe());
      if (done(seen.back())) return seen;
      s_.advance("1s");
    }
    ADD_FAILURE() << "not reached within " << max_seconds << "s of world time";
    return seen;
  }

 private:
  const MockServer& s_;
};

std::string status_of(const std::optional<Json>& item) {
  return item ? item->value("Status", "") : std::string("<gone>");
}

std::string create_pair(const Terraform& tf, int n) {
  Json b = tf.must("CreateDiskReplicaPair",
                   {{"RegionId", kRegion}, {"ClientToken", tf_token("CreateDiskReplicaPair", n)},
                    {"SourceZoneId", kSourceZone}, {"DiskId", "d-bp1tfsrc000" + std::to_string(n)},
                    {"DestinationRegionId", kRegion}, {"DestinationZoneId", kDestZone},
                    {"DestinationDiskId", "d-bp1tfdst000" + std::to_string(n)}, {"ChargeType", "POSTPAY"}});
  const std::string id = b.value("ReplicaPairId", "");
  tf.wait([&] { return tf.pair(id); }, [](const auto& p) { return status_of(p) == "created"; });
  return id;
}

std::string create_group(const Terraform& tf, int n) {
  Json b = tf.must("CreateDiskReplicaGroup",
                   {{"RegionId", kRegion}, {"ClientToken", tf_token("CreateDiskReplicaGroup", n)},
                    {"SourceZoneId", kSourceZone}, {"DestinationRegionId", kRegion},
                    {"DestinationZoneId", kDestZone}, {"RPO", "900"}, {"GroupName", "tf-group"},
                    {"Description", "Test1 EBS group"}, {"ResourceGroupId", "rg-acfmtf0001"}});
  const std::string id = b.value("ReplicaGroupId", "");
  EXPECT_TRUE(id.starts_with("pg-")) << b.dump();
  auto seen = tf.wait([&] { return tf.group(id); }, [](const auto& g) {
    EXPECT_NE(status_of(g), "create_failed");
    EXPECT_NE(status_of(g), "invalid");
    return status_of(g) == "created";
  });
  EXPECT_EQ(status_of(seen.front()), "creating");
  return id;
}

// Start and the #CHECKSET wait of §9.7 #2: the poll where LastRecoverPoint first appears is
// the first poll where the group is normal.
Json start_group(const Terraform& tf, const std::string& id, int n) {
  tf.must("StartDiskReplicaGroup", {{"RegionId", kRegion}, {"ReplicaGroupId", id}, {"OneShot", "false"},
                                    {"ClientToken", tf_token("StartDiskReplicaGroup", n)}});
  auto has_lrp = [](const std::optional<Json>& g) {
    return g && g->contains("LastRecoverPoint") && !(*g)["LastRecoverPoint"].is_null();
  };
  auto seen = tf.wait([&] { return tf.group(id); }, has_lrp, 1200);
  EXPECT_GT(seen.size(), 1u) << "the initial sync must take some time";
  EXPECT_EQ(status_of(seen.front()), "initial_syncing");
  for (std::size_t i = 0; i + 1 < seen.size(); ++i) {
    EXPECT_NE(status_of(seen[i]), "normal") << "t+" << i << "s: normal without LastRecoverPoint";
  }
  EXPECT_EQ(status_of(seen.back()), "normal") << "LastRecoverPoint set while " << status_of(seen.back());
  return seen.back().value_or(Json());
}

TEST(TerraformGroupFlow, AcceptanceSequenceOfTheGroupResource) {
  MockServer s(world_toml(true));
  Terraform tf(s);

  // Step 0 and 1.
  const std::string pair = create_pair(tf, 1);
  const std::string id = create_group(tf, 1);
  auto g = tf.group(id);
  ASSERT_TRUE(g);
  EXPECT_EQ((*g)["RPO"], 900);
  EXPECT_EQ((*g)["GroupName"], "tf-group");
  EXPECT_EQ((*g)["Description"], "Test1 EBS group");
  EXPECT_EQ((*g)["ResourceGroupId"], "rg-acfmtf0001");
  EXPECT_EQ((*g)["SourceZoneId"], kSourceZone);
  EXPECT_EQ((*g)["DestinationZoneId"], kDestZone);
  EXPECT_EQ((*g)["PairIds"], Json::array());
  EXPECT_FALSE(g->contains("LastRecoverPoint")) << g->dump();
  EXPECT_TRUE(tf.tags(id, 1).empty());

  // Step 2: ChangeResourceGroup in TF's letter case; step 3: Modify(Description).
  tf.must("ChangeResourceGroup", {{"RegionId", kRegion}, {"ResourceId", id}, {"NewResourceGroupId", "rg-acfmtf0002"},
                                  {"ResourceType", "DiskReplicaGroup"}, {"ClientToken", tf_token("ChangeResourceGroup", 1)}});
  EXPECT_EQ((*tf.group(id))["ResourceGroupId"], "rg-acfmtf0002");
  tf.must("ModifyDiskReplicaGroup", {{"RegionId", kRegion}, {"ReplicaGroupId", id}, {"Description", "Test2 EBS group"},
                                     {"ClientToken", tf_token("ModifyDiskReplicaGroup", 1)}});
  EXPECT_EQ((*tf.group(id))["Description"], "Test2 EBS group");

  // Step 4: Modify(GroupName), AddDiskReplicaPair, wait until PairIds lists the pair.
  tf.must("ModifyDiskReplicaGroup", {{"RegionId", kRegion}, {"ReplicaGroupId", id}, {"GroupName", "tf-group-2"},
                                     {"ClientToken", tf_token("ModifyDiskReplicaGroup", 2)}});
  tf.must("AddDiskReplicaPair", {{"RegionId", kRegion}, {"ReplicaGroupId", id}, {"ReplicaPairId", pair},
                                 {"ClientToken", tf_token("AddDiskReplicaPair", 1)}});
  tf.wait([&] { return tf.group(id); },
          [&](const auto& g) { return g && (*g)["PairIds"] == Json::array({pair}); });
  EXPECT_EQ((*tf.pair(pair))["ReplicaGroupId"], id);

  // Step 5: Start; LastRecoverPoint appears with normal, and is every member's.
  Json started = start_group(tf, id, 1);
  EXPECT_EQ((*tf.pair(pair))["LastRecoverPoint"], started["LastRecoverPoint"]);
  EXPECT_EQ(status_of(tf.pair(pair)), "normal");

  // Step 6: Failover (provider region) -> failovered; step 7: Reprotect(false) -> stopped.
  tf.must("FailoverDiskReplicaGroup", {{"RegionId", kRegion}, {"ReplicaGroupId", id},
                                       {"ClientToken", tf_token("FailoverDiskReplicaGroup", 1)}});
  auto seen = tf.wait([&] { return tf.group(id); }, [](const auto& g) { return status_of(g) == "failovered"; }, 1200);
  EXPECT_EQ(status_of(seen.front()), "failovering");
  tf.must("ReprotectDiskReplicaGroup", {{"RegionId", kRegion}, {"ReplicaGroupId", id}, {"ReverseReplicate", "false"},
                                        {"ClientToken", tf_token("ReprotectDiskReplicaGroup", 1)}});
  seen = tf.wait([&] { return tf.group(id); }, [](const auto& g) { return status_of(g) == "stopped"; }, 1200);
  EXPECT_EQ(status_of(seen.front()), "reprotecting");
  EXPECT_EQ(status_of(tf.pair(pair)), "stopped");

  // Step 9: Remove -> PairIds empty.
  tf.must("RemoveDiskReplicaPair", {{"RegionId", kRegion}, {"ReplicaGroupId", id}, {"ReplicaPairId", pair},
                                    {"ClientToken", tf_token("RemoveDiskReplicaPair", 1)}});
  EXPECT_EQ((*tf.group(id))["PairIds"], Json::array());
  EXPECT_EQ((*tf.pair(pair))["ReplicaGroupId"], "");

  // Steps 10-12: tags added, changed (Untag then Tag), removed.
  tf.must("TagResources", {{"RegionId", kRegion}, {"ResourceType", "DiskReplicaGroup"}, {"ResourceId.1", id},
                           {"Tag.1.Key", "Created"}, {"Tag.1.Value", "TF"}, {"Tag.2.Key", "For"}, {"Tag.2.Value", "Test"},
                           {"ClientToken", tf_token("TagResources", 1)}});
  EXPECT_EQ(tf.tags(id, 2), (std::map<std::string, std::string>{{"Created", "TF"}, {"For", "Test"}}));
  tf.must("UntagResources", {{"RegionId", kRegion}, {"ResourceType", "DiskReplicaGroup"}, {"ResourceId.1", id},
                             {"TagKey.1", "Created"}, {"TagKey.2", "For"}, {"ClientToken", tf_token("UntagResources", 1)}});
  tf.must("TagResources", {{"RegionId", kRegion}, {"ResourceType", "DiskReplicaGroup"}, {"ResourceId.1", id},
                           {"Tag.1.Key", "Created"}, {"Tag.1.Value", "TF-update"}, {"Tag.2.Key", "For"},
                           {"Tag.2.Value", "Test-update"}, {"ClientToken", tf_token("TagResources", 2)}});
  EXPECT_EQ(tf.tags(id, 3), (std::map<std::string, std::string>{{"Created", "TF-update"}, {"For", "Test-update"}}));
  tf.must("UntagResources", {{"RegionId", kRegion}, {"ResourceType", "DiskReplicaGroup"}, {"ResourceId.1", id},
                             {"TagKey.1", "Created"}, {"TagKey.2", "For"}, {"ClientToken", tf_token("UntagResources", 2)}});
  EXPECT_TRUE(tf.tags(id, 4).empty());

  // Destroy: Delete the group until gone, then the pair until gone.
  tf.must("DeleteDiskReplicaGroup", {{"RegionId", kRegion}, {"ReplicaGroupId", id},
                                     {"ClientToken", tf_token("DeleteDiskReplicaGroup", 1)}});
  seen = tf.wait([&] { return tf.group(id); }, [](const auto& g) { return !g.has_value(); });
  EXPECT_EQ(status_of(seen.front()), "deleting");
  tf.must("DeleteDiskReplicaPair", {{"RegionId", kRegion}, {"ReplicaPairId", pair},
                                    {"ClientToken", tf_token("DeleteDiskReplicaPair", 1)}});
  tf.wait([&] { return tf.pair(pair); }, [](const auto& p) { return !p.has_value(); });

  // Every call verified with V1; the ClientToken journaled exactly where TF sends one.
  for (const auto& e : request_entries(s.journal())) {
    EXPECT_EQ(e["signature"]["verdict"], "ok") << e.dump();
    EXPECT_EQ(e["signature"]["scheme"], "v1") << e.dump();
    const std::string action = e["action"];
    const std::string token = e.value("client_token", "");
    if (action.starts_with("Describe")) {
      EXPECT_EQ(token, "") << action;
    } else {
      EXPECT_TRUE(token.starts_with("TF-" + action + "-")) << action << " " << token;
    }
  }
}

// §9.4 / §9.5: Start*Drill with the owner id in the query, listed at once by Describe*Drills
// (all in the query), Clear*Drill (no token; TF retries InvalidStatus), gone.
struct DrillKind {
  const char* start;
  const char* describe;
  const char* clear;
  const char* owner;
  const char* prefix;
};

void drill_resource(const MockServer& s, const Terraform& tf, const DrillKind& k, const std::string& owner) {
  Response started = tf.call(k.start, {{k.owner, owner}, {"RegionId", kRegion}, {"ClientToken", tf_token(k.start, 1)}},
                             {k.owner});
  ASSERT_EQ(started.status, 200) << started.body;
  // The owner id really travelled in the query, RegionId and ClientToken in the body.
  EXPECT_NE(started.sent.target.find(std::string(k.owner) + "="), std::string::npos) << started.sent.target;
  EXPECT_EQ(started.sent.body.find(std::string(k.owner) + "="), std::string::npos) << started.sent.body;
  EXPECT_NE(started.sent.body.find("ClientToken="), std::string::npos) << started.sent.body;
  const std::string drill = started.json.value("DrillId", "");
  EXPECT_TRUE(drill.starts_with(k.prefix)) << started.body;

  auto read = [&]() -> std::optional<Json> {
    Response r = tf.call(k.describe, {{k.owner, owner}, {"DrillId", drill}, {"RegionId", kRegion}}, {}, true);
    if (r.status == 404) return std::nullopt;
    EXPECT_EQ(r.status, 200) << r.body;
    EXPECT_TRUE(r.json["Drills"].is_array()) << r.body;
    if (r.json["Drills"].empty()) return std::nullopt;
    return r.json["Drills"][0];
  };
  auto listed = read();  // at once: no time has passed
  ASSERT_TRUE(listed) << "a drill must be listed at once after " << k.start;
  EXPECT_EQ((*listed)["DrillId"], drill);
  EXPECT_FALSE((*listed)["Status"].get<std::string>().empty());

  // Clear, retried on InvalidStatus (incrementalWait: 3 s, then 5 s).
  Response cleared;
  for (int attempt = 0; attempt < 10; ++attempt) {
    cleared = tf.call(k.clear, {{k.owner, owner}, {"DrillId", drill}, {"RegionId", kRegion}}, {k.owner, "DrillId"});
    if (cleared.status == 200) break;
    ASSERT_EQ(cleared.code(), "OperationDenied.InvalidStatus") << cleared.body;
    s.advance(attempt == 0 ? "3s" : "5s");
  }
  ASSERT_EQ(cleared.status, 200) << cleared.body;
  EXPECT_EQ(cleared.sent.body.find("ClientToken"), std::string::npos);
  tf.wait(read, [](const auto& d) { return !d.has_value(); });
}

TEST(TerraformGroupFlow, GroupDrillResource) {
  MockServer s(world_toml(true));
  Terraform tf(s);
  const std::string pair = create_pair(tf, 1);
  const std::string id = create_group(tf, 1);
  tf.must("AddDiskReplicaPair", {{"RegionId", kRegion}, {"ReplicaGroupId", id}, {"ReplicaPairId", pair},
                                 {"ClientToken", tf_token("AddDiskReplicaPair", 1)}});
  start_group(tf, id, 1);
  drill_resource(s, tf, {"StartReplicaGroupDrill", "DescribeReplicaGroupDrills", "ClearReplicaGroupDrill", "GroupId", "pg-drill-"},
                 id);
  EXPECT_EQ(status_of(tf.group(id)), "normal");
}

TEST(TerraformGroupFlow, PairDrillResource) {
  MockServer s(world_toml(true));
  Terraform tf(s);
  const std::string pair = create_pair(tf, 1);
  tf.must("StartDiskReplicaPair", {{"RegionId", kRegion}, {"ReplicaPairId", pair},
                                   {"ClientToken", tf_token("StartDiskReplicaPair", 1)}});
  tf.wait([&] { return tf.pair(pair); }, [](const auto& p) { return p && p->contains("LastRecoverPoint"); }, 1200);
  drill_resource(s, tf, {"StartPairDrill", "DescribePairDrills", "ClearPairDrill", "PairId", "drill-"}, pair);
  EXPECT_EQ(status_of(tf.pair(pair)), "normal");
}

}  // namespace
}  // namespace ebsmock::testing
