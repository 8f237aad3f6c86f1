// time.h: the time types the contract model computes with. The model never reads a
// clock: callers pass `Instant now` in. Header-only value types; thread-safe.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace ebsmock::contracts {

using Duration = std::chrono::milliseconds;
using Instant = std::chrono::sys_time<std::chrono::milliseconds>;

inline std::int64_t unix_seconds(Instant t) {
  return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
}

// Parses "250ms", "2s", "1.5s", "5m", "1h", "1h30m", "0". nullopt on anything else.
std::optional<Duration> parse_duration(std::string_view text);
// Renders the shortest exact form, e.g. 1500ms -> "1500ms", 120000ms -> "2m".
std::string format_duration(Duration d);

// ISO 8601 UTC "YYYY-MM-DDTHH:MM:SSZ" (the format of Timestamp and x-acs-date).
std::optional<Instant> parse_iso8601(std::string_view text);
std::string format_iso8601(Instant t);
// The same with milliseconds, "YYYY-MM-DDTHH:MM:SS.mmmZ": journal and admin times.
std::string format_iso8601_millis(Instant t);

}  // namespace ebsmock::contracts
