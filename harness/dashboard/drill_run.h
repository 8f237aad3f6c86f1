// drill_run.h: `ebsmock serve --until-verdict`: a drill run unattended (CI). The server
// serves until the scenario's [expect] says the drill is over (`requests` answered or
// `duration` of wall time, whichever first; else until SIGTERM/SIGINT), then judges it
// (mock/drill_verdict.h, with the drill over), writes the one-file HTML report (the
// contract report's renderer) and its JSON beside it, prints the verdict and exits 0 on
// PASS, 1 on FAIL or INCONCLUSIVE. Runs once, on serve's threads.
#pragma once

#include <string>

#include "mock/server_runner.h"

namespace ebsmock::harness::dashboard {

// The JSON written beside `report_html`: its name with ".html" replaced by ".json" (or
// ".json" appended).
std::string drill_json_path(const std::string& report_html);

// Sets config.watch and config.conclude. False (and a message on `err`) when the scenario
// has no [expect] section.
bool run_until_verdict(mock::ServeConfig& config, std::string report_html, std::ostream& err);

}  // namespace ebsmock::harness::dashboard
