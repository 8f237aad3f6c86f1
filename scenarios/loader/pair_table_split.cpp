// pair_table_split.cpp: the [[pair]] fast path (see pair_table_split.h for the subset and
// the promise). Outside pair tables it only lexes: strings (single- and multi-line),
// comments and bracket depth, to know that a line starting "[[pair]]" is really a header
// and not text inside a string or an array. Reentrant; no shared state.
#include "scenarios/loader/pair_table_split.h"

#include <charconv>
#include <cstdint>

namespace ebsmock::scenarios::internal {

namespace {

constexpr std::string_view kHeader = "[[pair]]";

bool is_digit(char c) { return c >= '0' && c <= '9'; }

bool is_bare_key_char(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || is_digit(c) || c == '_' || c == '-';
}

// Printable ASCII: toml++ checks the rest (UTF-8, control characters) and reports it
// where it is, so anything else declines.
bool is_plain(char c) { return c >= 0x20 && c < 0x7f; }

int digits(std::string_view s, std::size_t at, std::size_t count) {
  int v = 0;
  for (std::size_t k = at; k < at + count; ++k) v = v * 10 + (s[k] - '0');
  return v;
}

int days_in_month(int year, int month) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  return month == 2 && leap ? 29 : kDays[month - 1];
}

class Splitter {
 public:
  explicit Splitter(std::string_view text) : text_(text) {}

  std::optional<PairTableSplit> run() {
    std::size_t pos = 0;
    bool in_root = true;  // before the first header: keys here are the root table's
    while (pos < text_.size()) {
      if (!in_string_ && depth_ == 0) {
        if (text_.compare(pos, kHeader.size(), kHeader) == 0) {
          if (!read_pair_table(pos)) return std::nullopt;
          in_root = false;
          continue;
        }
        // Any other line that could name the root's `pair` (a header [pair.x], ["pair"]
        // or an indented [[pair]]; a root key pair = ..., or one spelt with an escape)
        // is beyond this path.
        const std::size_t first = skip_blanks(pos, line_end(pos));
        const std::string_view line = text_.substr(pos, line_end(pos) - pos);
        const bool names_pair = line.find("pair") != std::string_view::npos ||
                                line.find('\\') != std::string_view::npos;
        if (first < text_.size() && text_[first] == '[') {
          if (names_pair) return std::nullopt;
          in_root = false;
        } else if (in_root && names_pair && first < text_.size() && text_[first] != '#') {
          return std::nullopt;
        }
      }
      const std::optional<std::size_t> next = lex_line(pos);
      if (!next) return std::nullopt;
      out_.rest.append(text_.substr(pos, *next - pos));
      pos = *next;
    }
    if (in_string_ || depth_ != 0 || out_.pairs.empty()) return std::nullopt;
    return std::move(out_);
  }

 private:
  std::size_t line_end(std::size_t from) const {
    const std::size_t e = text_.find('\n', from);
    return e == std::string_view::npos ? text_.size() : e;
  }

  // Where a line's content ends: before "\r\n", else at the '\n' (or the end). A lone
  // '\r' stays content, and declines as a control character.
  std::size_t content_end(std::size_t end) const {
    return end < text_.size() && end > 0 && text_[end - 1] == '\r' ? end - 1 : end;
  }

  std::size_t skip_blanks(std::size_t i, std::size_t end) const {
    while (i < end && (text_[i] == ' ' || text_[i] == '\t')) ++i;
    return i;
  }

  // A comment from `i` (at '#') to `end` that toml++ would take as it is.
  bool comment_ok(std::size_t i, std::size_t end) const {
    for (++i; i < end; ++i) {
      if (text_[i] != '\t' && !is_plain(text_[i])) return false;
    }
    return true;
  }

