// paging.cpp: page arithmetic and ebsmock's opaque NextToken.
#include "contracts/paging.h"

#include <algorithm>

#include "contracts/crypto.h"

namespace ebsmock::contracts {

std::string encode_next_token(std::size_t offset) {
  return "ebsm" + crypto::base64_encode("offset:" + std::to_string(offset));
}

std::optional<std::size_t> decode_next_token(std::string_view token) {
  if (!token.starts_with("ebsm")) return std::nullopt;
  std::string_view b64 = token.substr(4);
  // Minimal base64 decoder for the alphabet we emit.
  static constexpr std::string_view kAlphabet =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string decoded;
  int buffer = 0, bits = 0;
  for (char c : b64) {
    if (c == '=') break;
    auto pos = kAlphabet.find(c);
    if (pos == std::string_view::npos) return std::nullopt;
    buffer = (buffer << 6) | static_cast<int>(pos);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      decoded += static_cast<char>((buffer >> bits) & 0xFF);
    }
  }
  if (!decoded.starts_with("offset:")) return std::nullopt;
  auto n = parse_int(std::string_view(decoded).substr(7));
  if (!n || *n < 0) return std::nullopt;
  return static_cast<std::size_t>(*n);
}

std::optional<Page> read_token_page(const Params& params, std::size_t default_size) {
  Params token_style = params;
  token_style.try_emplace("MaxResults", std::to_string(default_size));
  return read_page(token_style, default_size);
}

std::optional<Page> read_page(const Params& params, std::size_t default_size) {
  Page page;
  page.size = default_size;
  const std::string fallback = std::to_string(default_size);
  page.token_paging = params.contains("NextToken") || params.contains("MaxResults");
  if (page.token_paging) {
    page.size = static_cast<std::size_t>(
        parse_int(read_param(params, "MaxResults", fallback)).value_or(static_cast<std::int64_t>(default_size)));
    if (auto token = read_param(params, "NextToken"); !token.empty()) {
      auto decoded = decode_next_token(token);
      if (!decoded) return std::nullopt;
      page.offset = *decoded;
    }
  } else {
    page.page_number = parse_int(read_param(params, "PageNumber", "1")).value_or(1);
    page.size = static_cast<std::size_t>(
        parse_int(read_param(params, "PageSize", fallback)).value_or(static_cast<std::int64_t>(default_size)));
    page.offset = static_cast<std::size_t>(page.page_number - 1) * page.size;
  }
  return page;
}

std::string Page::next_token(std::size_t total) const {
  return token_paging && offset + size < total ? encode_next_token(offset + size) : std::string();
}

nlohmann::json Page::body(std::size_t total, std::string_view key, nlohmann::json items) const {
  nlohmann::json j = {{"NextToken", next_token(total)},
                      {"PageNumber", page_number},
                      {"PageSize", size},
                      {"TotalCount", total}};
  j[std::string(key)] = std::move(items);
  return j;
}

}  // namespace ebsmock::contracts
