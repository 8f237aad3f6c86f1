// toml_text.cpp: TOML escaping and value formatting. Pure.
#include "scenarios/writer/toml_text.h"

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cstdio>

#include "contracts/text.h"

namespace ebsmock::scenarios {
namespace {

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD

bool is_control(unsigned char c) { return c < 0x20 || c == 0x7F; }

}  // namespace

std::string toml_string(std::string_view s) {
  std::string out = "\"";
  for (std::size_t i = 0; i < s.size();) {
    const std::size_t len = contracts::utf8_sequence_length(s, i);
    if (len == 0) {
      out += kReplacement;
      ++i;
      continue;
    }
    const auto c = static_cast<unsigned char>(s[i]);
    if (len > 1) {
      out.append(s.substr(i, len));
    } else if (c == '"') {
      out += "\\\"";
    } else if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\t') {
      out += "\\t";
    } else if (c == '\r') {
      out += "\\r";
    } else if (c == '\b') {
      out += "\\b";
    } else if (c == '\f') {
      out += "\\f";
    } else if (is_control(c)) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04X", c);
      out += buf;
    } else {
      out += static_cast<char>(c);
    }
    i += len;
  }
  return out + "\"";
}

std::string toml_key(std::string_view key) {
  const bool bare = !key.empty() && std::all_of(key.begin(), key.end(), [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
           c == '_' || c == '-';
  });
  return bare ? std::string(key) : toml_string(key);
}

std::string toml_literal_block(std::string_view text) {
  // A literal string cannot escape: no ''' inside, no control characters but tab and
  // newline, and a trailing quote would merge with the closing delimiter.
  bool literal_ok = text.find("'''") == std::string_view::npos &&
                    (text.empty() || text.back() != '\'');
  for (std::size_t i = 0; literal_ok && i < text.size();) {
    const std::size_t len = contracts::utf8_sequence_length(text, i);
    const auto c = static_cast<unsigned char>(text[i]);
    if (len == 0 || (len == 1 && is_control(c) && c != '\t' && c != '\n')) literal_ok = false;
    i += len == 0 ? 1 : len;
  }
  if (!literal_ok) return toml_string(text);
  // The newline right after the opening ''' is not part of the value.
  return "'''\n" + std::string(text) + "'''";
}

std::string comment_safe(std::string_view text) {
  std::string out;
  for (std::size_t i = 0; i < text.size();) {
    const std::size_t len = contracts::utf8_sequence_length(text, i);
    if (len == 0) {
      out += kReplacement;
      ++i;
      continue;
    }
    const auto c = static_cast<unsigned char>(text[i]);
    if (len == 1 && is_control(c) && c != '\t') {
      out += ' ';
    } else {
      out.append(text.substr(i, len));
    }
    i += len;
  }
  return out;
}

std::string toml_comment_line(std::string_view line) {
  if (line.empty()) return "";
  if (line.front() == '#') return "#" + comment_safe(line.substr(1));
  return "# " + comment_safe(line);
}

std::string toml_float(double value) {
  char buf[64];
  const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, value);
  std::string out(buf, ec == std::errc() ? end : buf);
  // Shortest form may look like an integer ("1", "25"), which TOML would read as one.
  if (out.find_first_of(".eEn") == std::string::npos) out += ".0";
  return out;
}

std::string toml_datetime(contracts::Instant t) {
  using namespace std::chrono;
  const auto day = floor<days>(t);
  const year_month_day ymd{day};
  const hh_mm_ss<milliseconds> time{t - day};
  char buf[40];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d:%02d", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                static_cast<int>(time.hours().count()), static_cast<int>(time.minutes().count()),
                static_cast<int>(time.seconds().count()));
  std::string out = buf;
  if (const auto ms = time.subseconds().count(); ms != 0) {
    std::snprintf(buf, sizeof buf, ".%03d", static_cast<int>(ms));
    out += buf;
  }
  return out + "Z";
}

std::string toml_duration(contracts::Duration d) {
  return toml_string(contracts::format_duration(d));
}

}  // namespace ebsmock::scenarios