  // Moves over one line (or a multi-line string's whole run) outside pair tables,
  // tracking strings and bracket depth; the position after it, or nullopt when it does
  // not close as TOML requires.
  std::optional<std::size_t> lex_line(std::size_t i) {
    const std::size_t n = text_.size();
    while (i < n) {
      const char c = text_[i];
      if (in_string_) {
        if (c == '\\' && string_quote_ == '"') {
          i += 2;  // an escaped character, a line-ending backslash included
          continue;
        }
        if (c == string_quote_) {
          const std::size_t run = quote_run(i);
          i += run;
          if (run >= 3) {
            if (run > 5) return std::nullopt;  // at most two quotes before the closing three
            in_string_ = false;
          }
          continue;
        }
        ++i;
        if (c == '\n') return i;
        continue;
      }
      switch (c) {
        case '\n': return i + 1;
        case '#': {
          const std::size_t e = line_end(i);
          return e < n ? e + 1 : n;
        }
        case '"':
        case '\'': {
          const std::size_t run = quote_run(i);
          if (run >= 3) {  // a multi-line string; its own closing quotes end it
            in_string_ = true;
            string_quote_ = c;
            i += 3;
            continue;
          }
          if (run == 2) {  // an empty string
            i += 2;
            continue;
          }
          std::size_t j = i + 1;
          while (j < n && text_[j] != c && text_[j] != '\n') j += (c == '"' && text_[j] == '\\') ? 2 : 1;
          if (j >= n || text_[j] != c) return std::nullopt;
          i = j + 1;
          continue;
        }
        case '[':
        case '{': ++depth_; break;
        case ']':
        case '}':
          if (depth_ == 0) return std::nullopt;
          --depth_;
          break;
        default: break;
      }
      ++i;
    }
    return i;
  }

  std::size_t quote_run(std::size_t i) const {
    std::size_t k = i;
    while (k < text_.size() && text_[k] == text_[i]) ++k;
    return k - i;
  }

  // The [[pair]] header at `pos` and its table's lines, into out_.pairs; `pos` ends at
  // the next header (or the end).
  bool read_pair_table(std::size_t& pos) {
    toml::table table;
    std::vector<std::string> tags;
    std::size_t end = line_end(pos);
    std::size_t i = skip_blanks(pos + kHeader.size(), content_end(end));
    if (i < content_end(end) && (text_[i] != '#' || !comment_ok(i, content_end(end)))) return false;
    for (;;) {
      if (end < text_.size()) out_.rest.push_back('\n');  // the line stays, empty
      pos = end < text_.size() ? end + 1 : end;
      if (pos >= text_.size()) break;
      end = line_end(pos);
      const std::size_t stop = content_end(end);
      i = skip_blanks(pos, stop);
      if (i < stop && text_[i] == '[') break;  // the next header: the caller's
      if (i == stop) continue;
      if (text_[i] == '#') {
        if (!comment_ok(i, stop)) return false;
        continue;
      }
      if (!read_key_value(i, stop, table, tags)) return false;
    }
    out_.pairs.push_back(std::move(table));
    out_.tag_order.push_back(std::move(tags));
    return true;
  }

  // `key = value [# comment]` from `i` to `stop`, into `table` (and the tags' keys, in
  // order, into `tags`).
  bool read_key_value(std::size_t i, std::size_t stop, toml::table& table,
                      std::vector<std::string>& tags) const {
    const std::size_t key_begin = i;
    while (i < stop && is_bare_key_char(text_[i])) ++i;
    if (i == key_begin) return false;
    const std::string_view key = text_.substr(key_begin, i - key_begin);
    i = skip_blanks(i, stop);
    if (i >= stop || text_[i] != '=') return false;
    i = skip_blanks(i + 1, stop);
    if (i >= stop || table.contains(key)) return false;  // a duplicate key is toml++'s to report
    const std::size_t value_end =
        text_[i] == '{' ? (key == "tags" ? read_tags(i, stop, table, tags) : 0) : read_value(i, stop, key, table);
    if (value_end == 0) return false;
    i = skip_blanks(value_end, stop);
    return i == stop || (text_[i] == '#' && comment_ok(i, stop));
  }

  // True when the value ending at `i` is followed by what may follow a value.
  bool value_ends(std::size_t i, std::size_t stop) const {
    return i == stop || text_[i] == ' ' || text_[i] == '\t' || text_[i] == '#';
  }

  // A basic or literal string at `i` (at its quote) of plain characters: its contents and
  // the position after it, or 0 to decline.
  std::size_t read_string(std::size_t i, std::size_t stop, std::string_view& contents) const {
    const char quote = text_[i];
    if (quote != '"' && quote != '\'') return 0;
    std::size_t j = i + 1;
    while (j < stop && text_[j] != quote) {
      if (!is_plain(text_[j]) || text_[j] == '\\') return 0;  // escapes: toml++'s job
      ++j;
    }
    if (j >= stop) return 0;
    if (j == i + 1 && j + 1 < stop && text_[j + 1] == quote) return 0;  // a multi-line string
    contents = text_.substr(i + 1, j - i - 1);
    return j + 1;
  }

