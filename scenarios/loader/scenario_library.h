// scenario_library.h: scenarios by name. The library is the *.toml files of a list of
// folders (the installed /usr/share/ebsmock/scenarios, the source tree's scenarios/, or
// EBSMOCK_SCENARIO_PATH), so `ebsmock serve --scenario flaky-5xx` works from any working
// directory. The first folder that has a name wins. Reads the file system; no state;
// thread-safe.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace ebsmock::scenarios {

struct LibraryEntry {
  std::string name;         // "flaky-5xx"
  std::string path;         // ".../flaky-5xx.toml"
  std::string description;  // [scenario] description; "" when it does not load
};

// Every scenario of the folders, by name (sorted), first folder winning. Missing folders
// are skipped; `default` is listed like the others.
std::vector<LibraryEntry> list_library(const std::vector<std::string>& dirs);

// The path of `name` ("flaky-5xx" or "flaky-5xx.toml"), or nullopt.
std::optional<std::string> find_in_library(const std::string& name, const std::vector<std::string>& dirs);

// Up to `limit` names closest to `name` (edit distance, then name order), for "did you mean".
std::vector<std::string> closest_names(const std::string& name, const std::vector<LibraryEntry>& library,
                                       std::size_t limit = 3);

}  // namespace ebsmock::scenarios
