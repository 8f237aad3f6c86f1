// pair_table_split.h: a fast path for the one part of a scenario that grows large, its
// [[pair]] tables (a generated 10,000-pair world is 1.6 MB of them, and toml++ spends
// ~40k instructions on each). split_pair_tables() reads every [[pair]] table written in a
// plain subset of TOML straight into toml++ tables, and gives back the rest of the
// document with those lines emptied, so every other line keeps its line and column for
// toml::parse (faults record "file:line:col" without any diagnostic).
//
// The subset, per line of a [[pair]] table: blank, a comment, or `key = value` with a
// bare key and a value that is a basic or literal string of printable ASCII without
// escapes, a decimal integer, true/false, or a UTC date-time YYYY-MM-DDTHH:MM:SSZ, and
// `tags` may be an inline table of such strings under bare keys; the header is exactly
// `[[pair]]` at the start of its line. Anything else inside a pair
// table, any other header or root key that could name `pair`, or a document whose
// strings and brackets do not close declines (nullopt), and the caller parses the whole
// text with toml++. Declining is always safe; accepting promises that when toml++ takes the
// rest, it takes the whole text too, and the rest plus `pairs` under "pair" equals
// toml::parse of the whole text (pair_table_split_test and the scenario_loader fuzzer
// check exactly that). A rest toml++ rejects sends the loader down the whole-text path.
//
// The tables built here carry no source positions, so the loader reloads through toml++
// whenever it has anything to report (scenario_loader.cpp).
// Reentrant; no shared state.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <toml++/toml.h>

#include "scenarios/loader/scenario.h"

namespace ebsmock::scenarios::internal {

struct PairTableSplit {
  std::string rest;   // the document with every [[pair]] table's lines emptied
  toml::array pairs;  // those tables, in file order
  // For each table, the keys of its `tags` in the order written (none when it has no
  // tags): toml++ keeps a table's keys sorted, and the loader keeps tags in file order.
  std::vector<std::vector<std::string>> tag_order;
};

// nullopt when the text has no [[pair]] table (nothing to gain) or anything is in doubt.
std::optional<PairTableSplit> split_pair_tables(std::string_view text);

// What the loader makes of `text` on the fast path alone: the Scenario when the split
// accepts and the file has nothing to report, else nullopt (the loader then reads the
// whole text with toml++). For tests, which must tell "kept" from "gave way"
// (defined in scenario_loader.cpp).
std::optional<Scenario> load_on_fast_path(std::string_view text, std::string_view path);

}  // namespace ebsmock::scenarios::internal
