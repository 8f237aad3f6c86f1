// api_schema.h: the request parameters of each operation (ebs-api.md §1.2-1.10) and their
// validation the way the real gateway does it: a missing required parameter is
// MissingParameter naming it; a bad enum value, bad number or bad ClientToken is
// InvalidParameter. Immutable tables; thread-safe.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "contracts/error_catalogue.h"
#include "contracts/operation.h"
#include "contracts/wire.h"

namespace ebsmock::contracts {

enum class ParamType { String, Long, Integer, Boolean };

struct ParamSpec {
  std::string_view name;
  ParamType type = ParamType::String;
  bool required = false;
  std::vector<std::string_view> allowed_values;   // enum (exact match), empty = any
  std::vector<std::int64_t> allowed_numbers;      // e.g. Bandwidth, empty = any
  std::optional<std::int64_t> min, max;           // numeric range
  std::size_t max_length = 0;                     // 0 = unlimited
  std::size_t min_length = 0;
  bool ascii_only = false;
  bool no_http_prefix = false;                    // must not start with http:// or https://
  bool name_charset = false;  // starts with a letter; letters, digits, ':' '_' '.' '-' only
};

struct OperationSpec {
  Operation op;
  std::vector<ParamSpec> params;
  // Repeat-list prefixes accepted (e.g. "Tag" for Tag.N.Key/Tag.N.Value), with max N.
  std::vector<std::pair<std::string_view, int>> repeat_lists;
};

const OperationSpec& spec_for(Operation op);

// Parameters that belong to the RPC protocol/signature rather than to the API: they are
// never part of the idempotence comparison nor validated per operation.
bool is_protocol_parameter(std::string_view name);

// Validates `params` for `op`. Returns the first error in the spec's parameter order.
std::optional<ApiError> validate_params(Operation op, const Params& params,
                                        const ErrorCatalogue& errors);

// Reads an SDK boolean ("true"/"false", case-insensitive). nullopt when malformed.
std::optional<bool> parse_bool(std::string_view text);
std::optional<std::int64_t> parse_int(std::string_view text);

// Collects Tag.N.Key / Tag.N.Value in N order.
std::vector<std::pair<std::string, std::string>> read_tags(const Params& params);

}  // namespace ebsmock::contracts
