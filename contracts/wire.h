// wire.h: the vocabulary of an RPC request as it crosses the wire, used by every layer:
// decoded parameters by name and in wire order, headers as received, and the one
// case-insensitive header lookup. Plain types and pure functions; thread-safe.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ebsmock::contracts {

// Decoded request parameters (query and form body merged), by exact name.
using Params = std::map<std::string, std::string, std::less<>>;

// One decoded name/value pair of a query string or form body, in wire order.
using ParamList = std::vector<std::pair<std::string, std::string>>;

// Header name (any case) and value, as received; a name may repeat.
using HeaderList = std::vector<std::pair<std::string, std::string>>;

// ASCII lower case: header names, enum values and booleans are ASCII tokens, and
// std::tolower is a locale-dependent library call per character.
constexpr char ascii_lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

// ASCII case-insensitive equality (header names, resource types, enum values). Inline:
// every request compares a few dozen header names, most of them against a name of
// another length.
constexpr bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (a[i] != b[i] && ascii_lower(a[i]) != ascii_lower(b[i])) return false;
  }
  return true;
}

// The first value of a header (case-insensitive name), or "" when absent. A reference
// into `headers` (or to a static empty string): copy it to keep it past `headers`.
const std::string& header_value(const HeaderList& headers, std::string_view name);

}  // namespace ebsmock::contracts
