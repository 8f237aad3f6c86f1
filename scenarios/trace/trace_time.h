// trace_time.h: every timestamp form a customer's artefact carries (traces.md §7): ISO
// 8601 with Z, +00:00, +0800 or no zone, milli/micro/nanoseconds, 'T' or a space; Go's
// 2006/01/02 15:04:05; RFC 1123 (HTTP Date); epoch seconds or milliseconds. A time
// without a zone is only an instant when the user names the zone (--timezone): the
// console shows UTC+8 but a log may not. Pure functions; thread-safe.
#pragma once

#include <chrono>
#include <optional>
#include <string_view>

#include "contracts/time.h"

namespace ebsmock::scenarios {

struct TimeReading {
  std::optional<contracts::Instant> instant;  // nullopt: not a time, or zone-less and no zone given
  bool zone_less = false;                     // the text is a time but names no zone
};

// `zone`: the offset from UTC of zone-less times, when the user gave one.
TimeReading read_trace_time(std::string_view text,
                            std::optional<std::chrono::minutes> zone = std::nullopt);

// "UTC", "Z", "+08:00", "+0800", "-05:00", "UTC+8": the offset; nullopt otherwise.
std::optional<std::chrono::minutes> parse_timezone(std::string_view text);

}  // namespace ebsmock::scenarios
