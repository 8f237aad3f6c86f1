// actiontrail_reader.cpp: ActionTrail events in every wrapper traces.md §1 and §7 list:
// a bare event, a LookupEvents envelope ({"Events": [...]}), an SLS export (objects whose
// "event" is the event as a JSON string), a CloudEvent ({"data": event}), a JSON array of
// any of these, or one per line (NDJSON; the OSS .gz layout is unverified, so both are
// sniffed). No HTTP status, latency or body exists in an event (§1.4). Stateless.
#include <algorithm>

#include <nlohmann/json.hpp>

#include "contracts/redaction.h"
#include "scenarios/trace/log_text.h"
#include "scenarios/trace/trace_normalise.h"
#include "scenarios/trace/trace_readers.h"

namespace ebsmock::scenarios {

namespace {

using nlohmann::json;

std::string str(const json& j, const char* key) { return json_string(j, key); }

// The event inside one item of any wrapper; problem set when there is none.
std::optional<json> unwrap(const json& item, std::string& problem) {
  if (!item.is_object()) {
    problem = std::string("expected an event object, got ") + item.type_name();
    return std::nullopt;
  }
  if (auto e = item.find("event"); e != item.end() && e->is_string()) {  // SLS: a JSON string
    json inner = json::parse(e->get<std::string>(), nullptr, false);
    if (inner.is_discarded() || !inner.is_object()) {
      problem = "the SLS log's \"event\" is not a JSON object";
      return std::nullopt;
    }
    return inner;
  }
  if (auto d = item.find("data"); d != item.end() && d->is_object() && !item.contains("eventName")) {
    return *d;  // CloudEvent (EventBridge)
  }
  return item;
}

void read_event(const json& e, int line, std::string_view source, const ReaderOptions& o, ReadResult& out) {
  const std::string name = str(e, "eventName");
  if (name.empty()) {
    add_problem(out, source, line, 0, "event without \"eventName\"");
    return;
  }
  if (auto type = str(e, "eventType"); !type.empty() && type != "ApiCall") {
    ++out.report.dropped["not an API call (eventType " + type + ")"];
    return;
  }
  TraceCall c;
  c.line = line;
  c.action = name;
  c.gateway_params = true;
  c.event_id = str(e, "eventId");
  c.request_id = str(e, "requestId");
  c.code = str(e, "errorCode");
  c.message = str(e, "errorMessage");
  if (c.code.empty() && !c.message.empty()) c.code = "";  // a failure without a code stays unknown below
  set_call_time(c, str(e, "eventTime"), o);
  json params = e.value("requestParameters", json());
  if (!params.is_object()) {
    if (auto text = str(e, "requestParameterJson"); !text.empty()) params = json::parse(text, nullptr, false);
  }
  if (params.is_object()) {
    for (const auto& [k, v] : params.items()) {
      if (v.is_null()) continue;
      std::string problem;
      auto value = wire_value(v, problem);
      // Typed values are stringified as the wire carried them; anything nested is kept
      // as JSON text, since only the identifying params are ever matched.
      c.params.emplace_back(k, value ? *value : v.dump());
    }
  } else {
    c.unknown.push_back("params: the event has no requestParameters");
  }
  if (!c.message.empty() && c.code.empty()) {
    c.unknown.push_back("code: the event has an errorMessage but no errorCode");
    c.status = 400;
    c.body = json{{"RequestId", c.request_id}, {"Message", c.message}}.dump();
  }
  if (auto id = e.find("userIdentity"); id != e.end() && id->is_object()) {
    if (id->contains("accessKeyId")) ++out.report.redacted["userIdentity.accessKeyId"];
    for (const char* k : {"accountId", "principalId"}) {
      if (auto v = str(*id, k); !v.empty()) out.account_ids.push_back(v);
    }
  }
  if (auto v = str(e, "recipientAccountId"); !v.empty()) out.account_ids.push_back(v);
  if (auto r = e.find("responseElements"); r != e.end() && r->is_object()) {
    json copy = *r;
    if (const int n = contracts::strip_secret_members(copy); n > 0) out.report.redacted["responseElements secrets"] += n;
  }
  out.calls.push_back(std::move(c));
}

// Line of each element of the top-level array, or of the array under `key` in the
// top-level object: the scanner tracks strings and depth only, enough to point at items.
std::vector<int> element_lines(std::string_view text, std::string_view key) {
  std::vector<int> out;
  int line = 1, depth = 0, target_depth = key.empty() ? 1 : -1;
  bool in_string = false, escape = false, expect_value = true;
  std::string last_string;
  std::string current;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char ch = text[i];
    if (ch == '\n') ++line;
    if (in_string) {
      if (escape) {
        escape = false;
      } else if (ch == '\\') {
        escape = true;
      } else if (ch == '"') {
        in_string = false;
        last_string = current;
      } else {
        current.push_back(ch);
      }
      continue;
    }
    if (ch == ' ' || ch == '\t' || ch == '\r' || ch == '\n') continue;
    if (depth == target_depth && expect_value && ch != ']') {
      out.push_back(line);
      expect_value = false;
    }
    switch (ch) {
      case '"':
        in_string = true;
        current.clear();
        break;
      case '[':
        ++depth;
        if (target_depth < 0 && depth == 2 && last_string == key) target_depth = 2;
        if (depth == target_depth) expect_value = true;
        break;
      case '{': ++depth; break;
      case ']':
      case '}':
        if (depth == target_depth) {
          return out;
        }
        --depth;
        break;
      case ',':
        if (depth == target_depth) expect_value = true;
        break;
      default: break;
    }
  }
  return out;
}

}  // namespace

