// terraform_flow_test.cpp: the call sequence terraform-provider-alicloud makes
// (ebs-api.md §4), over real HTTP with V1 signatures and form bodies as tea-rpc sends
// them: Create -> poll Describe(PairIds) until created -> Start -> poll until normal with
// LastRecoverPoint (absent before) -> Stop -> stopped -> Delete -> poll until the pair
// has vanished (empty ReplicaPairs, TotalCount 0) -> Delete again is 404. Time moves only
// through the admin clock. Also DescribeDiskReplicaPairs paging (PageNumber/PageSize and
// NextToken/MaxResults each list every pair exactly once) and its filters (PairIds, Site,
// ReplicaGroupId "-"). Each test owns its server.
#include <gtest/gtest.h>

#include <map>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include "tests/support/mock_server_fixture.h"

namespace ebsmock::testing {
namespace {

// tea-rpc: V1, common parameters in the query, API parameters in a form body, POST.
SignOptions terraform_signing(const MockServer& s) {
  SignOptions o = s.default_signing();
  o.scheme = Scheme::V1;
  o.placement = Placement::Form;
  return o;
}

std::string token(std::string_view action, int n) {
  return "TF-" + std::string(action) + "-1704067200-" + std::to_string(n) + "-3f2a9c1e";
}

struct Poll {
  Json item;                   // last item seen (null when absent)
  int polls = 0;
  std::vector<std::string> seen;  // statuses seen, in order, deduplicated
  bool lrp_seen_early = false;    // LastRecoverPoint present before the target
};

// Polls Describe(PairIds=id) until `done(item)`, advancing the virtual clock by `step`
// between polls, as Terraform's StateChangeConf does in real time.
template <typename Done>
Poll poll_until(const MockServer& s, const std::string& id, Done done, int max_polls = 60,
                const std::string& step = "1s") {
  Poll p;
  for (; p.polls < max_polls; ++p.polls) {
    auto r = s.call("DescribeDiskReplicaPairs", {{"RegionId", "cn-hangzhou"}, {"PairIds", id}},
                    terraform_signing(s));
    EXPECT_EQ(r.status, 200) << r.body;
    const Json& items = r.json["ReplicaPairs"];
    p.item = items.empty() ? Json() : items[0];
    if (!items.empty()) {
      std::string st = p.item.value("Status", "");
      if (p.seen.empty() || p.seen.back() != st) p.seen.push_back(st);
    } else {
      EXPECT_EQ(r.json["TotalCount"], 0) << r.body;
    }
    if (done(p.item)) return p;
    s.advance(step);
  }
  ADD_FAILURE() << "gave up after " << max_polls << " polls for " << id << "; last " << p.item.dump();
  return p;
}

TEST(TerraformFlow, CreateStartStopDelete) {
  MockServer s(world_toml(true));
  const auto tf = terraform_signing(s);

  // Create.
  contracts::ParamList create{{"RegionId", "cn-hangzhou"},
                              {"ClientToken", token("CreateDiskReplicaPair", 1)},
                              {"DestinationRegionId", "cn-shanghai"},
                              {"DestinationZoneId", "cn-shanghai-l"},
                              {"SourceZoneId", "cn-hangzhou-h"},
                              {"DestinationDiskId", "d-uf6a4bwo2pnk7zi5xq3e"},
                              {"DiskId", "d-bp1c0tyj9tfli2r8yl4m"},
                              {"ChargeType", "POSTPAY"},
                              {"RPO", "900"},
                              {"Description", "tf acceptance"},
                              {"PairName", "tf-pair"},
                              {"Tag.1.Key", "env"},
                              {"Tag.1.Value", "test"}};
  auto created = s.call("CreateDiskReplicaPair", create, tf);
  expect_success_envelope(created);
  const std::string id = created.json.value("ReplicaPairId", "");
  EXPECT_TRUE(std::regex_match(id, std::regex("^pair-cn-[0-9a-z]{16}$"))) << id;
  EXPECT_TRUE(std::regex_match(created.json.value("OrderId", ""), std::regex("^[0-9]+$"))) << created.body;

  // Wait for `created` (Terraform's create targets).
  auto p = poll_until(s, id, [](const Json& it) { return it.value("Status", "") == "created"; });
  ASSERT_EQ(p.item.value("Status", ""), "created");
  EXPECT_EQ(p.seen.front(), "creating");
  EXPECT_GT(p.polls, 0) << "creating must last some time";
  EXPECT_FALSE(p.item.contains("LastRecoverPoint")) << p.item.dump();
  EXPECT_EQ(p.item["SourceRegion"], "cn-hangzhou");
  EXPECT_EQ(p.item["DestinationRegion"], "cn-shanghai");
  EXPECT_EQ(p.item["SourceDiskId"], "d-bp1c0tyj9tfli2r8yl4m");
  EXPECT_EQ(p.item["DestinationDiskId"], "d-uf6a4bwo2pnk7zi5xq3e");
  EXPECT_EQ(p.item["PairName"], "tf-pair");
  EXPECT_EQ(p.item["Description"], "tf acceptance");
  EXPECT_EQ(p.item["ChargeType"], "POSTPAY");
  EXPECT_EQ(p.item["Bandwidth"], 0);
  EXPECT_EQ(p.item["RPO"], 900);
  EXPECT_EQ(p.item["Tags"], Json::parse(R"([{"TagKey":"env","TagValue":"test"}])"));

  // Start; Terraform waits for LastRecoverPoint to be set.
  auto started = s.call("StartDiskReplicaPair",
                        {{"RegionId", "cn-hangzhou"}, {"ReplicaPairId", id}, {"ClientToken", token("Start", 2)}}, tf);
  expect_success_envelope(started);
  p = poll_until(s, id, [](const Json& it) { return it.contains("LastRecoverPoint"); });
  ASSERT_TRUE(p.item.contains("LastRecoverPoint"));
  EXPECT_EQ(p.item.value("Status", ""), "normal");
  EXPECT_EQ(p.seen.front(), "initial_syncing");
  EXPECT_GT(p.polls, 0) << "the initial sync must last some time";
  EXPECT_TRUE(p.item["LastRecoverPoint"].is_number_integer());
  EXPECT_GE(p.item["LastRecoverPoint"].get<std::int64_t>(), p.item["CreateTime"].get<std::int64_t>());

  // Stop.
  auto stopped = s.call("StopDiskReplicaPair",
                        {{"RegionId", "cn-hangzhou"}, {"ReplicaPairId", id}, {"ClientToken", token("Stop", 3)}}, tf);
  expect_success_envelope(stopped);
  p = poll_until(s, id, [](const Json& it) { return it.value("Status", "") == "stopped"; });
  ASSERT_EQ(p.item.value("Status", ""), "stopped");
  EXPECT_EQ(p.seen.front(), "stopping");
  EXPECT_TRUE(p.item.contains("LastRecoverPoint"));

  // Delete, then wait for the pair to vanish.
  auto deleted = s.call("DeleteDiskReplicaPair",
                        {{"RegionId", "cn-hangzhou"}, {"ReplicaPairId", id}, {"ClientToken", token("Delete", 4)}}, tf);
  expect_success_envelope(deleted);
  p = poll_until(s, id, [](const Json& it) { return it.is_null(); });
  ASSERT_TRUE(p.item.is_null());
  EXPECT_EQ(p.seen.front(), "deleting");
  auto listing = s.call("DescribeDiskReplicaPairs", {{"RegionId", "cn-hangzhou"}, {"PairIds", id}}, tf);
  expect_success_envelope(listing);
  EXPECT_TRUE(listing.json["ReplicaPairs"].empty());
  EXPECT_EQ(listing.json["TotalCount"], 0);

  // Terraform's delete treats 404 as success.
  auto again = s.call("DeleteDiskReplicaPair",
                      {{"RegionId", "cn-hangzhou"}, {"ReplicaPairId", id}, {"ClientToken", token("Delete", 5)}}, tf);
  expect_error_envelope(again, 404, "NoSuchResource");

  // The journal tells the same story.
  std::vector<std::string> story;
  for (const auto& e : s.journal()) {
    if (e["transition"].is_null()) continue;
    const auto& t = e["transition"];
    story.push_back(e["kind"].get<std::string>() + ":" + (t["from"].is_null() ? "-" : t["from"].get<std::string>()) +
                    ">" + t["to"].get<std::string>() + (e.value("vanished", false) ? "(vanished)" : ""));
  }
  EXPECT_EQ(story, (std::vector<std::string>{
                       "request:->creating", "progress:creating>created",
                       "request:created>initial_syncing", "progress:initial_syncing>normal",
                       "request:normal>stopping", "progress:stopping>stopped",
                       "request:stopped>deleting", "progress:deleting>deleted",
                       "progress:deleted>deleted(vanished)"}));
}

// ---------------------------------------------------------------------------------------
// Paging and filters over 25 pairs.

std::string paging_world() {
  std::string pairs;
  for (int i = 0; i < 25; ++i) {
    char id[64];
    std::snprintf(id, sizeof id, "pair-cn-page%012d", i);
    // Every 5th pair runs the other way (primary in Shanghai, secondary in Hangzhou);
    // pairs 0..9 belong to a replica group.
    bool reverse = i % 5 == 4;
    std::string extra = i < 10 ? "replica_group_id = \"pg-group0001\"\n" : "";
    extra += "create_time = " + std::to_string(1700000000 + i * 60) + "\n";
    pairs += pair_toml(id, "normal", reverse ? "cn-shanghai" : "cn-hangzhou", reverse ? "cn-hangzhou" : "cn-shanghai",
                       extra);
  }
  return world_toml(false, pairs);
}

std::set<std::string> all_ids() {
  std::set<std::string> ids;
  for (int i = 0; i < 25; ++i) {
    char id[64];
    std::snprintf(id, sizeof id, "pair-cn-page%012d", i);
    ids.insert(id);
  }
  return ids;
}

std::vector<std::string> ids_of(const Json& body) {
  std::vector<std::string> out;
  for (const auto& it : body["ReplicaPairs"]) out.push_back(it["ReplicaPairId"]);
  return out;
}

TEST(DescribePaging, PageNumberWalkListsEveryPairOnce) {
  MockServer s(paging_world());
  std::multiset<std::string> seen;
  std::vector<std::size_t> sizes;
  for (int page = 1; page <= 4; ++page) {
    auto r = s.call("DescribeDiskReplicaPairs",
                    {{"RegionId", "cn-hangzhou"}, {"PageNumber", std::to_string(page)}, {"PageSize", "10"}});
    expect_success_envelope(r);
    EXPECT_EQ(r.json["TotalCount"], 25);
    EXPECT_EQ(r.json["PageNumber"], page);
    EXPECT_EQ(r.json["PageSize"], 10);
    auto ids = ids_of(r.json);
    sizes.push_back(ids.size());
    seen.insert(ids.begin(), ids.end());
  }
  EXPECT_EQ(sizes, (std::vector<std::size_t>{10, 10, 5, 0}));
  EXPECT_EQ(seen.size(), 25u);
  EXPECT_EQ(std::set<std::string>(seen.begin(), seen.end()), all_ids());
}

TEST(DescribePaging, NextTokenWalkListsEveryPairOnce) {
  MockServer s(paging_world());
  std::multiset<std::string> seen;
  std::string next;
  int pages = 0;
  do {
    contracts::ParamList p{{"RegionId", "cn-hangzhou"}, {"MaxResults", "7"}};
    if (!next.empty()) p.emplace_back("NextToken", next);
    auto r = s.call("DescribeDiskReplicaPairs", p);
    expect_success_envelope(r);
    auto ids = ids_of(r.json);
    EXPECT_LE(ids.size(), 7u);
    seen.insert(ids.begin(), ids.end());
    ASSERT_TRUE(r.json["NextToken"].is_string()) << r.body;
    next = r.json["NextToken"].get<std::string>();
    ASSERT_LT(++pages, 10) << "NextToken never ends";
  } while (!next.empty());
  EXPECT_EQ(pages, 4);  // 7 + 7 + 7 + 4
  EXPECT_EQ(seen.size(), 25u);
  EXPECT_EQ(std::set<std::string>(seen.begin(), seen.end()), all_ids());
}

TEST(DescribePaging, BadNextTokenIsInvalidParameter) {
  MockServer s(paging_world());
  auto r = s.call("DescribeDiskReplicaPairs", {{"RegionId", "cn-hangzhou"}, {"NextToken", "not-a-token"}});
  expect_error_envelope(r, 400, "InvalidParameter");
  auto big = s.call("DescribeDiskReplicaPairs", {{"RegionId", "cn-hangzhou"}, {"PageSize", "101"}});
  expect_error_envelope(big, 400, "InvalidParameter");
  auto zero = s.call("DescribeDiskReplicaPairs", {{"RegionId", "cn-hangzhou"}, {"MaxResults", "0"}});
  expect_error_envelope(zero, 400, "InvalidParameter");
}

TEST(DescribeFilters, PairIds) {
  MockServer s(paging_world());
  auto r = s.call("DescribeDiskReplicaPairs",
                  {{"RegionId", "cn-hangzhou"},
                   {"PairIds", "pair-cn-page000000000003,pair-cn-page000000000017,pair-cn-doesnotexist0000"}});
  expect_success_envelope(r);
  auto ids = ids_of(r.json);
  EXPECT_EQ(std::set<std::string>(ids.begin(), ids.end()),
            (std::set<std::string>{"pair-cn-page000000000003", "pair-cn-page000000000017"}));
  EXPECT_EQ(r.json["TotalCount"], 2);
  // Unknown ids only: an empty list, not an error (Terraform reads that as "gone").
  auto none = s.call("DescribeDiskReplicaPairs", {{"RegionId", "cn-hangzhou"}, {"PairIds", "pair-cn-doesnotexist0000"}});
  expect_success_envelope(none);
  EXPECT_TRUE(none.json["ReplicaPairs"].empty());
  EXPECT_EQ(none.json["TotalCount"], 0);
}

TEST(DescribeFilters, Site) {
  MockServer s(paging_world());
  // backup: this region is the DR site (the pair's secondary is here).
  auto backup = s.call("DescribeDiskReplicaPairs",
                       {{"RegionId", "cn-hangzhou"}, {"Site", "backup"}, {"PageSize", "100"}});
  expect_success_envelope(backup);
  std::set<std::string> expected_backup;
  for (int i = 4; i < 25; i += 5) {
    char id[64];
    std::snprintf(id, sizeof id, "pair-cn-page%012d", i);
    expected_backup.insert(id);
  }
  auto ids = ids_of(backup.json);
  EXPECT_EQ(std::set<std::string>(ids.begin(), ids.end()), expected_backup);
  for (const auto& it : backup.json["ReplicaPairs"]) EXPECT_EQ(it["DestinationRegion"], "cn-hangzhou");

  // production: this region is the primary site.
  auto production = s.call("DescribeDiskReplicaPairs",
                           {{"RegionId", "cn-hangzhou"}, {"Site", "production"}, {"PageSize", "100"}});
  expect_success_envelope(production);
  EXPECT_EQ(production.json["TotalCount"], 20);
  for (const auto& it : production.json["ReplicaPairs"]) EXPECT_EQ(it["SourceRegion"], "cn-hangzhou");

  auto bad = s.call("DescribeDiskReplicaPairs", {{"RegionId", "cn-hangzhou"}, {"Site", "elsewhere"}});
  expect_error_envelope(bad, 400, "InvalidParameter");
}

TEST(DescribeFilters, ReplicaGroupId) {
  MockServer s(paging_world());
  // "-": pairs that are in no group.
  auto ungrouped = s.call("DescribeDiskReplicaPairs",
                          {{"RegionId", "cn-hangzhou"}, {"ReplicaGroupId", "-"}, {"PageSize", "100"}});
  expect_success_envelope(ungrouped);
  EXPECT_EQ(ungrouped.json["TotalCount"], 15);
  for (const auto& it : ungrouped.json["ReplicaPairs"]) EXPECT_EQ(it["ReplicaGroupId"], "");
  auto grouped = s.call("DescribeDiskReplicaPairs",
                        {{"RegionId", "cn-hangzhou"}, {"ReplicaGroupId", "pg-group0001"}, {"PageSize", "100"}});
  expect_success_envelope(grouped);
  EXPECT_EQ(grouped.json["TotalCount"], 10);
  for (const auto& it : grouped.json["ReplicaPairs"]) EXPECT_EQ(it["ReplicaGroupId"], "pg-group0001");
}

// "a pair is returned if its primary or secondary disk is in this region"; other regions
// see nothing.
TEST(DescribeFilters, RegionScopesTheListing) {
  MockServer s(paging_world());
  auto elsewhere = s.call("DescribeDiskReplicaPairs", {{"RegionId", "cn-beijing"}});
  expect_success_envelope(elsewhere);
  EXPECT_EQ(elsewhere.json["TotalCount"], 0);
  auto shanghai = s.call("DescribeDiskReplicaPairs", {{"RegionId", "cn-shanghai"}, {"PageSize", "100"}});
  expect_success_envelope(shanghai);
  EXPECT_EQ(shanghai.json["TotalCount"], 25);
}

}  // namespace
}  // namespace ebsmock::testing
