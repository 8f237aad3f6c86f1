// api_schema.cpp: per-operation parameter tables (TEA/META; ebs-groups.md §4, §6-8), the
// validator and the shared parameter readers.
#include "contracts/api_schema.h"

#include <algorithm>
#include <charconv>
#include <stdexcept>

#include "contracts/text.h"

namespace ebsmock::contracts {
namespace {

using T = ParamType;

ParamSpec region() { return {.name = "RegionId", .required = true, .max_length = 64}; }
ParamSpec pair_id() { return {.name = "ReplicaPairId", .required = true, .max_length = 128}; }
ParamSpec client_token() {
  // "The token can contain only ASCII characters and cannot exceed 64 characters."
  return {.name = "ClientToken", .max_length = 64, .ascii_only = true};
}
ParamSpec pair_name() {
  // The documented character rule (name_charset) is not enforced: real SDK users and
  // the harness send free-form names, and the service's own enforcement is unverified.
  return {.name = "PairName", .max_length = 128, .min_length = 2, .no_http_prefix = true};
}
ParamSpec description() {
  return {.name = "Description", .max_length = 256, .min_length = 2, .no_http_prefix = true};
}

ParamSpec group_id() { return {.name = "ReplicaGroupId", .required = true, .max_length = 128}; }
ParamSpec group_name() {
  // ebs-groups.md §3.4: 2-128 characters, starts with a letter (META: or a Chinese
  // character), no http(s):// prefix, letters, digits, ':', '_', '-' ("." is not listed,
  // unlike PairName). Enforced, unlike PairName's charset.
  return {.name = "GroupName", .max_length = 128, .min_length = 2, .no_http_prefix = true,
          .name_charset = true, .name_punctuation = ":_-"};
}
ParamSpec rpo() { return {.name = "RPO", .type = ParamType::Long, .allowed_numbers = {900}}; }
ParamSpec paging_max_results() {
  return {.name = "MaxResults", .type = ParamType::Long, .min = 1, .max = 500};
}
ParamSpec page_number() { return {.name = "PageNumber", .type = ParamType::Integer, .min = 1}; }
ParamSpec page_size() {
  return {.name = "PageSize", .type = ParamType::Integer, .min = 1, .max = 100};
}
ParamSpec resource_type() {
  // ebs-groups.md §7: any letter case (Terraform sends DiskReplicaGroup); missing is
  // 404 MissingParameter.ResourceType, unknown 404 InvalidResourceType.NotFound.
  return {.name = "ResourceType",
          .required = true,
          .allowed_values = {"dedicatedblockstoragecluster", "diskreplicapair", "diskreplicagroup"},
          .any_case = true,
          .missing_code = codes::kMissingParameterResourceType,
          .invalid_code = codes::kInvalidResourceTypeNotFound};
}
RepeatList tags_up_to_20() { return {.prefix = "Tag", .max_n = 20}; }
RepeatList resource_ids(bool required) {
  return {.prefix = "ResourceId", .max_n = 50, .required = required,
          .exceed_code = codes::kNumberExceedResourceIds};
}

std::vector<OperationSpec> build_specs() {
  using O = Operation;
  std::vector<OperationSpec> specs;
  specs.push_back({O::CreateDiskReplicaPair,
                   {region(),
                    {.name = "SourceZoneId", .required = true},
                    {.name = "DiskId", .required = true},
                    {.name = "DestinationRegionId", .required = true},
                    {.name = "DestinationZoneId", .required = true},
                    {.name = "DestinationDiskId", .required = true},
                    pair_name(),
                    description(),
                    {.name = "ChargeType", .allowed_values = {"PREPAY", "POSTPAY"}},
                    {.name = "Period", .type = T::Long, .allowed_numbers = {1, 2, 3, 6, 12, 24, 36, 60}},
                    {.name = "PeriodUnit", .allowed_values = {"Month", "Week"}},
                    // TF validates 0 too (POSTPAY forces dynamic bandwidth 0).
                    {.name = "Bandwidth", .type = T::Long,
                     .allowed_numbers = {0, 10240, 20480, 51200, 102400}},
                    rpo(),
                    {.name = "ResourceGroupId"},
                    {.name = "EnableRtc", .type = T::Boolean},
                    client_token()},
                   {tags_up_to_20()}});
  specs.push_back({O::StartDiskReplicaPair,
                   {region(), pair_id(), {.name = "OneShot", .type = T::Boolean}, client_token()}});
  specs.push_back({O::StopDiskReplicaPair, {region(), pair_id(), client_token()}});
  specs.push_back({O::FailoverDiskReplicaPair, {region(), pair_id(), client_token()}});
  specs.push_back({O::ReprotectDiskReplicaPair,
                   {region(), pair_id(), {.name = "ReverseReplicate", .type = T::Boolean},
                    client_token()}});
  specs.push_back({O::DeleteDiskReplicaPair, {region(), pair_id(), client_token()}});
  specs.push_back({O::ModifyDiskReplicaPair,
                   {region(), pair_id(), pair_name(), description(),
                    {.name = "Bandwidth", .type = T::Long,
                     .allowed_numbers = {0, 10240, 20480, 51200, 102400}},
                    rpo(),
                    {.name = "EnableRtc", .type = T::Boolean},
                    client_token()}});
  specs.push_back({O::DescribeDiskReplicaPairs,
                   {region(),
                    {.name = "PairIds", .max_length = 100 * 130, .max_items = 100},
                    {.name = "Site", .allowed_values = {"production", "backup"}},
                    {.name = "ReplicaGroupId"},
                    {.name = "ResourceGroupId"},
                    {.name = "Name"},
                    paging_max_results(),
                    {.name = "NextToken"},
                    page_number(),
                    page_size()},
                   {tags_up_to_20()}});
  specs.push_back({O::DescribeDiskReplicaPairProgress, {region(), pair_id()}});

  // Groups (ebs-groups.md §4).
  specs.push_back({O::CreateDiskReplicaGroup,
                   {region(),
                    {.name = "SourceZoneId", .required = true},
                    {.name = "DestinationRegionId", .required = true},
                    {.name = "DestinationZoneId", .required = true},
                    group_name(),
                    description(),
                    rpo(),
                    // "Not publicly available"; the unit is disputed (§10 #3): any number >= 0.
                    {.name = "Bandwidth", .type = T::Long, .min = 0},
                    {.name = "EnableRtc", .type = T::Boolean},
                    {.name = "ResourceGroupId"},
                    client_token()},
                   {tags_up_to_20()}});
  specs.push_back({O::DeleteDiskReplicaGroup, {region(), group_id(), client_token()}});
  specs.push_back({O::ModifyDiskReplicaGroup,
                   {region(), group_id(), group_name(), description(), rpo(),
                    {.name = "Bandwidth", .type = T::Long, .min = 0},
                    {.name = "EnableRtc", .type = T::Boolean}, client_token()}});
  specs.push_back({O::DescribeDiskReplicaGroups,
                   {region(),
                    {.name = "GroupIds", .max_length = 100 * 130, .max_items = 100},
                    {.name = "Site", .allowed_values = {"production", "backup"}},
                    {.name = "Name"},
                    {.name = "ResourceGroupId"},
                    paging_max_results(),
                    {.name = "NextToken"},
                    page_number(),
                    page_size()},
                   {tags_up_to_20()}});
  specs.push_back({O::StartDiskReplicaGroup,
                   {region(), group_id(), {.name = "OneShot", .type = T::Boolean}, client_token()}});
  specs.push_back({O::StopDiskReplicaGroup, {region(), group_id(), client_token()}});
  specs.push_back({O::FailoverDiskReplicaGroup, {region(), group_id(), client_token()}});
  specs.push_back({O::ReprotectDiskReplicaGroup,
                   {region(), group_id(), {.name = "ReverseReplicate", .type = T::Boolean},
                    client_token()}});
  specs.push_back({O::AddDiskReplicaPair, {region(), group_id(), pair_id(), client_token()}});
  specs.push_back({O::RemoveDiskReplicaPair, {region(), group_id(), pair_id(), client_token()}});

  // Drills (ebs-groups.md §6): PairId/GroupId, not ReplicaPairId/ReplicaGroupId.
  const ParamSpec drill_pair{.name = "PairId", .required = true, .max_length = 128};
  const ParamSpec drill_group{.name = "GroupId", .required = true, .max_length = 128};
  const ParamSpec drill_filter{.name = "DrillId", .max_length = 128};
  const ParamSpec drill_id{.name = "DrillId", .required = true, .max_length = 128};
  specs.push_back({O::StartPairDrill, {region(), drill_pair, client_token()}});
  specs.push_back({O::DescribePairDrills,
                   {region(), drill_pair, drill_filter, paging_max_results(), {.name = "NextToken"},
                    page_number(), page_size()}});
  specs.push_back({O::ClearPairDrill, {region(), drill_pair, drill_id}});
  specs.push_back({O::StartReplicaGroupDrill, {region(), drill_group, client_token()}});
  specs.push_back({O::DescribeReplicaGroupDrills,
                   {region(), drill_group, drill_filter,
                    // int32 here (long for pairs, §6.7); same range.
                    {.name = "MaxResults", .type = T::Integer, .min = 1, .max = 500},
                    {.name = "NextToken"}, page_number(), page_size()}});
  specs.push_back({O::ClearReplicaGroupDrill, {region(), drill_group, drill_id}});

  // Tags and resource groups (ebs-groups.md §7).
  specs.push_back({O::TagResources,
                   {region(), resource_type(), client_token()},
                   {resource_ids(true),
                    {.prefix = "Tag", .max_n = 20, .required = true,
                     .exceed_code = codes::kNumberExceedTags, .unique = true}}});
  specs.push_back({O::UntagResources,
                   {region(), resource_type(), {.name = "All", .type = T::Boolean}, client_token()},
                   {resource_ids(true),
                    {.prefix = "TagKey", .max_n = 20, .exceed_code = codes::kNumberExceedTags,
                     .unique = true}}});
  specs.push_back({O::ListTagResources,
                   {region(), resource_type(), {.name = "NextToken"}, client_token()},
                   {resource_ids(false),
                    {.prefix = "Tag", .max_n = 20,
                     .value_without_key_code = codes::kInvalidParameterTagValue}}});
  specs.push_back({O::ChangeResourceGroup,
                   {region(), resource_type(),
                    {.name = "ResourceId", .required = true, .max_length = 128},
                    {.name = "NewResourceGroupId", .required = true,
                     .missing_code = codes::kMissingParameterResourceGroup},
                    client_token()}});

  // Lookups (ebs-groups.md §8).
  specs.push_back({O::DescribeRegions,
                   {{.name = "RegionId", .max_length = 64},
                    {.name = "ResourceType", .allowed_values = {"ear", "lens", "dbsc"}},
                    {.name = "AcceptLanguage", .allowed_values = {"zh-CN", "en-US", "ja"}}}});
  specs.push_back({O::ListReplicaEdgeSupported,
                   {region(),
                    {.name = "Azone", .required = true, .max_length = 64},
                    {.name = "NextToken"},
                    {.name = "MaxResults", .type = T::Integer, .min = 1, .max = 500}}});
  return specs;
}

bool starts_with_http(std::string_view v) {
  return v.starts_with("http://") || v.starts_with("https://");
}

// Counts UTF-8 code points: the documented length limits are in characters.
std::size_t char_length(std::string_view v) {
  return static_cast<std::size_t>(
      std::count_if(v.begin(), v.end(), [](char c) { return (c & 0xC0) != 0x80; }));
}

std::optional<ApiError> check_value(const ParamSpec& spec, std::string_view value,
                                    const ErrorCatalogue& errors) {
  auto invalid = [&] {
    return spec.invalid_code.empty() ? errors.make(codes::kInvalidParameter, spec.name)
                                     : errors.make(spec.invalid_code, spec.name);
  };
  switch (spec.type) {
    case T::Boolean:
      if (!parse_bool(value)) return invalid();
      return std::nullopt;
    case T::Long:
    case T::Integer: {
      auto n = parse_int(value);
      if (!n) return invalid();
      if (spec.type == T::Integer && (*n > INT32_MAX || *n < INT32_MIN)) return invalid();
      if (spec.min && *n < *spec.min) return invalid();
      if (spec.max && *n > *spec.max) return invalid();
      if (!spec.allowed_numbers.empty() &&
          std::find(spec.allowed_numbers.begin(), spec.allowed_numbers.end(), *n) ==
              spec.allowed_numbers.end()) {
        return invalid();
      }
      return std::nullopt;
    }
    case T::String:
      break;
  }
  if (spec.ascii_only &&
      std::any_of(value.begin(), value.end(), [](char c) { return (c & 0x80) != 0; })) {
    return invalid();
  }
  std::size_t len = char_length(value);
  if (spec.max_length != 0 && len > spec.max_length) return invalid();
  if (spec.min_length != 0 && len < spec.min_length) return invalid();
  if (spec.no_http_prefix && starts_with_http(value)) return invalid();
  if (spec.name_charset) {
    // TEA: "must start with a letter ... may contain letters, digits, ':' '_' '.' '-'";
    // the Chinese META also allows Chinese characters, so any non-ASCII character counts
    // as a letter.
    auto letter = [](unsigned char c) { return std::isalpha(c) || c >= 0x80; };
    if (value.empty() || !letter(static_cast<unsigned char>(value[0]))) return invalid();
    for (unsigned char c : value) {
      if (!letter(c) && !std::isdigit(c) && spec.name_punctuation.find(static_cast<char>(c)) == std::string_view::npos) {
        return invalid();
      }
    }
  }
  if (spec.max_items != 0 && split_csv_views(value).size() > spec.max_items) return invalid();
  if (!spec.allowed_values.empty() &&
      std::none_of(spec.allowed_values.begin(), spec.allowed_values.end(), [&](std::string_view a) {
        return spec.any_case ? iequals(a, value) : a == value;
      })) {
    return invalid();
  }
  return std::nullopt;
}

}  // namespace

const OperationSpec& spec_for(Operation op) {
  static const std::vector<OperationSpec> kSpecs = build_specs();
  for (const auto& s : kSpecs) {
    if (s.op == op) return s;
  }
  throw std::logic_error("no parameter spec for operation");
}

bool is_protocol_parameter(std::string_view name) {
  static constexpr std::string_view kNames[] = {
      "Action",         "Version",         "Format",    "AccessKeyId", "Signature",
      "SignatureMethod", "SignatureVersion", "SignatureNonce", "SignatureType", "Timestamp",
      "SecurityToken",  "BearerToken",     "SourceIp",  "SecureTransport", "RequestId"};
  return std::find(std::begin(kNames), std::end(kNames), name) != std::end(kNames);
}

std::optional<bool> parse_bool(std::string_view text) {
  if (iequals(text, "true")) return true;
  if (iequals(text, "false")) return false;
  return std::nullopt;
}

std::optional<std::int64_t> parse_int(std::string_view text) {
  if (text.empty()) return std::nullopt;
  std::int64_t value = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || ptr != text.data() + text.size()) return std::nullopt;
  return value;
}

