// percent_encoding.h: the RFC 3986 encoding Alibaba's signatures are computed over
// ("pe()" in sdk-wire.md §5), and the decoding of what SDKs actually put on the wire
// (Node querystring leaves * ! ( ) ~ literal; '+' means space in forms).
// Pure functions; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "contracts/wire.h"

namespace ebsmock::contracts {

// Only A-Z a-z 0-9 - _ . ~ stay literal; every other byte becomes %XY (upper-case hex).
// Space is %20, never '+'.
std::string percent_encode(std::string_view raw);
// The same, appended to `out` (no temporary string).
void append_percent_encoded(std::string& out, std::string_view raw);

// Decodes %XY escapes (either case). With `plus_is_space`, '+' decodes to ' '.
// nullopt when an escape is malformed (a '%' not followed by two hex digits).
std::optional<std::string> percent_decode(std::string_view encoded, bool plus_is_space);

// Splits "a=1&b=&c" into decoded pairs ('+' = space). Empty segments are skipped; a
// segment without '=' has an empty value. nullopt on malformed percent-encoding.
std::optional<ParamList> parse_urlencoded(std::string_view text);

// pe(name)=pe(value) joined by '&', in the order given: the wire form of a query string
// or form body (signatures are computed over decoded values, so any order is fine).
std::string encode_params(const ParamList& params);

// pe(name)=pe(value) joined by '&', sorted by the RAW name in byte order (what the SDKs
// do, sdk-wire.md §8.9; identical to sorting encoded names for every name an EBS request
// carries), stable so a repeated name keeps its wire order; parameters named `skip` left
// out. The canonical query of both signature versions.
std::string sorted_encoded_query(const ParamList& params, std::string_view skip = {});
// The same, appended to `out`.
void append_sorted_encoded_query(std::string& out, const ParamList& params, std::string_view skip = {});

}  // namespace ebsmock::contracts
