// toml_text.cpp: TOML escaping and value formatting. Pure.
#include "scenarios/writer/toml_text.h"

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cstdio>

#include "contracts/text.h"

namespace ebsmock::scenarios {
namespace {

bool is_control(unsigned char c) { return c < 0x20 || c == 0x7F; }

}  // namespace

std::string toml_string(std::string_view s) {
  std::string out = "\"";
  // Once repaired, every byte >= 0x80 belongs to a valid character and passes through.
  for (const char ch : contracts::sanitize_utf8(s)) {
    const auto c = static_cast<unsigned char>(ch);
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      case '\r': out += "\\r"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      default:
        if (is_control(c)) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04X", c);
          out += buf;
        } else {
          out += ch;
        }
    }
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
  const bool literal_ok =
      text.find("'''") == std::string_view::npos && (text.empty() || text.back() != '\'') &&
      contracts::is_valid_utf8(text) && std::none_of(text.begin(), text.end(), [](char ch) {
        const auto c = static_cast<unsigned char>(ch);
        return is_control(c) && c != '\t' && c != '\n';
      });
  if (!literal_ok) return toml_string(text);
  // The newline right after the opening ''' is not part of the value.
  return "'''\n" + std::string(text) + "'''";
}

std::string comment_safe(std::string_view text) {
  std::string out = contracts::sanitize_utf8(text);
  for (char& ch : out) {
    if (is_control(static_cast<unsigned char>(ch)) && ch != '\t') ch = ' ';
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
