// api_schema.h: the request parameters of each operation (ebs-api.md §1.2-1.10,
// ebs-groups.md §4, §6-8) and their validation the way the real gateway does it: a missing
// required parameter is MissingParameter naming it; a bad enum value, bad number or bad
// ClientToken is InvalidParameter naming it; a few parameters have their own documented
// codes (MissingParameter.ResourceType 404, NumberExceed.ResourceIds, Duplicate.TagKey...).
// Also the small readers the model and the mock share (one parameter, a flag, a repeated
// parameter, the tags, the resources a call aims at; comma lists are text.h's split_csv).
// Immutable tables; thread-safe.
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
  // Starts with a letter (or a non-ASCII character); letters, digits and the characters of
  // name_punctuation only.
  bool name_charset = false;
  std::string_view name_punctuation = ":_.-";  // GroupName: ":_-" (no '.', §3.4)
  bool any_case = false;  // allowed_values match in any letter case (ResourceType, §9.7 #7)
  std::size_t max_items = 0;  // comma-separated list: at most this many items; 0 = unlimited
  // Codes replacing MissingParameter / InvalidParameter for this parameter (e.g.
  // MissingParameter.ResourceType, InvalidResourceType.NotFound); empty = the generic ones.
  std::string_view missing_code = {};
  std::string_view invalid_code = {};
};

// A repeated parameter: Tag.N.Key/Tag.N.Value, ResourceId.N, TagKey.N.
struct RepeatList {
  std::string_view prefix;  // "Tag", "ResourceId", "TagKey"
  int max_n = 20;           // largest N accepted
  bool required = false;    // at least one entry (MissingParameter "<prefix>.N")
  // Code for an N above max_n; empty = InvalidParameter naming the parameter.
  std::string_view exceed_code = {};
  bool unique = false;  // keys (Tag) or values (TagKey) must not repeat: Duplicate.TagKey
  // Tag lists: a Tag.N.Value without its Tag.N.Key answers this code; empty = allowed
  // (read_tags() then skips it).
  std::string_view value_without_key_code = {};
};

struct OperationSpec {
  Operation op;
  std::vector<ParamSpec> params;
  std::vector<RepeatList> repeat_lists;
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

// Collects Tag.N.Key / Tag.N.Value in N order (N = 1..20).
std::vector<std::pair<std::string, std::string>> read_tags(const Params& params);
// Collects <prefix>.N values in N order (N = 1..max_n), e.g. ResourceId.N, TagKey.N.
std::vector<std::string> read_list(const Params& params, std::string_view prefix, int max_n = 50);

// The value of `name`, or `fallback` when it is absent or sent empty (SDKs send unset
// strings as empty values).
std::string read_param(const Params& params, std::string_view name, std::string_view fallback = {});
// The value of `name` as a view into `params`; empty when absent.
std::string_view param_view(const Params& params, std::string_view name);
// A boolean parameter; `fallback` when absent, empty or malformed.
bool read_flag(const Params& params, std::string_view name, bool fallback);

// A resource a call aims at, read from the request (operation.h's target_params).
struct CallTarget {
  std::optional<ResourceKind> kind;  // nullopt: a ResourceType the model does not know
  std::string id;
  std::string_view param;  // the parameter it came from, e.g. "ReplicaGroupId"
};
// The resources `params` names for `op`, main target first; ResourceId.N in N order with
// the kind taken from ResourceType (any letter case). Parameters absent are left out. So a
// fault rule or the journal can say which pair or group a call aims at.
std::vector<CallTarget> call_targets(Operation op, const Params& params);

// The tag ResourceType names (ebs-groups.md §7): canonical lowercase spelling of `text`
// in any letter case ("DiskReplicaGroup" -> "diskreplicagroup"), or nullopt when it is not
// one of diskreplicapair, diskreplicagroup, dedicatedblockstoragecluster.
std::optional<std::string_view> canonical_resource_type(std::string_view text);
// Which model resource a canonical ResourceType names: Pair, Group, or nullopt for
// dedicatedblockstoragecluster (not modelled).
std::optional<ResourceKind> resource_kind_of_type(std::string_view canonical);

}  // namespace ebsmock::contracts