namespace {

// One entry of a repeat list: Tag.3.Key -> {3, "Key"}; ResourceId.2 -> {2, ""}.
struct RepeatEntry {
  std::string_view name;
  std::optional<std::int64_t> index;
  std::string_view field;
  std::string_view value;
};

std::vector<RepeatEntry> entries_of(const RepeatList& list, const Params& params) {
  std::vector<RepeatEntry> out;
  const std::string start = std::string(list.prefix) + ".";
  // Params is ordered by name, so every "<prefix>." name is in one range.
  for (auto it = params.lower_bound(start); it != params.end() && it->first.starts_with(start); ++it) {
    std::string_view rest = std::string_view(it->first).substr(start.size());
    auto dot = rest.find('.');
    RepeatEntry e{it->first, parse_int(rest.substr(0, dot)), {}, it->second};
    if (dot != std::string_view::npos) e.field = rest.substr(dot + 1);
    out.push_back(e);
  }
  return out;
}

bool is_tag_list(const RepeatList& list) { return list.prefix == "Tag"; }

// An entry that counts for `required`: a key for Tag lists, any value otherwise.
bool counts(const RepeatList& list, const RepeatEntry& e) {
  return is_tag_list(list) ? e.field == "Key" : e.field.empty();
}

std::optional<ApiError> check_repeat_list(const RepeatList& list, const Params& params,
                                          const ErrorCatalogue& errors) {
  const auto entries = entries_of(list, params);
  std::vector<std::string_view> seen;  // Tag keys or list values, for `unique`
  for (const auto& e : entries) {
    if (!e.index || *e.index < 1) return errors.make(codes::kInvalidParameter, e.name);
    // Other sub-fields (Tag.1.Foo, ResourceId.1.x) and empty list values are not ours to
    // judge: ignored, as unknown parameters are.
    if (is_tag_list(list) ? e.field != "Key" && e.field != "Value"
                          : !e.field.empty() || e.value.empty()) {
      continue;
    }
    if (*e.index > list.max_n) {
      return list.exceed_code.empty() ? errors.make(codes::kInvalidParameter, e.name)
                                      : errors.make(list.exceed_code);
    }
    if (is_tag_list(list)) {
      // TEA: key 1-128 characters, not starting with aliyun/acs:/http(s)://; value up to
      // 128, not starting with acs:.
      if (e.field == "Key" && (e.value.empty() || char_length(e.value) > 128 ||
                               starts_with_http(e.value) || e.value.starts_with("acs:") ||
                               e.value.starts_with("aliyun"))) {
        return errors.make(codes::kInvalidParameter, e.name);
      }
      if (e.field == "Value" && (char_length(e.value) > 128 || e.value.starts_with("acs:"))) {
        return errors.make(codes::kInvalidParameter, e.name);
      }
      if (e.field == "Value" && !list.value_without_key_code.empty()) {
        const std::string key = std::string(list.prefix) + "." + std::to_string(*e.index) + ".Key";
        if (!params.contains(key)) return errors.make(list.value_without_key_code, e.name);
      }
    }
    if (list.unique && counts(list, e)) {
      if (std::find(seen.begin(), seen.end(), e.value) != seen.end()) {
        return errors.make(codes::kDuplicateTagKey);
      }
      seen.push_back(e.value);
    }
  }
  return std::nullopt;
}

}  // namespace

