// node_httpx_reader.cpp: the Node SDKs' DEBUG=httpx:* log (traces.md §3.1, §3.2): per
// call, the request body ("httpx:body", before the headers), "> METHOD PATH HTTP/1.1"
// and "> name: value", then "< HTTP/1.1 NNN" and "< name: value", then (pop-core only)
// the response body. Non-TTY lines start with an ISO time; TTY lines are coloured and
// end in "+Nms" instead. A request with no response logged got no answer. Stateless.
#include <cctype>

#include "contracts/percent_encoding.h"
#include "scenarios/trace/log_text.h"
#include "scenarios/trace/trace_readers.h"
#include "scenarios/trace/trace_time.h"

namespace ebsmock::scenarios {

namespace {

struct Line {
  std::string time;       // "" on a TTY
  std::string ns;         // "header" / "body"
  std::string rest;
};

std::optional<Line> parse_line(std::string_view raw) {
  std::string s = strip_ansi(raw);
  std::string_view v = s;
  while (!v.empty() && v.front() == ' ') v.remove_prefix(1);
  Line out;
  if (v.size() > 20 && std::isdigit(static_cast<unsigned char>(v[0])) && v[4] == '-' && v[10] == 'T') {
    const auto space = v.find(' ');
    out.time = std::string(v.substr(0, space));
    v.remove_prefix(space == std::string_view::npos ? v.size() : space + 1);
  }
  for (std::string_view ns : {"httpx:header", "httpx:body"}) {
    if (v.starts_with(ns) && (v.size() == ns.size() || v[ns.size()] == ' ')) {
      out.ns = std::string(ns.substr(6));
      v.remove_prefix(std::min(v.size(), ns.size() + 1));
      std::string rest(v);
      if (out.time.empty()) {
        // debug's TTY format appends " +12ms" (or s, m, h) to every message.
        const auto plus = rest.rfind(" +");
        if (plus != std::string::npos) {
          std::size_t i = plus + 2;
          while (i < rest.size() && std::isdigit(static_cast<unsigned char>(rest[i]))) ++i;
          const std::string unit = rest.substr(i);
          if (i > plus + 2 && (unit == "ms" || unit == "s" || unit == "m" || unit == "h")) rest.resize(plus);
        }
      }
      out.rest = std::move(rest);
      return out;
    }
  }
  return std::nullopt;
}

}  // namespace

ReadResult read_node_httpx(std::string_view text, std::string_view source, const ReaderOptions& o) {
  ReadResult out;
  std::optional<TraceCall> call;
  // The request body is logged when the request is sent, its header block only when the
  // answer arrives (httpx logs res.req's headers): a body with no header block after it
  // is a request that got no answer at all.
  struct Pending {
    bool present = false;
    std::string body;  // "" for "<no request body>"
    int line = 0;
    std::string time;
  } pending;
  std::optional<contracts::Instant> sent_at;
  bool response_started = false;
  auto flush = [&] {
    if (!call) return;
    close_logged_call(*call, "the Tea cores never log response bodies");
    out.calls.push_back(std::move(*call));
    call.reset();
  };
  auto flush_pending = [&] {
    if (!pending.present) return;
    pending.present = false;
    auto params = contracts::parse_urlencoded(pending.body);
    if (pending.body.empty() || !params) {
      // A V3 request keeps its parameters in the URL, which only the header block shows.
      ++out.report.dropped["a request with no answer and no header block (nothing names its action)"];
      return;
    }
    TraceCall c;
    c.line = pending.line;
    set_call_time(c, pending.time, o);
    c.params = *params;
    c.transport = "reset";
    c.notes.push_back("only the request body was logged: the client got no answer (reset or timeout); "
                      "replayed as a reset");
    out.calls.push_back(std::move(c));
  };
  for (const auto& line : split_lines(text)) {
    if (is_garbage_line(line.text)) {
      add_problem(out, source, line.number, 0, "binary or non-UTF-8 data, not a log line");
      continue;
    }
    auto l = parse_line(line.text);
    if (!l) continue;  // the application's own output
    if (l->ns == "body") {
      if (call && response_started) {
        if (l->rest.empty()) continue;
        if (l->rest.front() == '{' || l->rest.front() == '[' || (l->rest.front() == '<' && l->rest != "<no request body>")) {
          call->body = l->rest;
          continue;
        }
      }
      flush();
      flush_pending();
      pending = {.present = true,
                 .body = l->rest == "<no request body>" ? std::string() : l->rest,
                 .line = line.number,
                 .time = l->time};
      continue;
    }
    // header namespace
    if (l->rest.starts_with("> ") || l->rest == ">") {
      const std::string h = l->rest.size() > 2 ? l->rest.substr(2) : std::string();
      if (h.starts_with("POST ") || h.starts_with("GET ") || h.starts_with("PUT ")) {
        flush();
        call.emplace();
        response_started = false;
        call->line = pending.present ? pending.line : line.number;
        set_call_time(*call, pending.present ? pending.time : l->time, o);
        sent_at = call->instant;
        const auto sp1 = h.find(' '), sp2 = h.rfind(' ');
        const std::string path = h.substr(sp1 + 1, sp2 > sp1 ? sp2 - sp1 - 1 : std::string::npos);
        if (auto q = path.find('?'); q != std::string::npos) {
          if (auto parsed = contracts::parse_urlencoded(path.substr(q + 1))) call->params = *parsed;
          else add_problem(out, source, line.number, 0, "malformed %-escape in the request line");
        }
        if (pending.present && !pending.body.empty()) {
          if (auto parsed = contracts::parse_urlencoded(pending.body)) {
            call->params.insert(call->params.end(), parsed->begin(), parsed->end());
          }
        }
        pending.present = false;
      } else if (call && !response_started) {
        const auto colon = h.find(':');
        if (colon != std::string::npos) {
          std::string value = h.substr(colon + 1);
          while (!value.empty() && value.front() == ' ') value.erase(0, 1);
          call->headers.emplace_back(h.substr(0, colon), value);
        }
      }
      continue;
    }
    if ((l->rest.starts_with("< ") || l->rest == "<") && call) {
      const std::string h = l->rest.size() > 2 ? l->rest.substr(2) : std::string();
      if (h.starts_with("HTTP/")) {
        response_started = true;
        const auto sp = h.find(' ');
        if (sp != std::string::npos) {
          try {
            call->status = std::stoi(h.substr(sp + 1, 3));
          } catch (...) {
            add_problem(out, source, line.number, 0, "bad status line \"" + h + "\"");
          }
        }
        if (auto at = read_trace_time(l->time, o.zone).instant; at && sent_at) {
          call->latency_ms = std::chrono::duration_cast<std::chrono::milliseconds>(*at - *sent_at).count();
        }
      } else if (const auto colon = h.find(':'); colon != std::string::npos) {
        std::string value = h.substr(colon + 1);
        while (!value.empty() && value.front() == ' ') value.erase(0, 1);
        if (contracts::iequals(h.substr(0, colon), "x-acs-request-id")) call->request_id = value;
      }
    }
  }
  flush();
  flush_pending();
  return out;
}

}  // namespace ebsmock::scenarios
