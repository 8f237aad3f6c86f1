// pair_table_split_test.cpp: the [[pair]] fast path against toml++ itself. Its promise:
// when it accepts a document, the rest parsed by toml++ plus its pair tables equals
// toml::parse of the whole text; and the loader gives the same Scenario, and the same
// diagnostics at the same line:col, whether the fast path ran or not.
// Thread-safety: single-threaded tests.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>
#include <toml++/toml.h>

#include "scenarios/loader/pair_table_split.h"
#include "scenarios/loader/scenario_loader.h"
#include "scenarios/writer/scenario_writer.h"

namespace {

using ebsmock::scenarios::Diagnostic;
using ebsmock::scenarios::Scenario;
using ebsmock::scenarios::internal::load_on_fast_path;
using ebsmock::scenarios::internal::split_pair_tables;

toml::table parse_toml(std::string_view doc, std::string_view path) { return toml::parse(doc, path); }

// toml::parse of the rest, with the pair tables put back under "pair".
std::optional<toml::table> reassembled(std::string_view text) {
  auto split = split_pair_tables(text);
  if (!split) return std::nullopt;
  toml::table root = parse_toml(split->rest, "rest.toml");
  EXPECT_FALSE(root.contains("pair")) << "a [[pair]] stayed in the rest:\n" << split->rest;
  root.insert("pair", std::move(split->pairs));
  return root;
}

std::string dump(const toml::table& t) {
  std::ostringstream out;
  out << t;
  return out.str();
}

// The same document with every [[pair]] header spelt "[[ pair ]]": identical to toml++
// (same tables, same lines and columns everywhere else), but off the fast path.
std::string off_fast_path(std::string text) {
  for (std::size_t at = 0; (at = text.find("[[pair]]", at)) != std::string::npos;) {
    text.replace(at, 8, "[[ pair]]");
    at += 9;
  }
  return text;
}

const std::string kWorld = R"([scenario]
name = "split"
seed = 7

[[credential]]
access_key_id = "testid"
access_key_secret = "testsecret"

[[pair]]
id = "pair-cn-a1"   # the first
region = "cn-hangzhou"
destination_region = 'cn-shanghai'
status = "normal"
bandwidth = 10240
charge_type = "PREPAY"
rpo = +15
enable_rtc = false
last_recover_point = 2024-02-29T23:59:59Z
create_time = 1700000000

# between tables
[[pair]]
	id = "pair-cn-a2"
region="cn-hangzhou"
destination_region = "cn-shanghai"
status = "stopped"
description = ""
tags = { zone = "b", app = 'web', env = "prod" }   # not in key order

[[fault]]
action = "StopDiskReplicaPair"
pair = "pair-cn-a2"
error = "InternalError"
times = 1

[[pair]] # trailing comment
id = "pair-cn-a3"
region = "cn-beijing"
destination_region = "cn-shanghai"
status = "normal"
)";

TEST(PairTableSplit, AcceptsPlainPairTablesAndAgreesWithToml) {
  auto split = split_pair_tables(kWorld);
  ASSERT_TRUE(split.has_value());
  EXPECT_EQ(split->pairs.size(), 3u);
  auto root = reassembled(kWorld);
  ASSERT_TRUE(root.has_value());
  const toml::table whole = parse_toml(kWorld, "whole.toml");
  EXPECT_EQ(*root, whole) << dump(*root) << "\n--- toml++ ---\n" << dump(whole);
  // The rest has exactly the lines of the text, so every other table keeps its position.
  EXPECT_EQ(std::count(split->rest.begin(), split->rest.end(), '\n'),
            std::count(kWorld.begin(), kWorld.end(), '\n'));
  const toml::table rest = parse_toml(split->rest, "rest.toml");
  const auto* fault = rest["fault"][0].as_table();
  ASSERT_NE(fault, nullptr);
  EXPECT_EQ(fault->source().begin, whole["fault"][0].as_table()->source().begin);
}

