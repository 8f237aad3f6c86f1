// process_mappings.h: a process's memory mappings as /proc/PID/smaps lists them: each
// range with its transparent huge pages (AnonHugePages) and its VmFlags ("hg" = advised
// MADV_HUGEPAGE, "nh" = MADV_NOHUGEPAGE). Test-only and header-only; reentrant.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <fstream>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

namespace ebsmock::testing {

struct Mapping {
  std::uintptr_t from = 0;
  std::uintptr_t to = 0;  // one past the end
  long anon_huge_kib = 0;
  std::string vm_flags;  // the flags alone, space-separated: "rd wr mr mw me ac"

  bool has_flag(std::string_view flag) const {
    std::istringstream words(vm_flags);
    for (std::string word; words >> word;) {
      if (word == flag) return true;
    }
    return false;
  }
  bool holds(const void* address) const {
    const auto at = reinterpret_cast<std::uintptr_t>(address);
    return from <= at && at < to;
  }
};

// Every mapping of `pid` (0: this process), in address order.
inline std::vector<Mapping> mappings_of(pid_t pid = 0) {
  std::ifstream smaps(pid == 0 ? std::string("/proc/self/smaps") : "/proc/" + std::to_string(pid) + "/smaps");
  std::vector<Mapping> out;
  for (std::string line; std::getline(smaps, line);) {
    std::istringstream fields(line);
    std::uintptr_t from = 0, to = 0;
    char dash = 0;
    if (fields >> std::hex >> from >> dash >> to && dash == '-') {
      out.push_back(Mapping{.from = from, .to = to});
    } else if (out.empty()) {
      continue;
    } else if (line.rfind("AnonHugePages:", 0) == 0) {
      out.back().anon_huge_kib = std::stol(line.substr(line.find_first_of("0123456789")));
    } else if (line.rfind("VmFlags:", 0) == 0) {
      out.back().vm_flags = line.substr(sizeof "VmFlags:" - 1);
    }
  }
  return out;
}

}  // namespace ebsmock::testing
