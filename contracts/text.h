// text.h: the one home for rules about text that comes from outside (client parameters,
// trace logs, scenario strings): UTF-8 validity, repair and display, and two small
// readings the API and its tools share (comma lists, 2xx). Pure functions; thread-safe.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace ebsmock::contracts {

// Bytes in the well-formed UTF-8 sequence (RFC 3629) that starts at text[at], or 0 when
// none does: a stray continuation byte, an overlong form, a surrogate (U+D800..U+DFFF), a
// code point above U+10FFFF, or a sequence cut short. Requires at < text.size().
std::size_t utf8_sequence_length(std::string_view text, std::size_t at);

// Well-formed UTF-8: what JSON (nlohmann's dump()) and TOML accept as text.
bool is_valid_utf8(std::string_view text);

// The UTF-8 bytes of one code point (1 to 4 bytes). Requires a Unicode scalar value:
// at most U+10FFFF and not a surrogate.
std::string encode_utf8(char32_t code_point);

// `text` with every byte that does not start a well-formed sequence replaced by U+FFFD,
// one per byte, so the size of the damage stays visible. Valid text comes back unchanged.
std::string sanitize_utf8(std::string_view text);

// Client bytes shown in a message (JSON error bodies, admin views): valid UTF-8 kept,
// other bytes as \xNN, control characters as \n, \t, \r or \xNN, and cut after
// `max_chars` characters with "..." so a 13 KB parameter cannot drown the message.
// The result is valid UTF-8 on one line.
std::string printable(std::string_view text, std::size_t max_chars = 120);

// A comma-separated list as the API reads one (PairIds): items trimmed of spaces, empty
// items dropped. "a, b,,c" -> {"a", "b", "c"}.
std::vector<std::string> split_csv(std::string_view text);
// The same items as views into `text`, which must outlive them (the request path: no
// copy of each id).
std::vector<std::string_view> split_csv_views(std::string_view text);

// A success status: the model ran the request and answered it.
constexpr bool is_2xx(int http_status) { return http_status >= 200 && http_status < 300; }

}  // namespace ebsmock::contracts
