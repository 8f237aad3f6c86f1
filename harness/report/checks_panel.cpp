// checks_panel.cpp: R2, one row per check with its verdict, counts, first violation, and
// a link to the counterexample step that broke it.
#include <sstream>

#include "harness/report/html_text.h"
#include "harness/report/panels.h"

namespace ebsmock::harness::report {

std::string checks_panel(const Json& report) {
  std::ostringstream out;
  out << "<section id=\"checks\"><h2>Checks</h2>\n<table class=\"checks\">\n"
      << "<thead><tr><th>check</th><th>verdict</th><th>evaluated</th><th>violations</th><th>what it says</th>"
         "<th>first violation</th></tr></thead>\n<tbody>\n";
  for (const auto& c : report.value("checks", Json::array())) {
    const std::string id = c.value("id", "");
    const std::string verdict = c.value("verdict", "");
    std::string cls = verdict;
    for (char& ch : cls) ch = ch == ' ' || ch == '/' ? '-' : ch;
    out << "<tr id=\"check-" << html_escape(id) << "\" data-check=\"" << html_escape(id) << "\" data-verdict=\""
        << html_escape(verdict) << "\"><td>" << html_escape(id) << "</td><td><span class=\"chip " << html_escape(cls)
        << "\">" << html_escape(verdict) << "</span></td><td class=\"num\">" << html_escape(text_of(c, "evaluated"))
        << "</td><td class=\"num\">" << html_escape(text_of(c, "violations")) << "</td><td>"
        << html_escape(c.value("title", "")) << "</td><td>";
    // The shrunk counterexample's words when it broke this check (the run's first violation
    // names the ids and tokens of the unshrunk history, which the page does not show).
    const int step = first_violating_step(report, id);
    std::string detail = c.value("first_violation", "");
    if (step > 0) {
      out << "<a class=\"to-step\" href=\"#step-" << step << "\" data-step=\"" << step << "\">step " << step << "</a> ";
      for (const auto& v : counterexample_steps(report)[step - 1].value("violations", Json::array())) {
        if (v.value("check", "") == id) {
          detail = v.value("detail", detail);
          break;
        }
      }
    }
    out << html_escape(detail) << "</td></tr>\n";
  }
  out << "</tbody></table></section>\n";
  return out.str();
}

}  // namespace ebsmock::harness::report
