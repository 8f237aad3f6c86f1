// names.h: the names a scenario file may use for statuses, operations and error codes,
// as candidate lists for validation and "did you mean" suggestions. Internal to
// scenarios/loader. Thread-safe: each list is built once (magic static), then read-only.
#pragma once

#include <string_view>
#include <vector>

namespace ebsmock::scenarios::internal {

// The 19 pair statuses, as written ("normal", "stopped", ...).
const std::vector<std::string_view>& status_names();
// The 9 operations (Action names).
const std::vector<std::string_view>& operation_names();
// Every code of the built-in error catalogue.
const std::vector<std::string_view>& catalogue_codes();

}  // namespace ebsmock::scenarios::internal