TEST(PairTableSplit, LoaderGivesTheSameScenarioOnAndOffTheFastPath) {
  ASSERT_TRUE(split_pair_tables(kWorld).has_value());
  ASSERT_FALSE(split_pair_tables(off_fast_path(kWorld)).has_value());
  // The fast path's own result, not the loader's (which would hide a fast path that
  // always gave way).
  const auto on_path = load_on_fast_path(kWorld, "w.toml");
  ASSERT_TRUE(on_path.has_value());
  const Scenario& fast = *on_path;
  const Scenario slow = ebsmock::scenarios::load_scenario_string(off_fast_path(kWorld), "w.toml");
  EXPECT_EQ(fast, slow);
  EXPECT_EQ(ebsmock::scenarios::load_scenario_string(kWorld, "w.toml"), slow);
  ASSERT_EQ(fast.pairs.size(), 3u);
  EXPECT_EQ(fast.pairs[0].rpo, 15);
  EXPECT_EQ(fast.pairs[0].last_recover_point, 1709251199);
  ASSERT_EQ(fast.faults.size(), 1u);
  EXPECT_EQ(fast.faults[0].source, "w.toml:30:1");
  ASSERT_EQ(fast.pairs[1].tags.size(), 3u);  // in the order written, as off the path
  EXPECT_EQ(fast.pairs[1].tags[0].key, "zone");
  EXPECT_EQ(fast.pairs[1].tags[2].key, "env");  // where [[fault]] is, not moved by the split
}

// What ebsmock writes (a trace import, a shrunk failure) comes back through the fast path.
TEST(PairTableSplit, TheWritersPairTablesTakeTheFastPath) {
  Scenario world = ebsmock::scenarios::load_scenario_string(kWorld, "w.toml");
  world.pairs[1].description = "a \"quoted\" # description";  // escaped: off the subset
  const std::string written = ebsmock::scenarios::write_scenario(world);
  auto split = split_pair_tables(written);
  ASSERT_FALSE(split.has_value()) << "a string with escapes is toml++'s to read";
  world.pairs[1].description = "plain, with 'quotes' and # inside";
  world.pairs[2].tags = {{"team", "dr"}, {"env", "prod"}};
  const std::string plain = ebsmock::scenarios::write_scenario(world);
  split = split_pair_tables(plain);
  ASSERT_TRUE(split.has_value()) << plain;
  EXPECT_EQ(split->pairs.size(), 3u);
  const auto fast = load_on_fast_path(plain, "w.toml");
  ASSERT_TRUE(fast.has_value());
  EXPECT_EQ(fast->pairs, world.pairs);
}

