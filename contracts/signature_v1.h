// signature_v1.h: the classic RPC signature, SignatureMethod HMAC-SHA1 /
// SignatureVersion 1.0 (ebs-api.md §5.4; sdk-wire.md §5 "v1"). Used to verify (mock)
// and to sign (clients). Pure functions; thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "contracts/percent_encoding.h"

namespace ebsmock::contracts {

// CanonicalizedQueryString: pe(name)=pe(value) sorted by raw name (byte order), joined by
// '&'. `params` are DECODED values from query and form body; any "Signature" entry is
// skipped.
std::string v1_canonicalized_query(const ParamList& params);

// HTTPMethod + "&" + pe("/") + "&" + pe(CanonicalizedQueryString).
std::string v1_string_to_sign(std::string_view http_method, const ParamList& params);

// Base64(HMAC-SHA1(secret + "&", string_to_sign)).
std::string v1_signature(std::string_view access_key_secret, std::string_view string_to_sign);

}  // namespace ebsmock::contracts
