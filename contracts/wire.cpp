// wire.cpp: see wire.h.
#include "contracts/wire.h"

namespace ebsmock::contracts {

const std::string& header_value(const HeaderList& headers, std::string_view name) {
  static const std::string kAbsent;
  for (const auto& [k, v] : headers) {
    if (iequals(k, name)) return v;
  }
  return kAbsent;
}

}  // namespace ebsmock::contracts
