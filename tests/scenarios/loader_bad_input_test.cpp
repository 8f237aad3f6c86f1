// loader_bad_input_test.cpp: broken scenario files. Each case pins the exact line:column
// the loader points at and a fragment of the message, because a diagnostic that points
// at the wrong place is a bug users feel. Tests are independent; no shared state.
#include <algorithm>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "scenarios/loader/scenario_loader.h"
#include "tests/support/bad_input_case.h"

namespace ebsmock::scenarios {
namespace {

using testing::BadCase;

// Three keys every [[pair]] must have besides the one under test; kept on one line each
// so the expected positions below are easy to count.
#define PAIR_HEAD "[[pair]]\nid = \"pair-cn-0000000000000001\"\n"
#define PAIR_REGIONS "region = \"cn-hangzhou\"\ndestination_region = \"cn-shanghai\"\n"

const BadCase kCases[] = {
    {"syntax_error", "[scenario]\nname = \n", 2, 8, "expected value"},
    {"unterminated_string", "[scenario]\nname = \"abc\n", 2, 12, "string"},
    {"wrong_type_boolean", "[auth]\nverify_signatures = \"yes\"\n", 2, 21,
     "'verify_signatures' must be a boolean (true or false), got string"},
    {"wrong_type_integer", PAIR_HEAD PAIR_REGIONS "status = \"normal\"\nbandwidth = \"10\"\n", 6,
     13, "'bandwidth' must be an integer, got string"},
    {"wrong_type_float", PAIR_HEAD PAIR_REGIONS "status = \"normal\"\nrpo = 1.5\n", 6, 7,
     "'rpo' must be an integer, got float"},
    {"wrong_type_string", "[scenario]\nname = 3\n", 2, 8, "'name' must be a string, got integer"},
    {"unknown_key_with_suggestion", "[timing]\ncrate = \"1s\"\n", 2, 1,
     "unknown key 'crate' in [timing]; did you mean 'create'?"},
    {"unknown_key_transposed", "[timing]\nsycn = \"1s\"\n", 2, 1, "did you mean 'sync'?"},
    {"unknown_key_hint",
     PAIR_HEAD PAIR_REGIONS "status = \"normal\"\nsource_region = \"cn-hangzhou\"\n", 6, 1,
     "unknown key 'source_region' in [[pair]]; did you mean 'region'?"},
    {"unknown_section", "[timming]\nsync = \"1s\"\n", 1, 2,
     "unknown top-level key 'timming'; did you mean 'timing'?"},
    {"key_outside_its_section", "name = \"x\"\n", 1, 1,
     "unknown top-level key 'name'; did you mean to put it under [scenario]?"},
    {"bad_status", PAIR_HEAD PAIR_REGIONS "status = \"Normal\"\n", 5, 10,
     "'status' must be one of \"invalid\", \"creating\""},
    {"bad_status_suggestion", PAIR_HEAD PAIR_REGIONS "status = \"stoped\"\n", 5, 10,
     "\"deleted\", got \"stoped\"; did you mean 'stopped'?"},
    {"bad_duration", "[timing]\nsync = \"5 seconds\"\n", 2, 8,
     "'sync': invalid duration \"5 seconds\""},
    {"duration_as_integer", "[contract]\ntoken_ttl = 60\n", 2, 13,
     "'token_ttl' must be a duration string"},
    {"duplicate_pair_id",
     PAIR_HEAD PAIR_REGIONS "status = \"normal\"\n" PAIR_HEAD PAIR_REGIONS "status = \"stopped\"\n",
     7, 6, "duplicate pair id 'pair-cn-0000000000000001'; first defined at line 2"},
    {"missing_required_key", PAIR_HEAD PAIR_REGIONS, 1, 1,
     "[[pair]] is missing required key 'status'"},
    {"missing_credential_secret", "\n[[credential]]\naccess_key_id = \"a\"\n", 2, 1,
     "[[credential]] is missing required key 'access_key_secret'"},
    {"pair_id_prefix", "[[pair]]\nid = \"rp-123\"\n" PAIR_REGIONS "status = \"normal\"\n", 2, 6,
     "pair id must start with \"pair-\""},
    {"bad_error_code", "[errors]\n\"Forbiden\" = 401\n", 2, 1,
     "unknown error code 'Forbiden' in [errors]; did you mean 'Forbidden'?"},
    {"bad_dotted_error_code", "[errors]\nOperationDenied.InvalidStatu = 400\n", 2, 1,
     "did you mean 'OperationDenied.InvalidStatus'?"},
    {"error_status_out_of_range", "[errors]\n\"Forbidden\" = 99\n", 2, 15,
     "HTTP status of 'Forbidden' must be between 100 and 599, got 99"},
    {"error_status_wrong_type", "[errors]\n\"Forbidden\" = \"401\"\n", 2, 15,
     "must be an integer between 100 and 599, got string"},
    // [[fault]] and [[replay]] have their own table in fault_bad_input_test.cpp.
    {"fault_entry_not_a_table", "fault = [1]\n", 1, 10,
     "each 'fault' entry must be a table, got integer"},
    {"single_table_for_list", "[credential]\naccess_key_id = \"a\"\n", 1, 2,
     "'credential' is a list: write [[credential]]"},
    {"list_for_single_table", "[[clock]]\nmode = \"real\"\n", 1, 3,
     "write [clock], not [[clock]]"},
    {"bad_clock_mode", "[clock]\nmode = \"fake\"\n", 2, 8,
     "'mode' must be one of \"real\", \"virtual\", got \"fake\""},
    {"start_with_real_clock", "[clock]\nmode = \"real\"\nstart = 2024-01-01T00:00:00Z\n", 3, 9,
     "'start' only applies to mode = \"virtual\""},
    {"local_datetime", "[clock]\nmode = \"virtual\"\nstart = 2024-01-01T00:00:00\n", 3, 9,
     "needs a UTC offset"},
    {"bad_iso_string", "[clock]\nmode = \"virtual\"\nstart = \"2024-01-01 00:00\"\n", 3, 9,
     "is not an ISO 8601 UTC time"},
    {"negative_seed", "[scenario]\nseed = -1\n", 2, 8, "'seed' must be >= 0, got -1"},
    {"duplicate_access_key",
     "[[credential]]\naccess_key_id = \"a\"\naccess_key_secret = \"s\"\n"
     "[[credential]]\naccess_key_id = \"a\"\naccess_key_secret = \"t\"\n",
     5, 17, "duplicate access_key_id 'a'; first defined at line 2"},
    {"postpay_bandwidth", PAIR_HEAD PAIR_REGIONS "status = \"normal\"\nbandwidth = 10240\n", 6, 13,
     "must be 0 (dynamic) when charge_type is \"POSTPAY\""},
    {"bad_charge_type", PAIR_HEAD PAIR_REGIONS "status = \"normal\"\ncharge_type = \"postpay\"\n",
     6, 15, "did you mean 'POSTPAY'?"},
    {"tag_not_string", PAIR_HEAD PAIR_REGIONS "status = \"normal\"\ntags = { env = 1 }\n", 6, 16,
     "tag 'env' must be a string, got integer"},
    {"tags_not_table", PAIR_HEAD PAIR_REGIONS "status = \"normal\"\ntags = [\"a\"]\n", 6, 8,
     "'tags' must be a table of strings"},
    {"negative_create_time", PAIR_HEAD PAIR_REGIONS "status = \"normal\"\ncreate_time = -5\n", 6,
     15, "'create_time' must be Unix seconds between 0 and"},
    // TOML is UTF-8 and has no escape for other bytes: the file is refused where the bad
    // bytes are (scenarios/writer repairs them to U+FFFD instead of writing them). toml++
    // points at the character just before the bad bytes.
    {"invalid_utf8_in_string", "[scenario]\nname = \"ok\"\ndescription = \"bad \xFF here\"\n", 3,
     19, "invalid utf-8"},
    {"invalid_utf8_surrogate", "[scenario]\nname = \"\xED\xA0\x80\"\n", 2, 8, "invalid utf-8"},
    {"invalid_utf8_in_comment", "# note \xC3\n[scenario]\n", 1, 7, "invalid utf-8"},
};

class BadInputTest : public ::testing::TestWithParam<BadCase> {};

TEST_P(BadInputTest, ReportsExactPositionAndMessage) { testing::expect_one_diagnostic(GetParam()); }

INSTANTIATE_TEST_SUITE_P(Cases, BadInputTest, ::testing::ValuesIn(kCases), testing::bad_case_name);

TEST(BadInputTest, ReportsEveryProblemInSourceOrder) {
  // Three unrelated mistakes in three sections; [[pair]] is listed before [timing] so
  // the report must be sorted by position, not by the order sections are checked in.
  constexpr std::string_view kText = R"toml([[pair]]
id = "pair-cn-0000000000000001"
region = "cn-hangzhou"
destination_region = "cn-shanghai"
status = "runing"

[timing]
sync = "fast"

[auth]
verify_signature = true
)toml";
  const auto diagnostics = lint_scenario_string(kText, "three.toml");
  ASSERT_EQ(diagnostics.size(), 3u);
  EXPECT_EQ(diagnostics[0].to_string().substr(0, 17), "three.toml:5:10: ");
  EXPECT_NE(diagnostics[0].message.find("'status' must be one of"), std::string::npos);
  EXPECT_EQ(diagnostics[1].to_string().substr(0, 16), "three.toml:8:8: ");
  EXPECT_NE(diagnostics[1].message.find("invalid duration \"fast\""), std::string::npos);
  EXPECT_EQ(diagnostics[2].to_string().substr(0, 17), "three.toml:11:1: ");
  EXPECT_NE(diagnostics[2].message.find("did you mean 'verify_signatures'?"), std::string::npos);

