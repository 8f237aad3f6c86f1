// record_credentials.cpp: see record_credentials.h.
#include "harness/record/record_credentials.h"

#include <cstdlib>

namespace ebsmock::harness::record {

std::optional<RecordCredentials> credentials_from_environment(
    const std::function<const char*(const char*)>& getenv) {
  auto get = [&](const char* name) -> std::string {
    const char* v = getenv ? getenv(name) : std::getenv(name);
    return v ? std::string(v) : std::string();
  };
  struct Spelling {
    const char* id;
    const char* secret;
    const char* token;
  };
  // Alibaba's own names win: a shell with both set is most likely one where the
  // ALIBABA_CLOUD_* pair was set on purpose for this tool.
  for (const Spelling& s : {Spelling{"ALIBABA_CLOUD_ACCESS_KEY_ID", "ALIBABA_CLOUD_ACCESS_KEY_SECRET",
                                     "ALIBABA_CLOUD_SECURITY_TOKEN"},
                            Spelling{"ALICLOUD_ACCESS_KEY", "ALICLOUD_SECRET_KEY", "ALICLOUD_SECURITY_TOKEN"}}) {
    RecordCredentials c{get(s.id), get(s.secret), get(s.token), s.id};
    if (!c.access_key_id.empty() && !c.access_key_secret.empty()) return c;
  }
  return std::nullopt;
}

}  // namespace ebsmock::harness::record
