// signature_v1.cpp: the classic RPC HMAC-SHA1 signature (ebs-api.md §5.4; sdk-wire.md §5
// "v1"). Pure functions; thread-safe.
#include "contracts/signature_v1.h"

#include <algorithm>

#include "contracts/crypto.h"

namespace ebsmock::contracts {

std::string v1_canonicalized_query(const ParamList& params) {
  std::vector<const std::pair<std::string, std::string>*> sorted;
  sorted.reserve(params.size());
  for (const auto& p : params) {
    if (p.first != "Signature") sorted.push_back(&p);
  }
  // Sort by the RAW name (§5.4 step 2; sdk-wire.md §8.9), not the encoded one: they differ
  // only for names with reserved characters, which no EBS parameter has. std::string's
  // operator< compares as unsigned char, i.e. byte order. Stable so that a repeated name
  // (no real SDK sends one) keeps its wire order rather than an arbitrary one.
  std::stable_sort(sorted.begin(), sorted.end(),
                   [](const auto* a, const auto* b) { return a->first < b->first; });
  std::string out;
  for (const auto* p : sorted) {
    if (!out.empty()) out.push_back('&');
    out += percent_encode(p->first);
    out.push_back('=');
    out += percent_encode(p->second);
  }
  return out;
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