std::optional<ApiError> validate_params(Operation op, const Params& params,
                                        const ErrorCatalogue& errors) {
  const OperationSpec& spec = spec_for(op);
  // The gateway decodes parameters as UTF-8 text; bytes that are not UTF-8 are refused
  // rather than stored (they would poison every later JSON answer that echoes them).
  for (const auto& [name, value] : params) {
    if (!is_valid_utf8(value)) return errors.make(codes::kInvalidParameter, is_valid_utf8(name) ? name : "(name)");
  }
  // Required parameters first, in spec order, as the gateway does; then required lists.
  for (const auto& p : spec.params) {
    if (!p.required) continue;
    auto it = params.find(p.name);
    if (it == params.end() || it->second.empty()) {
      return p.missing_code.empty() ? errors.make(codes::kMissingParameter, p.name)
                                    : errors.make(p.missing_code, p.name);
    }
  }
  for (const auto& list : spec.repeat_lists) {
    if (!list.required) continue;
    const auto entries = entries_of(list, params);
    if (std::none_of(entries.begin(), entries.end(),
                     [&](const RepeatEntry& e) { return counts(list, e) && !e.value.empty(); })) {
      return errors.make(codes::kMissingParameter, std::string(list.prefix) + ".N");
    }
  }
  for (const auto& p : spec.params) {
    auto it = params.find(p.name);
    if (it == params.end()) continue;
    // Empty optional values are sent by SDKs for unset strings; treat as absent.
    if (it->second.empty() && !p.required) continue;
    if (auto err = check_value(p, it->second, errors)) return err;
  }
  for (const auto& list : spec.repeat_lists) {
    if (auto err = check_repeat_list(list, params, errors)) return err;
  }
  return std::nullopt;
}

