// trace_sources.h: `ebsmock import-trace` over any artefacts of traces.md: each file is
// decompressed (gzip, zlib) and recognised (or its --format forced), read by its reader,
// normalised, and all of them merged into one trace (trace_normalise.h), which becomes a
// replay scenario (trace_import.h) that carries the import report as comments. Files are
// read by the caller (harness/cli); everything here works on their bytes. Pure functions
// of their arguments; thread-safe.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "scenarios/trace/trace_call.h"
#include "scenarios/trace/trace_format.h"
#include "scenarios/trace/trace_import.h"

namespace ebsmock::scenarios {

// The most a trace may hold once decompressed: a 90-day ActionTrail export of a busy
// account is large, but not this large, and a compression bomb stops here.
inline constexpr std::size_t kMaxTraceBytes = 512u << 20;

struct TraceInput {
  std::string name;                   // the path as given, for positions
  std::string bytes;                  // the file's content, possibly compressed
  std::optional<TraceFormat> format;  // forced; nullopt = detect
};

struct TracesImportOptions {
  TraceImportOptions scenario;                // name, replay mode, wildcard ids
  std::optional<std::chrono::minutes> zone;   // --timezone, for zone-less times
  bool mask_account_ids = false;
  bool skip_unreadable = false;               // write the scenario despite unreadable records
};

struct TracesImportResult {
  std::string toml;                   // "" when nothing could be written
  Scenario scenario;
  std::vector<Diagnostic> problems;   // every unreadable record, file:line[:col]
  std::vector<Diagnostic> warnings;
  std::vector<SourceReport> reports;  // one per input, in input order
  std::vector<std::string> report;    // the import report, as printed and in the scenario
  int steps = 0;
  bool ok() const { return !toml.empty(); }
};

TracesImportResult import_traces(const std::vector<TraceInput>& inputs, const TracesImportOptions& options);

// The report's text: per source what was read, imported, merged, dropped (and why),
// removed, unknown (and the default chosen), then whole-trace notes.
std::vector<std::string> render_import_report(const std::vector<SourceReport>& reports,
                                              const std::vector<std::string>& notes);

}  // namespace ebsmock::scenarios
