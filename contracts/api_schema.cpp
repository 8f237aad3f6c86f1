// api_schema.cpp: per-operation parameter tables (TEA/META) and the validator.
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
                    {.name = "RPO", .type = T::Long, .allowed_numbers = {900}},
                    {.name = "ResourceGroupId"},
                    {.name = "EnableRtc", .type = T::Boolean},
                    client_token()},
                   {{"Tag", 20}}});
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
                    {.name = "RPO", .type = T::Long, .allowed_numbers = {900}},
                    {.name = "EnableRtc", .type = T::Boolean},
                    client_token()}});
  specs.push_back({O::DescribeDiskReplicaPairs,
                   {region(),
                    {.name = "PairIds", .max_length = 100 * 130},
                    {.name = "Site", .allowed_values = {"production", "backup"}},
                    {.name = "ReplicaGroupId"},
                    {.name = "ResourceGroupId"},
                    {.name = "Name"},
                    {.name = "MaxResults", .type = T::Long, .min = 1, .max = 500},
                    {.name = "NextToken"},
                    {.name = "PageNumber", .type = T::Integer, .min = 1},
                    {.name = "PageSize", .type = T::Integer, .min = 1, .max = 100}},
                   {{"Tag", 20}}});
  specs.push_back({O::DescribeDiskReplicaPairProgress, {region(), pair_id()}});
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
  auto invalid = [&] { return errors.make(codes::kInvalidParameter, spec.name); };
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
      if (!letter(c) && !std::isdigit(c) && c != ':' && c != '_' && c != '.' && c != '-') return invalid();
    }
  }
  if (!spec.allowed_values.empty() &&
      std::find(spec.allowed_values.begin(), spec.allowed_values.end(), value) ==
          spec.allowed_values.end()) {
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
  auto lower = [](std::string_view s) {
    std::string out(s);
    for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
  };
  std::string l = lower(text);
  if (l == "true") return true;
  if (l == "false") return false;
  return std::nullopt;
}

std::optional<std::int64_t> parse_int(std::string_view text) {
  if (text.empty()) return std::nullopt;
  std::int64_t value = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || ptr != text.data() + text.size()) return std::nullopt;
  return value;
}

std::optional<ApiError> validate_params(Operation op, const Params& params,
                                        const ErrorCatalogue& errors) {
  const OperationSpec& spec = spec_for(op);
  // The gateway decodes parameters as UTF-8 text; bytes that are not UTF-8 are refused
  // rather than stored (they would poison every later JSON answer that echoes them).
  for (const auto& [name, value] : params) {
    if (!is_valid_utf8(value)) return errors.make(codes::kInvalidParameter, is_valid_utf8(name) ? name : "(name)");
  }
  // Required parameters first, in spec order, as the gateway does.
  for (const auto& p : spec.params) {
    if (!p.required) continue;
    auto it = params.find(p.name);
    if (it == params.end() || it->second.empty()) {
      return errors.make(codes::kMissingParameter, p.name);
    }
  }
  for (const auto& p : spec.params) {
    auto it = params.find(p.name);
    if (it == params.end()) continue;
    // Empty optional values are sent by SDKs for unset strings; treat as absent.
    if (it->second.empty() && !p.required) continue;
    if (auto err = check_value(p, it->second, errors)) return err;
  }
  for (const auto& [prefix, max_n] : spec.repeat_lists) {
    for (const auto& [name, value] : params) {
      std::string_view n = name;
      if (!n.starts_with(prefix) || n.size() <= prefix.size() || n[prefix.size()] != '.') continue;
      std::string_view rest = n.substr(prefix.size() + 1);
      auto dot = rest.find('.');
      auto index = parse_int(rest.substr(0, dot));
      if (!index || *index < 1 || *index > max_n) {
        return errors.make(codes::kInvalidParameter, name);
      }
      if (prefix == "Tag" && dot != std::string_view::npos) {
        std::string_view field = rest.substr(dot + 1);
        if (field == "Key" && (value.empty() || char_length(value) > 128 ||
                               starts_with_http(value) || std::string_view(value).starts_with("acs:") ||
                               std::string_view(value).starts_with("aliyun"))) {
          return errors.make(codes::kInvalidParameter, name);
        }
        if (field == "Value" &&
            (char_length(value) > 128 || std::string_view(value).starts_with("acs:"))) {
          return errors.make(codes::kInvalidParameter, name);
        }
      }
    }
  }
  return std::nullopt;
}

std::vector<std::pair<std::string, std::string>> read_tags(const Params& params) {
  std::vector<std::pair<std::string, std::string>> tags;
  for (int n = 1; n <= 20; ++n) {
    std::string base = "Tag." + std::to_string(n) + ".";
    auto k = params.find(base + "Key");
    if (k == params.end()) continue;
    auto v = params.find(base + "Value");
    tags.emplace_back(k->second, v == params.end() ? "" : v->second);
  }
  return tags;
}

}  // namespace ebsmock::contracts
