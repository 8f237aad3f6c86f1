// percent_encoding.cpp: RFC 3986 encoding for signatures and decoding of what SDKs send
// (sdk-wire.md §5 "pe()"). Pure functions; thread-safe.
#include "contracts/percent_encoding.h"

#include <algorithm>
#include <array>

namespace ebsmock::contracts {
namespace {

constexpr char kHexUpper[] = "0123456789ABCDEF";

// A table, not a chain of ranges: every byte of every signed request's canonical query is
// looked up here. Deliberately not std::isalnum, which is locale-dependent; the signature
// is not.
constexpr auto kUnreserved = [] {
  std::array<bool, 256> table{};
  for (int c = 0; c < 256; ++c) {
    const bool alnum = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
    table[static_cast<std::size_t>(c)] = alnum || c == '-' || c == '_' || c == '.' || c == '~';
  }
  return table;
}();

bool is_unreserved(unsigned char c) { return kUnreserved[c]; }

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
  // Runs of unreserved bytes (every byte of an id, a region, a token) are appended whole:
  // the canonical query of every signed request passes here.
  std::size_t run = 0;
  for (std::size_t i = 0; i < raw.size(); ++i) {
    // Work on the byte value so UTF-8 continuation bytes (>= 0x80) are escaped one by one.
    const auto c = static_cast<unsigned char>(raw[i]);
    if (is_unreserved(c)) continue;
    out.append(raw.data() + run, i - run);
    run = i + 1;
    const char escape[3] = {'%', kHexUpper[c >> 4], kHexUpper[c & 0x0F]};
    out.append(escape, 3);
  }
  out.append(raw.data() + run, raw.size() - run);
}

std::optional<std::string> percent_decode(std::string_view encoded, bool plus_is_space) {
  // Most names and values have nothing to decode: copied in one piece, and otherwise the
  // runs between escapes are.
  auto is_special = [plus_is_space](char c) { return c == '%' || (c == '+' && plus_is_space); };
  std::size_t i = 0;
  while (i < encoded.size() && !is_special(encoded[i])) ++i;
  if (i == encoded.size()) return std::string(encoded);
  std::string out;
  out.reserve(encoded.size());
  std::size_t run = 0;
  for (; i < encoded.size(); ++i) {
    const char c = encoded[i];
    if (!is_special(c)) continue;  // raw bytes >= 0x80 (unescaped UTF-8 from a lax client) pass untouched
    out.append(encoded.data() + run, i - run);
    if (c == '+') {
      out.push_back(' ');
      run = i + 1;
      continue;
    }
    if (i + 2 >= encoded.size()) return std::nullopt;  // "%", "%4" at the end
    const int hi = hex_value(encoded[i + 1]);
    const int lo = hex_value(encoded[i + 2]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out.push_back(static_cast<char>((hi << 4) | lo));
    i += 2;
    run = i + 1;
  }
  out.append(encoded.data() + run, encoded.size() - run);
  return out;
}

std::optional<ParamList> parse_urlencoded(std::string_view text) {
  ParamList params;
  params.reserve(static_cast<std::size_t>(std::count(text.begin(), text.end(), '&')) + 1);
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
  using Param = std::pair<std::string, std::string>;
  // std::string's operator< compares as unsigned char, i.e. byte order.
  auto by_name = [](const Param* a, const Param* b) { return a->first < b->first; };
  // A request carries a handful of parameters: their pointers are sorted on the stack by
  // insertion (stable: only a strictly greater name moves, so a repeated name keeps its
  // wire order), without the vector and the buffer std::stable_sort would allocate. A
  // long list (a hand-made body) takes std::stable_sort, to stay O(n log n).
  constexpr std::size_t kOnStack = 32;
  std::array<const Param*, kOnStack> on_stack;
  std::vector<const Param*> on_heap;
  const bool long_list = params.size() > kOnStack;
  const Param** sorted = on_stack.data();
  if (long_list) {
    on_heap.resize(params.size());
    sorted = on_heap.data();
  }
  std::size_t n = 0;
  for (const auto& p : params) {
    if (!skip.empty() && p.first == skip) continue;
    sorted[n++] = &p;
    if (long_list) continue;
    for (std::size_t at = n - 1; at > 0 && by_name(sorted[at], sorted[at - 1]); --at) std::swap(sorted[at], sorted[at - 1]);
  }
  if (long_list) std::stable_sort(sorted, sorted + n, by_name);
  for (std::size_t i = 0; i < n; ++i) {
    if (i > 0) out.push_back('&');
    append_percent_encoded(out, sorted[i]->first);
    out.push_back('=');
    append_percent_encoded(out, sorted[i]->second);
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
