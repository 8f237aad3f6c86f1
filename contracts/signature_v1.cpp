// signature_v1.cpp: the classic RPC HMAC-SHA1 signature (ebs-api.md §5.4; sdk-wire.md §5
// "v1"). Pure functions; thread-safe.
#include "contracts/signature_v1.h"

#include <algorithm>

#include "contracts/crypto.h"

namespace ebsmock::contracts {

std::string v1_canonicalized_query(const ParamList& params) {
  // §5.4 step 2: every parameter but Signature itself.
  return sorted_encoded_query(params, "Signature");
}

std::string v1_string_to_sign(std::string_view http_method, const ParamList& params) {
  // The canonical string is encoded a second time, so '%' becomes "%25" (e.g. ':' in the
  // Timestamp appears as %253A).
  std::string out(http_method);
  out += "&";
  out += percent_encode("/");
  out += "&";
  out += percent_encode(v1_canonicalized_query(params));
  return out;
}

std::string v1_signature(std::string_view access_key_secret, std::string_view string_to_sign) {
  // The trailing '&' is where a (never used) token secret would go in the original design.
  std::string key(access_key_secret);
  key.push_back('&');
  return crypto::hmac_sha1_base64(key, string_to_sign);
}

}  // namespace ebsmock::contracts
