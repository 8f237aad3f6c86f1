// names.cpp: candidate lists derived from contracts/, so they cannot drift from the model.
#include "scenarios/loader/names.h"

#include "contracts/error_catalogue.h"
#include "contracts/operation.h"
#include "contracts/status.h"

namespace ebsmock::scenarios::internal {

const std::vector<std::string_view>& status_names() {
  static const std::vector<std::string_view> names = [] {
    std::vector<std::string_view> out;
    for (contracts::Status s : contracts::kAllStatuses) out.push_back(to_string(s));
    return out;
  }();
  return names;
}

const std::vector<std::string_view>& operation_names() {
  static const std::vector<std::string_view> names = [] {
    std::vector<std::string_view> out;
    for (contracts::Operation op : contracts::kAllOperations) out.push_back(to_string(op));
    return out;
  }();
  return names;
}

const std::vector<std::string_view>& catalogue_codes() {
  static const std::vector<std::string_view> codes = [] {
    std::vector<std::string_view> out;
    for (const auto& e : contracts::builtin_errors()) out.push_back(e.code);
    return out;
  }();
  return codes;
}

}  // namespace ebsmock::scenarios::internal