std::string read_text(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// The scenario library's own files (groups, drills, events, faults, replays among them)
// load the same on and off the fast path, and those with plain pairs take it.
TEST(PairTableSplit, TheLibraryLoadsTheSameOnAndOffTheFastPath) {
  std::size_t on_path = 0, groups_on_path = 0;
  for (const auto& entry : std::filesystem::directory_iterator(EBSMOCK_SOURCE_DIR "/scenarios")) {
    if (entry.path().extension() != ".toml") continue;
    const std::string text = read_text(entry.path());
    const std::string path = entry.path().filename().string();
    if (!split_pair_tables(text)) continue;
    ++on_path;
    if (text.find("[[group]]") != std::string::npos) ++groups_on_path;
    ASSERT_FALSE(split_pair_tables(off_fast_path(text)).has_value()) << path;
    const auto fast = load_on_fast_path(text, path);
    ASSERT_TRUE(fast.has_value()) << path;
    EXPECT_EQ(*fast, ebsmock::scenarios::load_scenario_string(off_fast_path(text), path)) << path;
  }
  EXPECT_GE(on_path, 5u);
  EXPECT_GE(groups_on_path, 2u);
}

// A group's checks on its members' [[pair]] tables (a key the group owns written
// differently; a pair naming a group that does not list it) find the same problems at
// the same places on and off the path.
TEST(PairTableSplit, GroupMemberProblemsAreTheSameOnAndOffTheFastPath) {
  const std::string text = read_text(EBSMOCK_SOURCE_DIR "/scenarios/group-ambiguous-failover.toml");
  const std::string member = "id = \"pair-cn-orders0logs02\"\n";
  ASSERT_NE(text.find(member), std::string::npos);
  for (const std::string& extra : {std::string("rpo = 60\n"), std::string("replica_group_name = \"other\"\n")}) {
    std::string bad = text;
    bad.insert(bad.find(member) + member.size(), extra);
    ASSERT_TRUE(split_pair_tables(bad).has_value()) << extra;
    EXPECT_FALSE(load_on_fast_path(bad, "g.toml").has_value()) << extra;
    const auto fast = ebsmock::scenarios::lint_scenario_string(bad, "g.toml");
    const auto slow = ebsmock::scenarios::lint_scenario_string(off_fast_path(bad), "g.toml");
    ASSERT_FALSE(fast.empty()) << extra;
    ASSERT_EQ(fast.size(), slow.size()) << extra;
    for (std::size_t i = 0; i < fast.size(); ++i) EXPECT_EQ(fast[i].to_string(), slow[i].to_string());
  }
}

// Every problem is reported by toml++'s positions: the fast path gives way as soon as
// there is anything to say.
TEST(PairTableSplit, DiagnosticsAreTheSameOnAndOffTheFastPath) {
  const std::vector<std::pair<std::string, std::string>> mistakes = {
      {"status = \"stopped\"", "status = \"stoped\""},
      {"id = \"pair-cn-a2\"", "id = \"pair-cn-a1\""},
      {"rpo = +15", "rpo = 0"},
      {"description = \"\"", "descripton = \"\""},
      {"create_time = 1700000000", "create_time = -1"},
      {"pair = \"pair-cn-a2\"", "pair = \"pair-cn-zz\""},
      {"region = \"cn-beijing\"", "region = \"\""},
  };
  for (const auto& [good, bad] : mistakes) {
    std::string text = kWorld;
    ASSERT_NE(text.find(good), std::string::npos) << good;
    text.replace(text.find(good), good.size(), bad);
    ASSERT_TRUE(split_pair_tables(text).has_value()) << bad;
    // A load error makes the fast path give way; a lint-only finding (an undeclared pair
    // in a fault rule) does not stop a load, so there it keeps its result.
    const bool load_error = !ebsmock::scenarios::lint_scenario_string(text, "w.toml").empty();
    EXPECT_EQ(load_on_fast_path(text, "w.toml").has_value(), !load_error) << bad;
    const ebsmock::scenarios::LintOptions lint{.undeclared_pairs = true};
    const auto fast = ebsmock::scenarios::lint_scenario_string(text, "w.toml", lint);
    const auto slow = ebsmock::scenarios::lint_scenario_string(off_fast_path(text), "w.toml", lint);
    ASSERT_FALSE(fast.empty()) << bad;
    ASSERT_EQ(fast.size(), slow.size()) << bad;
    for (std::size_t i = 0; i < fast.size(); ++i) {
      EXPECT_EQ(fast[i].to_string(), slow[i].to_string()) << bad;
      EXPECT_GT(fast[i].line, 0) << fast[i].to_string();
    }
  }
}

// Each of these is outside the subset, or could make a line that looks like a header
// mean something else; the fast path must leave the whole document to toml++.
TEST(PairTableSplit, DeclinesWhatItCannotBeSureOf) {
  const std::string pair = "[[pair]]\nid = \"pair-cn-1\"\n";
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"no pair table", "[scenario]\nname = \"x\"\n"},
      {"spaced header", "[[ pair ]]\nid = \"pair-cn-1\"\n"},
      {"indented header", "  [[pair]]\nid = \"pair-cn-1\"\n"},
      {"junk after header", "[[pair]] x\nid = \"pair-cn-1\"\n"},
      {"sub-table of pair", pair + "[pair.tags]\nenv = \"prod\"\n"},
      {"quoted header", pair + "[[\"pair\"]]\nid = \"pair-cn-2\"\n"},
      {"escaped header", pair + "[[\"p\\u0061ir\"]]\nid = \"pair-cn-2\"\n"},
      {"root key pair", "pair = []\n" + pair},
      {"escaped root key", "\"p\\u0061ir\" = 1\n" + pair},
      {"dotted root key", "pair.x = 1\n" + pair},
      {"escape in value", "[[pair]]\nid = \"pair\\tcn\"\n"},
      {"unicode in value", "[[pair]]\nid = \"pair-\xC3\xA9\"\n"},
      {"tab in value", "[[pair]]\nid = \"pair-\tcn\"\n"},
      {"multi-line string", "[[pair]]\nid = \"\"\"pair-cn-1\"\"\"\n"},
      {"multi-line literal", "[[pair]]\nid = '''pair-cn-1'''\n"},
      {"float", "[[pair]]\nrpo = 1.5\n"},
      {"exponent", "[[pair]]\nrpo = 1e3\n"},
      {"underscore", "[[pair]]\nrpo = 1_000\n"},
      {"hex", "[[pair]]\nrpo = 0x10\n"},
      {"leading zero", "[[pair]]\nrpo = 015\n"},
      {"overflow", "[[pair]]\nrpo = 9223372036854775808\n"},
      {"offset", "[[pair]]\nlast_recover_point = 2024-01-01T08:00:00+08:00\n"},
      {"fraction", "[[pair]]\nlast_recover_point = 2024-01-01T00:00:00.5Z\n"},
      {"local date-time", "[[pair]]\nlast_recover_point = 2024-01-01T00:00:00\n"},
      {"date", "[[pair]]\nlast_recover_point = 2024-01-01\n"},
      {"february 29th of 2023", "[[pair]]\nlast_recover_point = 2023-02-29T00:00:00Z\n"},
      {"hour 24", "[[pair]]\nlast_recover_point = 2024-01-01T24:00:00Z\n"},
      {"dotted key", "[[pair]]\nid.x = \"a\"\n"},
      {"quoted key", "[[pair]]\n\"id\" = \"a\"\n"},
      {"inline table but tags", "[[pair]]\nx = { env = \"prod\" }\n"},
      {"tag not a string", "[[pair]]\ntags = { a = 1 }\n"},
      {"tag with escape", "[[pair]]\ntags = { a = \"b\\tc\" }\n"},
      {"quoted tag key", "[[pair]]\ntags = { \"a b\" = \"c\" }\n"},
      {"dotted tag key", "[[pair]]\ntags = { a.b = \"c\" }\n"},
      {"repeated tag key", "[[pair]]\ntags = { a = \"b\", a = \"c\" }\n"},
      {"trailing comma in tags", "[[pair]]\ntags = { a = \"b\", }\n"},
      {"tags not closed", "[[pair]]\ntags = { a = \"b\"\n"},
      {"junk after tags", "[[pair]]\ntags = { a = \"b\" } x\n"},
      {"nested table in tags", "[[pair]]\ntags = { a = { b = \"c\" } }\n"},
      {"array", "[[pair]]\nx = [1]\n"},
      {"duplicate key", "[[pair]]\nid = \"a\"\nid = \"b\"\n"},
      {"no value", "[[pair]]\nid =\n"},
      {"two values", "[[pair]]\nid = \"a\" \"b\"\n"},
      {"bare word", "[[pair]]\nstatus = normal\n"},
      {"truthy", "[[pair]]\nenable_rtc = truex\n"},
      {"lone CR", "[[pair]]\nid = \"a\"\r\nrpo = 1\r"},
      {"control in comment", "[[pair]]\nid = \"a\" # \x01\n"},
      {"unclosed string elsewhere", pair + "[scenario]\nname = \"x\n"},
      {"unclosed array elsewhere", pair + "[scenario]\nx = [1,\n"},
      // Inside an array, "[[pair]]" is not a header: it must not be taken for one, even
      // if the rest would then parse (x = [ [1, 2] ]).
      {"header inside an array", "x = [\n[[pair]]\nid = \"pair-cn-1\"\n[1, 2]]\n"},
  };
  for (const auto& [what, text] : cases) {
    EXPECT_FALSE(split_pair_tables(text).has_value()) << what << ":\n" << text;
  }
}

