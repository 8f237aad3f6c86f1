// sdk_debug_log_reader.cpp: HTTP dumps of the Go SDK / aliyun CLI (DEBUG=sdk), Go Tea
// (DEBUG=tea, full URL) and the Python SDKs (DEBUG=sdk; V1 writes "Host : x", V2 glues
// the query to the path without '?') (traces.md §3.1, §3.3): "> METHOD PATH HTTP/1.1",
// "> name: value" in any order, " Retry Times: N.", "< HTTP/1.1 NNN Reason", "< Name:
// value", then, Go V1 only, the response body. None of them has a time. Stateless.
#include <cctype>

#include "contracts/percent_encoding.h"
#include "scenarios/trace/log_text.h"
#include "scenarios/trace/trace_readers.h"

namespace ebsmock::scenarios {

namespace {

// The dump part of a line: "> ..." or "< ..." after an optional logging prefix ending in
// ':' (Python's "DEBUG:alibabacloud-tea:"); nullopt for any other line.
std::optional<std::pair<char, std::string>> dump_line(std::string_view line) {
  std::string s = strip_ansi(line);
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if ((c == '>' || c == '<') && (i + 1 == s.size() || s[i + 1] == ' ')) {
      const std::string prefix = s.substr(0, i);
      if (!prefix.empty() && prefix.back() != ':' && prefix.find_first_not_of(' ') != std::string::npos) {
        return std::nullopt;
      }
      return std::make_pair(c, i + 2 <= s.size() ? s.substr(std::min(s.size(), i + 2)) : std::string());
    }
    if (c != ' ' && !std::isalnum(static_cast<unsigned char>(c)) && c != ':' && c != '-' && c != '_' && c != '.') {
      return std::nullopt;
    }
  }
  return std::nullopt;
}

// "name: value" or "name : value".
std::optional<std::pair<std::string, std::string>> header(const std::string& h) {
  const auto colon = h.find(':');
  if (colon == std::string::npos || colon == 0) return std::nullopt;
  std::string name = h.substr(0, colon);
  while (!name.empty() && name.back() == ' ') name.pop_back();
  std::string value = h.substr(colon + 1);
  while (!value.empty() && value.front() == ' ') value.erase(0, 1);
  return std::make_pair(name, value);
}

}  // namespace

ReadResult read_sdk_debug_log(std::string_view text, std::string_view source, const ReaderOptions&,
                              bool python) {
  ReadResult out;
  std::optional<TraceCall> call;
  enum class State { Request, Response, AfterResponse } state = State::Request;
  int retry = -1;
  auto flush = [&] {
    if (!call) return;
    close_logged_call(*call, python ? "the Python SDKs never log bodies" : "Go Tea logs no bodies");
    call->unknown.push_back("time: the log has none; file order kept");
    out.calls.push_back(std::move(*call));
    call.reset();
  };
  for (const auto& line : split_lines(text)) {
    if (is_garbage_line(line.text)) {
      add_problem(out, source, line.number, 0, "binary or non-UTF-8 data, not a log line");
      continue;
    }
    const auto d = dump_line(line.text);
    if (!d) {
      std::string_view t = line.text;
      while (!t.empty() && t.front() == ' ') t.remove_prefix(1);
      if (t.starts_with("Retry Times: ")) {
        retry = std::atoi(std::string(t.substr(13)).c_str());
        if (call && retry > 0) call->notes.push_back("the SDK's retry " + std::to_string(retry));
      } else if (call && state == State::AfterResponse && !call->body && t.starts_with("{")) {
        call->body = std::string(t);
      }
      continue;
    }
    const auto& [dir, h] = *d;
    if (dir == '>') {
      if (h.starts_with("POST ") || h.starts_with("GET ") || h.starts_with("PUT ")) {
        flush();
        call.emplace();
        call->line = line.number;
        state = State::Request;
        std::string target = h.substr(h.find(' ') + 1);
        if (auto sp = target.rfind(" HTTP"); sp != std::string::npos) target.resize(sp);
        std::string query;
        if (auto q = target.find('?'); q != std::string::npos) {
          query = target.substr(q + 1);
        } else if (target.starts_with("/") && target.find('=') != std::string::npos) {
          query = target.substr(1);  // Python V2: "/RegionId=...&..." with no '?'
        }
        if (!query.empty()) {
          if (auto parsed = contracts::parse_urlencoded(query)) call->params = *parsed;
          else add_problem(out, source, line.number, 0, "malformed %-escape in the request line");
        }
      } else if (call && state == State::Request) {
        if (auto hv = header(h)) call->headers.push_back(*hv);
      }
    } else if (call) {
      if (h.starts_with("HTTP/")) {
        state = State::Response;
        const auto sp = h.find(' ');
        try {
          call->status = std::stoi(h.substr(sp + 1, 3));
        } catch (...) {
          add_problem(out, source, line.number, 0, "bad status line \"" + h + "\"");
        }
      } else if (h.empty()) {
        state = State::AfterResponse;
      } else if (auto hv = header(h); hv && contracts::iequals(hv->first, "x-acs-request-id")) {
        call->request_id = hv->second;
      }
    }
  }
  flush();
  return out;
}

}  // namespace ebsmock::scenarios
