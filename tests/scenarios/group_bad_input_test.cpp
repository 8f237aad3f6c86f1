// group_bad_input_test.cpp: broken [[group]], [[drill]], [[event]] and [[region]] tables,
// the [contract]/[timing] keys of groups and drills, and fault rules aimed at groups. Each
// case pins the exact line:column the loader points at, a fragment of the message and
// that it is the only finding (one mistake must not cascade into several reports). What
// the model refuses (World::add_group / add_drill) is among them: it must be a diagnostic
// at the table, never an exception at serve time.
// Tests are independent; no shared state.
#include <string>

#include <gtest/gtest.h>

#include "scenarios/loader/scenario_loader.h"
#include "tests/support/bad_input_case.h"

namespace ebsmock::scenarios {
namespace {

using testing::BadCase;

// Five lines each: a pair from r1 to r2 in the status given.
#define PAIR(ID, STATUS)                                                                  \
  "[[pair]]\nid = \"" ID "\"\nregion = \"r1\"\ndestination_region = \"r2\"\nstatus = \"" STATUS \
  "\"\n"
#define PAIR1_STOPPED PAIR("pair-1", "stopped")
#define PAIR2_STOPPED PAIR("pair-2", "stopped")
// Four lines: a group from r1 to r2 without its status.
#define GROUP_HEAD "[[group]]\nid = \"pg-1\"\nregion = \"r1\"\ndestination_region = \"r2\"\n"
// Eight lines: a stopped group holding pair-1, which has a recovery point.
#define STOPPED_GROUP GROUP_HEAD "status = \"stopped\"\npairs = [\"pair-1\"]\nlast_recover_point = 1700000000\n\n"
#define DRILL "[[drill]]\n"
#define EVENT "[[event]]\nat = \"30s\"\n"
#define FAULT "[[fault]]\nerror = \"InternalError\"\n"

const BadCase kCases[] = {
    // --- [[group]]: keys, types, ids ---
    {"group_unknown_key_hint", GROUP_HEAD "status = \"created\"\npair_ids = []\n", 6, 1,
     "unknown key 'pair_ids' in [[group]]; did you mean 'pairs'?"},
    {"group_unknown_key_typo", GROUP_HEAD "status = \"created\"\nnmae = \"x\"\n", 6, 1,
     "unknown key 'nmae' in [[group]]; did you mean 'name'?"},
    {"group_name_hint", GROUP_HEAD "status = \"created\"\ngroup_name = \"x\"\n", 6, 1,
     "did you mean 'name'?"},
    {"group_id_prefix", "[[group]]\nid = \"grp-1\"\nregion = \"r1\"\ndestination_region = \"r2\"\nstatus = \"created\"\n",
     2, 6, "group id must start with \"pg-\""},
    {"group_missing_status", GROUP_HEAD, 1, 1, "[[group]] is missing required key 'status'"},
    {"group_missing_region", "[[group]]\nid = \"pg-1\"\ndestination_region = \"r2\"\nstatus = \"created\"\n", 1,
     1, "[[group]] is missing required key 'region'"},
    {"group_status_typo", GROUP_HEAD "status = \"failoverd\"\n", 5, 10, "did you mean 'failovered'?"},
    {"group_status_is_a_drill_status", GROUP_HEAD "status = \"executed\"\n", 5, 10,
     "'status' must be one of \"invalid\""},
    {"group_rpo_zero", GROUP_HEAD "status = \"created\"\nrpo = 0\n", 6, 7, "'rpo' must be >= 1, got 0"},
    {"group_duplicate_id", GROUP_HEAD "status = \"created\"\n" GROUP_HEAD "status = \"created\"\n", 7, 6,
     "duplicate group id 'pg-1'; first defined at line 2"},
    {"group_tags_not_a_table", GROUP_HEAD "status = \"created\"\ntags = [\"env\"]\n", 6, 8,
     "'tags' must be a table of strings"},
    // --- [[group]]: members ---
    {"pairs_not_a_list", PAIR1_STOPPED GROUP_HEAD "status = \"stopped\"\npairs = \"pair-1\"\n", 11, 9,
     "'pairs' must be a list of ReplicaPairIds"},
    {"pairs_entry_not_a_string", PAIR1_STOPPED GROUP_HEAD "status = \"stopped\"\npairs = [1]\n", 11, 10,
     "each entry of 'pairs' must be a ReplicaPairId string, got integer"},
    {"pairs_unknown_pair_suggests", PAIR1_STOPPED GROUP_HEAD "status = \"stopped\"\npairs = [\"pair-l\"]\n", 11,
     10, "no [[pair]] declares 'pair-l'; did you mean 'pair-1'?"},
    {"pairs_listed_twice", PAIR1_STOPPED GROUP_HEAD "status = \"stopped\"\npairs = [\"pair-1\", \"pair-1\"]\n",
     11, 20, "'pair-1' is listed twice in 'pairs'"},
    // What the model refuses, at the member it names.
    {"member_in_another_status", PAIR1_STOPPED PAIR("pair-2", "normal") GROUP_HEAD
     "status = \"stopped\"\npairs = [\"pair-1\", \"pair-2\"]\n",
     16, 20, "group pg-1: pair pair-2 is normal but its group is stopped"},
    {"member_in_another_direction",
     PAIR1_STOPPED "[[pair]]\nid = \"pair-2\"\nregion = \"r1\"\ndestination_region = \"r3\"\nstatus = \"stopped\"\n"
     GROUP_HEAD "status = \"stopped\"\npairs = [\"pair-2\", \"pair-1\"]\n",
     16, 10, "pair pair-2 replicates r1 -> r3, the group r1 -> r2"},
    {"member_in_another_zone",
     PAIR1_STOPPED GROUP_HEAD "status = \"stopped\"\nsource_zone_id = \"r1-b\"\npairs = [\"pair-1\"]\n", 12, 10,
     "(regions and zones must match)"},
    {"member_of_an_earlier_group",
     PAIR1_STOPPED GROUP_HEAD "status = \"stopped\"\npairs = [\"pair-1\"]\n"
     "[[group]]\nid = \"pg-2\"\nregion = \"r1\"\ndestination_region = \"r2\"\nstatus = \"stopped\"\npairs = [\"pair-1\"]\n",
     17, 10, "group pg-2: pair pair-1 belongs to group pg-1"},
    {"invalid_group_members_disagree",
     PAIR1_STOPPED PAIR("pair-2", "normal") PAIR("pair-3", "invalid") GROUP_HEAD
     "status = \"invalid\"\npairs = [\"pair-1\", \"pair-2\", \"pair-3\"]\n",
     16, 1, "the members of an invalid group that are not invalid must share one status"},
    {"deleting_group_with_members", PAIR("pair-1", "deleting") GROUP_HEAD
     "status = \"deleting\"\npairs = [\"pair-1\"]\n",
     6, 1, "a deleting group cannot have pairs"},
    // A member's [[pair]] must not contradict what its group owns.
    {"member_rpo_contradicts_group",
     "[[pair]]\nid = \"pair-1\"\nregion = \"r1\"\ndestination_region = \"r2\"\nstatus = \"stopped\"\nrpo = 600\n"
     GROUP_HEAD "status = \"stopped\"\npairs = [\"pair-1\"]\n",
     6, 7, "pair pair-1 is a member of group pg-1 (line 8), whose rpo 900 its members take"},
    {"member_enable_rtc_contradicts_group",
     "[[pair]]\nid = \"pair-1\"\nregion = \"r1\"\ndestination_region = \"r2\"\nstatus = \"stopped\"\n"
     "enable_rtc = true\n" GROUP_HEAD "status = \"stopped\"\npairs = [\"pair-1\"]\n",
     6, 14, "whose enable_rtc false its members take"},
    {"member_recover_point_without_the_group",
     "[[pair]]\nid = \"pair-1\"\nregion = \"r1\"\ndestination_region = \"r2\"\nstatus = \"stopped\"\n"
     "last_recover_point = 1700000000\n" GROUP_HEAD "status = \"stopped\"\npairs = [\"pair-1\"]\n",
     6, 22, "whose last_recover_point (none) its members take"},
    {"member_group_name_contradicts",
     "[[pair]]\nid = \"pair-1\"\nregion = \"r1\"\ndestination_region = \"r2\"\nstatus = \"stopped\"\n"
     "replica_group_name = \"other\"\n" GROUP_HEAD "status = \"stopped\"\nname = \"db\"\npairs = [\"pair-1\"]\n",
     6, 22, "whose replica_group_name \"db\" its members take"},
    {"pair_names_a_group_that_does_not_list_it",
     "[[pair]]\nid = \"pair-1\"\nregion = \"r1\"\ndestination_region = \"r2\"\nstatus = \"stopped\"\n"
     "replica_group_id = \"pg-1\"\n" GROUP_HEAD "status = \"stopped\"\n",
     6, 20, "group pg-1 (line 8) does not list pair pair-1 in its 'pairs'"},

    // --- [[drill]] ---
    {"drill_without_target", PAIR1_STOPPED STOPPED_GROUP DRILL "id = \"drill-1\"\nstatus = \"executed\"\n", 14,
     1, "a [[drill]] needs its target: 'pair' or 'group'"},
    {"drill_with_two_targets",
     PAIR1_STOPPED STOPPED_GROUP DRILL "id = \"drill-1\"\npair = \"pair-1\"\ngroup = \"pg-1\"\nstatus = \"executed\"\n",
     17, 9, "a [[drill]] has one target: give 'pair' or 'group', not both"},
    {"drill_unknown_group_suggests", PAIR1_STOPPED STOPPED_GROUP DRILL
     "id = \"pg-drill-1\"\ngroup = \"pg-l\"\nstatus = \"executed\"\n",
     16, 9, "no [[group]] declares 'pg-l'; did you mean 'pg-1'?"},
    {"drill_unknown_pair", PAIR1_STOPPED DRILL "id = \"drill-1\"\npair = \"pair-9\"\nstatus = \"executed\"\n"
     "recover_point = 1700000000\n",
     8, 8, "no [[pair]] declares 'pair-9'"},
    {"group_drill_id_prefix", PAIR1_STOPPED STOPPED_GROUP DRILL "id = \"drill-1\"\ngroup = \"pg-1\"\nstatus = \"executed\"\n",
     15, 6, "a group drill's id starts with \"pg-drill-\""},
    {"pair_drill_id_prefix", PAIR1_STOPPED DRILL "id = \"pg-drill-1\"\npair = \"pair-1\"\nstatus = \"executed\"\n"
     "recover_point = 1700000000\n",
     7, 6, "a pair drill's id starts with \"drill-\""},
    {"drill_duplicate_id", PAIR1_STOPPED STOPPED_GROUP DRILL "id = \"pg-drill-1\"\ngroup = \"pg-1\"\nstatus = \"executed\"\n"
     DRILL "id = \"pg-drill-1\"\ngroup = \"pg-1\"\nstatus = \"executing\"\n",
     19, 6, "duplicate drill id 'pg-drill-1'; first defined at line 15"},
    {"drill_status_typo", PAIR1_STOPPED STOPPED_GROUP DRILL "id = \"pg-drill-1\"\ngroup = \"pg-1\"\nstatus = \"exectued\"\n",
     17, 10, "did you mean 'executed'?"},
    {"drill_status_is_a_pair_status", PAIR1_STOPPED STOPPED_GROUP DRILL
     "id = \"pg-drill-1\"\ngroup = \"pg-1\"\nstatus = \"normal\"\n",
     17, 10, "'status' must be one of \"executing\", \"executed\", \"execute_failed\", \"clearing\", \"clear_failed\""},
    {"drill_missing_status", PAIR1_STOPPED STOPPED_GROUP DRILL "id = \"pg-drill-1\"\ngroup = \"pg-1\"\n", 14, 1,
     "[[drill]] is missing required key 'status'"},
    {"drill_recover_point_zero", PAIR1_STOPPED STOPPED_GROUP DRILL
     "id = \"pg-drill-1\"\ngroup = \"pg-1\"\nstatus = \"executed\"\nrecover_point = 0\n",
     18, 17, "'recover_point' must be after 1970-01-01T00:00:00Z"},
    {"drill_unknown_key_hint", PAIR1_STOPPED STOPPED_GROUP DRILL
     "id = \"pg-drill-1\"\ngroup_id = \"pg-1\"\ngroup = \"pg-1\"\nstatus = \"executed\"\n",
     16, 1, "unknown key 'group_id' in [[drill]]; did you mean 'group'?"},
    // What the model refuses, at the table.
    {"drill_without_recover_point", PAIR1_STOPPED DRILL "id = \"drill-1\"\npair = \"pair-1\"\nstatus = \"executed\"\n",
     6, 1, "drill drill-1: pair-1 has no LastRecoverPoint: give the drill a recover_point"},
    {"drill_of_an_empty_group", GROUP_HEAD "status = \"stopped\"\n\n" DRILL
     "id = \"pg-drill-1\"\ngroup = \"pg-1\"\nstatus = \"executed\"\nrecover_point = 1700000000\n",
     7, 1, "drill pg-drill-1: group pg-1 has no pairs to drill"},

    // --- [[event]] ---
    {"event_missing_at", PAIR1_STOPPED "[[event]]\npair = \"pair-1\"\nstatus = \"invalid\"\n", 6, 1,
     "[[event]] is missing required key 'at'"},
    {"event_bad_at", PAIR1_STOPPED "[[event]]\nat = \"soon\"\npair = \"pair-1\"\nstatus = \"invalid\"\n", 7, 6,
     "'at': invalid duration \"soon\""},
    {"event_at_as_integer", PAIR1_STOPPED "[[event]]\nat = 30\npair = \"pair-1\"\nstatus = \"invalid\"\n", 7, 6,
     "'at' must be a duration string"},
    {"event_without_target", PAIR1_STOPPED EVENT "status = \"invalid\"\n", 6, 1,
     "an [[event]] needs its target: 'pair', 'group' or 'drill'"},
    {"event_with_two_targets", PAIR1_STOPPED STOPPED_GROUP EVENT "pair = \"pair-1\"\ngroup = \"pg-1\"\nstatus = \"invalid\"\n",
     17, 9, "an [[event]] has one target: give 'pair' or 'group', not both"},
    {"event_unknown_drill", PAIR1_STOPPED STOPPED_GROUP EVENT "drill = \"pg-drill-1\"\nstatus = \"clear_failed\"\n",
     16, 9, "no [[drill]] declares 'pg-drill-1'"},
    {"event_pair_gets_a_drill_status", PAIR1_STOPPED EVENT "pair = \"pair-1\"\nstatus = \"clear_failed\"\n", 9,
     10, "'clear_failed' is a drill status; an event on a pair takes one of the pair and group statuses"},
    {"event_drill_gets_a_pair_status",
     PAIR1_STOPPED STOPPED_GROUP DRILL "id = \"pg-drill-1\"\ngroup = \"pg-1\"\nstatus = \"executed\"\n\n" EVENT
     "drill = \"pg-drill-1\"\nstatus = \"invalid\"\n",
     22, 10, "'invalid' is a pair and group status; an event on a drill takes one of executing, executed"},
    {"event_status_typo", PAIR1_STOPPED STOPPED_GROUP EVENT "group = \"pg-1\"\nstatus = \"invlaid\"\n", 17, 10,
     "did you mean 'invalid'?"},
    {"event_missing_status", PAIR1_STOPPED EVENT "pair = \"pair-1\"\n", 6, 1,
     "[[event]] is missing required key 'status'"},
    {"event_unknown_key_hint", PAIR1_STOPPED EVENT "pair = \"pair-1\"\nto = \"invalid\"\nstatus = \"invalid\"\n", 9,
     1, "unknown key 'to' in [[event]]; did you mean 'status'?"},

    // --- [[fault]] aimed at groups ---
    {"fault_group_prefix", FAULT "group = \"orders\"\n", 3, 9,
     "'group' is a ReplicaGroupId and starts with \"pg-\""},
    {"fault_group_hint", FAULT "group_id = \"pg-1\"\n", 3, 1,
     "unknown key 'group_id' in [[fault]]; did you mean 'group'?"},
    {"fault_when_status_drill_typo", FAULT "when_status = [\"executed\", \"clear_faild\"]\n", 3, 28,
     "unknown status 'clear_faild'; did you mean 'clear_failed'?"},
    {"fault_group_action_typo", FAULT "action = \"FailoverDiskReplicaGrop\"\n", 3, 10,
     "unknown action 'FailoverDiskReplicaGrop'; did you mean 'FailoverDiskReplicaGroup'?"},
    {"replay_drill_action_typo", "[[replay]]\naction = \"ClearReplicaGroupDril\"\n", 2, 10,
     "did you mean 'ClearReplicaGroupDrill'?"},
    {"replay_group_param_typo",
     "[[replay]]\naction = \"FailoverDiskReplicaGroup\"\nparams = { ReplicaGroupID = \"pg-1\" }\n", 3, 12,
     "unknown parameter 'ReplicaGroupID' for FailoverDiskReplicaGroup; did you mean 'ReplicaGroupId'?"},

    // --- [contract] and [timing] ---
    {"member_pair_refusal_unknown", "[contract]\nmember_pair_refusal = \"OperationDenied.PairGroupStatusConflic\"\n",
     2, 23, "unknown error code 'OperationDenied.PairGroupStatusConflic' (the refusal must be a catalogue code); "
            "did you mean 'OperationDenied.PairGroupStatusConflict'?"},
    {"member_pair_refusal_empty", "[contract]\nmember_pair_refusal = \"\"\n", 2, 23,
     "'member_pair_refusal' must not be empty"},
    {"drill_statuses_empty", "[contract]\ndrill_statuses = []\n", 2, 18,
     "'drill_statuses' must not be an empty list; no drill could ever start"},
    {"drill_statuses_holds_a_drill_status", "[contract]\ndrill_statuses = [\"normal\", \"executed\"]\n", 2, 29,
     "unknown status 'executed'"},
    {"drill_statuses_twice", "[contract]\ndrill_statuses = [\"normal\", \"normal\"]\n", 2, 29,
     "'normal' is listed twice in 'drill_statuses'"},
    {"max_empty_groups_negative", "[contract]\nmax_empty_groups = -1\n", 2, 20,
     "'max_empty_groups' must be between 0 and 2147483647, got -1"},
    {"max_tags_wrong_type", "[contract]\nmax_tags_per_resource = \"20\"\n", 2, 25,
     "'max_tags_per_resource' must be an integer, got string"},
    {"drills_block_changes_wrong_type", "[contract]\ndrills_block_changes = 1\n", 2, 24,
     "'drills_block_changes' must be a boolean"},
    {"contract_key_typo", "[contract]\nmax_active_drill = 1\n", 2, 1,
     "unknown key 'max_active_drill' in [contract]; did you mean 'max_active_drills'?"},
    {"timing_drill_key_typo", "[timing]\ndrill_excute = \"1s\"\n", 2, 1,
     "unknown key 'drill_excute' in [timing]; did you mean 'drill_execute'?"},
    {"timing_drill_clear_bad", "[timing]\ndrill_clear = \"2 s\"\n", 2, 15, "'drill_clear': invalid duration"},

    // --- [[region]] ---
    {"region_without_zones", "[[region]]\nid = \"cn-test\"\n", 1, 1, "[[region]] is missing required key 'zones'"},
    {"region_zones_empty", "[[region]]\nid = \"cn-test\"\nzones = []\n", 3, 9,
     "'zones' must be a non-empty list of tables"},
    {"region_zone_without_id", "[[region]]\nid = \"cn-test\"\nzones = [{ english_name = \"A\" }]\n", 3, 10,
     "a zone of [[region]] is missing required key 'id'"},
    {"region_zone_resource_type_typo",
     "[[region]]\nid = \"cn-test\"\nzones = [{ id = \"cn-test-a\", resource_types = [\"ear\", \"lense\"] }]\n", 3, 55,
     "unknown resource type 'lense'; did you mean 'lens'?"},
    {"region_duplicate_zone",
     "[[region]]\nid = \"cn-test\"\nzones = [{ id = \"cn-test-a\" }, { id = \"cn-test-a\" }]\n", 3, 39,
     "duplicate zone id 'cn-test-a'; first defined at line 3"},
    {"region_duplicate_id",
     "[[region]]\nid = \"cn-test\"\nzones = [{ id = \"a\" }]\n[[region]]\nid = \"cn-test\"\nzones = [{ id = \"b\" }]\n",
     5, 6, "duplicate region id 'cn-test'; first defined at line 2"},
    {"region_single_table", "[region]\nid = \"cn-test\"\n", 1, 2, "'region' is a list: write [[region]]"},
};

class GroupBadInputTest : public ::testing::TestWithParam<BadCase> {};

TEST_P(GroupBadInputTest, ReportsExactlyOneDiagnosticAtThePinnedPosition) {
  testing::expect_one_diagnostic(GetParam());
}

INSTANTIATE_TEST_SUITE_P(Cases, GroupBadInputTest, ::testing::ValuesIn(kCases), testing::bad_case_name);

// The 18th member is one too many (ebs-groups.md §3.4): refused by the model, at the table.
TEST(GroupBadInputTest, EighteenMembersAreOneTooMany) {
  std::string text;
  std::string members;
  for (int i = 1; i <= 18; ++i) {
    const std::string id = "pair-" + std::to_string(i);
    text += "[[pair]]\nid = \"" + id + "\"\nregion = \"r1\"\ndestination_region = \"r2\"\nstatus = \"stopped\"\n";
    members += (i > 1 ? ", \"" : "\"") + id + "\"";
  }
  text += GROUP_HEAD "status = \"stopped\"\npairs = [" + members + "]\n";
  testing::expect_one_diagnostic({"eighteen", text, 18 * 5 + 1, 1, "at most 17 pairs per group, got 18"});
  // Seventeen load.
  std::string fine;
  for (int i = 1; i <= 17; ++i) {
    fine += "[[pair]]\nid = \"pair-" + std::to_string(i) +
            "\"\nregion = \"r1\"\ndestination_region = \"r2\"\nstatus = \"stopped\"\n";
  }
  fine += GROUP_HEAD "status = \"stopped\"\npairs = [" + members.substr(0, members.find(", \"pair-18\"")) + "]\n";
  EXPECT_EQ(load_scenario_string(fine, "ok.toml").groups.at(0).pair_ids.size(), 17u);
}

}  // namespace
}  // namespace ebsmock::scenarios