ReadResult read_actiontrail(std::string_view text, std::string_view source, const ReaderOptions& o) {
  ReadResult out;
  if (text.starts_with("\xEF\xBB\xBF")) text.remove_prefix(3);
  const JsonDocument doc = parse_json_document(text);
  const json& whole = doc.value;
  const std::string& whole_error = doc.error;
  auto read_items = [&](const json& items, std::string_view key) {
    const auto lines = element_lines(text, key);
    for (std::size_t i = 0; i < items.size(); ++i) {
      const int line = i < lines.size() ? lines[i] : 0;
      std::string problem;
      if (auto e = unwrap(items[i], problem)) {
        read_event(*e, line, source, o, out);
      } else {
        add_problem(out, source, line, 0, "item " + std::to_string(i + 1) + ": " + problem);
      }
    }
  };
  if (whole_error.empty()) {
    if (whole.is_array()) {
      read_items(whole, "");
    } else if (whole.is_object() && whole.contains("Events") && whole["Events"].is_array()) {
      read_items(whole["Events"], "Events");
    } else {
      std::string problem;
      if (auto e = unwrap(whole, problem)) {
        read_event(*e, 1, source, o, out);
      } else {
        add_problem(out, source, 1, 1, problem);
      }
    }
  } else {
    // NDJSON, or one damaged document. A document starting with '[' or spanning lines
    // fails as a whole at the parser's position; NDJSON is read line by line.
    const auto lines = split_lines(text);
    const bool ndjson = std::any_of(lines.begin(), lines.end(), [](const TextLine& l) {
      return !json::parse(l.text, nullptr, false).is_discarded();
    });
    if (!ndjson) {
      add_problem(out, source, doc.line, doc.column, whole_error);
      return out;
    }
    for (const auto& l : lines) {
      if (l.text.find_first_not_of(" \t") == std::string_view::npos) continue;
      try {
        json item = json::parse(l.text);
        std::string problem;
        if (item.is_object() && item.contains("Events") && item["Events"].is_array()) {
          for (const auto& e : item["Events"]) {
            if (auto ev = unwrap(e, problem)) read_event(*ev, l.number, source, o, out);
            else add_problem(out, source, l.number, 0, problem);
          }
        } else if (auto e = unwrap(item, problem)) {
          read_event(*e, l.number, source, o, out);
        } else {
          add_problem(out, source, l.number, 0, problem);
        }
      } catch (const json::parse_error& e) {
        add_problem(out, source, l.number, static_cast<int>(e.byte), "not JSON: " + json_error_text(e));
      }
    }
  }
  // LookupEvents lists newest first by default: put such a file back in call order, so
  // ties at ActionTrail's 1 s resolution keep the order the calls were made in.
  bool descending = out.calls.size() > 1, strictly = false;
  for (std::size_t i = 1; i < out.calls.size() && descending; ++i) {
    const auto& a = out.calls[i - 1].instant;
    const auto& b = out.calls[i].instant;
    if (!a || !b || *a < *b) descending = false;
    else if (*b < *a) strictly = true;
  }
  if (descending && strictly) {
    std::reverse(out.calls.begin(), out.calls.end());
    out.report.notes.push_back("events were listed newest first (LookupEvents' default): read oldest first");
  }
  return out;
}

}  // namespace ebsmock::scenarios
