// html_report.h: the contract report as one self-contained HTML page (visual.md §8.1):
// the JSON report embedded verbatim as a data island (script#ebsmock-report, the page's
// only data), SVG drawn here, a little hand-written CSS and JS compiled in, and a
// Content-Security-Policy that allows nothing but those inline blocks (by hash) and data:
// images, so the page provably fetches nothing. No clock, no randomness: the same JSON
// gives the same bytes. Pure function; thread-safe.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

namespace ebsmock::harness::report {

std::string render_html_report(const nlohmann::json& report);

// The page for a `contract --concurrent` report (concurrent_report_json): the verdict, and
// for a counterexample its timeline (concurrent_timeline_panel) and program; same page
// rules (data island, compiled-in CSS/JS, CSP by hash).
std::string render_concurrent_html(const nlohmann::json& report);

}  // namespace ebsmock::harness::report