  // `{ key = "value", ... }` at `i` into `table` under "tags", each key once, in order
  // into `tags`; the position after it, or 0 to decline.
  std::size_t read_tags(std::size_t i, std::size_t stop, toml::table& table,
                        std::vector<std::string>& tags) const {
    toml::table inline_table;
    inline_table.is_inline(true);
    i = skip_blanks(i + 1, stop);
    if (i < stop && text_[i] != '}') {
      for (;;) {
        const std::size_t key_begin = i;
        while (i < stop && is_bare_key_char(text_[i])) ++i;
        if (i == key_begin) return 0;
        const std::string_view key = text_.substr(key_begin, i - key_begin);
        i = skip_blanks(i, stop);
        if (i >= stop || text_[i] != '=') return 0;
        i = skip_blanks(i + 1, stop);
        std::string_view value;
        if (i >= stop || inline_table.contains(key) || (i = read_string(i, stop, value)) == 0) return 0;
        inline_table.insert(key, std::string(value));
        tags.emplace_back(key);
        i = skip_blanks(i, stop);
        if (i >= stop || text_[i] == '}') break;
        if (text_[i] != ',') return 0;
        i = skip_blanks(i + 1, stop);  // a trailing comma is not TOML 1.0: the key check declines it
      }
    }
    if (i >= stop) return 0;
    table.insert("tags", std::move(inline_table));
    return i + 1;
  }

  // The value at `i` into `table` under `key`; the position after it, or 0 to decline.
  std::size_t read_value(std::size_t i, std::size_t stop, std::string_view key,
                         toml::table& table) const {
    std::string_view contents;
    if (const std::size_t end = read_string(i, stop, contents)) {
      table.insert(key, std::string(contents));
      return end;
    }
    if (text_[i] == '"' || text_[i] == '\'') return 0;
    for (const bool b : {true, false}) {
      const std::string_view word = b ? "true" : "false";
      if (text_.compare(i, word.size(), word) == 0 && value_ends(i + word.size(), stop)) {
        table.insert(key, b);
        return i + word.size();
      }
    }
    if (auto dt = read_date_time(i, stop)) {
      table.insert(key, *dt);
      return i + 20;
    }
    // A decimal integer: [+-]?(0|[1-9][0-9]*), no underscores, fits 64 bits.
    std::size_t j = i;
    if (text_[j] == '+' || text_[j] == '-') ++j;
    const std::size_t first_digit = j;
    while (j < stop && is_digit(text_[j])) ++j;
    if (j == first_digit || !value_ends(j, stop)) return 0;
    if (text_[first_digit] == '0' && j - first_digit > 1) return 0;
    std::int64_t v = 0;
    const char* from = text_.data() + (text_[i] == '+' ? i + 1 : i);
    const auto [end, ec] = std::from_chars(from, text_.data() + j, v);
    if (ec != std::errc{} || end != text_.data() + j) return 0;
    table.insert(key, v);
    return j;
  }

  // YYYY-MM-DDTHH:MM:SSZ exactly, a real date and time of day.
  std::optional<toml::date_time> read_date_time(std::size_t i, std::size_t stop) const {
    static constexpr std::string_view kShape = "dddd-dd-ddTdd:dd:ddZ";
    if (stop - i < kShape.size() || !value_ends(i + kShape.size(), stop)) return std::nullopt;
    for (std::size_t k = 0; k < kShape.size(); ++k) {
      const char want = kShape[k], got = text_[i + k];
      if (want == 'd' ? !is_digit(got) : got != want) return std::nullopt;
    }
    const int year = digits(text_, i, 4), month = digits(text_, i + 5, 2),
              day = digits(text_, i + 8, 2), hour = digits(text_, i + 11, 2),
              minute = digits(text_, i + 14, 2), second = digits(text_, i + 17, 2);
    if (year == 0 || month < 1 || month > 12 || day < 1 || day > days_in_month(year, month) ||
        hour > 23 || minute > 59 || second > 59) {
      return std::nullopt;
    }
    return toml::date_time{toml::date{year, month, day}, toml::time{hour, minute, second},
                           toml::time_offset{}};
  }

  std::string_view text_;
  PairTableSplit out_;
  bool in_string_ = false;  // inside a multi-line string, closed by three string_quote_
  char string_quote_ = '"';
  int depth_ = 0;  // open [ and { outside strings and comments
};

}  // namespace

std::optional<PairTableSplit> split_pair_tables(std::string_view text) {
  if (text.find(kHeader) == std::string_view::npos) return std::nullopt;
  return Splitter(text).run();
}

}  // namespace ebsmock::scenarios::internal
