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

// ASCII case-insensitive equality (header names, resource types).
bool iequals(std::string_view a, std::string_view b);

// The first value of a header (case-insensitive name), or "" when absent. A reference
// into `headers` (or to a static empty string): copy it to keep it past `headers`.
const std::string& header_value(const HeaderList& headers, std::string_view name);

}  // namespace ebsmock::contracts
