// log_text.h: what every text artefact needs before it can be read: lines with their
// numbers, ANSI colour codes and log prefixes stripped (Terraform's level/provider
// prefix and "│ " gutter, Go's "2006/01/02 15:04:05 ", debug's TTY "+12ms"), Go-quoted
// strings unquoted, and JSON byte offsets turned into line:col. Pure functions; thread-safe.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ebsmock::scenarios {

struct TextLine {
  int number = 0;         // 1-based
  std::string_view text;  // without the line end (\n, \r\n)
};

// Every line of `text` (a BOM on the first line removed).
std::vector<TextLine> split_lines(std::string_view text);

// `text` without ANSI escape sequences (CSI "ESC[...m" and the like).
std::string strip_ansi(std::string_view text);

// A Terraform log line split into its timestamp (as written, "" when none) and the
// message without the level tag, the provider./plugin. prefix, Go's log prefix or the
// diagnostic gutter.
struct LogLine {
  std::string time;
  std::string message;
};
LogLine strip_log_prefix(std::string_view line);

// Go's %#v / strconv.Quote form "\"{\\\"a\\\":1}\"" -> {"a":1}; nullopt when `text` is
// not one quoted string.
std::optional<std::string> go_unquote(std::string_view text);

// 1-based line and column of byte `offset` of `text`.
std::pair<int, int> line_col(std::string_view text, std::size_t offset);

// A log line no producer writes: invalid UTF-8 or control bytes other than tab and ESC.
bool is_garbage_line(std::string_view line);

// Whether `text` looks like binary rather than a log: control bytes in more than a tenth
// of its first 4 KiB.
bool looks_binary(std::string_view text);

}  // namespace ebsmock::scenarios
