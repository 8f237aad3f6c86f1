// percent_encoding.cpp: RFC 3986 encoding for signatures and decoding of what SDKs send
// (sdk-wire.md §5 "pe()"). Pure functions; thread-safe.
#include "contracts/percent_encoding.h"

#include <algorithm>

namespace ebsmock::contracts {
namespace {

constexpr char kHexUpper[] = "0123456789ABCDEF";

bool is_unreserved(unsigned char c) {
  // Deliberately not std::isalnum: that is locale-dependent, and the signature is not.
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
         c == '-' || c == '_' || c == '.' || c == '~';
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

}  // namespace

std::string percent_encode(std::string_view raw) {
  std::string out;
  out.reserve(raw.size() * 3);
  append_percent_encoded(out, raw);
  return out;
}

void append_percent_encoded(std::string& out, std::string_view raw) {
  for (char ch : raw) {
    // Work on the byte value so UTF-8 continuation bytes (>= 0x80) are escaped one by one.
    const auto c = static_cast<unsigned char>(ch);
    if (is_unreserved(c)) {
      out.push_back(ch);
    } else {
      out.push_back('%');
      out.push_back(kHexUpper[c >> 4]);
      out.push_back(kHexUpper[c & 0x0F]);
    }
  }
}

std::optional<std::string> percent_decode(std::string_view encoded, bool plus_is_space) {
  std::string out;
  out.reserve(encoded.size());
  for (size_t i = 0; i < encoded.size(); ++i) {
    const char c = encoded[i];
    if (c == '%') {
      if (i + 2 >= encoded.size()) return std::nullopt;  // "%", "%4" at the end
      const int hi = hex_value(encoded[i + 1]);
      const int lo = hex_value(encoded[i + 2]);
      if (hi < 0 || lo < 0) return std::nullopt;
      out.push_back(static_cast<char>((hi << 4) | lo));
      i += 2;
    } else if (c == '+' && plus_is_space) {
      out.push_back(' ');
    } else {
      // Raw bytes >= 0x80 (unescaped UTF-8 sent by a lax client) pass through untouched.
      out.push_back(c);
    }
  }
  return out;
}

std::optional<ParamList> parse_urlencoded(std::string_view text) {
  ParamList params;
  while (!text.empty()) {
    const size_t amp = text.find('&');
    const std::string_view segment = text.substr(0, amp);
    text = amp == std::string_view::npos ? std::string_view{} : text.substr(amp + 1);
    if (segment.empty()) continue;
    // Only the first '=' separates: a value may itself contain a literal '=' (Node's
    // querystring escapes it, but a hand-written client might not).
    const size_t eq = segment.find('=');
    const std::string_view raw_name = segment.substr(0, eq);
    const std::string_view raw_value =
        eq == std::string_view::npos ? std::string_view{} : segment.substr(eq + 1);
    auto name = percent_decode(raw_name, /*plus_is_space=*/true);
    auto value = percent_decode(raw_value, /*plus_is_space=*/true);
    if (!name || !value) return std::nullopt;
    params.emplace_back(std::move(*name), std::move(*value));
  }
  return params;
}

std::string sorted_encoded_query(const ParamList& params, std::string_view skip) {
  std::string out;
  append_sorted_encoded_query(out, params, skip);
  return out;
}

void append_sorted_encoded_query(std::string& out, const ParamList& params, std::string_view skip) {
  std::vector<const std::pair<std::string, std::string>*> sorted;
  sorted.reserve(params.size());
  for (const auto& p : params) {
    if (skip.empty() || p.first != skip) sorted.push_back(&p);
  }
  // std::string's operator< compares as unsigned char, i.e. byte order.
  std::stable_sort(sorted.begin(), sorted.end(),
                   [](const auto* a, const auto* b) { return a->first < b->first; });
  bool first = true;
  for (const auto* p : sorted) {
    if (!first) out.push_back('&');
    first = false;
    append_percent_encoded(out, p->first);
    out.push_back('=');
    append_percent_encoded(out, p->second);
  }
}

std::string encode_params(const ParamList& params) {
  std::string out;
  for (const auto& [name, value] : params) {
    if (!out.empty()) out += '&';
    out += percent_encode(name);
    out += '=';
    out += percent_encode(value);
  }
  return out;
}

}  // namespace ebsmock::contracts
