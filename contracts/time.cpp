// time.cpp: duration and ISO 8601 parsing/formatting for the contract model.
#include "contracts/time.h"

#include <cctype>
#include <charconv>
#include <cstdio>

namespace ebsmock::contracts {

std::optional<Duration> parse_duration(std::string_view text) {
  if (text == "0") return Duration{0};
  if (text.empty()) return std::nullopt;
  double total_ms = 0;
  size_t i = 0;
  while (i < text.size()) {
    size_t start = i;
    bool seen_dot = false;
    while (i < text.size() && (std::isdigit(static_cast<unsigned char>(text[i])) ||
                               (text[i] == '.' && !seen_dot))) {
      if (text[i] == '.') seen_dot = true;
      ++i;
    }
    // A number needs a digit: "." alone (as in "200ms.x") is not one. from_chars, not
    // stod: bad input is an answer (nullopt), never an exception.
    double value = 0;
    const auto [end, ec] = std::from_chars(text.data() + start, text.data() + i, value);
    if (i == start || ec != std::errc{} || end != text.data() + i) return std::nullopt;
    size_t unit_start = i;
    while (i < text.size() && std::isalpha(static_cast<unsigned char>(text[i]))) ++i;
    std::string_view unit = text.substr(unit_start, i - unit_start);
    double factor;
    if (unit == "ms") factor = 1;
    else if (unit == "s") factor = 1000;
    else if (unit == "m") factor = 60'000;
    else if (unit == "h") factor = 3'600'000;
    else if (unit == "d") factor = 86'400'000;
    else return std::nullopt;
    total_ms += value * factor;
    if (total_ms > 1e15) return std::nullopt;
  }
  return Duration{static_cast<std::int64_t>(total_ms + 0.5)};
}

std::string format_duration(Duration d) {
  auto ms = d.count();
  if (ms == 0) return "0s";
  if (ms % 3'600'000 == 0) return std::to_string(ms / 3'600'000) + "h";
  if (ms % 60'000 == 0) return std::to_string(ms / 60'000) + "m";
  if (ms % 1000 == 0) return std::to_string(ms / 1000) + "s";
  return std::to_string(ms) + "ms";
}

std::optional<Instant> parse_iso8601(std::string_view text) {
  // Exactly YYYY-MM-DDTHH:MM:SSZ, optionally with .fff before Z.
  if (text.size() < 20) return std::nullopt;
  auto digits = [&](size_t pos, size_t n, int& out) {
    out = 0;
    for (size_t k = 0; k < n; ++k) {
      char c = text[pos + k];
      if (c < '0' || c > '9') return false;
      out = out * 10 + (c - '0');
    }
    return true;
  };
  int y, mo, d, h, mi, s;
  if (!digits(0, 4, y) || text[4] != '-' || !digits(5, 2, mo) || text[7] != '-' ||
      !digits(8, 2, d) || text[10] != 'T' || !digits(11, 2, h) || text[13] != ':' ||
      !digits(14, 2, mi) || text[16] != ':' || !digits(17, 2, s)) {
    return std::nullopt;
  }
  int millis = 0;
  size_t pos = 19;
  if (text[pos] == '.') {
    ++pos;
    size_t start = pos;
    while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') ++pos;
    if (pos == start || pos - start > 9) return std::nullopt;
    std::string frac(text.substr(start, pos - start));
    frac.resize(3, '0');
    millis = std::stoi(frac.substr(0, 3));
  }
  if (pos != text.size() - 1 || text[pos] != 'Z') return std::nullopt;
  using namespace std::chrono;
  year_month_day ymd{year{y}, month{static_cast<unsigned>(mo)}, day{static_cast<unsigned>(d)}};
  if (!ymd.ok() || h > 23 || mi > 59 || s > 60) return std::nullopt;
  return Instant{sys_days{ymd}.time_since_epoch() + hours{h} + minutes{mi} + seconds{s} +
                 milliseconds{millis}};
}

namespace {

// "YYYY-MM-DDTHH:MM:SSZ", or with ".mmm" before the Z: one string, digits written directly
// (this runs for every request: its journal time).
std::string format_utc(Instant t, bool millis) {
  using namespace std::chrono;
  auto days = floor<std::chrono::days>(t);
  year_month_day ymd{days};
  hh_mm_ss hms{floor<seconds>(t - days)};
  const int year = static_cast<int>(ymd.year());
  long ms = static_cast<long>(t.time_since_epoch().count() % 1000);
  if (ms < 0) ms += 1000;
  if (year < 0 || year > 9999) {
    char buf[80];
    std::snprintf(buf, sizeof buf, millis ? "%04d-%02u-%02uT%02ld:%02ld:%02ld.%03ldZ" : "%04d-%02u-%02uT%02ld:%02ld:%02ldZ",
                  year, static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                  static_cast<long>(hms.hours().count()), static_cast<long>(hms.minutes().count()),
                  static_cast<long>(hms.seconds().count()), ms);
    return buf;
  }
  std::string out = millis ? "0000-00-00T00:00:00.000Z" : "0000-00-00T00:00:00Z";
  auto put2 = [&](std::size_t at, unsigned v) {
    out[at] = static_cast<char>('0' + v / 10);
    out[at + 1] = static_cast<char>('0' + v % 10);
  };
  put2(0, static_cast<unsigned>(year / 100));
  put2(2, static_cast<unsigned>(year % 100));
  put2(5, static_cast<unsigned>(ymd.month()));
  put2(8, static_cast<unsigned>(ymd.day()));
  put2(11, static_cast<unsigned>(hms.hours().count()));
  put2(14, static_cast<unsigned>(hms.minutes().count()));
  put2(17, static_cast<unsigned>(hms.seconds().count()));
  if (millis) {
    out[20] = static_cast<char>('0' + ms / 100);
    put2(21, static_cast<unsigned>(ms % 100));
  }
  return out;
}

}  // namespace

std::string format_iso8601(Instant t) { return format_utc(t, false); }
std::string format_iso8601_millis(Instant t) { return format_utc(t, true); }

}  // namespace ebsmock::contracts
