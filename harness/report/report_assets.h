// report_assets.h: the report's CSS and JS (harness/report/assets/), compiled in by CMake
// (report_assets.cpp is generated from the files at configure time), so the binary needs
// no files at run time and the page's CSP hashes are of exactly these bytes. Thread-safe.
#pragma once

#include <string_view>

namespace ebsmock::harness::report {

std::string_view report_css();
std::string_view report_js();

}  // namespace ebsmock::harness::report
