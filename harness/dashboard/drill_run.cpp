// drill_run.cpp: see drill_run.h.
#include "harness/dashboard/drill_run.h"

#include <fstream>
#include <ostream>

#include "harness/report/html_report.h"
#include "mock/admin_api.h"

namespace ebsmock::harness::dashboard {
namespace {

std::uint64_t answered(mock::Service& service) {
  std::uint64_t n = 0;
  const auto answers = service.journal().answers_json();
  for (const auto& source : {"model", "fault"}) {
    for (const auto& [outcome, count] : answers[source].items()) n += count.get<std::uint64_t>();
  }
  return n;
}

bool write_file(const std::string& path, const std::string& text, std::ostream& err) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  out.close();
  if (!out) err << "ebsmock serve: cannot write " << path << "\n";
  return static_cast<bool>(out);
}

}  // namespace

std::string drill_json_path(const std::string& report_html) {
  if (report_html.ends_with(".html")) return report_html.substr(0, report_html.size() - 5) + ".json";
  return report_html + ".json";
}

bool run_until_verdict(mock::ServeConfig& config, std::string report_html, std::ostream& err) {
  if (!config.scenario.expect) {
    err << "ebsmock serve: --until-verdict needs an [expect] section in the scenario (" << config.scenario.source_path
        << "): what the drill must show\n";
    return false;
  }
  const scenarios::DrillExpectations expect = *config.scenario.expect;
  config.watch = [expect](mock::EmbeddedServer& server, std::stop_token stop) {
    mock::Clock& clock = *server.service().wait_clock();
    const contracts::Instant start = clock.now();
    for (;;) {
      const bool enough = expect.requests && answered(server.service()) >= static_cast<std::uint64_t>(*expect.requests);
      const bool late = expect.duration && clock.now() - start >= *expect.duration;
      if (enough || late) {
        server.stop();
        return;
      }
      if (!clock.sleep_for(std::chrono::milliseconds(100), stop)) return;
    }
  };
  config.conclude = [report_html](mock::EmbeddedServer& server, std::ostream& out, std::ostream& e) {
    const nlohmann::json drill = mock::drill_json(server.service(), true);
    const bool written = write_file(report_html, report::render_html_report(drill), e) &&
                         write_file(drill_json_path(report_html), drill.dump(2) + "\n", e);
    const std::string verdict = drill.value("verdict", "fail");
    out << "drill verdict: " << (verdict == "pass" ? "PASS" : verdict == "fail" ? "FAIL" : "INCONCLUSIVE");
    for (const auto& c : drill["checks"]) {
      out << "\n  " << c.value("id", "") << " " << c.value("verdict", "") << ": " << c.value("title", "");
      if (c.contains("first_violation")) out << " (" << c.value("first_violation", "") << ")";
    }
    for (const auto& n : drill["notes"]) out << "\n  " << n.get<std::string>();
    out << "\nreport: " << report_html << std::endl;
    if (!written) return 2;
    return verdict == "pass" ? 0 : 1;
  };
  return true;
}

}  // namespace ebsmock::harness::dashboard
