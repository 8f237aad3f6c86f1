// signature_v3.cpp: the V3 signature, ACS3-HMAC-SHA256 / ACS3-HMAC-SM3 (ebs-api.md §5.5;
// sdk-wire.md §5 "V3"). Pure functions; thread-safe.
#include "contracts/signature_v3.h"

#include <algorithm>

#include "contracts/crypto.h"
#include "contracts/wire.h"

namespace ebsmock::contracts {
namespace {

// " \t\r\n\v\f", tested by value: find_first_of with a set walks the set per character.
constexpr bool is_whitespace(char c) { return c == ' ' || (c >= '\t' && c <= '\r'); }

std::string_view trim(std::string_view s) {
  while (!s.empty() && is_whitespace(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_whitespace(s.back())) s.remove_suffix(1);
  return s;
}

std::string to_lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = ascii_lower(c);
  return out;
}

std::vector<std::string> sorted_unique_lower(const std::vector<std::string>& names) {
  std::vector<std::string> out;
  out.reserve(names.size());
  for (const auto& n : names) out.push_back(to_lower(n));
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

// "Key=Value" -> {Key, Value}; nullopt without '='.
std::optional<std::pair<std::string_view, std::string_view>> split_field(std::string_view s) {
  const size_t eq = s.find('=');
  if (eq == std::string_view::npos) return std::nullopt;
  return std::pair{s.substr(0, eq), s.substr(eq + 1)};
}

}  // namespace

std::optional<V3AuthorizationView> parse_v3_authorization_view(std::string_view header_value) {
  // Every signed request comes through here: the scans below test characters inline
  // (find_first_of with a set, and any_of through a function pointer, cost a call per
  // character), and the SignedHeaders list is split in one pass.
  header_value = trim(header_value);
  const auto space = std::find_if(header_value.begin(), header_value.end(), [](char c) { return c == ' ' || c == '\t'; });
  if (space == header_value.end() || space == header_value.begin()) return std::nullopt;
  V3AuthorizationView auth;
  auth.algorithm = std::string_view(header_value.begin(), space);
  if (std::any_of(auth.algorithm.begin(), auth.algorithm.end(), [](char c) { return c == ',' || c == '='; })) {
    return std::nullopt;
  }

  bool has_credential = false, has_signed_headers = false, has_signature = false;
  std::string_view rest(space + 1, header_value.end());
  while (true) {
    const size_t comma = rest.find(',');
    // Tolerate "Credential=AK, SignedHeaders=…": some hand-written clients add spaces.
    const std::string_view part = trim(rest.substr(0, comma));
    const auto field = split_field(part);
    if (!field || field->second.empty()) return std::nullopt;
    const auto [key, value] = *field;
    // A repeated field is ambiguous (which one did the client sign with?), so reject it;
    // unknown fields too, since no SDK sends any and they would hint at a format we
    // do not understand.
    if (key == "Credential") {
      if (has_credential) return std::nullopt;
      has_credential = true;
      auth.access_key_id = value;
    } else if (key == "SignedHeaders") {
      if (has_signed_headers) return std::nullopt;
      has_signed_headers = true;
      // Names between ';', none empty and none with whitespace in it.
      auth.signed_headers.reserve(8);
      const char* name = value.data();
      for (const char* c = value.data();; ++c) {
        if (c == value.data() + value.size() || *c == ';') {
          if (c == name) return std::nullopt;
          auth.signed_headers.emplace_back(name, static_cast<std::size_t>(c - name));
          if (c == value.data() + value.size()) break;
          name = c + 1;
        } else if (is_whitespace(*c)) {
          return std::nullopt;
        }
      }
    } else if (key == "Signature") {
      if (has_signature) return std::nullopt;
      has_signature = true;
      auth.signature = value;
    } else {
      return std::nullopt;
    }
    if (comma == std::string_view::npos) break;
    rest = rest.substr(comma + 1);
  }
  if (!has_credential || !has_signed_headers || !has_signature) return std::nullopt;
  return auth;
}

std::optional<V3Authorization> parse_v3_authorization(std::string_view header_value) {
  auto view = parse_v3_authorization_view(header_value);
  if (!view) return std::nullopt;
  V3Authorization auth{std::string(view->algorithm), std::string(view->access_key_id), {},
                       std::string(view->signature)};
  auth.signed_headers.reserve(view->signed_headers.size());
  for (const auto name : view->signed_headers) auth.signed_headers.push_back(to_lower(name));
  return auth;
}

std::string v3_canonical_query(const ParamList& query) {
  // The docs encode the name too; the Node/Go SDKs do not. Identical for every name an
  // EBS request can carry (letters, digits, '.'), and the documented form is what a real
  // gateway compares against.
  return sorted_encoded_query(query);
}

std::string v3_canonical_request(const V3Request& req,
                                 const std::vector<std::string>& signed_headers) {
  const std::vector<std::string_view> names(signed_headers.begin(), signed_headers.end());
  return v3_canonical_request(req.method, req.path, req.query, req.headers, req.payload_hash, names);
}

std::string v3_canonical_request(std::string_view method, std::string_view path, const ParamList& query,
                                 const HeaderList& headers, std::string_view payload_hash,
                                 std::span<const std::string_view> signed_headers) {
  // Lower-cased, sorted, unique; views into `lowered`, which owns what had to be changed.
  std::vector<std::string> lowered;
  std::vector<std::string_view> names;
  names.reserve(signed_headers.size());
  for (const auto n : signed_headers) {
    if (std::any_of(n.begin(), n.end(), [](char c) { return c >= 'A' && c <= 'Z'; })) {
      lowered.reserve(signed_headers.size());  // views into it must not move
      names.push_back(lowered.emplace_back(to_lower(n)));
    } else {
      names.push_back(n);
    }
  }
  std::sort(names.begin(), names.end());
  names.erase(std::unique(names.begin(), names.end()), names.end());

  std::string out;
  out.reserve(512);
  out += method;
  out += '\n';
  out += path.empty() ? std::string_view("/") : path;
  out += '\n';
  append_sorted_encoded_query(out, query);
  out += '\n';
  for (const auto name : names) {
    out += name;
    out += ':';
    // Repeated headers (x-acs-test and x-acs-TEST in the OPENAPI client_test vector) are
    // joined in the order received. A signed header that is absent yields "name:" so the
    // signature simply fails to match instead of being silently skipped.
    bool first = true;
    for (const auto& [header_name, header_value] : headers) {
      if (!iequals(header_name, name)) continue;
      if (!first) out += ',';
      out += trim(header_value);
      first = false;
    }
    out += '\n';
  }
  out += '\n';
  for (size_t i = 0; i < names.size(); ++i) {
    if (i > 0) out += ';';
    out += names[i];
  }
  out += '\n';
  out += payload_hash;
  return out;
}

std::string v3_string_to_sign(std::string_view algorithm, std::string_view canonical_request) {
  // Anything but SM3 hashes with SHA-256; an unknown algorithm is rejected later by
  // v3_signature, so the choice here cannot make a forged request verify.
  std::string out;
  out.reserve(algorithm.size() + 1 + 64);  // both hashes are 32 bytes, 64 hex digits
  out += algorithm;
  out += '\n';
  if (algorithm == kAcs3HmacSm3) {
    out += crypto::sm3_hex(canonical_request);
  } else {
    crypto::append_sha256_hex(out, canonical_request);
  }
  return out;
}

std::optional<std::string> v3_signature(std::string_view algorithm,
                                        std::string_view access_key_secret,
                                        std::string_view string_to_sign) {
  // Unlike v1, the key is the bare secret, with no '&' suffix.
  if (algorithm == kAcs3HmacSha256) return crypto::hmac_sha256_hex(access_key_secret, string_to_sign);
  if (algorithm == kAcs3HmacSm3) return crypto::hmac_sm3_hex(access_key_secret, string_to_sign);
  return std::nullopt;
}

std::optional<std::string> v3_payload_hash(std::string_view algorithm, std::string_view payload) {
  if (algorithm == kAcs3HmacSha256) return crypto::sha256_hex(payload);
  if (algorithm == kAcs3HmacSm3) return crypto::sm3_hex(payload);
  return std::nullopt;
}

std::vector<std::string> v3_headers_to_sign(const HeaderList& headers) {
  std::vector<std::string> names;
  for (const auto& [name, value] : headers) {
    std::string lower = to_lower(name);
    if (lower == "host" || lower == "content-type" || lower.starts_with("x-acs-")) {
      names.push_back(std::move(lower));
    }
  }
  return sorted_unique_lower(names);
}

std::string v3_authorization(std::string_view algorithm, std::string_view access_key_id,
                             const std::vector<std::string>& signed_headers,
                             std::string_view signature) {
  std::string out(algorithm);
  out += " Credential=";
  out += access_key_id;
  out += ",SignedHeaders=";
  // Normalised the same way as in v3_canonical_request, so the list the server reads back
  // is exactly the one that was signed whatever order the caller passed.
  const std::vector<std::string> names = sorted_unique_lower(signed_headers);
  for (size_t i = 0; i < names.size(); ++i) {
    if (i > 0) out += ';';
    out += names[i];
  }
  out += ",Signature=";
  out += signature;
  return out;
}

}  // namespace ebsmock::contracts
