// trace_readers.h: one reader per artefact of traces.md, each turning decompressed text
// into the calls it holds (trace_call.h) and a problem, with its file:line[:col], for
// every record it cannot read. Readers never normalise (trace_normalise.h does) and never
// stop at the first bad record. Pure functions; thread-safe.
#pragma once

#include <chrono>
#include <optional>
#include <string_view>

#include "scenarios/trace/trace_call.h"
#include "scenarios/trace/trace_format.h"

namespace ebsmock::scenarios {

struct ReaderOptions {
  // The zone of zone-less timestamps (Go log prefixes), when the user named it.
  std::optional<std::chrono::minutes> zone;
};

// Past this many problems per source the rest are counted, not listed: a wrong file
// would otherwise print one line per line.
inline constexpr std::size_t kMaxListedProblems = 50;

ReadResult read_actiontrail(std::string_view text, std::string_view source, const ReaderOptions& options);
ReadResult read_har(std::string_view text, std::string_view source, const ReaderOptions& options);
ReadResult read_node_httpx(std::string_view text, std::string_view source, const ReaderOptions& options);
// Go SDK / aliyun CLI / Go Tea (python = false) and Python V1/V2 (python = true) dumps.
ReadResult read_sdk_debug_log(std::string_view text, std::string_view source, const ReaderOptions& options,
                              bool python);
ReadResult read_terraform_log(std::string_view text, std::string_view source, const ReaderOptions& options);
ReadResult read_error_text(std::string_view text, std::string_view source, const ReaderOptions& options);
ReadResult read_journal(std::string_view text, std::string_view source, const ReaderOptions& options);
ReadResult read_json_lines(std::string_view text, std::string_view source, const ReaderOptions& options);

// The reader for `format`.
ReadResult read_trace(TraceFormat format, std::string_view text, std::string_view source,
                      const ReaderOptions& options);

// Shared by the readers: a problem at a position, listed while under kMaxListedProblems.
void add_problem(ReadResult& r, std::string_view source, int line, int column, std::string message);
// Sets call.time/instant from `text`, recording a zone-less or unreadable time as unknown.
void set_call_time(TraceCall& call, std::string_view text, const ReaderOptions& options);

}  // namespace ebsmock::scenarios
