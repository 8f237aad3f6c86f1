// inspector_panel.cpp: R4, the step inspector. A list of the counterexample's steps and,
// for each, its detail: Request (parameters as the journal redacted them, ClientToken,
// signature), Attempts (status, code, fault, commit, idempotence, effect), Model (every
// change the step made, before -> after), Contract ("contract expected" beside "client
// reported", the violated checks) and Scenario (the [[replay]] tables of its requests in
// the saved scenario). All details are in the page; report.js shows one at a time.
#include <sstream>

#include "harness/report/html_text.h"
#include "harness/report/panels.h"

namespace ebsmock::harness::report {
namespace {

// The saved scenario's [[replay]] tables, in request order.
std::vector<std::string> replay_tables(const std::string& toml) {
  std::vector<std::string> out;
  std::istringstream in(toml);
  std::string line;
  bool inside = false;
  while (std::getline(in, line)) {
    if (line.rfind("[[replay]]", 0) == 0) {
      out.emplace_back();
      inside = true;
    } else if (!line.empty() && line[0] == '[') {
      inside = false;
    }
    if (inside) out.back() += line + "\n";
  }
  return out;
}

void request_tab(std::ostringstream& out, const Json& step) {
  out << "<div class=\"tab-body\" data-tab=\"request\"><h4>Request</h4><table class=\"kv\">";
  out << "<tr><th>action</th><td>" << html_escape(step.value("action", "")) << "</td></tr>";
  const Json params = step.value("params", Json::object());
  for (const auto& [k, v] : params.items()) {
    out << "<tr><th>" << html_escape(k) << "</th><td>" << html_escape(v.is_string() ? v.get<std::string>() : v.dump())
        << "</td></tr>";
  }
  const Json& atts = step.value("attempts", Json::array());
  if (!atts.empty()) {
    out << "<tr><th>ClientToken</th><td class=\"token\">" << html_escape(atts[0].value("client_token", "")) << "</td></tr>"
        << "<tr><th>signature</th><td>" << html_escape(atts[0].value("signature", "")) << "</td></tr>";
  }
  out << "</table></div>\n";
}

void attempts_tab(std::ostringstream& out, const Json& step) {
  out << "<div class=\"tab-body\" data-tab=\"attempts\"><h4>Attempts</h4><table class=\"attempts-table\"><thead><tr>"
         "<th>#</th><th>request</th><th>ClientToken</th><th>answer</th><th>fault</th><th>commit</th>"
         "<th>idempotence</th><th>effect</th><th>model said</th></tr></thead><tbody>";
  int n = 0;
  for (const auto& a : step.value("attempts", Json::array())) {
    const Json fault = a.value("fault", Json::object());
    out << "<tr class=\"" << answer_class(a) << "\"><td>" << ++n << "</td><td>#" << html_escape(text_of(a, "seq"))
        << "</td><td class=\"token\">" << html_escape(a.value("client_token", "")) << "</td><td>"
        << html_escape(text_of(a, "status") + " " + a.value("code", "")) << "</td><td>"
        << html_escape(fault.value("rule", "")) << "</td><td>" << html_escape(fault.value("commit", "")) << "</td><td>"
        << html_escape(a.value("idempotence", "")) << "</td><td>"
        << html_escape(a.value("effect_applied", false) ? text_of(a, "transition").empty() ? "ran, no change"
                                                                                           : text_of(a, "transition")
                                                        : "none")
        << "</td><td>" << html_escape(a.value("model", "")) << "</td></tr>";
  }
  out << "</tbody></table>";
  const Json waits = step.value("waits_ms", Json::array());
  if (!waits.empty()) out << "<p>waits before retries (ms): " << html_escape(waits.dump()) << "</p>";
  out << "</div>\n";
}

void model_tab(std::ostringstream& out, const Json& step) {
  out << "<div class=\"tab-body\" data-tab=\"model\"><h4>Model: before → after</h4><table class=\"model-diff\"><thead>"
         "<tr><th>resource</th><th>before</th><th>after</th><th>by</th></tr></thead><tbody>";
  auto row = [&](const std::string& text, const std::string& by) {
    auto t = parse_transition(text);
    if (!t) return;
    out << "<tr class=\"model-change\" data-resource=\"" << html_escape(t->id) << "\" data-from=\"" << html_escape(t->from)
        << "\" data-to=\"" << html_escape(t->to) << "\"><td>" << html_escape(t->kind + " " + t->id) << "</td><td>"
        << html_escape(t->from.empty() ? "(new)" : t->from) << "</td><td>" << html_escape(t->to) << "</td><td>"
        << html_escape(by) << "</td></tr>";
  };
  for (const auto& a : step.value("attempts", Json::array())) {
    const std::string by = "request #" + text_of(a, "seq");
    if (a.contains("transition")) row(a["transition"].get<std::string>(), by);
    for (const auto& m : a.value("member_transitions", Json::array())) row(m.get<std::string>(), by + " (member)");
  }
  for (const auto& p : step.value("progress", Json::array())) row(p.get<std::string>(), "time");
  out << "</tbody></table></div>\n";
}

void contract_tab(std::ostringstream& out, const Json& step) {
  const Json reported = step.value("reported", Json::object());
  std::string said;
  if (!reported.empty()) {
    said = reported.value("ok", false) ? "success" : reported.value("code", "");
    said += " after " + text_of(reported, "attempts") + " attempt(s)";
    if (reported.contains("http_status")) said += ", last HTTP " + text_of(reported, "http_status");
  }
  out << "<div class=\"tab-body\" data-tab=\"contract\"><h4>Contract</h4><div class=\"two-col\">"
      << "<div class=\"expected\"><h5>contract expected</h5><p>" << html_escape(step.value("expected", "(a read; compared with the model)"))
      << "</p></div><div class=\"reported\"><h5>client reported</h5><p>" << html_escape(said.empty() ? "(nothing)" : said)
      << "</p></div></div>";
  const Json violations = step.value("violations", Json::array());
  if (!violations.empty()) {
    out << "<ul class=\"violations\">";
    for (const auto& v : violations) {
      out << "<li data-check=\"" << html_escape(v.value("check", "")) << "\"><b>" << html_escape(v.value("check", ""))
          << "</b> " << html_escape(v.value("detail", "")) << "</li>";
    }
    out << "</ul>";
  }
  out << "</div>\n";
}

}  // namespace

std::string inspector_panel(const Json& report) {
  const Json& steps = counterexample_steps(report);
  if (steps.empty()) return "";
  const auto tables = replay_tables(report["counterexample"].value("scenario_toml", ""));
  std::size_t request = 0;
  const int first_violation = first_violating_step(report);
  std::ostringstream list, details;
  const StepWindow window = shown_steps(report);
  for (const auto& step : steps) {
    const int index = step.value("index", 0);
    const std::size_t requests = step.value("attempts", Json::array()).size();
    if (!window.contains(index)) {
      request += requests;
      continue;
    }
    const bool violation = !step.value("violations", Json::array()).empty();
    list << "<li><a class=\"step-link" << (violation ? " violation" : "") << "\" href=\"#detail-" << index
         << "\" data-step=\"" << index << "\" data-action=\"" << html_escape(step.value("action", "")) << "\" data-fault=\""
         << html_escape(step_fault_kind(step)) << "\">" << (violation ? "✗ " : "✓ ") << index << ". "
         << html_escape(step.value("step", "")) << "</a></li>\n";
    details << "<article class=\"step-detail" << (violation ? " violation" : "") << "\" id=\"detail-" << index
            << "\" data-step=\"" << index << "\"" << (index == first_violation ? " data-initial=\"1\"" : "") << ">\n<h3>Step "
            << index << ": " << html_escape(step.value("step", "")) << "</h3>\n"
            << "<nav class=\"tabs\"><button type=\"button\" data-tab=\"request\">Request</button><button type=\"button\" "
               "data-tab=\"attempts\">Attempts</button><button type=\"button\" data-tab=\"model\">Model</button><button "
               "type=\"button\" data-tab=\"contract\">Contract</button><button type=\"button\" "
               "data-tab=\"scenario\">Scenario</button></nav>\n";
    request_tab(details, step);
    attempts_tab(details, step);
    model_tab(details, step);
    contract_tab(details, step);
    details << "<div class=\"tab-body\" data-tab=\"scenario\"><h4>Scenario lines</h4><pre>";
    for (std::size_t k = 0; k < requests; ++k, ++request) {
      if (request < tables.size()) details << html_escape(tables[request]);
    }
    details << "</pre></div>\n</article>\n";
  }
  std::ostringstream out;
  out << "<section id=\"inspector\"><h2>Step inspector</h2><p class=\"hint\">← → move between steps.</p>\n"
      << "<div class=\"inspector\"><ol class=\"step-list\" id=\"step-list\">\n" << list.str()
      << "</ol>\n<div class=\"step-details\">\n" << details.str() << "</div></div></section>\n";
  return out.str();
}

}  // namespace ebsmock::harness::report
