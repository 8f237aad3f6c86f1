// redaction.h: the one home for what counts as a secret on Alibaba's wire and how it is
// hidden: the journal redacts parameter values with it, trace import drops secret
// parameters, headers and JSON members with it. Pure functions; thread-safe.
#pragma once

#include <string_view>

#include <nlohmann/json.hpp>

#include "contracts/wire.h"

namespace ebsmock::contracts {

// What a redacted value is replaced with.
inline constexpr std::string_view kRedacted = "***";

// Parameters whose value is a credential or proves one: Signature, SecurityToken,
// AccessKeySecret, BearerToken. (AccessKeyId names a key without proving it; the journal
// keeps it, trace import drops it with the other protocol parameters.)
bool is_secret_parameter(std::string_view name);

// Request or response headers that carry credentials or sessions (any case):
// Authorization, x-acs-security-token, x-acs-bearer-token, Cookie, Set-Cookie,
// Proxy-Authorization.
bool is_secret_header(std::string_view name);

// JSON member names (any case) whose values are secrets wherever they appear in a body
// or an audit event: the secret parameters, accessKeySecret, securityToken, password,
// credentials (AssumeRole's whole credential object).
bool is_secret_member(std::string_view name);

// Replaces secret-bearing parameter values with kRedacted (in place when moved into).
Params redact(Params params);

// Removes every member is_secret_member names, at any depth; returns how many it removed.
int strip_secret_members(nlohmann::json& value);

}  // namespace ebsmock::contracts
