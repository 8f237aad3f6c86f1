// request_signing.cpp: see request_signing.h.
#include "harness/client/request_signing.h"

#include <stdexcept>

namespace ebsmock::harness {

std::string v3_sign(const contracts::V3Request& request, std::string_view algorithm,
                    std::string_view access_key_id, std::string_view access_key_secret,
                    const std::function<std::string(std::string)>& rewrite_canonical) {
  std::vector<std::string> signed_headers = contracts::v3_headers_to_sign(request.headers);
  std::string canonical = contracts::v3_canonical_request(request, signed_headers);
  if (rewrite_canonical) canonical = rewrite_canonical(std::move(canonical));
  std::string string_to_sign = contracts::v3_string_to_sign(algorithm, canonical);
  auto signature = contracts::v3_signature(algorithm, access_key_secret, string_to_sign);
  if (!signature) throw std::invalid_argument("unknown V3 signature algorithm " + std::string(algorithm));
  return contracts::v3_authorization(algorithm, access_key_id, signed_headers, *signature);
}

}  // namespace ebsmock::harness
