// names.cpp: candidate lists derived from contracts/, so they cannot drift from the model.
// Thread-safe: each list is a magic static.
#include "scenarios/loader/names.h"

#include "contracts/error_catalogue.h"
#include "contracts/operation.h"
#include "contracts/status.h"

namespace ebsmock::scenarios::internal {
namespace {

template <class Range, class Name>
std::vector<std::string_view> names_of(const Range& range, Name name) {
  std::vector<std::string_view> out;
  for (const auto& item : range) out.push_back(name(item));
  return out;
}

}  // namespace

const std::vector<std::string_view>& status_names() {
  static const auto names =
      names_of(contracts::kAllStatuses, [](contracts::Status s) { return to_string(s); });
  return names;
}

const std::vector<std::string_view>& drill_status_names() {
  static const auto names =
      names_of(contracts::kDrillStatuses, [](contracts::Status s) { return to_string(s); });
  return names;
}

const std::vector<std::string_view>& any_status_names() {
  static const auto names = [] {
    std::vector<std::string_view> all = status_names();
    all.insert(all.end(), drill_status_names().begin(), drill_status_names().end());
    return all;
  }();
  return names;
}

const std::vector<std::string_view>& operation_names() {
  static const auto names =
      names_of(contracts::kAllOperations, [](contracts::Operation op) { return to_string(op); });
  return names;
}

const std::vector<std::string_view>& catalogue_codes() {
  static const auto codes =
      names_of(contracts::builtin_errors(), [](const contracts::ErrorDef& e) { return e.code; });
  return codes;
}

}  // namespace ebsmock::scenarios::internal
