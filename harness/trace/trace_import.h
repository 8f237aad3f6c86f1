// trace_import.h: turns a customer's request log (JSON lines, one request per line; the
// format is documented by example in scenarios/traces/example-customer-trace.jsonl) into
// a commented scenario TOML whose [[replay]] steps answer the same requests, in the same
// order, exactly as recorded. Backs `ebsmock import-trace`. Pure functions of their
// arguments: reentrant and thread-safe.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "contracts/api_schema.h"
#include "scenarios/loader/fault_spec.h"

namespace ebsmock::harness {

// The request parameters a replay step matches on: the ones that say which request this
// is. Everything else (ClientToken, signature and timestamp parameters, creation
// settings) is dropped; see render_replay_scenario for why.
inline constexpr std::array<std::string_view, 5> kTraceMatchParams = {
    "RegionId", "ReplicaPairId", "PairIds", "OneShot", "ReverseReplicate"};

// One request of the trace, checked.
struct TraceRequest {
  int line = 0;                 // 1-based line in the log
  std::string time;             // as written, "" when absent
  std::string action;
  contracts::Params params;     // kTraceMatchParams only, values as the wire carries them
  std::vector<std::string> dropped_params;  // names of the other parameters, sorted
  int status = 200;
  std::string code;             // "" for a success
  std::string message;          // "" = the catalogue's message for `code`
  std::optional<std::string> body;  // exact answer, compact JSON
  std::string request_id;
  std::optional<std::int64_t> latency_ms;
};

struct ParsedTrace {
  std::vector<TraceRequest> requests;
  // "SOURCE:LINE: problem" for every bad line, "SOURCE: problem" for the whole file.
  std::vector<std::string> problems;
};

// Reads the JSON-lines log. Blank lines are skipped; every bad line is reported, not
// only the first; unknown fields are ignored (logs carry extra ones).
ParsedTrace parse_trace(std::string_view text, std::string_view source_name);

struct TraceImportOptions {
  std::string source_name = "trace.jsonl";  // for diagnostics and comments
  std::string name;                          // scenario name; "" = stem of source_name
  scenarios::ReplayMode mode = scenarios::ReplayMode::Strict;
  // The mock gives pairs created during the replay its own ids, so the client asks about
  // those, not the customer's: match such ids with "*" instead of literally.
  bool wildcard_created_ids = false;
};

struct TraceImportResult {
  std::string toml;                   // empty when there are problems
  std::vector<std::string> problems;  // as ParsedTrace::problems
  // Things that will make the replay diverge unless the engineer acts ("SOURCE:LINE: ...").
  std::vector<std::string> warnings;
  int steps = 0;
  bool ok() const { return problems.empty(); }
};

// parse_trace, then render_replay_scenario.
TraceImportResult import_trace(std::string_view text, const TraceImportOptions& options);

// The scenario TOML for checked requests (warnings are appended to `warnings`).
std::string render_replay_scenario(const std::vector<TraceRequest>& requests,
                                   const TraceImportOptions& options,
                                   std::vector<std::string>& warnings);

// A TOML basic string ("..."), escaping quotes, backslashes and control characters;
// non-ASCII is kept as UTF-8 (invalid UTF-8 becomes U+FFFD: TOML must be UTF-8).
std::string toml_string(std::string_view s);
// A TOML multi-line literal string ('''...''') holding `text` verbatim, readable for
// JSON; falls back to toml_string when a literal cannot hold it.
std::string toml_literal_block(std::string_view text);

}  // namespace ebsmock::harness
