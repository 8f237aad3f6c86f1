// trace_readers.cpp: the dispatch from a format to its reader, and what readers share.
// Stateless.
#include "scenarios/trace/trace_readers.h"

#include "scenarios/trace/trace_time.h"

namespace ebsmock::scenarios {

void add_problem(ReadResult& r, std::string_view source, int line, int column, std::string message) {
  if (r.problems.size() >= kMaxListedProblems) {
    ++r.unlisted_problems;
    return;
  }
  r.problems.push_back({.path = std::string(source), .line = line, .column = column, .message = std::move(message)});
}

void set_call_time(TraceCall& call, std::string_view text, const ReaderOptions& options) {
  call.time = std::string(text);
  if (text.empty()) {
    call.unknown.push_back("time: not in the source");
    return;
  }
  const TimeReading t = read_trace_time(text, options.zone);
  call.instant = t.instant;
  if (t.zone_less && !t.instant) {
    call.unknown.push_back("time: no zone in the source; pass --timezone to order it");
  } else if (!t.instant) {
    call.unknown.push_back("time: not a timestamp form this importer reads");
  }
}

ReadResult read_trace(TraceFormat format, std::string_view text, std::string_view source,
                      const ReaderOptions& options) {
  switch (format) {
    case TraceFormat::JsonLines: return read_json_lines(text, source, options);
    case TraceFormat::Journal: return read_journal(text, source, options);
    case TraceFormat::ActionTrail: return read_actiontrail(text, source, options);
    case TraceFormat::Har: return read_har(text, source, options);
    case TraceFormat::NodeHttpx: return read_node_httpx(text, source, options);
    case TraceFormat::GoSdk: return read_sdk_debug_log(text, source, options, false);
    case TraceFormat::PythonSdk: return read_sdk_debug_log(text, source, options, true);
    case TraceFormat::Terraform: return read_terraform_log(text, source, options);
    case TraceFormat::ErrorText: return read_error_text(text, source, options);
  }
  return {};
}

}  // namespace ebsmock::scenarios
