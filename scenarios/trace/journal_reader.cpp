// journal_reader.cpp: ebsmock's own journal, as `serve --journal-file` writes it (one
// JSON entry per line) or as GET /__admin/journal answers ({"entries": [...]}). It has
// what a replay needs but the bodies: status 0 with the fault's transport when the client
// got no answer, the fault's commit for an error that took effect, its delay; a trace of
// `ebsmock record` adds each answer's body. Progress entries are the service's own status
// changes, not calls. Stateless.
#include <nlohmann/json.hpp>

#include "contracts/redaction.h"
#include "scenarios/trace/log_text.h"
#include "scenarios/trace/trace_readers.h"

namespace ebsmock::scenarios {

namespace {

using nlohmann::json;

std::string str(const json& j, const char* key) { return json_string(j, key); }

void read_entry(const json& e, int line, std::string_view source, const ReaderOptions& o, ReadResult& out) {
  if (!e.is_object()) {
    add_problem(out, source, line, 0, std::string("expected a journal entry object, got ") + e.type_name());
    return;
  }
  const std::string kind = str(e, "kind");
  if (kind == "progress") {
    ++out.report.dropped["progress entries (the service's own status changes, not calls)"];
    return;
  }
  if (kind != "request") {
    add_problem(out, source, line, 0, "journal entry with kind \"" + kind + "\" (expected request or progress)");
    return;
  }
  TraceCall c;
  c.line = line;
  c.action = str(e, "action");
  set_call_time(c, str(e, "time"), o);
  if (auto p = e.find("params"); p != e.end() && p->is_object()) {
    for (const auto& [k, v] : p->items()) {
      if (!v.is_string()) continue;
      // Already redacted by the mock; counted as removed all the same.
      c.params.emplace_back(k, v.get<std::string>() == contracts::kRedacted ? std::string() : v.get<std::string>());
    }
  }
  if (auto token = str(e, "client_token"); !token.empty()) {
    bool present = false;
    for (const auto& [k, v] : c.params) present = present || k == "ClientToken";
    if (!present) c.params.emplace_back("ClientToken", token);
  }
  c.code = str(e, "code");
  c.request_id = str(e, "request_id");
  const int status = e.value("status", 0);
  const json fault = e.value("fault", json());
  const std::string transport = str(fault, "transport");
  if (status == 0) {
    c.transport = transport.empty() || transport == "none" ? "reset" : transport;
  } else {
    c.status = status;
    if (transport == "html" || transport == "malformed-json" || transport == "truncate") c.transport = transport;
  }
  if (fault.is_object()) {
    if (str(fault, "commit") == "after" && e.value("effect_applied", false)) c.commit_after = true;
    if (auto d = fault.find("delay_ms"); d != fault.end() && d->is_number_integer() && d->get<long long>() > 0) {
      c.latency_ms = d->get<long long>();
    }
  }
  // `ebsmock record` also keeps the answer's body (JSON text); the mock's journal does not.
  if (auto b = e.find("body"); b != e.end() && b->is_string() && !b->get<std::string>().empty()) {
    c.body = b->get<std::string>();
    if (json answer = json::parse(*c.body, nullptr, false); answer.is_object()) c.message = str(answer, "Message");
  }
  if (!c.code.empty() && !c.body) {
    c.unknown.push_back("message: the journal keeps codes, not messages; the catalogue's");
  }
  out.calls.push_back(std::move(c));
}

}  // namespace

ReadResult read_journal(std::string_view text, std::string_view source, const ReaderOptions& o) {
  ReadResult out;
  const json whole = json::parse(text, nullptr, false);
  if (whole.is_object() && whole.contains("entries") && whole["entries"].is_array()) {
    for (const auto& e : whole["entries"]) read_entry(e, 1, source, o, out);  // one document, one line
    return out;
  }
  for (const auto& l : split_lines(text)) {
    if (l.text.find_first_not_of(" \t") == std::string_view::npos) continue;
    try {
      read_entry(json::parse(l.text), l.number, source, o, out);
    } catch (const json::parse_error& e) {
      add_problem(out, source, l.number, static_cast<int>(e.byte), "not JSON: " + json_error_text(e));
    }
  }
  return out;
}

}  // namespace ebsmock::scenarios
