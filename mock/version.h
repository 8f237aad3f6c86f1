// version.h: ebsmock's version, "MAJOR.MINOR.PATCH" from the project plus "+gitN.HASH"
// (commit count and hash) when built from a git checkout. `ebsmock --version`, serve's
// first stderr line, /__admin/health and the .deb's version all print this one string.
// Generated at build time (mock/version.cmake); thread-safe.
#pragma once

#include <string_view>

namespace ebsmock {

std::string_view version();

}  // namespace ebsmock