// Lines that only look like headers, inside strings: the real tables still split, and
// the document means what toml++ says it means.
TEST(PairTableSplit, HeadersInsideStringsAreText) {
  const std::string text =
      "[scenario]\n"
      "description = \"\"\"\n[[pair]]\nid = \"pair-cn-x\"\n\"\"\"\n"
      "name = '''\n[[pair]]\n'''\n"
      "seed = 1 # [[pair]]\n"
      "q = \"\\\"\"\n"
      "r = \"\"\"a\\\"\"\"\"\n"
      "s = \"\"\"ends with two quotes\"\"\"\"\"\n"
      "[[pair]]\nid = \"pair-cn-1\"\n";
  auto root = reassembled(text);
  ASSERT_TRUE(root.has_value());
  EXPECT_EQ(*root, parse_toml(text, "whole.toml"));
  EXPECT_EQ((*root)["pair"].as_array()->size(), 1u);
}

TEST(PairTableSplit, CrlfLinesAndEmptyTables) {
  const std::string text = "[[pair]]\r\nid = \"pair-cn-1\"\r\n\r\n[[pair]]\r\n[[pair]]\nrpo = -0";
  auto root = reassembled(text);
  ASSERT_TRUE(root.has_value());
  EXPECT_EQ(*root, parse_toml(text, "whole.toml"));
  EXPECT_EQ((*root)["pair"].as_array()->size(), 3u);
}

// ---------------------------------------------------------------------------------------
// Property: documents built from lines that are in the subset, next to it, or tricky
// elsewhere in TOML. Whenever the fast path accepts and toml++ takes the rest, toml++
// must take the whole text too and agree with the reassembled document exactly.

// The first kSubsetLines of pair_lines() are in the fast path's subset; the rest are near it.
constexpr std::size_t kSubsetLines = 24;

