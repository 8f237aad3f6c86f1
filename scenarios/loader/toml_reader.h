// toml_reader.h: strict, typed access to a parsed TOML document for the scenario loader.
// toml++'s value_or() silently falls back when a value has the wrong type, which would
// hide user mistakes; these helpers report every wrong type, unknown key (with a
// "did you mean" suggestion) and missing required key as a Diagnostic instead.
// Internal to scenarios/loader. Not thread-safe: one DiagnosticSink/TableReader per load.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <toml++/toml.h>

#include "contracts/time.h"
#include "scenarios/loader/scenario.h"

namespace ebsmock::scenarios::internal {

// Collects the problems of one document, all of them, so users fix a file in one pass.
class DiagnosticSink {
 public:
  explicit DiagnosticSink(std::string path) : path_(std::move(path)) {}

  void error(const toml::source_region& where, std::string message);
  // A problem with the file as a whole (cannot open, too large): no position.
  void error(std::string message);

  const std::string& path() const { return path_; }
  // "path:line:col" of `where`, as FaultSpec::source and the like record it.
  std::string source_text(const toml::source_region& where) const;
  bool empty() const { return diagnostics_.empty(); }
  // How many problems so far: a reader compares it before and after one table.
  std::size_t size() const { return diagnostics_.size(); }
  // In source order (file-level problems first), regardless of the order checks ran in.
  std::vector<Diagnostic> take();

 private:
  std::string path_;
  std::vector<Diagnostic> diagnostics_;
};

// The candidate closest to `input` by case-insensitive edit distance (a swap of two
// adjacent letters counts as one edit), if it is close enough to be a likely typo.
std::optional<std::string_view> closest_match(std::string_view input,
                                              std::span<const std::string_view> candidates);
// "; did you mean 'x'?" or "" when nothing is close.
std::string did_you_mean(std::string_view input, std::span<const std::string_view> candidates);

// "string", "integer", "table", ... as a user would call the TOML type.
std::string_view type_name(const toml::node& node);

// The 1-based line where `n` starts; 0 for no node.
inline int line_of(const toml::node* n) {
  return n ? static_cast<int>(n->source().begin.line) : 0;
}

// Converts a TOML offset date-time to an Instant (millisecond precision).
contracts::Instant to_instant(const toml::date_time& dt);

enum class Presence { Optional, Required };

// Reads one TOML table whose keys are a fixed, known set. Construction reports every key
// outside `known`; each getter returns nullopt when the key is absent or invalid (invalid
// is reported at the value, a missing required key at the table header).
class TableReader {
 public:
  // A common wrong key and the key the user meant, for misses edit distance cannot see
  // ("source_region" for "region").
  struct Hint {
    std::string_view wrong;
    std::string_view right;
  };

  // `what` names the table in messages, e.g. "[timing]" or "[[pair]]".
  TableReader(DiagnosticSink& sink, const toml::table& table, std::string what,
              std::span<const std::string_view> known, std::span<const Hint> hints = {});

  const toml::table& table() const { return table_; }
  DiagnosticSink& sink() { return sink_; }

  // The raw node; reports a missing required key.
  const toml::node* node(std::string_view key, Presence presence = Presence::Optional);

  std::optional<std::string> string(std::string_view key, Presence presence = Presence::Optional);
  // The same, as a view into the table (valid while the parsed document lives): no copy.
  std::optional<std::string_view> string_view(std::string_view key, Presence presence = Presence::Optional);
  // A non-empty string.
  std::optional<std::string> non_empty_string(std::string_view key,
                                              Presence presence = Presence::Optional);
  // Sets `field` to the string at `key` when it is present and a string.
  void string_into(std::string_view key, std::string& field);
  // A non-empty string starting with `prefix` and longer than it (a resource id); else
  // reported as `what` + " \"prefix\", e.g. \"example\", got \"...\"".
  std::optional<std::string> prefixed_id(std::string_view key, std::string_view prefix,
                                         std::string_view example, std::string_view what,
                                         Presence presence = Presence::Optional);
  // A string from `allowed` (exact match; a near miss gets a suggestion).
  std::optional<std::string> one_of(std::string_view key, std::span<const std::string_view> allowed,
                                    Presence presence = Presence::Optional);
  std::optional<std::int64_t> integer(std::string_view key, std::int64_t min, std::int64_t max,
                                      Presence presence = Presence::Optional);
  std::optional<bool> boolean(std::string_view key, Presence presence = Presence::Optional);
  // A duration string parsed by contracts::parse_duration ("30s", "250ms", "1h30m", "0").
  std::optional<contracts::Duration> duration(std::string_view key,
                                              Presence presence = Presence::Optional);
  // A point in time: integer Unix seconds, a TOML offset date-time, or an ISO 8601 UTC
  // string "2024-01-01T00:00:00Z". Never before 1970.
  std::optional<contracts::Instant> instant(std::string_view key,
                                            Presence presence = Presence::Optional);

  // Reports a problem with the value of `key` (which must be present).
  void error_at(std::string_view key, std::string message);
  // Reports a problem with the table as a whole (at its header).
  void error_at_table(std::string message);

 private:
  void wrong_type(std::string_view key, const toml::node& node, std::string_view expected);
  const toml::node* find(std::string_view key) const;

  DiagnosticSink& sink_;
  const toml::table& table_;
  std::string what_;
  // The table's few keys, read once at construction: a getter scans these instead of
  // searching toml++'s map (a scenario's tables hold a handful of keys, and a reader
  // asks for every key it knows, most of them absent).
  struct Entry {
    std::string_view key;
    const toml::node* value;
  };
  std::vector<Entry> entries_;
};

// The table of strings at "tags" (tags = { env = "prod" }), in the order written. Absent
// or bad: empty (a bad value is reported).
std::vector<contracts::Tag> read_tags(TableReader& r);

}  // namespace ebsmock::scenarios::internal
