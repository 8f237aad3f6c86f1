// trace_readers.h: one reader per artefact of traces.md, each turning decompressed text
// into the calls it holds (trace_call.h) and a problem, with its file:line[:col], for
// every record it cannot read. Readers never normalise (trace_normalise.h does) and never
// stop at the first bad record. Pure functions; thread-safe.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

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
// A string member of a JSON object, "" when absent or not a string.
std::string json_string(const nlohmann::json& object, const char* key);
// nlohmann's exception text without its "[json.exception.parse_error.101] " prefix.
std::string json_error_text(const std::exception& e);

// A whole JSON document (a BOM skipped), or where and why it is not one.
struct JsonDocument {
  nlohmann::json value;
  std::string error;  // "" when it parsed
  int line = 0, column = 0;
};
JsonDocument parse_json_document(std::string_view text);

// Every line of a Terraform log or error text with its prefixes stripped (log_text.h);
// lines of binary garbage are reported as problems and left out.
struct StrippedLines {
  std::vector<std::string> messages, times;
  std::vector<int> numbers;
};
StrippedLines stripped_log_lines(std::string_view text, std::string_view source, ReadResult& out);

// The end of a call read from an HTTP dump log: no status = no answer (a reset);
// otherwise no body is an unknown, `why_no_body` saying why.
void close_logged_call(TraceCall& call, std::string_view why_no_body);

}  // namespace ebsmock::scenarios
