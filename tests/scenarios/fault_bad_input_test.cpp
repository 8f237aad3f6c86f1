// fault_bad_input_test.cpp: broken [[fault]] and [[replay]] tables. Each case pins the
// exact line:column the loader points at, a fragment of the message and that it is the
// only finding (one mistake must not cascade into several reports).
// Tests are independent; no shared state.
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "scenarios/loader/scenario_loader.h"
#include "tests/support/bad_input_case.h"

namespace ebsmock::scenarios {
namespace {

using testing::BadCase;

#define FAULT "[[fault]]\n"
#define WITH_ERROR "error = \"InternalError\"\n"
#define STEP "[[replay]]\naction = \"StopDiskReplicaPair\"\n"

const BadCase kCases[] = {
    // --- [[fault]]: conditions ---
    {"unknown_action_suggests", FAULT "action = \"StopDiskReplicaPairs\"\n" WITH_ERROR, 2, 10,
     "unknown action 'StopDiskReplicaPairs'; did you mean 'StopDiskReplicaPair'?"},
    {"unknown_action_case", FAULT "action = \"stopdiskreplicapair\"\n" WITH_ERROR, 2, 10,
     "did you mean 'StopDiskReplicaPair'?"},
    {"unknown_action_in_list_lists_all",
     FAULT "action = [\"StopDiskReplicaPair\", \"Drop\"]\n" WITH_ERROR, 2, 34,
     "unknown action 'Drop'; expected one of CreateDiskReplicaPair, StartDiskReplicaPair"},
    {"action_wrong_type", FAULT "action = 3\n" WITH_ERROR, 2, 10,
     "'action' must be a string or a list of strings, got integer"},
    {"action_empty_list", FAULT "action = []\n" WITH_ERROR, 2, 10,
     "'action' must not be an empty list"},
    {"action_star_with_others", FAULT "action = [\"*\", \"StopDiskReplicaPair\"]\n" WITH_ERROR, 2,
     10, "'*' already matches every action"},
    {"action_twice", FAULT "action = [\"StopDiskReplicaPair\", \"StopDiskReplicaPair\"]\n" WITH_ERROR,
     2, 34, "'StopDiskReplicaPair' is listed twice in 'action'"},
    {"unknown_when_status", FAULT WITH_ERROR "when_status = [\"normal\", \"stoped\"]\n", 3, 26,
     "unknown status 'stoped'; did you mean 'stopped'?"},
    {"pair_without_prefix", FAULT "pair = \"orders-db\"\n" WITH_ERROR, 2, 8,
     "'pair' is a ReplicaPairId and starts with \"pair-\""},
    {"empty_region", FAULT "region = \"\"\n" WITH_ERROR, 2, 10, "'region' must not be empty"},
    {"client_token_wrong_type", FAULT "client_token = true\n" WITH_ERROR, 2, 16,
     "'client_token' must be a string, got boolean"},
    {"call_id_empty", FAULT "call_id = \"\"\n" WITH_ERROR, 2, 11, "'call_id' must not be empty"},
    {"call_id_with_space", FAULT "call_id = \"a b\"\n" WITH_ERROR, 2, 11,
     "'call_id' must be 1-64 printable ASCII characters without spaces"},
    // --- [[fault]]: selection ---
    {"calls_zero", FAULT WITH_ERROR "calls = [0]\n", 3, 10,
     "call numbers start at 1 (the first matching call), got 0"},
    {"calls_not_a_list", FAULT WITH_ERROR "calls = 3\n", 3, 9,
     "'calls' must be a list of call numbers, e.g. calls = [1]"},
    {"calls_empty", FAULT WITH_ERROR "calls = []\n", 3, 9, "'calls' must not be empty"},
    {"calls_twice", FAULT WITH_ERROR "calls = [1, 2, 1]\n", 3, 16,
     "call 1 is listed twice in 'calls'"},
    {"calls_all_before_after", FAULT WITH_ERROR "calls = [1, 2]\nafter = 2\n", 4, 9,
     "no call in 'calls' comes after the first 2, so this rule never fires"},
    {"after_negative", FAULT WITH_ERROR "after = -1\n", 3, 9, "'after' must be between 0 and"},
    {"times_zero", FAULT WITH_ERROR "times = 0\n", 3, 9, "'times' must be between 1 and"},
    {"probability_above_one", FAULT WITH_ERROR "probability = 1.5\n", 3, 15,
     "'probability' must be between 0 and 1, got 1.5"},
    {"probability_nan", FAULT WITH_ERROR "probability = nan\n", 3, 15,
     "'probability' must be between 0 and 1, got nan"},
    {"probability_percent_string", FAULT WITH_ERROR "probability = \"10%\"\n", 3, 15,
     "'probability' must be a number between 0 and 1, got string"},
    // --- [[fault]]: effects ---
    {"unknown_code_suggests", FAULT "error = \"InternalErorr\"\n", 2, 9,
     "unknown error code 'InternalErorr'; did you mean 'InternalError'? (to return a code "
     "outside the catalogue, give its HTTP status too"},
    {"error_empty", FAULT "error = \"\"\n", 2, 9, "'error' must not be empty"},
    {"bad_transport", FAULT "transport = \"rest\"\n", 2, 13,
     "'transport' must be one of \"reset\", \"close\", \"hang\", \"html\", \"malformed-json\", "
     "\"truncate\", got \"rest\"; did you mean 'reset'?"},
    {"bad_commit", FAULT WITH_ERROR "commit = \"later\"\n", 3, 10,
     "'commit' must be one of \"before\", \"after\", got \"later\""},
    {"status_out_of_range", FAULT WITH_ERROR "status = 99\n", 3, 10,
     "'status' must be between 100 and 599, got 99"},
    {"status_is_a_pair_status", FAULT WITH_ERROR "status = \"normal\"\n", 3, 10,
     "to match the pair's status write when_status = \"normal\""},
    {"status_without_error", FAULT "delay = \"1s\"\nstatus = 500\n", 3, 10,
     "'status' only applies with 'error'"},
    {"message_without_error", FAULT "transport = \"reset\"\nmessage = \"x\"\n", 3, 11,
     "'message' only applies with 'error'"},
    {"retry_after_negative", FAULT WITH_ERROR "retry_after_ms = -1\n", 3, 18,
     "'retry_after_ms' must be between 0 and"},
    {"error_and_transport", FAULT WITH_ERROR "transport = \"reset\"\n", 3, 13,
     "'error' and 'transport' cannot be combined"},
    {"no_effect", FAULT "action = \"StopDiskReplicaPair\"\ncalls = [1]\n", 1, 1,
     "this rule has no effect: give delay, hold_until, error or transport"},
    {"zero_delay_is_no_effect", FAULT "delay = \"0\"\n", 2, 9,
     "this rule has no effect: its delay is always 0"},
    {"commit_after_on_delay_only", FAULT "delay = \"1s\"\ncommit = \"after\"\n", 3, 10,
     "commit = \"after\" only matters when the rule answers with an error or a transport fault"},
    {"hang_cap_without_hang", FAULT WITH_ERROR "hang_cap = \"5s\"\n", 3, 12,
     "'hang_cap' only applies to transport = \"hang\""},
    {"hang_cap_zero", FAULT "transport = \"hang\"\nhang_cap = \"0\"\n", 3, 12,
     "'hang_cap' must be greater than 0"},
    // --- [[fault]]: delay ---
    {"delay_integer", FAULT "delay = 200\n", 2, 9,
     "'delay' must be a duration such as \"200ms\", { uniform = [\"50ms\", \"300ms\"] } or "
     "{ lognormal = { median = \"80ms\", sigma = 0.5 } }, got integer"},
    {"delay_bad_duration", FAULT "delay = \"2 seconds\"\n", 2, 9,
     "'delay': invalid duration \"2 seconds\""},
    {"delay_uniform_reversed", FAULT "delay = { uniform = [\"300ms\", \"50ms\"] }\n", 2, 21,
     "'uniform' low \"300ms\" is greater than high \"50ms\""},
    {"delay_uniform_one_value", FAULT "delay = { uniform = [\"300ms\"] }\n", 2, 21,
     "'uniform' must be [low, high], two durations such as [\"50ms\", \"300ms\"], got 1 value"},
    {"delay_uniform_bad_element", FAULT "delay = { uniform = [\"1s\", 5] }\n", 2, 28,
     "'uniform' must be a duration string such as \"250ms\" or \"2s\", got integer"},
    {"delay_unknown_kind", FAULT "delay = { normal = \"1s\" }\n", 2, 11,
     "unknown key 'normal' in 'delay'; a delay table holds 'uniform' or 'lognormal'"},
    {"delay_kind_typo", FAULT "delay = { unifrom = [\"1s\", \"2s\"] }\n", 2, 11,
     "unknown key 'unifrom' in 'delay'; did you mean 'uniform'?"},
    {"delay_empty_table", FAULT "delay = {}\n", 2, 9, "'delay' is an empty table"},
    {"delay_lognormal_sigma_zero",
     FAULT "delay = { lognormal = { median = \"80ms\", sigma = 0 } }\n", 2, 50,
     "'sigma' must be greater than 0, got 0"},
    {"delay_lognormal_sigma_string",
     FAULT "delay = { lognormal = { median = \"80ms\", sigma = \"wide\" } }\n", 2, 50,
     "'sigma' must be a number greater than 0, got string"},
    {"delay_lognormal_missing_median", FAULT "delay = { lognormal = { sigma = 0.5 } }\n", 2, 23,
     "'lognormal' is missing required key 'median'"},
    {"delay_lognormal_median_zero",
     FAULT "delay = { lognormal = { median = \"0\", sigma = 0.5 } }\n", 2, 34,
     "'median' must be greater than 0"},
    {"delay_lognormal_unknown_key",
     FAULT "delay = { lognormal = { median = \"80ms\", sigma = 1, mean = \"1s\" } }\n", 2, 53,
     "unknown key 'mean' in 'lognormal'"},
    // Delay limits (fault_spec.h kMaxDelay, kMaxLogNormalSigma): one rule for every kind.
    {"delay_fixed_over_cap", FAULT "delay = \"61m\"\n", 2, 9,
     "'delay' must be at most 1h, the longest a delay may hold a request"},
    {"delay_uniform_high_over_cap", FAULT "delay = { uniform = [\"1s\", \"2h\"] }\n", 2, 28,
     "'uniform' must be at most 1h, the longest a delay may hold a request"},
    {"delay_uniform_low_over_cap", FAULT "delay = { uniform = [\"1h1ms\", \"1h\"] }\n", 2, 22,
     "'uniform' must be at most 1h"},
    {"delay_lognormal_median_over_cap",
     FAULT "delay = { lognormal = { median = \"90m\", sigma = 0.5 } }\n", 2, 34,
     "'median' must be at most 1h"},
    {"delay_lognormal_sigma_over_max",
     FAULT "delay = { lognormal = { median = \"80ms\", sigma = 3.5 } }\n", 2, 50,
     "'sigma' must be at most 3 (wider spreads only pile up at 0 and at the 1h cap), got 3.5"},
    {"delay_lognormal_sigma_inf",
     FAULT "delay = { lognormal = { median = \"80ms\", sigma = inf } }\n", 2, 50,
     "'sigma' must be at most 3"},
    {"delay_lognormal_sigma_nan",
     FAULT "delay = { lognormal = { median = \"80ms\", sigma = nan } }\n", 2, 50,
     "'sigma' must be greater than 0, got nan"},
    // --- [[fault]]: ids and keys ---
    {"duplicate_id",
     FAULT "id = \"x\"\n" WITH_ERROR FAULT "id = \"x\"\n" WITH_ERROR, 5, 6,
     "duplicate fault id 'x'; the rule at line 2 already has it"},
    {"explicit_id_takes_a_later_default",
     FAULT "id = \"f2\"\n" WITH_ERROR FAULT WITH_ERROR, 4, 1,
     "this rule's default id 'f2' (rules without an id are f1, f2, ... by position) is "
     "already taken by the rule at line 2; give this rule an id"},
    {"explicit_id_repeats_an_earlier_default", FAULT WITH_ERROR FAULT "id = \"f1\"\n" WITH_ERROR,
     4, 6, "duplicate fault id 'f1'; the rule at line 1 already has it"},
    {"id_with_space", FAULT "id = \"my rule\"\n" WITH_ERROR, 2, 6,
     "fault id \"my rule\" may only use letters, digits, '-', '_' and '.'"},
    {"unknown_key_typo", FAULT "actoin = \"*\"\n" WITH_ERROR, 2, 1,
     "unknown key 'actoin' in [[fault]]; did you mean 'action'?"},
    {"code_means_error", FAULT "delay = \"1s\"\ncode = \"InternalError\"\n", 3, 1,
     "unknown key 'code' in [[fault]]; did you mean 'error'?"},
    {"fault_as_single_table", "[fault]\n" WITH_ERROR, 1, 2,
     "'fault' is a list: write [[fault]] (double brackets) for each entry"},
    {"fault_key_at_top_level", "transport = \"reset\"\n", 1, 1,
     "unknown top-level key 'transport'; did you mean to put it under [[fault]]?"},

    // --- [[replay]] ---
    {"replay_missing_action", "[[replay]]\nstatus = 200\n", 1, 1,
     "[[replay]] is missing required key 'action'"},
    {"replay_unknown_action", "[[replay]]\naction = \"DescribeDiskReplicaPair\"\n", 2, 10,
     "unknown action 'DescribeDiskReplicaPair'; did you mean 'DescribeDiskReplicaPairs'?"},
    {"replay_star_action", "[[replay]]\naction = \"*\"\n", 2, 10,
     "'action' must name one operation, not \"*\""},
    {"replay_body_not_json_block",
     STEP "body = '''\n{\"RequestId\": \"x\",\n \"TotalCount\": }\n'''\n", 5, 16,
     "'body' is not valid JSON: parse error at line 2, column 16: syntax error while "
     "parsing value - unexpected '}'"},
    {"replay_body_not_json_inline", STEP "body = \"[1, 2,]\"\n", 3, 15,
     "'body' is not valid JSON"},
    {"replay_body_not_json_literal", STEP "body = '{\"a\": tru}'\n", 3, 18,
     "'body' is not valid JSON"},
    {"replay_body_with_escapes_points_at_the_value", STEP "body = \"{\\\"a\\\": }\"\n", 3, 8,
     "'body' is not valid JSON"},
    {"replay_body_truncated", STEP "body = '{\"a\": 1'\n", 3, 16, "'body' is not valid JSON"},
    {"replay_body_wrong_type", STEP "body = 5\n", 3, 8,
     "'body' must be a string holding JSON"},
    {"replay_body_table_with_inf", STEP "body = { x = inf }\n", 3, 14, "JSON has no inf or nan"},
    {"replay_non_2xx_without_code", STEP "status = 504\n", 3, 10,
     "a non-2xx step needs 'code' (or an exact 'body')"},
    {"replay_code_on_2xx", STEP "status = 200\ncode = \"RequestTimeout\"\n", 4, 8,
     "a 200 step cannot carry an error 'code'"},
    {"replay_unknown_code_without_status", STEP "code = \"RequestTimeOut\"\n", 3, 8,
     "unknown error code 'RequestTimeOut'; did you mean 'RequestTimeout'?"},
    {"replay_status_out_of_range", STEP "status = 600\ncode = \"X\"\n", 3, 10,
     "'status' must be between 100 and 599, got 600"},
    {"replay_message_without_code", STEP "message = \"ok\"\n", 3, 11,
     "'message' only applies with 'code'"},
    {"replay_message_with_body", STEP "status = 403\ncode = \"Forbidden\"\nmessage = \"m\"\nbody = '{}'\n",
     5, 11, "'message' is not used when 'body' is given"},
    {"replay_commit_after_on_model_answer", STEP "commit = \"after\"\n", 3, 10,
     "commit = \"after\" has no effect here"},
    {"replay_transport_replaces_status", STEP "transport = \"reset\"\nstatus = 504\n", 4, 10,
     "'status' is not used: transport = \"reset\" replaces the answer"},
    {"replay_param_not_string", STEP "params = { RegionId = 1 }\n", 3, 23,
     "parameter 'RegionId' must be a string, the value as the request carries it"},
    {"replay_param_typo", STEP "params = { ReplicaPairID = \"*\" }\n", 3, 12,
     "unknown parameter 'ReplicaPairID' for StopDiskReplicaPair; did you mean 'ReplicaPairId'?"},
    {"replay_params_not_table", STEP "params = [\"RegionId\"]\n", 3, 10,
     "'params' must be a table of parameter names to values"},
    {"replay_header_injection", STEP "headers = { x-a = \"a\\r\\nb\" }\n", 3, 19,
     "header 'x-a' must not contain CR, LF or NUL"},
    {"replay_header_bad_name", STEP "headers = { \"x a\" = \"b\" }\n", 3, 13,
     "'x a' is not a valid HTTP header name"},
    {"replay_header_not_string", STEP "headers = { x-a = 5 }\n", 3, 19,
     "header 'x-a' must be a string, got integer"},
    {"replay_bad_delay", STEP "delay = { uniform = [\"2s\", \"1s\"] }\n", 3, 21,
     "'uniform' low \"2s\" is greater than high \"1s\""},
    // The same delay rules as [[fault]] (one reader).
    {"replay_delay_over_cap", STEP "delay = \"25h\"\n", 3, 9, "'delay' must be at most 1h"},
    {"replay_uniform_over_cap", STEP "delay = { uniform = [\"0\", \"3601s\"] }\n", 3, 27,
     "'uniform' must be at most 1h"},
    {"replay_lognormal_median_over_cap",
     STEP "delay = { lognormal = { median = \"2h\", sigma = 0.5 } }\n", 3, 34,
     "'median' must be at most 1h"},
    {"replay_lognormal_sigma_over_max",
     STEP "delay = { lognormal = { median = \"80ms\", sigma = 10 } }\n", 3, 50,
     "'sigma' must be at most 3"},
    {"replay_unknown_key_hint", STEP "error = \"RequestTimeout\"\n", 3, 1,
     "unknown key 'error' in [[replay]]; did you mean 'code'?"},
    {"replay_mode_without_steps", "[scenario]\nreplay_mode = \"lenient\"\n", 2, 15,
     "'replay_mode' only applies when the file has [[replay]] steps"},
    {"replay_mode_bad_value", "[scenario]\nreplay_mode = \"loose\"\n", 2, 15,
     "'replay_mode' must be one of \"strict\", \"lenient\", got \"loose\""},
};

class FaultBadInputTest : public ::testing::TestWithParam<BadCase> {};

TEST_P(FaultBadInputTest, ReportsExactPositionAndMessage) { testing::expect_one_diagnostic(GetParam()); }

INSTANTIATE_TEST_SUITE_P(Cases, FaultBadInputTest, ::testing::ValuesIn(kCases), testing::bad_case_name);

TEST(FaultBadInputTest, EveryProblemOfEveryRuleIsReported) {
  constexpr std::string_view kText = R"toml([[fault]]
action = "Stop"
probability = 2
error = "InternalError"

[[fault]]
transport = "rst"

[[replay]]
action = "StartDiskReplicaPair"
status = 500
)toml";
  const auto diagnostics = lint_scenario_string(kText, "many.toml");
  ASSERT_EQ(diagnostics.size(), 4u) << testing::all_diagnostics(diagnostics);
  EXPECT_EQ(diagnostics[0].to_string().substr(0, 16), "many.toml:2:10: ");
  EXPECT_EQ(diagnostics[1].to_string().substr(0, 16), "many.toml:3:15: ");
  EXPECT_EQ(diagnostics[2].to_string().substr(0, 16), "many.toml:7:13: ");
  EXPECT_EQ(diagnostics[3].to_string().substr(0, 17), "many.toml:11:10: ");
}

TEST(FaultBadInputTest, UndeclaredPairIsALintFindingOnlyWhenAskedFor) {
  constexpr std::string_view kText = R"toml([[pair]]
id = "pair-cn-0000000000000001"
region = "cn-hangzhou"
destination_region = "cn-shanghai"
status = "normal"

[[fault]]
pair = "pair-cn-0000000000000001"
error = "InternalError"

[[fault]]
pair = "pair-cn-000000000000002"
error = "InternalError"
)toml";
  // It loads: the pair may be created at run time.
  EXPECT_TRUE(lint_scenario_string(kText, "p.toml").empty());
  EXPECT_NO_THROW(load_scenario_string(kText, "p.toml"));

  const auto findings = lint_scenario_string(kText, "p.toml", LintOptions{.undeclared_pairs = true});
  ASSERT_EQ(findings.size(), 1u) << testing::all_diagnostics(findings);
  EXPECT_EQ(findings[0].to_string(),
            "p.toml:12:8: pair 'pair-cn-000000000000002' is not declared in this file (ok if it "
            "is created at run time; --allow-undeclared-pairs silences this)");
}

}  // namespace
}  // namespace ebsmock::scenarios
