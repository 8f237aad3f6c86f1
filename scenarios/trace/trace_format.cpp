// trace_format.cpp: format names and content sniffing. Stateless.
#include "scenarios/trace/trace_format.h"

#include <nlohmann/json.hpp>

#include "contracts/enum_names.h"
#include "scenarios/trace/log_text.h"

namespace ebsmock::scenarios {

namespace {

using nlohmann::json;

constexpr contracts::EnumNames<TraceFormat, 9> kNames = {{
    {TraceFormat::JsonLines, "jsonl"},
    {TraceFormat::Journal, "journal"},
    {TraceFormat::ActionTrail, "actiontrail"},
    {TraceFormat::Har, "har"},
    {TraceFormat::NodeHttpx, "node-httpx"},
    {TraceFormat::GoSdk, "go-sdk"},
    {TraceFormat::PythonSdk, "python-sdk"},
    {TraceFormat::Terraform, "terraform"},
    {TraceFormat::ErrorText, "error-text"},
}};

bool is_event(const json& j) {
  return j.is_object() && (j.contains("eventName") || j.contains("eventId")) ;
}

// What one JSON object (a whole document or one line) says the file is.
std::optional<TraceFormat> classify_object(const json& j) {
  if (!j.is_object()) return std::nullopt;
  if (j.contains("log") && j["log"].is_object() && j["log"].contains("entries")) return TraceFormat::Har;
  if (j.contains("Events") && j["Events"].is_array()) return TraceFormat::ActionTrail;
  if (is_event(j)) return TraceFormat::ActionTrail;
  if (j.contains("event") && j["event"].is_string()) return TraceFormat::ActionTrail;  // SLS log
  if (j.contains("data") && is_event(j["data"])) return TraceFormat::ActionTrail;      // CloudEvent
  if (j.contains("seq") && j.contains("kind")) return TraceFormat::Journal;
  if (j.contains("entries") && j["entries"].is_array()) return TraceFormat::Journal;  // /__admin/journal
  if (j.contains("action")) return TraceFormat::JsonLines;
  return std::nullopt;
}

bool contains(std::string_view text, std::string_view what) { return text.find(what) != std::string_view::npos; }

}  // namespace

std::string_view to_string(TraceFormat f) { return contracts::name_of(kNames, f); }

std::optional<TraceFormat> parse_trace_format(std::string_view name) { return contracts::value_of(kNames, name); }

std::vector<std::string_view> trace_format_names() {
  std::vector<std::string_view> out;
  for (const auto& [format, name] : kNames) out.push_back(name);
  return out;
}

std::optional<TraceFormat> detect_trace_format(std::string_view text, std::string& why) {
  if (text.starts_with("\xEF\xBB\xBF")) text.remove_prefix(3);
  const auto first = text.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) {
    why = "the file is empty";
    return std::nullopt;
  }
  if (looks_binary(text)) {
    why = "the file is binary, not a trace (not gzip or zlib either)";
    return std::nullopt;
  }
  if (text[first] == '{' || text[first] == '[') {
    // A whole JSON document (HAR, an event, an envelope, an array) ...
    json whole = json::parse(text, nullptr, false);
    if (!whole.is_discarded()) {
      if (whole.is_array()) {
        for (const auto& e : whole) {
          if (auto f = classify_object(e)) return f == TraceFormat::JsonLines ? std::nullopt : f;
        }
        why = "a JSON array of nothing this importer knows (ActionTrail events, SLS logs)";
        return std::nullopt;
      }
      if (auto f = classify_object(whole)) return f;
    }
    // ... or one JSON object per line: the first line that parses decides. A damaged
    // single document (a truncated HAR) is still recognised by its first keys.
    for (const auto& line : split_lines(text)) {
      json j = json::parse(line.text, nullptr, false);
      if (j.is_discarded()) continue;
      if (auto f = classify_object(j)) return f;
      break;
    }
    const auto head = text.substr(first, 4096);
    if (contains(head, "\"log\"") && contains(head, "\"entries\"")) return TraceFormat::Har;
    if (contains(head, "\"eventName\"") || contains(head, "\"Events\"") || contains(head, "\"eventId\"")) {
      return TraceFormat::ActionTrail;
    }
    if (contains(head, "\"seq\"") && contains(head, "\"kind\"")) return TraceFormat::Journal;
    if (contains(head, "\"action\"")) return TraceFormat::JsonLines;
  }
  const auto head = text.substr(0, 1 << 20);
  if (contains(head, "httpx:header") || contains(head, "httpx:body")) return TraceFormat::NodeHttpx;
  if (contains(head, " Response *************** ") || contains(head, "provider.terraform-provider") ||
      contains(head, "plugin.terraform-provider")) {
    return TraceFormat::Terraform;
  }
  // HTTP dumps: "> POST /?..." (Go) or "> POST /RegionId=..." and "k : v" (Python).
  for (const auto& line : split_lines(head)) {
    std::string_view l = line.text;
    const auto at = l.find("> ");
    if (at == std::string_view::npos) continue;
    l.remove_prefix(at + 2);
    if (!(l.starts_with("POST ") || l.starts_with("GET ")) || !contains(l, " HTTP/")) continue;
    const auto path = l.substr(l.find(' ') + 1);
    if (path.starts_with("/?") || path.starts_with("http")) {
      return contains(head, "> Host : ") || contains(head, "< Date : ") ? TraceFormat::PythonSdk
                                                                          : TraceFormat::GoSdk;
    }
    return TraceFormat::PythonSdk;  // Python V2 glues the query to the path without '?'
  }
  if (contains(head, "SDKError:") || contains(head, "SDK.ServerError") || contains(head, "Failed!!!") ||
      contains(head, "ErrorCode:") || contains(head, ": code: ")) {
    return TraceFormat::ErrorText;
  }
  why = "not a trace format this importer knows (" ;
  for (auto n : trace_format_names()) why += std::string(n) + (n == "error-text" ? "" : ", ");
  why += "); name one with --format";
  return std::nullopt;
}

}  // namespace ebsmock::scenarios
