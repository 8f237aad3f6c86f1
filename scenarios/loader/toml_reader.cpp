// toml_reader.cpp: strict typed TOML access and diagnostics for the scenario loader.
// Not thread-safe per instance; no shared state.
#include "scenarios/loader/toml_reader.h"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <limits>

namespace ebsmock::scenarios::internal {

namespace {

Diagnostic make_diagnostic(const std::string& path, const toml::source_region& where,
                           std::string message) {
  return Diagnostic{.path = path,
                    .line = static_cast<int>(where.begin.line),
                    .column = static_cast<int>(where.begin.column),
                    .message = std::move(message)};
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// Optimal string alignment distance: Levenshtein plus adjacent transpositions, because
// "sycn" for "sync" is one slip of the fingers, not two.
std::size_t edit_distance(std::string_view a, std::string_view b) {
  const std::size_t n = a.size(), m = b.size();
  std::vector<std::vector<std::size_t>> d(n + 1, std::vector<std::size_t>(m + 1));
  for (std::size_t i = 0; i <= n; ++i) d[i][0] = i;
  for (std::size_t j = 0; j <= m; ++j) d[0][j] = j;
  for (std::size_t i = 1; i <= n; ++i) {
    for (std::size_t j = 1; j <= m; ++j) {
      const std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
      }
    }
  }
  return d[n][m];
}

constexpr std::int64_t kMaxUnixSeconds = 253402300799;  // 9999-12-31T23:59:59Z

}  // namespace

void DiagnosticSink::error(const toml::source_region& where, std::string message) {
  diagnostics_.push_back(make_diagnostic(path_, where, std::move(message)));
}

void DiagnosticSink::error(std::string message) {
  diagnostics_.push_back(Diagnostic{.path = path_, .message = std::move(message)});
}

std::string DiagnosticSink::source_text(const toml::source_region& where) const {
  return path_ + ":" + std::to_string(where.begin.line) + ":" + std::to_string(where.begin.column);
}

std::vector<Diagnostic> DiagnosticSink::take() {
  // Sections are checked in a fixed order (clock before pairs, ...), not in the order the
  // file lists them; users read diagnostics top to bottom alongside the file.
  std::stable_sort(diagnostics_.begin(), diagnostics_.end(),
                   [](const Diagnostic& a, const Diagnostic& b) {
                     return std::pair(a.line, a.column) < std::pair(b.line, b.column);
                   });
  return std::move(diagnostics_);
}

std::optional<std::string_view> closest_match(std::string_view input,
                                              std::span<const std::string_view> candidates) {
  const std::string needle = lower(input);
  // A third of the input may be wrong; below that a suggestion is more noise than help.
  const std::size_t threshold = std::max<std::size_t>(1, input.size() / 3);
  std::optional<std::string_view> best;
  std::size_t best_distance = std::numeric_limits<std::size_t>::max();
  for (std::string_view candidate : candidates) {
    const std::size_t d = edit_distance(needle, lower(candidate));
    if (d < best_distance) {
      best_distance = d;
      best = candidate;
    }
  }
  if (!best || best_distance > threshold) return std::nullopt;
  return best;
}

std::string did_you_mean(std::string_view input, std::span<const std::string_view> candidates) {
  auto match = closest_match(input, candidates);
  if (!match) return "";
  return "; did you mean '" + std::string(*match) + "'?";
}

std::string_view type_name(const toml::node& node) {
  switch (node.type()) {
    case toml::node_type::none: return "nothing";
    case toml::node_type::table: return "table";
    case toml::node_type::array: return "array";
    case toml::node_type::string: return "string";
    case toml::node_type::integer: return "integer";
    case toml::node_type::floating_point: return "float";
    case toml::node_type::boolean: return "boolean";
    case toml::node_type::date: return "date";
    case toml::node_type::time: return "time";
    case toml::node_type::date_time: return "date-time";
  }
  return "unknown";
}

contracts::Instant to_instant(const toml::date_time& dt) {
  using namespace std::chrono;
  const year_month_day ymd{year{dt.date.year}, month{dt.date.month}, day{dt.date.day}};
  auto t = time_point_cast<milliseconds>(sys_days{ymd}) + hours{dt.time.hour} +
           minutes{dt.time.minute} + seconds{dt.time.second} +
           duration_cast<milliseconds>(nanoseconds{dt.time.nanosecond});
  if (dt.offset) t -= minutes{dt.offset->minutes};
  return t;
}

TableReader::TableReader(DiagnosticSink& sink, const toml::table& table, std::string what,
                         std::span<const std::string_view> known, std::span<const Hint> hints)
    : sink_(sink), table_(table), what_(std::move(what)) {
  entries_.reserve(table_.size());
  for (auto&& [key, value] : table_) {
    entries_.push_back({key.str(), &value});
    if (std::find(known.begin(), known.end(), key.str()) != known.end()) continue;
    std::string suggestion = did_you_mean(key.str(), known);
    for (const Hint& h : hints) {
      if (h.wrong == key.str()) suggestion = "; did you mean '" + std::string(h.right) + "'?";
    }
    sink_.error(key.source(),
                "unknown key '" + std::string(key.str()) + "' in " + what_ + suggestion);
  }
}

const toml::node* TableReader::find(std::string_view key) const {
  for (const Entry& e : entries_) {
    if (e.key == key) return e.value;
  }
  return nullptr;
}

const toml::node* TableReader::node(std::string_view key, Presence presence) {
  const toml::node* n = find(key);
  if (!n && presence == Presence::Required) {
    error_at_table(what_ + " is missing required key '" + std::string(key) + "'");
  }
  return n;
}

void TableReader::error_at(std::string_view key, std::string message) {
  const toml::node* n = find(key);
  if (n) {
    sink_.error(n->source(), std::move(message));
  } else {
    error_at_table(std::move(message));
  }
}

void TableReader::error_at_table(std::string message) {
  sink_.error(table_.source(), std::move(message));
}

void TableReader::wrong_type(std::string_view key, const toml::node& n,
                             std::string_view expected) {
  sink_.error(n.source(), "'" + std::string(key) + "' must be " + std::string(expected) +
                              ", got " + std::string(type_name(n)));
}

std::optional<std::string_view> TableReader::string_view(std::string_view key, Presence presence) {
  const toml::node* n = node(key, presence);
  if (!n) return std::nullopt;
  if (const auto* s = n->as_string()) return std::string_view(s->get());
  wrong_type(key, *n, "a string");
  return std::nullopt;
}

std::optional<std::string> TableReader::string(std::string_view key, Presence presence) {
  auto v = string_view(key, presence);
  return v ? std::optional<std::string>(std::string(*v)) : std::nullopt;
}

std::optional<std::string> TableReader::non_empty_string(std::string_view key,
                                                         Presence presence) {
  auto s = string(key, presence);
  if (s && s->empty()) {
    error_at(key, "'" + std::string(key) + "' must not be empty");
    return std::nullopt;
  }
  return s;
}

void TableReader::string_into(std::string_view key, std::string& field) {
  if (auto v = string_view(key)) field.assign(*v);
}

std::optional<std::string> TableReader::prefixed_id(std::string_view key, std::string_view prefix,
                                                    std::string_view example, std::string_view what,
                                                    Presence presence) {
  auto id = non_empty_string(key, presence);
  if (!id || (id->size() > prefix.size() && id->starts_with(prefix))) return id;
  error_at(key, std::string(what) + " \"" + std::string(prefix) + "\", e.g. \"" + std::string(example) +
                    "\", got \"" + *id + "\"");
  return std::nullopt;
}

std::optional<std::string> TableReader::one_of(std::string_view key,
                                               std::span<const std::string_view> allowed,
                                               Presence presence) {
  auto s = string_view(key, presence);
  if (!s) return std::nullopt;
  if (std::find(allowed.begin(), allowed.end(), *s) != allowed.end()) return std::string(*s);
  std::string list;
  for (std::string_view a : allowed) {
    if (!list.empty()) list += ", ";
    list += "\"" + std::string(a) + "\"";
  }
  error_at(key, "'" + std::string(key) + "' must be one of " + list + ", got \"" + std::string(*s) + "\"" +
                    did_you_mean(*s, allowed));
  return std::nullopt;
}

std::optional<std::int64_t> TableReader::integer(std::string_view key, std::int64_t min,
                                                 std::int64_t max, Presence presence) {
  const toml::node* n = node(key, presence);
  if (!n) return std::nullopt;
  const auto* i = n->as_integer();
  if (!i) {
    wrong_type(key, *n, "an integer");
    return std::nullopt;
  }
  const std::int64_t v = i->get();
  if (v < min || v > max) {
    std::string range = max == std::numeric_limits<std::int64_t>::max()
                            ? ">= " + std::to_string(min)
                            : "between " + std::to_string(min) + " and " + std::to_string(max);
    sink_.error(n->source(),
                "'" + std::string(key) + "' must be " + range + ", got " + std::to_string(v));
    return std::nullopt;
  }
  return v;
}

std::optional<bool> TableReader::boolean(std::string_view key, Presence presence) {
  const toml::node* n = node(key, presence);
  if (!n) return std::nullopt;
  if (const auto* b = n->as_boolean()) return b->get();
  wrong_type(key, *n, "a boolean (true or false)");
  return std::nullopt;
}

std::optional<contracts::Duration> TableReader::duration(std::string_view key,
                                                         Presence presence) {
  const toml::node* n = node(key, presence);
  if (!n) return std::nullopt;
  const auto* s = n->as_string();
  if (!s) {
    wrong_type(key, *n, "a duration string such as \"30s\", \"250ms\" or \"1h30m\"");
    return std::nullopt;
  }
  auto d = contracts::parse_duration(s->get());
  if (!d) {
    sink_.error(n->source(), "'" + std::string(key) + "': invalid duration \"" + s->get() +
                                 "\"; use a number with a unit ms, s, m, h or d, e.g. \"30s\", "
                                 "\"250ms\", \"1h30m\", or \"0\"");
  }
  return d;
}

std::optional<contracts::Instant> TableReader::instant(std::string_view key, Presence presence) {
  const toml::node* n = node(key, presence);
  if (!n) return std::nullopt;
  const std::string k(key);
  std::optional<contracts::Instant> t;
  if (const auto* i = n->as_integer()) {
    if (i->get() < 0 || i->get() > kMaxUnixSeconds) {
      sink_.error(n->source(), "'" + k + "' must be Unix seconds between 0 and " +
                                   std::to_string(kMaxUnixSeconds) + ", got " +
                                   std::to_string(i->get()));
      return std::nullopt;
    }
    return contracts::Instant{std::chrono::seconds(i->get())};
  }
  if (const auto* dt = n->as_date_time()) {
    // A local date-time has no zone; guessing one would shift every timestamp.
    if (!dt->get().offset) {
      sink_.error(n->source(), "'" + k +
                                   "' needs a UTC offset to be unambiguous, e.g. "
                                   "2024-01-01T00:00:00Z or 2024-01-01T08:00:00+08:00");
      return std::nullopt;
    }
    t = to_instant(dt->get());
  } else if (const auto* s = n->as_string()) {
    t = contracts::parse_iso8601(s->get());
    if (!t) {
      sink_.error(n->source(), "'" + k + "': \"" + s->get() +
                                   "\" is not an ISO 8601 UTC time like "
                                   "\"2024-01-01T00:00:00Z\"");
      return std::nullopt;
    }
  } else {
    wrong_type(key, *n,
               "a date-time (2024-01-01T00:00:00Z), an ISO 8601 string or integer Unix "
               "seconds");
    return std::nullopt;
  }
  if (t->time_since_epoch().count() < 0) {
    sink_.error(n->source(), "'" + k + "' must not be before 1970-01-01T00:00:00Z");
    return std::nullopt;
  }
  return t;
}

// toml::table is ordered by key, so the tags are sorted back by source position.
std::vector<contracts::Tag> read_tags(TableReader& r) {
  const toml::node* n = r.node("tags");
  if (!n) return {};
  const auto* tags = n->as_table();
  if (!tags) {
    r.error_at("tags", "'tags' must be a table of strings, e.g. tags = { env = \"prod\" }, got " +
                           std::string(type_name(*n)));
    return {};
  }
  struct Entry {
    toml::source_position at;
    contracts::Tag tag;
  };
  std::vector<Entry> entries;
  for (auto&& [key, value] : *tags) {
    const auto* s = value.as_string();
    if (!s) {
      r.sink().error(value.source(), "tag '" + std::string(key.str()) + "' must be a string, got " +
                                         std::string(type_name(value)));
      continue;
    }
    if (key.str().empty()) {
      r.sink().error(key.source(), "tag keys must not be empty");
      continue;
    }
    entries.push_back(Entry{key.source().begin, {std::string(key.str()), s->get()}});
  }
  std::stable_sort(entries.begin(), entries.end(), [](const Entry& a, const Entry& b) {
    return std::pair(a.at.line, a.at.column) < std::pair(b.at.line, b.at.column);
  });
  std::vector<contracts::Tag> out;
  for (auto& e : entries) out.push_back(std::move(e.tag));
  return out;
}

}  // namespace ebsmock::scenarios::internal
