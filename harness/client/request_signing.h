// request_signing.h: how a client signs one V3 request with the contracts/ algorithms:
// pick the headers to sign, build the canonical request, sign it, format Authorization.
// The one composition of those steps on the client side: the reference client signs its
// own requests with it, and `ebsmock record` re-signs every forwarded attempt with it.
// Pure functions; thread-safe.
#pragma once

#include <functional>
#include <string>
#include <string_view>

#include "contracts/signature_v3.h"

namespace ebsmock::harness {

// Returns the Authorization value for `request`, whose headers must already hold every
// header that will be sent and signed (host, content-type, x-acs-*). `rewrite_canonical`
// (optional) may change the canonical request before it is signed: the reference
// client's naive-encoding mutant signs a wrongly encoded query that way.
std::string v3_sign(const contracts::V3Request& request, std::string_view algorithm,
                    std::string_view access_key_id, std::string_view access_key_secret,
                    const std::function<std::string(std::string)>& rewrite_canonical = {});

}  // namespace ebsmock::harness
