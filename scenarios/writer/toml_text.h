// toml_text.h: the one set of rules for turning values into TOML text: strings, keys,
// literal blocks, comments, floats, date-times and durations. Every writer of scenario
// TOML (scenario_writer.h, trace import, counterexamples) goes through these, so the
// loader reads back exactly what was meant. Pure functions; thread-safe.
//
// TOML text must be UTF-8 and has no escape for a byte that is not. Input that is not
// valid UTF-8 is therefore repaired, not passed through: every byte that does not start a
// well-formed sequence becomes U+FFFD (contracts::sanitize_utf8). The output is always
// valid TOML; for valid UTF-8 input it reads back byte for byte.
#pragma once

#include <string>
#include <string_view>

#include "contracts/time.h"

namespace ebsmock::scenarios {

// A TOML basic string ("..."): quote, backslash, \b \t \n \f \r escaped by name, other
// control characters (U+0000..U+001F, U+007F) as \uXXXX; other characters kept as UTF-8
// so 中文 stays readable.
std::string toml_string(std::string_view s);

// A key: bare when TOML allows it (A-Z a-z 0-9 _ -, not empty), else a basic string, so
// "Tag.1.Key" stays one key rather than a dotted path.
std::string toml_key(std::string_view key);

// A multi-line literal string ('''...''') holding `text` verbatim, readable for JSON
// bodies; toml_string(text) when a literal cannot hold it (''' inside, a trailing quote,
// control characters other than tab and newline, or invalid UTF-8).
std::string toml_literal_block(std::string_view text);

// `text` made safe inside a comment, which ends at a newline and may not hold other
// control characters: those become spaces (tab is kept); invalid UTF-8 becomes U+FFFD.
std::string comment_safe(std::string_view text);

// One comment line: "" stays a blank line, a line starting with '#' keeps its own
// marker ("#@ ..."), anything else gets "# ". The rest goes through comment_safe.
std::string toml_comment_line(std::string_view line);

// A float that reads back as the same double (shortest form) and as a TOML float, never
// an integer: 1 -> "1.0", 0.1 -> "0.1", 1e-7 -> "1e-07"; inf and nan as TOML spells them.
std::string toml_float(double value);

// An offset date-time in UTC, with milliseconds when there are any:
// 2024-01-01T00:00:00Z, 2026-11-20T10:00:00.123Z. Requires a year in 0..9999.
std::string toml_datetime(contracts::Instant t);

// A duration as scenario files write it: toml_string(contracts::format_duration(d)).
std::string toml_duration(contracts::Duration d);

}  // namespace ebsmock::scenarios
