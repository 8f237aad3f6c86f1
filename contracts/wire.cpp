// wire.cpp: see wire.h.
#include "contracts/wire.h"

#include <algorithm>
#include <cctype>

namespace ebsmock::contracts {

namespace {
// ASCII only, inline: std::tolower is a locale-dependent library call per character, and
// every request compares a few dozen header names.
constexpr char ascii_lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }
}  // namespace

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (a[i] != b[i] && ascii_lower(a[i]) != ascii_lower(b[i])) return false;
  }
  return true;
}

const std::string& header_value(const HeaderList& headers, std::string_view name) {
  static const std::string kAbsent;
  for (const auto& [k, v] : headers) {
    if (iequals(k, name)) return v;
  }
  return kAbsent;
}

}  // namespace ebsmock::contracts
