// dashboard_page.h: the live dashboard `ebsmock serve` hands to the mock for
// GET /__admin/ui (visual.md §8.2): one page compiled into the binary, built from the
// HTML report's pieces (its CSS, its escaping, its state-machine SVG with every count at
// zero) plus the dashboard's own CSS and JS, which fill it from GET /__admin/events. The
// Content-Security-Policy (header and meta) allows those inline blocks by hash, data:
// images and same-origin connections only, so the page fetches nothing from elsewhere.
// Pure function; thread-safe.
#pragma once

#include <string>

#include "mock/connection_action.h"

namespace ebsmock::harness::dashboard {

struct DashboardInfo {
  std::string scenario_file;  // as given to serve, shown in the status bar
};

std::string dashboard_html(const DashboardInfo& info);
// The CSP the page is served with.
std::string dashboard_csp();
// dashboard_html as an answer, with the CSP and no caching.
mock::Answer dashboard_answer(const DashboardInfo& info);

}  // namespace ebsmock::harness::dashboard
