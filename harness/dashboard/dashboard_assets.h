// dashboard_assets.h: the dashboard's own CSS and JS (harness/dashboard/assets/), compiled
// in by CMake like the report's (report_assets.h), whose CSS the page also uses.
// Thread-safe.
#pragma once

#include <string_view>

namespace ebsmock::harness::dashboard {

std::string_view dashboard_css();
std::string_view dashboard_js();

}  // namespace ebsmock::harness::dashboard