std::vector<std::pair<std::string, std::string>> read_tags(const Params& params) {
  std::vector<std::pair<std::string, std::string>> tags;
  // Most calls carry no tag filter: one ordered look-up instead of forty.
  if (auto first = params.lower_bound(std::string_view("Tag."));
      first == params.end() || !first->first.starts_with("Tag.")) {
    return tags;
  }
  for (int n = 1; n <= 20; ++n) {
    std::string base = "Tag." + std::to_string(n) + ".";
    auto k = params.find(base + "Key");
    if (k == params.end()) continue;
    auto v = params.find(base + "Value");
    tags.emplace_back(k->second, v == params.end() ? "" : v->second);
  }
  return tags;
}

std::vector<std::string> read_list(const Params& params, std::string_view prefix, int max_n) {
  std::vector<std::string> out;
  // Absent lists (the usual case) cost one ordered look-up instead of max_n.
  const std::string dotted = std::string(prefix) + '.';
  if (auto first = params.lower_bound(std::string_view(dotted));
      first == params.end() || !first->first.starts_with(dotted)) {
    return out;
  }
  for (int n = 1; n <= max_n; ++n) {
    auto it = params.find(std::string(prefix) + "." + std::to_string(n));
    if (it != params.end() && !it->second.empty()) out.push_back(it->second);
  }
  return out;
}

