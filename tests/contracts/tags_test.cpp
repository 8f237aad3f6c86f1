// tags_test.cpp: tags and resource groups of pairs and groups (ebs-groups.md §7), the
// region lookups (§8), and the parameter validation of every new operation (MissingParameter
// and InvalidParameter naming the parameter, the specific codes of the tag operations,
// ResourceType in any letter case, limits), on the pure model.
#include <gtest/gtest.h>

#include "contracts/api_schema.h"
#include "tests/contracts/group_fixtures.h"

namespace ebsmock::contracts {
namespace {

using namespace testing;

World tagged_world() {
  World w;
  w.add_pair(make_pair("pair-cn-a", Status::Stopped), kT0);
  w.add_pair(make_pair("pair-cn-b", Status::Stopped), kT0);
  w.add_group(make_group("pg-1", Status::Created), kT0);
  return w;
}

Params tag_call(std::string type, std::vector<std::string> ids, std::vector<std::pair<std::string, std::string>> tags) {
  Params p{{"RegionId", kSrc}, {"ResourceType", std::move(type)}};
  for (std::size_t i = 0; i < ids.size(); ++i) p["ResourceId." + std::to_string(i + 1)] = ids[i];
  for (std::size_t i = 0; i < tags.size(); ++i) {
    p["Tag." + std::to_string(i + 1) + ".Key"] = tags[i].first;
    p["Tag." + std::to_string(i + 1) + ".Value"] = tags[i].second;
  }
  return p;
}

std::string code_of(const Outcome& out) { return out.ok() ? "ok" : out.error->code; }

TEST(Tags, TagUntagAndListForPairsAndGroupsInAnyLetterCase) {
  World w = tagged_world();
  ASSERT_TRUE(w.execute(Operation::TagResources,
                        tag_call("DiskReplicaPair", {"pair-cn-a", "pair-cn-b"}, {{"env", "prod"}, {"team", "db"}}), kT0)
                  .ok());
  ASSERT_TRUE(w.execute(Operation::TagResources, tag_call("DISKREPLICAGROUP", {"pg-1"}, {{"env", "dev"}}), kT0).ok());
  // An existing key takes the new value.
  ASSERT_TRUE(w.execute(Operation::TagResources, tag_call("diskreplicapair", {"pair-cn-b"}, {{"env", "test"}}), kT0).ok());
  EXPECT_EQ(w.find("pair-cn-b")->tags, (std::vector<Tag>{{"env", "test"}, {"team", "db"}}));
  auto listed = w.execute(Operation::ListTagResources, tag_call("DiskReplicaPair", {"pair-cn-a"}, {}), kT0);
  ASSERT_TRUE(listed.ok());
  EXPECT_EQ(listed.body["TagResources"], nlohmann::json::parse(R"([
      {"ResourceId":"pair-cn-a","ResourceType":"diskreplicapair","TagKey":"env","TagValue":"prod"},
      {"ResourceId":"pair-cn-a","ResourceType":"diskreplicapair","TagKey":"team","TagValue":"db"}])"));
  EXPECT_EQ(listed.body["NextToken"], "");
  // By tag only: every resource of the type with that tag.
  auto by_tag = w.execute(Operation::ListTagResources, tag_call("diskreplicapair", {}, {{"env", "prod"}}), kT0);
  ASSERT_EQ(by_tag.body["TagResources"].size(), 2u);
  EXPECT_EQ(by_tag.body["TagResources"][0]["ResourceId"], "pair-cn-a");
  auto groups = w.execute(Operation::ListTagResources, tag_call("diskReplicaGroup", {"pg-1"}, {}), kT0);
  EXPECT_EQ(groups.body["TagResources"][0]["ResourceType"], "diskreplicagroup");
  // Describe shows and filters on the tags.
  auto described = w.execute(Operation::DescribeDiskReplicaGroups, {{"RegionId", kSrc}}, kT0);
  EXPECT_EQ(described.body["ReplicaGroups"][0]["Tags"], nlohmann::json::parse(R"([{"TagKey":"env","TagValue":"dev"}])"));
  // Untag by key, then All.
  Params untag{{"RegionId", kSrc}, {"ResourceType", "DiskReplicaPair"}, {"ResourceId.1", "pair-cn-a"}, {"TagKey.1", "env"}};
  ASSERT_TRUE(w.execute(Operation::UntagResources, untag, kT0).ok());
  EXPECT_EQ(w.find("pair-cn-a")->tags, (std::vector<Tag>{{"team", "db"}}));
  Params all{{"RegionId", kSrc}, {"ResourceType", "DiskReplicaPair"}, {"ResourceId.1", "pair-cn-b"}, {"All", "true"}};
  ASSERT_TRUE(w.execute(Operation::UntagResources, all, kT0).ok());
  EXPECT_TRUE(w.find("pair-cn-b")->tags.empty());
}

TEST(Tags, UnknownResourcesAndTypesAreRefusedAndNothingChanges) {
  World w = tagged_world();
  const World before = w;
  EXPECT_EQ(code_of(w.execute(Operation::TagResources, tag_call("diskreplicapair", {"pair-cn-a", "pair-cn-nope"}, {{"k", "v"}}), kT0)),
            "InvalidResourceId.NotFound");
  EXPECT_EQ(w.pairs(), before.pairs());  // all or nothing
  // A group id is not a pair.
  EXPECT_EQ(code_of(w.execute(Operation::TagResources, tag_call("diskreplicapair", {"pg-1"}, {{"k", "v"}}), kT0)),
            "InvalidResourceId.NotFound");
  // Another region does not see it.
  Params elsewhere = tag_call("diskreplicapair", {"pair-cn-a"}, {{"k", "v"}});
  elsewhere["RegionId"] = "cn-beijing";
  EXPECT_EQ(code_of(w.execute(Operation::TagResources, elsewhere, kT0)), "InvalidResourceId.NotFound");
  // dedicatedblockstoragecluster is a documented type, but none exists in the model.
  EXPECT_EQ(code_of(w.execute(Operation::TagResources, tag_call("dedicatedblockstoragecluster", {"dbsc-1"}, {{"k", "v"}}), kT0)),
            "InvalidResourceId.NotFound");
  auto notfound = w.execute(Operation::ListTagResources, tag_call("diskreplicagroup", {"pg-nope"}, {}), kT0);
  EXPECT_EQ(notfound.error->http_status, 404);
}

TEST(Tags, PerResourceLimitFollowsPolicy) {
  Policy policy;
  policy.max_tags_per_resource = 2;
  World w(policy);
  w.add_pair(make_pair("pair-cn-a", Status::Stopped), kT0);
  ASSERT_TRUE(w.execute(Operation::TagResources, tag_call("diskreplicapair", {"pair-cn-a"}, {{"a", "1"}, {"b", "2"}}), kT0).ok());
  // Overwriting an existing key does not count.
  EXPECT_TRUE(w.execute(Operation::TagResources, tag_call("diskreplicapair", {"pair-cn-a"}, {{"a", "3"}}), kT0).ok());
  auto over = w.execute(Operation::TagResources, tag_call("diskreplicapair", {"pair-cn-a"}, {{"c", "3"}}), kT0);
  EXPECT_EQ(code_of(over), "NumberExceed.Tags");
  EXPECT_EQ(over.error->http_status, 400);
  EXPECT_EQ(w.find("pair-cn-a")->tags.size(), 2u);
}

TEST(Tags, ListPagesByNextToken) {
  World w;
  for (int i = 0; i < 30; ++i) {
    Pair p = make_pair("pair-cn-" + std::to_string(100 + i), Status::Stopped);
    p.tags = {{"env", "prod"}, {"n", std::to_string(i)}};
    w.add_pair(p, kT0);
  }
  std::vector<std::string> rows;
  std::string token;
  int pages = 0;
  for (; pages < 5; ++pages) {
    Params params = tag_call("diskreplicapair", {}, {{"env", ""}});
    if (!token.empty()) params["NextToken"] = token;
    auto out = w.execute(Operation::ListTagResources, params, kT0);
    ASSERT_TRUE(out.ok());
    for (const auto& r : out.body["TagResources"]) rows.push_back(r["ResourceId"].get<std::string>() + r["TagKey"].get<std::string>());
    token = out.body["NextToken"];
    if (token.empty()) break;
  }
  EXPECT_EQ(pages, 1);  // 60 rows, 50 per page: two pages
  EXPECT_EQ(rows.size(), 60u);
  EXPECT_EQ(std::set<std::string>(rows.begin(), rows.end()).size(), 60u);
}

TEST(ResourceGroups, ChangeResourceGroupForPairsAndGroups) {
  World w = tagged_world();
  Params change{{"RegionId", kSrc}, {"ResourceType", "DiskReplicaGroup"}, {"ResourceId", "pg-1"}, {"NewResourceGroupId", "rg-9"}};
  ASSERT_TRUE(w.execute(Operation::ChangeResourceGroup, change, kT0).ok());
  EXPECT_EQ(w.find_group("pg-1")->resource_group_id, "rg-9");
  change["ResourceType"] = "diskreplicapair";
  change["ResourceId"] = "pair-cn-a";
  ASSERT_TRUE(w.execute(Operation::ChangeResourceGroup, change, kT0).ok());
  EXPECT_EQ(w.find("pair-cn-a")->resource_group_id, "rg-9");
  change["ResourceId"] = "pair-cn-nope";
  auto missing = w.execute(Operation::ChangeResourceGroup, change, kT0);
  EXPECT_EQ(missing.error->code, "InvalidResourceId.NotFound");
  EXPECT_EQ(missing.error->message, "The specified ResourceId is not found in our records.");
  EXPECT_EQ(missing.error->http_status, 404);
}

TEST(Regions, DescribeRegionsListsAtLeastTwoZonesPerRegion) {
  World w;
  auto out = w.execute(Operation::DescribeRegions, {}, kT0);
  ASSERT_TRUE(out.ok());
  ASSERT_TRUE(out.body.contains("Regions"));
  ASSERT_GE(out.body["Regions"].size(), 3u);
  bool hangzhou = false;
  for (const auto& r : out.body["Regions"]) {
    EXPECT_GE(r["Zones"].size(), 2u) << r["RegionId"];
    EXPECT_EQ(r["RegionEndpoint"], "ebs." + r["RegionId"].get<std::string>() + ".aliyuncs.com");
    if (r["RegionId"] == "cn-hangzhou") {
      hangzhou = true;
      EXPECT_EQ(r["LocalName"], "华东1（杭州）");  // zh-CN by default
    }
  }
  EXPECT_TRUE(hangzhou);
  auto english = w.execute(Operation::DescribeRegions, {{"AcceptLanguage", "en-US"}}, kT0);
  EXPECT_EQ(english.body["Regions"][0]["LocalName"], "China (Hangzhou)");
  // ResourceType filters zones: dbsc only where a zone supports it.
  auto dbsc = w.execute(Operation::DescribeRegions, {{"ResourceType", "dbsc"}}, kT0);
  for (const auto& r : dbsc.body["Regions"]) {
    for (const auto& z : r["Zones"]) {
      auto types = z["ResourceTypes"].get<std::vector<std::string>>();
      EXPECT_NE(std::find(types.begin(), types.end(), "dbsc"), types.end());
    }
  }
}

TEST(Regions, ReplicaEdgesAreEveryOtherZone) {
  World w;
  auto out = w.execute(Operation::ListReplicaEdgeSupported, {{"RegionId", kSrc}, {"Azone", "cn-hangzhou-h"}, {"MaxResults", "100"}}, kT0);
  ASSERT_TRUE(out.ok());
  bool same_region = false;
  for (const auto& r : out.body["SupportedRegions"]) {
    for (const auto& z : r["Zones"]) EXPECT_NE(z["ZoneId"], "cn-hangzhou-h");
    if (r["RegionId"] == kSrc) same_region = true;  // cross-zone in one region (§10 #2)
  }
  EXPECT_TRUE(same_region);
  EXPECT_EQ(out.body["NextToken"], "");
  auto paged = w.execute(Operation::ListReplicaEdgeSupported, {{"RegionId", kSrc}, {"Azone", "cn-hangzhou-h"}, {"MaxResults", "2"}}, kT0);
  EXPECT_EQ(paged.body["SupportedRegions"].size(), 2u);
  EXPECT_NE(paged.body["NextToken"], "");
  EXPECT_EQ(w.execute(Operation::ListReplicaEdgeSupported, {{"RegionId", kSrc}, {"Azone", "cn-shanghai-e"}}, kT0).error->code,
            "InvalidParameter");
}

// --- Parameter validation of the new operations ---------------------------------------

std::optional<ApiError> check(Operation op, Params p) { return validate_params(op, p, ErrorCatalogue{}); }

TEST(NewParameters, RequiredParametersAreNamed) {
  struct Case {
    Operation op;
    Params params;
    std::string code;
    std::string named;
    int status;
  };
  const std::vector<Case> cases = {
      {Operation::CreateDiskReplicaGroup, {{"RegionId", kSrc}}, "MissingParameter", "SourceZoneId", 400},
      {Operation::StartDiskReplicaGroup, {{"RegionId", kSrc}}, "MissingParameter", "ReplicaGroupId", 400},
      {Operation::AddDiskReplicaPair, {{"RegionId", kSrc}, {"ReplicaGroupId", "pg-1"}}, "MissingParameter", "ReplicaPairId", 400},
      {Operation::StartPairDrill, {{"RegionId", kSrc}, {"ReplicaPairId", "p"}}, "MissingParameter", "PairId", 400},
      {Operation::ClearReplicaGroupDrill, {{"RegionId", kSrc}, {"GroupId", "pg-1"}}, "MissingParameter", "DrillId", 400},
      {Operation::TagResources, {{"RegionId", kSrc}, {"ResourceId.1", "p"}, {"Tag.1.Key", "k"}}, "MissingParameter.ResourceType", "", 404},
      {Operation::TagResources, {{"RegionId", kSrc}, {"ResourceType", "diskreplicapair"}, {"Tag.1.Key", "k"}}, "MissingParameter", "ResourceId.N", 400},
      {Operation::TagResources, {{"RegionId", kSrc}, {"ResourceType", "diskreplicapair"}, {"ResourceId.1", "p"}}, "MissingParameter", "Tag.N", 400},
      {Operation::ChangeResourceGroup, {{"RegionId", kSrc}, {"ResourceType", "diskreplicapair"}, {"ResourceId", "p"}}, "MissingParameter.ResourceGroup", "", 404},
      {Operation::ListReplicaEdgeSupported, {{"RegionId", kSrc}}, "MissingParameter", "Azone", 400},
  };
  for (const auto& c : cases) {
    auto err = check(c.op, c.params);
    ASSERT_TRUE(err) << to_string(c.op);
    EXPECT_EQ(err->code, c.code) << to_string(c.op);
    EXPECT_EQ(err->http_status, c.status) << to_string(c.op);
    if (!c.named.empty()) {
      EXPECT_NE(err->message.find("\"" + c.named + "\""), std::string::npos) << err->message;
    }
  }
  // DescribeRegions takes no required parameter at all.
  EXPECT_FALSE(check(Operation::DescribeRegions, {}));
}

TEST(NewParameters, ValuesAreCheckedWithTheDocumentedCodes) {
  const Params group{{"RegionId", kSrc}, {"SourceZoneId", "z"}, {"DestinationRegionId", kDst}, {"DestinationZoneId", "z2"}};
  auto with = [&](std::string k, std::string v) {
    Params p = group;
    p[k] = v;
    auto err = check(Operation::CreateDiskReplicaGroup, p);
    return err ? err->code + " " + err->message : std::string("ok");
  };
  EXPECT_EQ(with("GroupName", "db-disks:v2_1"), "ok");
  EXPECT_EQ(with("GroupName", "db.disks"), "InvalidParameter The parameter GroupName is invalid.");  // no '.'
  EXPECT_NE(with("GroupName", "1db").find("InvalidParameter"), std::string::npos);   // starts with a letter
  EXPECT_NE(with("GroupName", "x").find("InvalidParameter"), std::string::npos);     // 2-128
  EXPECT_NE(with("GroupName", "http://x").find("InvalidParameter"), std::string::npos);
  EXPECT_EQ(with("GroupName", "数据库组"), "ok");
  EXPECT_NE(with("Description", "x").find("Description"), std::string::npos);
  EXPECT_NE(with("RPO", "600").find("RPO"), std::string::npos);
  EXPECT_EQ(with("RPO", "900"), "ok");
  EXPECT_NE(with("Tag.21.Key", "k").find("InvalidParameter"), std::string::npos);
  // Paging and ids of DescribeDiskReplicaGroups.
  Params describe{{"RegionId", kSrc}};
  auto dcheck = [&](std::string k, std::string v) {
    Params p = describe;
    p[k] = v;
    auto err = check(Operation::DescribeDiskReplicaGroups, p);
    return err ? err->code : std::string("ok");
  };
  EXPECT_EQ(dcheck("MaxResults", "500"), "ok");
  EXPECT_EQ(dcheck("MaxResults", "501"), "InvalidParameter");
  EXPECT_EQ(dcheck("PageSize", "101"), "InvalidParameter");
  EXPECT_EQ(dcheck("PageNumber", "0"), "InvalidParameter");
  EXPECT_EQ(dcheck("Site", "Production"), "InvalidParameter");
  std::string hundred = "pg-0";
  for (int i = 1; i < 100; ++i) hundred += ",pg-" + std::to_string(i);
  const std::string hundred_and_one = hundred + ",pg-extra";
  EXPECT_EQ(dcheck("GroupIds", hundred), "ok");
  EXPECT_EQ(dcheck("GroupIds", hundred_and_one), "InvalidParameter");
  // Tag operations: ResourceType in any case, limits, duplicates.
  auto tcheck = [&](Operation op, Params p) {
    auto err = check(op, std::move(p));
    return err ? err->code : std::string("ok");
  };
  Params tag = tag_call("DiskReplicaGroup", {"pg-1"}, {{"k", "v"}});
  EXPECT_EQ(tcheck(Operation::TagResources, tag), "ok");
  tag["ResourceType"] = "disk";
  EXPECT_EQ(tcheck(Operation::TagResources, tag), "InvalidResourceType.NotFound");
  std::vector<std::string> fifty_one;
  for (int i = 0; i < 51; ++i) fifty_one.push_back("pg-" + std::to_string(i));
  EXPECT_EQ(tcheck(Operation::TagResources, tag_call("diskreplicagroup", fifty_one, {{"k", "v"}})), "NumberExceed.ResourceIds");
  fifty_one.pop_back();
  EXPECT_EQ(tcheck(Operation::TagResources, tag_call("diskreplicagroup", fifty_one, {{"k", "v"}})), "ok");
  EXPECT_EQ(tcheck(Operation::TagResources, tag_call("diskreplicagroup", {"pg-1"}, {{"k", "v"}, {"k", "w"}})), "Duplicate.TagKey");
  Params twenty_one = tag_call("diskreplicagroup", {"pg-1"}, {{"k", "v"}});
  twenty_one["Tag.21.Key"] = "x";
  EXPECT_EQ(tcheck(Operation::TagResources, twenty_one), "NumberExceed.Tags");
  EXPECT_EQ(tcheck(Operation::TagResources, tag_call("diskreplicagroup", {"pg-1"}, {{"aliyun-x", "v"}})), "InvalidParameter");
  Params untag{{"RegionId", kSrc}, {"ResourceType", "diskreplicapair"}, {"ResourceId.1", "p"}, {"TagKey.1", "a"}, {"TagKey.2", "a"}};
  EXPECT_EQ(tcheck(Operation::UntagResources, untag), "Duplicate.TagKey");
  untag.erase("TagKey.2");
  untag["TagKey.21"] = "b";
  EXPECT_EQ(tcheck(Operation::UntagResources, untag), "NumberExceed.Tags");
  Params list{{"RegionId", kSrc}, {"ResourceType", "diskreplicapair"}, {"Tag.1.Value", "v"}};
  EXPECT_EQ(tcheck(Operation::ListTagResources, list), "InvalidParameter.TagValue");
  list["Tag.1.Key"] = "k";
  EXPECT_EQ(tcheck(Operation::ListTagResources, list), "ok");
  EXPECT_EQ(tcheck(Operation::DescribeRegions, {{"ResourceType", "ear"}, {"AcceptLanguage", "fr"}}), "InvalidParameter");
}

TEST(NewParameters, CallTargetsNameThePairOrGroupACallAimsAt) {
  auto targets = call_targets(Operation::AddDiskReplicaPair, membership_call("pg-1", "pair-cn-a"));
  ASSERT_EQ(targets.size(), 2u);
  EXPECT_EQ(targets[0].kind, ResourceKind::Group);
  EXPECT_EQ(targets[0].id, "pg-1");
  EXPECT_EQ(targets[1].kind, ResourceKind::Pair);
  EXPECT_EQ(targets[1].param, "ReplicaPairId");
  auto tagged = call_targets(Operation::TagResources, tag_call("DiskReplicaGroup", {"pg-1", "pg-2"}, {}));
  ASSERT_EQ(tagged.size(), 2u);
  EXPECT_EQ(tagged[1].kind, ResourceKind::Group);
  EXPECT_EQ(tagged[1].id, "pg-2");
  auto drill = call_targets(Operation::ClearPairDrill, {{"PairId", "pair-cn-a"}, {"DrillId", "drill-1"}});
  ASSERT_EQ(drill.size(), 2u);
  EXPECT_EQ(drill[1].kind, ResourceKind::Drill);
  EXPECT_TRUE(call_targets(Operation::CreateDiskReplicaGroup, create_group_params()).empty());
  auto cluster = call_targets(Operation::ChangeResourceGroup, {{"ResourceType", "dedicatedblockstoragecluster"}, {"ResourceId", "dbsc-1"}});
  ASSERT_EQ(cluster.size(), 1u);
  EXPECT_FALSE(cluster[0].kind);
}

}  // namespace
}  // namespace ebsmock::contracts