const std::vector<std::string>& pair_lines() {
  static const std::vector<std::string> lines = {
      "tags = { zone = \"b\", app = 'web' }", "tags = {}", "tags={z=\"1\",a=\"\"}  # c",
      "id = \"pair-cn-1\"", "id = \"pair-cn-2\"", "region = 'cn-hangzhou'", "status = \"normal\"",
      "rpo = 0", "rpo = -7", "rpo = +9223372036854775807", "rpo = -9223372036854775808",
      "bandwidth = 1", "enable_rtc = true", "enable_rtc = false  # x",
      "last_recover_point = 2000-02-29T12:30:59Z", "create_time = 1970-01-01T00:00:00Z",
      "  description = \"\"", "description = ''", "x-y_Z9 = \"#not a comment\"", "# comment",
      "", "   ", "\t", "name = \"a # b\"",
      // near the subset: each must decline or agree
      "tags = { a = \"b\", }", "tags = { a = 1 }", "tags = { \"q\" = \"x\" }", "tags = [\"a\"]",
      "rpo = 1.0", "rpo = 01", "rpo = 0x1", "rpo = 1_0", "rpo = inf", "rpo = 9223372036854775808",
      "id = \"a\\\"b\"", "id = 'a\"b'", "id = \"\"\"x\"\"\"", "x = [1]", "x = { a = 1 }",
      "a.b = 1", "\"q\" = 1", "last_recover_point = 1900-02-29T00:00:00Z",
      "last_recover_point = 2024-01-01 00:00:00Z", "last_recover_point = 2024-01-01T00:00:60Z",
      "t = 00:00:00", "id = \"x\" y", "= 1", "id = \"x\"\r",
  };
  return lines;
}

const std::vector<std::string>& other_lines() {
  static const std::vector<std::string> lines = {
      "[scenario]", "[auth]", "[[fault]]", "[[credential]]", "[timing]", "[a.b]", "[[pair]]",
      "[[ pair ]]", "[pair.tags]", "pair = 1", "name = \"x\"", "seed = 3",
      "d = \"\"\"", "d = '''", "\"\"\"", "'''", "x = [", "]", "[1, 2]]", "1,", "z = { a = \"[[pair]]\" }",
      "s = \"[[pair]]\"", "# [[pair]]", "q = \"\\\"\"", "e = \"\\u0070air\"", "\"p\\u0061ir\" = 1",
      "y = \"unclosed", "k = 'x'", "", "w = \"\"\"a\"\"\"\"\"", "v = \"\"\"a\\\"\"\"\"",
  };
  return lines;
}

// Valid documents whose other tables hold values that look like [[pair]] headers or open
// brackets and strings across lines: the fast path must see through them, take every
// pair table (so the property below cannot pass by declining everything), and agree
// with toml++.
const std::vector<std::string>& tricky_values() {
  static const std::vector<std::string> values = {
      "\"\"\"\n[[pair]]\nid = \"pair-cn-x\"\n\"\"\"",
      "'''\n[[pair]]\n'''",
      "\"\"\"a\\\"\"\"\n[[pair]]\n\"\"\"",
      "\"\"\"x\"\"\"\"\"",
      "'''y'''''",
      "[\n[1, 2],\n\"[[pair]]\",\n]",
      "[\n  [\n[[1]]\n]\n]",
      "{ a = \"[[pair]]\", b = [1, [2]] }",
      "\"#[[pair]]\"",
      "\"\\\"[[pair]]\"",
      "'\\'",
      "1 # [[pair]]",
      "\"\"",
      "''",
      "\"\"\"\"\"\"",
  };
  return values;
}

// "[[pair]]" and `lines`, each key once (a repeated key would only decline).
std::string pair_table_text(const std::vector<std::string>& lines) {
  std::string out = "[[pair]]\n";
  std::vector<std::string> seen;
  for (const auto& l : lines) {
    std::string key = l.substr(0, l.find('='));
    std::erase_if(key, [](char c) { return c == ' ' || c == '\t'; });
    if (l.find('=') != std::string::npos) {
      if (std::find(seen.begin(), seen.end(), key) != seen.end()) continue;
      seen.push_back(key);
    }
    out += l + "\n";
  }
  return out;
}

// A [[pair]] table of distinct subset lines.
rc::Gen<std::string> subset_pair_block() {
  const std::vector<std::string> subset(pair_lines().begin(), pair_lines().begin() + kSubsetLines);
  return rc::gen::map(rc::gen::container<std::vector<std::string>>(rc::gen::elementOf(subset)),
                      pair_table_text);
}

