// html_report.cpp: see html_report.h. The page's layout: R1 verdict on top, R2 checks and
// R6 matrix, then the counterexample trio (R3 timeline, R4 inspector, R5 sequence), R8
// statistics, R9 reproduce in the footer.
#include "harness/report/html_report.h"

#include <sstream>

#include "contracts/crypto.h"
#include "harness/report/html_text.h"
#include "harness/report/panels.h"
#include "harness/report/report_assets.h"

namespace ebsmock::harness::report {

std::string render_html_report(const nlohmann::json& report) {
  const std::string css(report_css());
  const std::string js(report_js());
  const std::string verdict = report.value("verdict", "error");
  std::ostringstream out;
  out << "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
      << "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; img-src data:; style-src 'sha256-"
      << contracts::crypto::sha256_base64(css) << "'; script-src 'sha256-" << contracts::crypto::sha256_base64(js)
      << "'; base-uri 'none'; form-action 'none'\">\n"
      << "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
      << "<meta name=\"generator\" content=\"ebsmock\">\n<title>ebsmock contract: "
      << html_escape(report.value("client", "")) << ": " << html_escape(verdict) << "</title>\n<style>" << css
      << "</style>\n</head>\n<body>\n"
      << verdict_panel(report) << "<main>\n" << checks_panel(report) << matrix_panel(report)
      << timeline_panel(report) << inspector_panel(report) << sequence_panel(report)
      << coverage_panel(report) << statistics_panel(report) << "</main>\n" << reproduce_panel(report)
      << "<script type=\"application/json\" id=\"ebsmock-report\">" << script_json(report) << "</script>\n"
      << "<script>" << js << "</script>\n</body>\n</html>\n";
  return out.str();
}

}  // namespace ebsmock::harness::report
