// verdict_panel.cpp: R1, the verdict bar, and the warnings that weaken a verdict.
#include <sstream>

#include "harness/report/html_text.h"
#include "harness/report/panels.h"

namespace ebsmock::harness::report {

std::vector<std::string> verdict_warnings(const Json& report) {
  std::vector<std::string> out;
  if (auto e = report.find("setup_error"); e != report.end() && e->is_string()) {
    out.push_back("set-up error: " + e->get<std::string>());
  }
  const Json faults = report.value("faults", Json::object());
  const Json armed = faults.value("armed_by_kind", Json::object());
  const Json fired = faults.value("fired_by_kind", Json::object());
  for (const auto& [kind, n] : armed.items()) {
    const auto f = fired.value(kind, 0);
    if (f == 0) {
      out.push_back("fault " + kind + " was armed " + n.dump() +
                    " time(s) and never fired: no call met it, so nothing is known of how the client handles it");
    }
  }
  for (const auto& c : report.value("checks", Json::array())) {
    const std::string v = c.value("verdict", "");
    const std::string id = c.value("id", "");
    if (v == "n/a") {
      out.push_back(id + " not observable with this client or server (" + c.value("title", "") +
                    "): it cannot fail here, whatever the client does");
    } else if (v == "not exercised") {
      out.push_back(id + " not exercised: no step of the run gave it anything to judge (" + c.value("title", "") + ")");
    }
  }
  for (const auto& n : report.value("notes", Json::array())) {
    if (n.is_string()) out.push_back(n.get<std::string>());
  }
  return out;
}

std::string verdict_panel(const Json& report) {
  const std::string verdict = report.value("verdict", "error");
  std::ostringstream out;
  out << "<header id=\"verdict\" class=\"verdict " << html_escape(verdict) << "\">\n";
  // A drill (mock/drill_verdict.h) may also be INCONCLUSIVE: too few samples to judge.
  const char* word = verdict == "pass" ? "PASS" : verdict == "fail" ? "FAIL" : verdict == "inconclusive" ? "INCONCLUSIVE" : "ERROR";
  out << "<h1><span class=\"verdict-word\" id=\"verdict-word\">" << word
      << "</span> <span class=\"client\">" << html_escape(report.value("client", "")) << "</span></h1>\n";
  out << "<p class=\"facts\">seed <b id=\"seed\">" << html_escape(text_of(report, "seed")) << "</b> · "
      << html_escape(text_of(report, "cases_passed")) << " case(s) passed of " << html_escape(text_of(report, "tests"))
      << " requested · " << html_escape(text_of(report.value("steps", Json::object()), "total")) << " steps · "
      << html_escape(text_of(report, "requests")) << " requests · exit code " << html_escape(text_of(report, "exit_code"));
  const Json server = report.value("server", Json::object());
  out << " · " << (server.value("embedded", false) ? "embedded mock" : html_escape("server " + server.value("endpoint", "")));
  if (report.value("strict", false)) out << " · strict";
  out << "</p>\n";
  const auto warnings = verdict_warnings(report);
  if (!warnings.empty()) {
    out << "<ul class=\"warnings\" id=\"warnings\">\n";
    for (const auto& w : warnings) out << "<li>" << html_escape(w) << "</li>\n";
    out << "</ul>\n";
  }
  const int first = first_violating_step(report);
  if (first > 0) out << "<p><a class=\"jump\" id=\"jump-first-violation\" href=\"#step-" << first << "\">Jump to first violation (step " << first << ")</a></p>\n";
  out << "</header>\n";
  return out.str();
}

}  // namespace ebsmock::harness::report