// A valid [[fault]] table of tricky values.
rc::Gen<std::string> tricky_fault_block() {
  return rc::gen::map(rc::gen::container<std::vector<std::string>>(rc::gen::elementOf(tricky_values())),
                      [](const std::vector<std::string>& values) {
                        std::string out = "[[fault]]\n";
                        for (std::size_t i = 0; i < values.size(); ++i) {
                          out += "k" + std::to_string(i) + " = " + values[i] + "\n";
                        }
                        return out;
                      });
}

rc::Gen<std::string> valid_document() {
  return rc::gen::map(rc::gen::pair(subset_pair_block(), rc::gen::container<std::vector<std::string>>(
                                                             rc::gen::oneOf(subset_pair_block(), tricky_fault_block()))),
                      [](const std::pair<std::string, std::vector<std::string>>& p) {
                        std::string out;
                        for (const auto& b : p.second) out += b;
                        return out + p.first;  // at least one [[pair]]
                      });
}

RC_GTEST_PROP(PairTableSplit, SeesThroughTrickyTextElsewhere, ()) {
  const std::string text = *valid_document();
  const toml::table whole = parse_toml(text, "whole.toml");
  auto root = reassembled(text);
  RC_ASSERT(root.has_value());
  RC_ASSERT(dump(*root) == dump(whole));
  RC_ASSERT(*root == whole);
}

// Blocks: [[pair]] tables of mostly subset lines, now and then a line near the subset
// or a tricky one from elsewhere in TOML; valid tables of tricky values; and runs of
// lines from anywhere (unbalanced strings and brackets, headers naming pair, ...).
rc::Gen<std::string> document() {
  const std::vector<std::string> subset(pair_lines().begin(), pair_lines().begin() + kSubsetLines);
  const std::vector<std::string> near(pair_lines().begin() + kSubsetLines, pair_lines().end());
  auto pair_line = rc::gen::weightedOneOf<std::string>(
      {{30, rc::gen::elementOf(subset)}, {1, rc::gen::elementOf(near)}, {1, rc::gen::elementOf(other_lines())}});
  auto pair_block = rc::gen::map(rc::gen::container<std::vector<std::string>>(pair_line), pair_table_text);
  auto junk_block = rc::gen::map(
      rc::gen::container<std::vector<std::string>>(rc::gen::elementOf(other_lines())),
      [](const std::vector<std::string>& lines) {
        std::string out;
        for (const auto& l : lines) out += l + "\n";
        return out;
      });
  auto block = rc::gen::weightedOneOf<std::string>(
      {{4, pair_block}, {3, tricky_fault_block()}, {1, subset_pair_block()}, {1, junk_block}});
  // A few blocks: with dozens, nearly every document would hold some line that declines.
  auto blocks = rc::gen::mapcat(rc::gen::inRange<std::size_t>(1, 8), [block](std::size_t n) {
    return rc::gen::container<std::vector<std::string>>(n, block);
  });
  return rc::gen::map(
      rc::gen::pair(blocks, rc::gen::arbitrary<bool>()),
      [](const std::pair<std::vector<std::string>, bool>& p) {
        std::string out;
        for (const auto& b : p.first) out += b;
        if (!p.second) return out;
        std::string crlf;  // the same document with CRLF line ends
        for (char c : out) crlf += c == '\n' ? std::string("\r\n") : std::string(1, c);
        return crlf;
      });
}

RC_GTEST_PROP(PairTableSplit, WhenItAcceptsTomlAgrees, ()) {
  const std::string text = *document();
  auto split = split_pair_tables(text);
  if (!split) return;
  // A rest toml++ rejects sends the loader down the whole-text path: nothing to compare.
  toml::table root;
  try {
    root = parse_toml(split->rest, "rest.toml");
  } catch (const toml::parse_error&) {
    RC_TAG("accepted, rest rejected");
    return;
  }
  RC_TAG("accepted, rest parsed");
  toml::table whole;
  try {
    whole = parse_toml(text, "whole.toml");
  } catch (const toml::parse_error& e) {
    RC_FAIL("the rest parses but toml++ rejects the whole: " + std::string(e.description()) + "\n" + text);
  }
  RC_ASSERT(!root.contains("pair"));
  root.insert("pair", std::move(split->pairs));
  RC_ASSERT(dump(root) == dump(whole));
  RC_ASSERT(root == whole);
}

}  // namespace
