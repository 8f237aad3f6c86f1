// resign.h: turns a client's request into the one `ebsmock record` forwards: the client's
// signature is stripped (V1: the Signature*, Timestamp, AccessKeyId, SecurityToken
// parameters; V3: Authorization and the x-acs-* signing headers; any credential header)
// and the request is signed again, in the client's own scheme and placement, with the
// real credentials, for the upstream's Host. API parameters, ClientToken included, and
// the body are kept as the client sent them (traces.md §5.3 items 1 and 4).
// Pure functions (date and nonce are passed in); thread-safe.
#pragma once

#include <string>

#include "contracts/journal_terms.h"
#include "contracts/wire.h"
#include "harness/record/record_credentials.h"
#include "mock/rpc_request.h"

namespace ebsmock::harness::record {

struct ForwardRequest {
  std::string method;  // the client's
  std::string target;  // "/" or "/?query", percent-encoded
  contracts::HeaderList headers;  // host, content-type, x-acs-*, the client's others
  std::string body;
  contracts::SignatureScheme scheme = contracts::SignatureScheme::V3;
};

// The scheme the client signed with: V3 for an ACS3 Authorization, V1 for a Signature
// parameter, None for an unsigned request (re-signed as V3, the modern SDKs' default).
contracts::SignatureScheme client_scheme(const mock::RpcRequest& request);

// `host` is the upstream's authority ("ebs.cn-hangzhou.aliyuncs.com", "127.0.0.1:8080"),
// `date` the ISO 8601 UTC timestamp and `nonce` a fresh one-time value.
ForwardRequest resign(const mock::RpcRequest& request, const RecordCredentials& credentials,
                      const std::string& host, const std::string& date, const std::string& nonce);

}  // namespace ebsmock::harness::record
