// trace_import.h: turns a customer's request log (JSON lines, one request per line; the
// format is documented by example in scenarios/traces/example-customer-trace.jsonl) into
// a commented scenario whose [[replay]] steps answer the same requests, in the same
// order, exactly as recorded; the TOML comes from scenarios/writer. Backs
// `ebsmock import-trace` (harness/cli parses its flags). Pure functions of their
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
#include "scenarios/loader/scenario.h"

namespace ebsmock::scenarios {

// The request parameters a replay step matches on: the ones that say which request this
// is. Everything else (ClientToken, signature and timestamp parameters, creation
// settings) is dropped; see render_replay_scenario for why.
inline constexpr std::array<std::string_view, 5> kTraceMatchParams = {
    "RegionId", "ReplicaPairId", "PairIds", "OneShot", "ReverseReplicate"};

// One request of the trace, checked and normalised (trace_normalise.h).
struct TraceRequest {
  int line = 0;                 // 1-based line in the log
  std::string source;           // the file it came from; "" = the one being imported
  std::string time;             // as written, "" when absent
  std::optional<contracts::Instant> instant;  // `time` read (trace_time.h), when it could be
  std::string action;
  contracts::Params params;     // kTraceMatchParams only, values as the wire carries them
  std::vector<std::string> dropped_params;  // names of the other parameters, sorted
  int status = 200;
  std::string code;             // "" for a success
  std::string message;          // "" = the catalogue's message for `code`
  std::optional<std::string> body;  // exact answer, compact JSON
  std::string request_id;
  std::optional<std::int64_t> latency_ms;  // at most kMaxDelay, which the step's delay is
  std::string client_token;     // "" when none was sent (or it is unknown)
  Transport transport = Transport::None;  // the client got no HTTP answer
  bool commit_after = false;    // the call took effect although the answer was an error
  std::string event_id;         // ActionTrail's eventId
  bool final_outcome_only = false;  // one record for an unknown number of attempts
  std::vector<std::string> notes;   // for the step's comment
  std::vector<std::string> unknown;  // fields the source lacks, with the default chosen
};

struct ParsedTrace {
  std::vector<TraceRequest> requests;
  // Every bad line (path = the source name, line = its line, no column) and problems of
  // the whole file (line 0). Printed, they read "SOURCE:LINE: problem" / "SOURCE: problem".
  std::vector<Diagnostic> problems;
};

// Reads the JSON-lines log. Blank lines are skipped; every bad line is reported, not
// only the first; unknown fields are ignored (logs carry extra ones).
ParsedTrace parse_trace(std::string_view text, std::string_view source_name);

struct TraceImportOptions {
  std::string source_name = "trace.jsonl";  // for diagnostics and comments
  std::string name;                          // scenario name; "" = stem of source_name
  ReplayMode mode = ReplayMode::Strict;
  // The mock gives pairs created during the replay its own ids, so the client asks about
  // those, not the customer's: match such ids with "*" instead of literally.
  bool wildcard_created_ids = false;
  // Apply an ambiguous call (commit = "after") when a later Describe shows its effect
  // (effect_evidence.h); off by default, because a trace records answers, not effects.
  bool infer_commits = false;
  // The world the replay starts from (`import-trace --base`), e.g. the scenario the
  // journal's mock served; nullptr = an empty world on a virtual clock at the first time.
  const Scenario* base = nullptr;
  // The import report, written as comments at the top of the scenario.
  std::vector<std::string> report_lines;
};

struct TraceImportResult {
  std::string toml;                  // empty when there are problems
  Scenario scenario;                 // what `toml` loads to (source_path left empty)
  std::vector<Diagnostic> problems;  // as ParsedTrace::problems
  // Things that will make the replay diverge unless the engineer acts (with the line).
  std::vector<Diagnostic> warnings;
  int steps = 0;
  bool ok() const { return problems.empty(); }
};

// parse_trace, then render_replay_scenario.
TraceImportResult import_trace(std::string_view text, const TraceImportOptions& options);

// The scenario for checked requests, and its commented TOML (warnings are appended to
// `warnings`). `requests` must not be empty.
std::string render_replay_scenario(const std::vector<TraceRequest>& requests,
                                   const TraceImportOptions& options,
                                   std::vector<Diagnostic>& warnings,
                                   Scenario* scenario = nullptr);

}  // namespace ebsmock::scenarios
