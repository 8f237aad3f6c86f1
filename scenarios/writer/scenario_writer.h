// scenario_writer.h: writes a Scenario as scenario TOML: every section the loader reads
// ([scenario], [[credential]], [clock], [auth], [timing], [contract], [errors],
// [[region]], [[pair]], [[group]], [[drill]], [[event]], [[fault]], [[replay]]), with
// comments a caller places by section and key. For any Scenario the loader can produce,
// load_scenario_string(write_scenario(s), s.source_path) equals s except for the positions
// it records (FaultSpec::source, ReplayStep::source, ScheduledEvent::source);
// tests/scenarios/scenario_writer_test.cpp checks that over generated scenarios.
// Thread-safety: pure; the callbacks in WriteOptions are called on the caller's thread.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "scenarios/loader/scenario.h"

namespace ebsmock::scenarios {

// A place in the written file: a table's header or one of its keys.
struct Place {
  std::string_view table;  // "" for the file itself; else "scenario", "credential", ..., "replay"
                           // (the section's name: "region", "group", "drill", "event", ...)
  std::size_t index = 0;   // which [[table]] entry, 0-based (0 for single tables)
  std::string_view key;    // "" for the header; else the key, as written ("delete", an error code)
};

struct WriteOptions {
  // Write every key of [clock], [auth], [timing], [contract], [[pair]] and [[group]], also
  // at its default, so the file keeps its meaning if a default changes (worlds pushed by
  // the contract harness, counterexamples). Off: only what differs from the default. The
  // built-in region table is never written ([[region]] only when the table differs).
  bool explicit_defaults = false;
  // Comment lines to write before a place (toml_text.h toml_comment_line: "" is a blank
  // line, "#@ x" keeps its marker). {"", 0, ""} is the top of the file. A place that is
  // not written (a section with nothing to say) gets no comments.
  std::function<std::vector<std::string>(const Place&)> comments_before;
  // A comment at the end of a key's line ("" for none).
  std::function<std::string(const Place&)> comment_after;
  // Comment lines after the last table.
  std::vector<std::string> footer;
};

// The scenario as TOML. Values the format cannot hold are left out, never written wrong:
// a clock start on a real clock, a replay_mode without [[replay]] steps, a hang_cap
// without transport = "hang", a default fault id ("f<N>", id_is_default), an empty
// drill_statuses. Values the
// loader would refuse (an empty pair id, a duplicate tag) are written as they are, and the
// loader says where.
std::string write_scenario(const Scenario& scenario, const WriteOptions& options = {});

}  // namespace ebsmock::scenarios
