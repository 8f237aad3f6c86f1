// temp_path.h: file names in the system's temporary directory (TMPDIR, else /tmp) that
// no other test process uses: the process id is part of each name, so suites running
// side by side under ctest -j never write each other's files. Names only; nothing is
// created or removed. Thread-safe (pure).
#pragma once

#include <unistd.h>

#include <filesystem>
#include <string>
#include <string_view>

namespace ebsmock::testing {

// <temp dir>/ebsmock-<kind>-<pid>-<name>, e.g. unique_temp_path("paced", "world.toml").
inline std::string unique_temp_path(std::string_view kind, const std::string& name) {
  return (std::filesystem::temp_directory_path() /
          ("ebsmock-" + std::string(kind) + "-" + std::to_string(::getpid()) + "-" + name))
      .string();
}

}  // namespace ebsmock::testing
