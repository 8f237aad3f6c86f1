// trace_readers.cpp: the dispatch from a format to its reader, and what readers share.
// Stateless.
#include "scenarios/trace/trace_readers.h"

#include "scenarios/trace/log_text.h"
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

std::string json_string(const nlohmann::json& j, const char* key) {
  if (!j.is_object()) return {};
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::string json_error_text(const std::exception& e) {
  const std::string what = e.what();
  const auto pos = what.find("] ");
  return pos == std::string::npos ? what : what.substr(pos + 2);
}

JsonDocument parse_json_document(std::string_view text) {
  JsonDocument out;
  if (text.starts_with("\xEF\xBB\xBF")) text.remove_prefix(3);
  try {
    out.value = nlohmann::json::parse(text);
  } catch (const nlohmann::json::parse_error& e) {
    out.error = "not JSON: " + json_error_text(e);
    std::tie(out.line, out.column) = line_col(text, e.byte > 0 ? e.byte - 1 : 0);
  }
  return out;
}

StrippedLines stripped_log_lines(std::string_view text, std::string_view source, ReadResult& out) {
  StrippedLines lines;
  for (const auto& line : split_lines(text)) {
    if (is_garbage_line(line.text)) {
      add_problem(out, source, line.number, 0, "binary or non-UTF-8 data, not a log line");
      continue;
    }
    auto l = strip_log_prefix(line.text);
    lines.messages.push_back(std::move(l.message));
    lines.times.push_back(std::move(l.time));
    lines.numbers.push_back(line.number);
  }
  return lines;
}

void close_logged_call(TraceCall& call, std::string_view why_no_body) {
  if (!call.status) {
    call.transport = "reset";
    call.notes.push_back("no response logged: the client got no answer (reset or timeout); replayed as a reset");
  } else if (!call.body) {
    call.unknown.push_back("body: not logged (" + std::string(why_no_body) + ")");
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
