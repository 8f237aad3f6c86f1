// markdown_summary.cpp: see markdown_summary.h.
#include "harness/report/markdown_summary.h"

#include <sstream>

#include "harness/report/panels.h"

namespace ebsmock::harness::report {
namespace {

// Table cells: a '|' or a newline would break the row.
std::string cell(std::string text) {
  std::string out;
  for (char c : text) {
    if (c == '|') out += "\\|";
    else if (c == '\n' || c == '\r') out += ' ';
    else out += c;
  }
  return out;
}

}  // namespace

std::string markdown_summary(const nlohmann::json& report) {
  const std::string verdict = report.value("verdict", "error");
  std::ostringstream out;
  out << "## ebsmock contract: " << (verdict == "pass" ? "PASS" : verdict == "fail" ? "FAIL" : "ERROR") << " — `"
      << cell(report.value("client", "")) << "`\n\n"
      << "seed " << text_of(report, "seed") << " · " << text_of(report, "cases_passed") << " case(s) passed of "
      << text_of(report, "tests") << " · " << text_of(report.value("steps", Json::object()), "total") << " steps · "
      << text_of(report, "requests") << " requests\n\n";
  for (const auto& w : verdict_warnings(report)) out << "> ⚠ " << cell(w) << "\n";
  out << "\n| check | verdict | evaluated | first violation |\n|---|---|---:|---|\n";
  for (const auto& c : report.value("checks", Json::array())) {
    out << "| " << cell(c.value("id", "")) << " | " << cell(c.value("verdict", "")) << " | " << text_of(c, "evaluated")
        << " | " << cell(c.value("first_violation", "")) << " |\n";
  }
  const Json matrix = report.value("matrix", Json::object());
  if (!matrix.empty()) {
    out << "\n<details><summary>Fault × operation: the cells this run reached</summary>\n\n"
        << "| fault | operation | calls | fired | attempts | token changed | reported | took effect |\n"
        << "|---|---|---:|---:|---|---:|---|---:|\n";
    for (const auto& [fault, row] : matrix.begin().value().items()) {
      for (const auto& [action, c] : row.items()) {
        std::string attempts, reported;
        const Json attempts_by_count = c.value("attempts", Json::object());
        const Json reported_by_code = c.value("reported", Json::object());
        for (const auto& [n, k] : attempts_by_count.items()) attempts += (attempts.empty() ? "" : " ") + k.dump() + "×" + n;
        for (const auto& [code, k] : reported_by_code.items()) reported += (reported.empty() ? "" : ", ") + code + " " + k.dump();
        out << "| " << cell(fault) << " | " << cell(action) << " | " << text_of(c, "calls") << " | " << text_of(c, "fault_fired")
            << " | " << cell(attempts) << " | " << text_of(c.value("token", Json::object()), "changed") << " | " << cell(reported)
            << " | " << text_of(c, "took_effect") << " |\n";
      }
    }
    out << "\n</details>\n";
  }
  if (!counterexample_steps(report).empty()) {
    out << "\n### Counterexample (" << counterexample_steps(report).size() << " step(s))\n\n```mermaid\n"
        << mermaid_sequence(report) << "```\n\nRerun: `" << report["counterexample"].value("rerun", "") << "`\n";
  }
  std::string text = out.str();
  if (text.size() > kMaxSummaryBytes) {
    const std::string note = "\n\n… cut at " + std::to_string(kMaxSummaryBytes) + " bytes; the JSON report has everything.\n";
    std::size_t cut = kMaxSummaryBytes - note.size();
    while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
    text = text.substr(0, cut) + note;
  }
  return text;
}

}  // namespace ebsmock::harness::report
