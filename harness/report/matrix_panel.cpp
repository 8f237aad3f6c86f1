// matrix_panel.cpp: R6, fault kind x operation. Each cell says what the client did when
// that fault met that operation: calls, how often the fault fired, attempts per call,
// whether retries kept their ClientToken, what the client reported, how often the call
// took effect. Cells nobody reached are hatched, faults armed but never fired outlined,
// cells of a violating counterexample step red. The axes come from the report
// (matrix_axes), so a cell the run could have reached and did not is visible.
#include <algorithm>
#include <set>
#include <sstream>

#include "harness/report/html_text.h"
#include "harness/report/panels.h"

namespace ebsmock::harness::report {
namespace {

std::vector<std::string> strings(const Json& j) {
  std::vector<std::string> out;
  if (j.is_array()) {
    for (const auto& s : j) {
      if (s.is_string()) out.push_back(s.get<std::string>());
    }
  }
  return out;
}

// "1x3 2x1": how many calls took how many attempts.
std::string attempts_text(const Json& attempts) {
  std::string out;
  for (const auto& [n, count] : attempts.items()) out += (out.empty() ? "" : " ") + count.dump() + "×" + n;
  return out;
}

std::string reported_text(const Json& reported) {
  std::string out;
  for (const auto& [code, count] : reported.items()) out += (out.empty() ? "" : ", ") + code + " " + count.dump();
  return out;
}

}  // namespace

std::string matrix_panel(const Json& report) {
  const Json matrix = [&] {
    const Json m = report.value("matrix", Json::object());
    return m.empty() ? Json::object() : m.begin().value();  // one client per report
  }();
  const Json axes = report.value("matrix_axes", Json::object());
  auto faults = strings(axes.value("faults", Json::array()));
  auto actions = strings(axes.value("actions", Json::array()));
  // Anything the matrix holds that the axes do not name still gets its row or column.
  for (const auto& [fault, row] : matrix.items()) {
    if (std::find(faults.begin(), faults.end(), fault) == faults.end()) faults.push_back(fault);
    for (const auto& [action, cell] : row.items()) {
      if (std::find(actions.begin(), actions.end(), action) == actions.end()) actions.push_back(action);
    }
  }
  std::set<std::pair<std::string, std::string>> violating;
  for (const auto& step : counterexample_steps(report)) {
    if (!step.value("violations", Json::array()).empty()) violating.insert({step_fault_kind(step), step.value("action", "")});
  }

  std::size_t exercised = 0;
  std::ostringstream rows;
  for (const auto& fault : faults) {
    rows << "<tr><th scope=\"row\">" << html_escape(fault) << "</th>";
    for (const auto& action : actions) {
      const Json cell = matrix.contains(fault) && matrix[fault].contains(action) ? matrix[fault][action] : Json();
      const long calls = cell.is_object() ? cell.value("calls", 0L) : 0;
      const long fired = cell.is_object() ? cell.value("fault_fired", 0L) : 0;
      std::string cls = "cell";
      if (calls == 0) {
        cls += " not-exercised";
      } else {
        ++exercised;
        if (fault != "none" && fired == 0) cls += " armed-never-fired";
        cls += violating.contains({fault, action}) ? " violation" : " correct";
      }
      rows << "<td class=\"" << cls << "\" data-fault=\"" << html_escape(fault) << "\" data-action=\"" << html_escape(action)
           << "\" data-calls=\"" << calls << "\"";
      if (calls > 0) {
        const Json token = cell.value("token", Json::object());
        rows << " data-fired=\"" << fired << "\" data-took-effect=\"" << cell.value("took_effect", 0L)
             << "\" data-token-same=\"" << token.value("same", 0L) << "\" data-token-changed=\""
             << token.value("changed", 0L) << "\" tabindex=\"0\">";
        rows << "<span class=\"calls\">" << calls << " call" << (calls == 1 ? "" : "s") << "</span>";
        if (fault != "none") rows << "<span class=\"fired\">fired " << fired << "</span>";
        rows << "<span class=\"attempts\">" << html_escape(attempts_text(cell.value("attempts", Json::object())))
             << "</span>";
        if (token.value("changed", 0L) > 0) rows << "<span class=\"token changed\">token changed " << token.value("changed", 0L) << "</span>";
        rows << "<span class=\"reported\">" << html_escape(reported_text(cell.value("reported", Json::object())))
             << "</span><span class=\"effect\">took effect " << cell.value("took_effect", 0L) << "</span>";
      } else {
        rows << ">";
      }
      rows << "</td>";
    }
    rows << "</tr>\n";
  }

  std::ostringstream out;
  out << "<section id=\"matrix\"><h2>Fault × operation</h2>\n<p class=\"matrix-count\" id=\"matrix-count\">"
      << exercised << " of " << faults.size() * actions.size()
      << " cells exercised. A cell: calls, how often its fault fired, attempts per call (count×attempts), "
         "ClientToken changes between attempts, what the client reported, how often the call took effect. "
         "Click a cell to list its steps.</p>\n<div class=\"scroll\"><table class=\"matrix\">\n<thead><tr><th>fault \\ operation</th>";
  for (const auto& a : actions) out << "<th scope=\"col\">" << html_escape(a) << "</th>";
  out << "</tr></thead>\n<tbody>\n" << rows.str() << "</tbody></table></div></section>\n";
  return out.str();
}

}  // namespace ebsmock::harness::report