std::string read_param(const Params& params, std::string_view name, std::string_view fallback) {
  auto it = params.find(name);
  if (it == params.end() || it->second.empty()) return std::string(fallback);
  return it->second;
}

std::string_view param_view(const Params& params, std::string_view name) {
  auto it = params.find(name);
  return it == params.end() ? std::string_view() : std::string_view(it->second);
}

bool read_flag(const Params& params, std::string_view name, bool fallback) {
  auto it = params.find(name);
  if (it == params.end() || it->second.empty()) return fallback;
  return parse_bool(it->second).value_or(fallback);
}

std::optional<std::string_view> canonical_resource_type(std::string_view text) {
  static constexpr std::string_view kTypes[] = {"diskreplicapair", "diskreplicagroup",
                                                "dedicatedblockstoragecluster"};
  for (std::string_view t : kTypes) {
    if (iequals(t, text)) return t;
  }
  return std::nullopt;
}

std::optional<ResourceKind> resource_kind_of_type(std::string_view canonical) {
  if (canonical == "diskreplicapair") return ResourceKind::Pair;
  if (canonical == "diskreplicagroup") return ResourceKind::Group;
  return std::nullopt;
}

std::vector<CallTarget> call_targets(Operation op, const Params& params) {
  std::vector<CallTarget> out;
  std::optional<ResourceKind> typed;
  if (auto type = canonical_resource_type(read_param(params, "ResourceType"))) {
    typed = resource_kind_of_type(*type);
  }
  for (const TargetParam& t : target_params(op)) {
    auto kind = t.kind ? t.kind : typed;
    if (t.repeated) {
      for (auto& id : read_list(params, t.name, 50)) out.push_back({kind, std::move(id), t.name});
    } else if (auto id = read_param(params, t.name); !id.empty()) {
      out.push_back({kind, std::move(id), t.name});
    }
  }
  return out;
}

}  // namespace ebsmock::contracts
