// har_reader.cpp: HAR 1.2 (traces.md §2): log.entries in any order (sorted later by
// startedDateTime), headers as {name, value} objects or [name, value] arrays (Slack),
// query from the URL (tools disagree on whether queryString is decoded), form params
// from postData.text or postData.params (mitmproxy writes both), base64 bodies, and
// status 0 for an exchange that got no response. Stateless.
#include <cmath>

#include <nlohmann/json.hpp>

#include "contracts/crypto.h"
#include "contracts/percent_encoding.h"
#include "scenarios/trace/log_text.h"
#include "scenarios/trace/trace_readers.h"

namespace ebsmock::scenarios {

namespace {

using nlohmann::json;

std::string str(const json& j, const char* key) { return json_string(j, key); }

contracts::HeaderList headers_of(const json& list) {
  contracts::HeaderList out;
  if (!list.is_array()) return out;
  for (const auto& h : list) {
    if (h.is_object() && h.contains("name") && h["name"].is_string()) {
      out.emplace_back(h["name"].get<std::string>(), str(h, "value"));
    } else if (h.is_array() && h.size() == 2 && h[0].is_string() && h[1].is_string()) {
      out.emplace_back(h[0].get<std::string>(), h[1].get<std::string>());
    }
  }
  return out;
}

// Same scanner idea as ActionTrail's: the line of each element of log.entries.
std::vector<int> entry_lines(std::string_view text) {
  std::vector<int> out;
  const auto key = text.find("\"entries\"");
  if (key == std::string_view::npos) return out;
  const auto open = text.find('[', key);
  if (open == std::string_view::npos) return out;
  int line = 1;
  for (std::size_t i = 0; i < open; ++i) line += text[i] == '\n';
  int depth = 0;
  bool in_string = false, escape = false, expect = true;
  for (std::size_t i = open + 1; i < text.size(); ++i) {
    const char ch = text[i];
    if (ch == '\n') ++line;
    if (in_string) {
      if (escape) escape = false;
      else if (ch == '\\') escape = true;
      else if (ch == '"') in_string = false;
      continue;
    }
    if (ch == ' ' || ch == '\t' || ch == '\r' || ch == '\n') continue;
    if (depth == 0 && expect && ch != ']') {
      out.push_back(line);
      expect = false;
    }
    if (ch == '"') in_string = true;
    else if (ch == '{' || ch == '[') ++depth;
    else if (ch == '}' || ch == ']') {
      if (depth == 0) break;
      --depth;
    } else if (ch == ',' && depth == 0) expect = true;
  }
  return out;
}

bool read_entry(const json& e, int line, const ReaderOptions& o, ReadResult& out,
                std::string& problem) {
  if (!e.is_object()) {
    problem = std::string("entry is not an object but ") + e.type_name();
    return false;
  }
  const json& req = e.value("request", json());
  const json& resp = e.value("response", json());
  if (!req.is_object() || !req.contains("url") || !req["url"].is_string()) {
    problem = "entry has no request.url";
    return false;
  }
  TraceCall c;
  c.line = line;
  set_call_time(c, str(e, "startedDateTime"), o);
  c.headers = headers_of(req.value("headers", json()));
  const std::string url = req["url"].get<std::string>();
  if (auto q = url.find('?'); q != std::string::npos) {
    std::string query = url.substr(q + 1);
    if (auto hash = query.find('#'); hash != std::string::npos) query.resize(hash);
    if (auto parsed = contracts::parse_urlencoded(query)) {
      c.params = *parsed;
    } else {
      problem = "request.url has a malformed query (bad %-escape)";
      return false;
    }
  } else if (auto qs = req.find("queryString"); qs != req.end() && qs->is_array()) {
    for (const auto& p : *qs) {
      if (p.is_object() && p.contains("name")) c.params.emplace_back(str(p, "name"), str(p, "value"));
    }
  }
  if (auto pd = req.find("postData"); pd != req.end() && pd->is_object()) {
    const std::string text = str(*pd, "text");
    if (!text.empty()) {
      if (auto parsed = contracts::parse_urlencoded(text)) {
        c.params.insert(c.params.end(), parsed->begin(), parsed->end());
      }
    } else if (auto ps = pd->find("params"); ps != pd->end() && ps->is_array()) {
      for (const auto& p : *ps) {
        if (!p.is_object() || !p.contains("name")) continue;
        // Tools differ on whether these are decoded; a value that decodes cleanly was not.
        std::string value = str(p, "value");
        if (auto d = contracts::percent_decode(value, true); d && value.find('%') != std::string::npos) value = *d;
        c.params.emplace_back(str(p, "name"), value);
      }
    }
  }
  if (!resp.is_object()) {
    problem = "entry has no response";
    return false;
  }
  const int status = resp.value("status", 0);
  if (status == 0) {
    c.transport = "reset";
    std::string why = str(resp, "_error");
    if (why.empty()) why = str(e, "_error");
    // The tool's error text, unless it quotes the URL (whose query may hold a signature).
    if (why.find('?') != std::string::npos || why.find('=') != std::string::npos) why.clear();
    c.notes.push_back("no response (status 0" + (why.empty() ? std::string(")") : ": " + why + ")") +
                      "; replayed as a connection reset");
  } else {
    c.status = status;
  }
  const auto response_headers = headers_of(resp.value("headers", json()));
  c.request_id = contracts::header_value(response_headers, "x-acs-request-id");
  if (auto content = resp.find("content"); content != resp.end() && content->is_object()) {
    if (auto t = content->find("text"); t != content->end() && t->is_string()) {
      std::string body = t->get<std::string>();
      if (str(*content, "encoding") == "base64") {
        auto decoded = contracts::crypto::base64_decode(body);
        if (!decoded) {
          problem = "response.content.text is not valid base64";
          return false;
        }
        body = *decoded;
      }
      if (!body.empty()) {
        json j = json::parse(body, nullptr, false);
        if (j.is_object()) {
          c.code = str(j, "Code");
          c.message = str(j, "Message");
          if (auto rid = str(j, "RequestId"); !rid.empty()) c.request_id = rid;
          c.body = body;
        } else if (status != 0) {
          c.body = body;  // not JSON: the normaliser decides (an HTML gateway page on 5xx)
        }
      }
    }
  }
  if (!c.body && status != 0) {
    c.unknown.push_back("body: not in the HAR (stripped or not exported)");
  }
  if (auto t = e.find("time"); t != e.end() && t->is_number() && t->get<double>() >= 0) {
    c.latency_ms = std::llround(t->get<double>());
  }
  out.calls.push_back(std::move(c));
  return true;
}

}  // namespace

ReadResult read_har(std::string_view text, std::string_view source, const ReaderOptions& o) {
  ReadResult out;
  const JsonDocument doc = parse_json_document(text);
  if (!doc.error.empty()) {
    add_problem(out, source, doc.line, doc.column, doc.error);
    return out;
  }
  const json& har = doc.value;
  if (!har.is_object() || !har.contains("log") || !har["log"].is_object() || !har["log"].contains("entries") ||
      !har["log"]["entries"].is_array()) {
    add_problem(out, source, 1, 1, "not a HAR file: no log.entries array");
    return out;
  }
  const auto& entries = har["log"]["entries"];
  const auto lines = entry_lines(text.starts_with("\xEF\xBB\xBF") ? text.substr(3) : text);
  for (std::size_t i = 0; i < entries.size(); ++i) {
    std::string problem;
    const int line = i < lines.size() ? lines[i] : 0;
    if (!read_entry(entries[i], line, o, out, problem)) {
      add_problem(out, source, line, 0, "entry " + std::to_string(i + 1) + ": " + problem);
    }
  }
  return out;
}

}  // namespace ebsmock::scenarios
