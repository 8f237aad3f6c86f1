// node_driver_tokens_test.cpp: harness/drivers/node/driver.mjs adds a ClientToken to exactly
// the operations that take one (contracts::accepts_client_token, ebs-groups.md §2): its
// TOKEN_ACTIONS list, between the "BEGIN TOKEN_ACTIONS" and "END TOKEN_ACTIONS" markers,
// names every such operation and nothing else. The end-to-end suite
// (tests/e2e/group_ops_e2e.test.mjs) reads the same list and checks the journal against it,
// so the wire behaviour of every real SDK variant is tied to the model through this test.
// Pure text; no Node needed.
#include <gtest/gtest.h>

#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <string>

#include "contracts/operation.h"
#include "tests/support/command_line.h"

namespace ebsmock::harness {
namespace {

using test::read_text;

// The quoted names between the markers; throws nothing, an empty set when absent.
std::set<std::string> token_actions(const std::string& js) {
  std::set<std::string> out;
  const auto begin = js.find("// BEGIN TOKEN_ACTIONS");
  const auto end = js.find("// END TOKEN_ACTIONS");
  if (begin == std::string::npos || end == std::string::npos || end < begin) return out;
  const std::string block = js.substr(begin, end - begin);
  static const std::regex quoted("'([A-Za-z]+)'");
  for (auto it = std::sregex_iterator(block.begin(), block.end(), quoted); it != std::sregex_iterator(); ++it) {
    out.insert((*it)[1].str());
  }
  return out;
}

TEST(NodeDriverTokens, TokenActionsAreExactlyTheOperationsThatTakeAClientToken) {
  const std::string js = read_text(EBSMOCK_SOURCE_DIR "/harness/drivers/node/driver.mjs");
  ASSERT_FALSE(js.empty());
  const std::set<std::string> listed = token_actions(js);
  ASSERT_FALSE(listed.empty()) << "driver.mjs has no TOKEN_ACTIONS block between the markers";
  std::set<std::string> expected;
  for (contracts::Operation op : contracts::kAllOperations) {
    if (contracts::accepts_client_token(op)) expected.insert(std::string(contracts::to_string(op)));
  }
  EXPECT_EQ(listed, expected);
  // Spelled-out spot checks (ebs-groups.md §2), so an edit of both sides shows up here too.
  for (const char* yes : {"CreateDiskReplicaGroup", "StartReplicaGroupDrill", "StartPairDrill",
                          "ListTagResources", "ChangeResourceGroup", "AddDiskReplicaPair"}) {
    EXPECT_TRUE(listed.contains(yes)) << yes;
  }
  for (const char* no : {"ClearPairDrill", "ClearReplicaGroupDrill", "DescribeDiskReplicaGroups",
                         "DescribePairDrills", "DescribeRegions", "ListReplicaEdgeSupported"}) {
    EXPECT_FALSE(listed.contains(no)) << no;
  }
}

// The reader itself: a list missing one operation, or naming one too many, differs.
TEST(NodeDriverTokens, TheReaderSeesAMissingOrExtraName) {
  const std::string js =
      "const TOKEN_ACTIONS = new Set([\n  // BEGIN TOKEN_ACTIONS\n  'StartPairDrill', 'ClearPairDrill',\n"
      "  // END TOKEN_ACTIONS\n]);\n'CreateDiskReplicaGroup'";
  EXPECT_EQ(token_actions(js), (std::set<std::string>{"StartPairDrill", "ClearPairDrill"}));
  EXPECT_TRUE(token_actions("no markers 'StartPairDrill'").empty());
}

}  // namespace
}  // namespace ebsmock::harness
