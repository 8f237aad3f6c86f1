// log_text.cpp: line splitting and prefix stripping. Stateless.
#include "scenarios/trace/log_text.h"

#include <algorithm>
#include <cctype>

#include "contracts/text.h"

namespace ebsmock::scenarios {

std::vector<TextLine> split_lines(std::string_view text) {
  std::vector<TextLine> out;
  if (text.starts_with("\xEF\xBB\xBF")) text.remove_prefix(3);
  std::size_t start = 0;
  int number = 0;
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(start, end - start);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    out.push_back({++number, line});
    start = end + 1;
  }
  return out;
}

std::string strip_ansi(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\x1b' && i + 1 < text.size() && text[i + 1] == '[') {
      // CSI: parameters and intermediates, then one final byte in @..~
      std::size_t j = i + 2;
      while (j < text.size() && !(text[j] >= '@' && text[j] <= '~')) ++j;
      i = j;
      continue;
    }
    out.push_back(text[i]);
  }
  return out;
}

namespace {

bool is_digit(char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; }

// "2006/01/02 15:04:05 " at the start.
std::size_t go_log_prefix(std::string_view s) {
  if (s.size() >= 20 && is_digit(s[0]) && s[4] == '/' && s[7] == '/' && s[10] == ' ' && s[13] == ':' &&
      s[16] == ':' && s[19] == ' ') {
    return 20;
  }
  return 0;
}

}  // namespace

LogLine strip_log_prefix(std::string_view raw) {
  LogLine out;
  std::string s = strip_ansi(raw);
  std::string_view v = s;
  // Terraform's diagnostic gutter ("│ ", U+2502) in the final error output.
  if (v.starts_with("\xE2\x94\x82")) {
    v.remove_prefix(3);
    if (!v.empty() && v.front() == ' ') v.remove_prefix(1);
  }
  // Terraform >= 0.15: "2026-11-20T10:15:02.114+0800 [DEBUG] provider.NAME: message"
  if (v.size() > 11 && is_digit(v[0]) && v[4] == '-' && v[10] == 'T') {
    const auto space = v.find(' ');
    if (space != std::string_view::npos) {
      out.time = std::string(v.substr(0, space));
      v.remove_prefix(space + 1);
    }
  } else if (auto n = go_log_prefix(v)) {  // Terraform 0.14 / provider stderr
    out.time = std::string(v.substr(0, n - 1));
    v.remove_prefix(n);
  }
  if (v.starts_with("[")) {  // "[DEBUG] ", "[INFO]  "
    const auto close = v.find(']');
    if (close != std::string_view::npos && close < 8) {
      v.remove_prefix(close + 1);
      while (!v.empty() && v.front() == ' ') v.remove_prefix(1);
    }
  }
  for (std::string_view p : {"provider.", "plugin."}) {
    if (v.starts_with(p)) {
      const auto colon = v.find(": ");
      const auto colon_end = v.find(':');
      if (colon != std::string_view::npos && colon == colon_end) {
        v.remove_prefix(colon + 2);
      } else if (colon_end == v.size() - 1) {  // "provider.x:" with an empty message
        v = {};
      }
    }
  }
  // The provider's own log.Printf prefix, re-logged by Terraform core.
  if (auto n = go_log_prefix(v)) {
    v.remove_prefix(n);
  } else if (v.size() == 19 && go_log_prefix(std::string(v) + " ")) {
    v = {};
  }
  out.message = std::string(v);
  return out;
}

std::optional<std::string> go_unquote(std::string_view text) {
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  if (text.size() < 2 || text.front() != '"' || text.back() != '"') return std::nullopt;
  std::string out;
  for (std::size_t i = 1; i + 1 < text.size(); ++i) {
    char c = text[i];
    if (c == '"') return std::nullopt;  // an unescaped quote: not one string
    if (c != '\\') {
      out.push_back(c);
      continue;
    }
    if (++i + 1 > text.size() - 1) return std::nullopt;
    switch (text[i]) {
      case 'n': out.push_back('\n'); break;
      case 't': out.push_back('\t'); break;
      case 'r': out.push_back('\r'); break;
      case '\\': out.push_back('\\'); break;
      case '"': out.push_back('"'); break;
      case 'u': {
        if (i + 4 >= text.size()) return std::nullopt;
        unsigned cp = 0;
        for (int k = 1; k <= 4; ++k) {
          const char h = text[i + k];
          if (!std::isxdigit(static_cast<unsigned char>(h))) return std::nullopt;
          cp = cp * 16 + static_cast<unsigned>(std::isdigit(static_cast<unsigned char>(h)) ? h - '0' : (std::tolower(h) - 'a' + 10));
        }
        if (cp >= 0xD800 && cp <= 0xDFFF) return std::nullopt;
        out += contracts::encode_utf8(static_cast<char32_t>(cp));
        i += 4;
        break;
      }
      case 'x': {
        if (i + 2 >= text.size() || !std::isxdigit(static_cast<unsigned char>(text[i + 1])) ||
            !std::isxdigit(static_cast<unsigned char>(text[i + 2]))) {
          return std::nullopt;
        }
        out.push_back(static_cast<char>(std::stoi(std::string(text.substr(i + 1, 2)), nullptr, 16)));
        i += 2;
        break;
      }
      default: return std::nullopt;
    }
  }
  return out;
}

std::pair<int, int> line_col(std::string_view text, std::size_t offset) {
  offset = std::min(offset, text.size());
  int line = 1;
  std::size_t line_start = 0;
  for (std::size_t i = 0; i < offset; ++i) {
    if (text[i] == '\n') {
      ++line;
      line_start = i + 1;
    }
  }
  return {line, static_cast<int>(offset - line_start) + 1};
}

bool is_garbage_line(std::string_view line) {
  if (!contracts::is_valid_utf8(line)) return true;
  return std::any_of(line.begin(), line.end(), [](char c) {
    const auto u = static_cast<unsigned char>(c);
    return (u < 0x20 && c != '\t' && c != '\x1b') || u == 0x7f;
  });
}

bool looks_binary(std::string_view text) {
  // A log with a line of garbage is still a log (the reader reports that line); only a
  // file that is mostly control bytes is refused as a whole.
  const auto sample = text.substr(0, 4096);
  std::size_t control = 0;
  for (char c : sample) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 && c != '\n' && c != '\r' && c != '\t' && c != '\x1b') ++control;
  }
  return control * 10 > sample.size();
}

}  // namespace ebsmock::scenarios
