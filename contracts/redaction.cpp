// redaction.cpp: the secret names, and hiding them. Stateless.
#include "contracts/redaction.h"

#include <algorithm>
#include <iterator>

namespace ebsmock::contracts {

namespace {

constexpr std::string_view kSecretParameters[] = {"Signature", "SecurityToken", "AccessKeySecret",
                                                  "BearerToken"};

bool any_iequal(std::string_view name, std::initializer_list<std::string_view> names) {
  return std::any_of(names.begin(), names.end(), [&](std::string_view n) { return iequals(n, name); });
}

}  // namespace

bool is_secret_parameter(std::string_view name) {
  return std::find(std::begin(kSecretParameters), std::end(kSecretParameters), name) !=
         std::end(kSecretParameters);
}

bool is_secret_header(std::string_view name) {
  return any_iequal(name, {"authorization", "proxy-authorization", "x-acs-security-token",
                           "x-acs-bearer-token", "cookie", "set-cookie"});
}

bool is_secret_member(std::string_view name) {
  return any_iequal(name, {"Signature", "SecurityToken", "AccessKeySecret", "BearerToken",
                           "password", "credentials", "Authorization"});
}

Params redact(Params params) {
  for (auto name : kSecretParameters) {
    if (auto it = params.find(name); it != params.end()) it->second = std::string(kRedacted);
  }
  return params;
}

int strip_secret_members(nlohmann::json& value) {
  int removed = 0;
  if (value.is_object()) {
    for (auto it = value.begin(); it != value.end();) {
      if (is_secret_member(it.key())) {
        it = value.erase(it);
        ++removed;
      } else {
        removed += strip_secret_members(*it);
        ++it;
      }
    }
  } else if (value.is_array()) {
    for (auto& e : value) removed += strip_secret_members(e);
  }
  return removed;
}

}  // namespace ebsmock::contracts
