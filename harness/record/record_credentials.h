// record_credentials.h: the real credentials `ebsmock record` re-signs with, read from the
// environment the way Alibaba's tools read them: ALIBABA_CLOUD_ACCESS_KEY_ID /
// ALIBABA_CLOUD_ACCESS_KEY_SECRET / ALIBABA_CLOUD_SECURITY_TOKEN first, then Terraform's
// ALICLOUD_ACCESS_KEY / ALICLOUD_SECRET_KEY / ALICLOUD_SECURITY_TOKEN (traces.md §5.3).
// Plain value and a pure lookup over a passed-in getter; thread-safe.
#pragma once

#include <functional>
#include <optional>
#include <string>

namespace ebsmock::harness::record {

struct RecordCredentials {
  std::string access_key_id;
  std::string access_key_secret;  // never printed, never traced
  std::string security_token;     // "" when none; never printed, never traced
  std::string source;             // which spelling supplied them, for the banner
};

// nullopt when neither spelling supplies both the id and the secret. `getenv` returns
// nullptr for an unset variable (std::getenv by default).
std::optional<RecordCredentials> credentials_from_environment(
    const std::function<const char*(const char*)>& getenv = {});

}  // namespace ebsmock::harness::record