  try {
    load_scenario_string(kText, "three.toml");
    ADD_FAILURE() << "no exception";
  } catch (const ScenarioError& e) {
    EXPECT_EQ(e.diagnostics().size(), 3u);
    // what() lists them one per line, ready to print.
    const std::string what = e.what();
    EXPECT_EQ(std::count(what.begin(), what.end(), '\n'), 2);
  }
}

TEST(BadInputTest, MissingFileSaysCannotOpenWithTheReason) {
  const std::string path = "/nonexistent/ebsmock/nowhere.toml";
  try {
    load_scenario_file(path);
    ADD_FAILURE() << "no exception";
  } catch (const ScenarioError& e) {
    ASSERT_EQ(e.diagnostics().size(), 1u);
    EXPECT_EQ(e.diagnostics()[0].to_string(), path + ": cannot open: No such file or directory");
  }
}

TEST(BadInputTest, DirectoryIsNotAScenario) {
  try {
    load_scenario_file(EBSMOCK_SOURCE_DIR "/scenarios");
    ADD_FAILURE() << "no exception";
  } catch (const ScenarioError& e) {
    ASSERT_EQ(e.diagnostics().size(), 1u);
    EXPECT_NE(e.diagnostics()[0].message.find("cannot open: is a directory"), std::string::npos);
  }
}

TEST(BadInputTest, OversizedInputIsRejectedUnparsed) {
  const std::string huge(kMaxScenarioBytes + 1, '#');
  const auto diagnostics = lint_scenario_string(huge, "huge.toml");
  ASSERT_EQ(diagnostics.size(), 1u);
  EXPECT_EQ(diagnostics[0].line, 0);
  EXPECT_NE(diagnostics[0].message.find("larger than 16 MiB"), std::string::npos);
}

TEST(BadInputTest, SyntaxErrorStopsAtTheFirstProblem) {
  // After a syntax error nothing else can be trusted: exactly one diagnostic.
  const auto diagnostics = lint_scenario_string("[timing]\nsync = \"x\"\n[[[\n", "s.toml");
  ASSERT_EQ(diagnostics.size(), 1u);
  EXPECT_EQ(diagnostics[0].line, 3);
}

TEST(BadInputTest, IncompletePairsAreDroppedButOthersAreStillChecked) {
  const auto diagnostics = lint_scenario_string(R"toml(
[[pair]]
id = "pair-a"

[[pair]]
id = "pair-b"
region = "r"
destination_region = "s"
status = "normal"
rpo = 0
)toml",
                                                "p.toml");
  ASSERT_EQ(diagnostics.size(), 4u);
  EXPECT_NE(diagnostics[0].message.find("missing required key 'region'"), std::string::npos);
  EXPECT_NE(diagnostics[1].message.find("missing required key 'destination_region'"),
            std::string::npos);
  EXPECT_NE(diagnostics[2].message.find("missing required key 'status'"), std::string::npos);
  EXPECT_EQ(diagnostics[3].line, 10);
  EXPECT_NE(diagnostics[3].message.find("'rpo' must be >= 1, got 0"), std::string::npos);
}

}  // namespace
}  // namespace ebsmock::scenarios
