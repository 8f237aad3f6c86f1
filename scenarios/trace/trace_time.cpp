// trace_time.cpp: timestamp forms -> instants. Stateless.
#include "scenarios/trace/trace_time.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <string>

namespace ebsmock::scenarios {

namespace {

using namespace std::chrono;

std::optional<int> digits(std::string_view s, std::size_t pos, std::size_t n) {
  if (pos + n > s.size()) return std::nullopt;
  int v = 0;
  for (std::size_t i = pos; i < pos + n; ++i) {
    if (!std::isdigit(static_cast<unsigned char>(s[i]))) return std::nullopt;
    v = v * 10 + (s[i] - '0');
  }
  return v;
}

// Years TOML date-times and the scenario clock accept: 1970..9999.
std::optional<contracts::Instant> civil(int y, int mo, int d, int h, int mi, int sec,
                                        milliseconds frac) {
  const year_month_day ymd{year{y}, month{static_cast<unsigned>(mo)}, day{static_cast<unsigned>(d)}};
  if (!ymd.ok() || y < 1970 || h > 23 || mi > 59 || sec > 59) return std::nullopt;
  return time_point_cast<milliseconds>(sys_days{ymd}) + hours{h} + minutes{mi} + seconds{sec} + frac;
}

// "+08:00", "+0800", "-05", "Z" at s[pos..]; the whole rest must be the zone.
std::optional<minutes> zone_suffix(std::string_view s) {
  if (s == "Z" || s == "z") return minutes{0};
  if (s.size() < 3 || (s[0] != '+' && s[0] != '-')) return std::nullopt;
  auto h = digits(s, 1, 2);
  std::optional<int> m = 0;
  if (s.size() == 6 && s[3] == ':') {
    m = digits(s, 4, 2);
  } else if (s.size() == 5) {
    m = digits(s, 3, 2);
  } else if (s.size() != 3) {
    return std::nullopt;
  }
  if (!h || !m || *h > 23 || *m > 59) return std::nullopt;
  minutes offset = hours{*h} + minutes{*m};
  return s[0] == '-' ? -offset : offset;
}

// YYYY-MM-DD[T ]HH:MM:SS[.f][zone] or YYYY/MM/DD HH:MM:SS.
TimeReading iso_or_go(std::string_view s, std::optional<minutes> zone) {
  TimeReading out;
  if (s.size() < 19) return out;
  const char sep = s[4];
  if ((sep != '-' && sep != '/') || s[7] != sep || (s[10] != 'T' && s[10] != ' ') || s[13] != ':' ||
      s[16] != ':') {
    return out;
  }
  auto y = digits(s, 0, 4), mo = digits(s, 5, 2), d = digits(s, 8, 2);
  auto h = digits(s, 11, 2), mi = digits(s, 14, 2), sec = digits(s, 17, 2);
  if (!y || !mo || !d || !h || !mi || !sec) return out;
  std::size_t pos = 19;
  milliseconds frac{0};
  if (pos < s.size() && (s[pos] == '.' || s[pos] == ',')) {
    const std::size_t start = ++pos;
    int scale = 100;
    while (pos < s.size() && std::isdigit(static_cast<unsigned char>(s[pos]))) {
      frac += milliseconds{(s[pos] - '0') * scale};
      scale /= 10;
      ++pos;
    }
    if (pos == start || pos - start > 9) return out;
  }
  auto local = civil(*y, *mo, *d, *h, *mi, *sec, frac);
  if (!local) return out;
  const std::string_view rest = s.substr(pos);
  if (rest.empty()) {
    out.zone_less = true;
    if (zone) out.instant = *local - *zone;
    return out;
  }
  if (auto offset = zone_suffix(rest)) out.instant = *local - *offset;
  return out;
}

// "Wed, 02 Dec 2026 09:29:03 GMT"
std::optional<contracts::Instant> rfc1123(std::string_view s) {
  static constexpr std::array<std::string_view, 12> kMonths = {
      "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  if (s.size() != 29 || s[3] != ',' || s.substr(25) != " GMT") return std::nullopt;
  auto d = digits(s, 5, 2), y = digits(s, 12, 4);
  auto h = digits(s, 17, 2), mi = digits(s, 20, 2), sec = digits(s, 23, 2);
  int mo = 0;
  for (std::size_t i = 0; i < kMonths.size(); ++i) {
    if (s.substr(8, 3) == kMonths[i]) mo = static_cast<int>(i) + 1;
  }
  if (!d || !y || !h || !mi || !sec || mo == 0 || s[16] != ' ' || s[19] != ':' || s[22] != ':') {
    return std::nullopt;
  }
  return civil(*y, mo, *d, *h, *mi, *sec, milliseconds{0});
}

// 10 digits: seconds; 13: milliseconds (the only lengths epochs of this century have).
std::optional<contracts::Instant> epoch(std::string_view s) {
  if ((s.size() != 10 && s.size() != 13) ||
      !std::all_of(s.begin(), s.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); })) {
    return std::nullopt;
  }
  const long long v = std::stoll(std::string(s));
  return contracts::Instant{milliseconds{s.size() == 10 ? v * 1000 : v}};
}

}  // namespace

TimeReading read_trace_time(std::string_view text, std::optional<minutes> zone) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) text.remove_prefix(1);
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.remove_suffix(1);
  if (auto t = iso_or_go(text, zone); t.instant || t.zone_less) return t;
  if (auto t = rfc1123(text)) return {.instant = t};
  if (auto t = epoch(text)) return {.instant = t};
  return {};
}

std::optional<minutes> parse_timezone(std::string_view text) {
  if (text == "UTC" || text == "utc" || text == "Z" || text == "GMT") return minutes{0};
  if (text.starts_with("UTC") || text.starts_with("GMT")) {
    text.remove_prefix(3);
    if (text.size() >= 2 && text.size() <= 3 && (text[0] == '+' || text[0] == '-')) {
      // "UTC+8", "UTC-10"
      auto h = digits(text, 1, text.size() - 1);
      if (!h || *h > 14) return std::nullopt;
      return text[0] == '-' ? -minutes{*h * 60} : minutes{*h * 60};
    }
  }
  return zone_suffix(text);
}

}  // namespace ebsmock::scenarios
