// trace_import.cpp: JSON-lines trace -> a replay Scenario, written with comments through
// scenarios/writer. Reentrant: no shared mutable state.
#include "scenarios/trace/trace_import.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <map>
#include <set>

#include <nlohmann/json.hpp>

#include "contracts/error_catalogue.h"
#include "contracts/operation.h"
#include "contracts/text.h"
#include "contracts/time.h"
#include "scenarios/loader/scenario_loader.h"
#include "scenarios/writer/scenario_writer.h"
#include "scenarios/writer/toml_text.h"

namespace ebsmock::scenarios {

namespace {

using nlohmann::json;

// Past this many bad lines the rest are only counted: a wrong file (a binary, a CSV)
// would otherwise print one line per line.
constexpr std::size_t kMaxReportedProblems = 50;

std::string json_type(const json& v) { return v.type_name(); }

// A JSON parameter value as the wire carries it: SDKs send booleans as "true"/"false" and
// numbers in decimal; a list of pair ids as one comma-separated PairIds.
std::optional<std::string> wire_value(const json& v, std::string& problem) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_boolean()) return v.get<bool>() ? "true" : "false";
  if (v.is_number_integer() || v.is_number_unsigned()) return v.dump();
  if (v.is_number_float()) {
    const double d = v.get<double>();
    if (std::isfinite(d) && d == std::floor(d) && std::fabs(d) < 1e15) {
      return std::to_string(static_cast<long long>(d));
    }
    return v.dump();
  }
  if (v.is_array()) {
    std::string out;
    for (const auto& e : v) {
      if (!e.is_string()) {
        problem = "must be a string or a list of strings, got a list holding " + json_type(e);
        return std::nullopt;
      }
      if (!out.empty()) out += ',';
      out += e.get<std::string>();
    }
    return out;
  }
  problem = "must be a string, number or boolean, got " + json_type(v);
  return std::nullopt;
}

bool is_match_param(std::string_view name) {
  return std::find(kTraceMatchParams.begin(), kTraceMatchParams.end(), name) !=
         kTraceMatchParams.end();
}

// Strips nlohmann's "[json.exception.parse_error.101] " prefix: the rest says where and why.
std::string short_json_error(const std::string& what) {
  auto pos = what.find("] ");
  return pos == std::string::npos ? what : what.substr(pos + 2);
}

// Checks one line's object; appends problems (without the "SOURCE:LINE: " prefix).
TraceRequest read_request(const json& j, int line, std::vector<std::string>& problems) {
  TraceRequest r;
  r.line = line;
  auto string_field = [&](const char* key, std::string& out) {
    auto it = j.find(key);
    if (it == j.end() || it->is_null()) return false;
    if (!it->is_string()) {
      problems.push_back(std::string("\"") + key + "\" must be a string, got " + json_type(*it));
      return false;
    }
    out = it->get<std::string>();
    return true;
  };

  if (!j.contains("action") || j["action"].is_null()) {
    problems.push_back("missing \"action\"");
  } else if (string_field("action", r.action) && !contracts::parse_operation(r.action)) {
    problems.push_back("unknown action \"" + comment_safe(r.action) + "\"");
  }
  string_field("time", r.time);
  string_field("code", r.code);
  string_field("message", r.message);
  string_field("request_id", r.request_id);

  if (auto it = j.find("params"); it != j.end() && !it->is_null()) {
    if (!it->is_object()) {
      problems.push_back("\"params\" must be an object, got " + json_type(*it));
    } else {
      for (const auto& [name, value] : it->items()) {
        if (!is_match_param(name)) {
          r.dropped_params.push_back(name);
          continue;
        }
        if (value.is_null()) continue;
        std::string problem;
        if (auto v = wire_value(value, problem)) {
          r.params[name] = *v;
        } else {
          problems.push_back("param " + name + " " + problem);
        }
      }
      std::sort(r.dropped_params.begin(), r.dropped_params.end());
    }
  }

  if (auto it = j.find("body"); it != j.end() && !it->is_null()) {
    if (!it->is_object()) {
      problems.push_back("\"body\" must be a JSON object (the exact answer), got " + json_type(*it));
    } else {
      r.body = it->dump();
    }
  }

  auto status = j.find("status");
  if (status == j.end() || status->is_null()) {
    // A log that kept only the code still says enough when the code is a known one.
    static const contracts::ErrorCatalogue kCatalogue;
    if (const auto* def = kCatalogue.find(r.code); def != nullptr && !r.code.empty()) {
      r.status = def->http_status;
    } else {
      problems.push_back("missing \"status\" (the HTTP status the customer got)");
    }
  } else if (!status->is_number_integer() && !status->is_number_unsigned()) {
    problems.push_back("\"status\" must be an integer HTTP status, got " + json_type(*status));
  } else if (status->get<std::int64_t>() < 100 || status->get<std::int64_t>() > 599) {
    problems.push_back("\"status\" must be between 100 and 599, got " + status->dump());
  } else {
    r.status = status->get<int>();
  }
  const bool success = contracts::is_2xx(r.status);
  if (!success && r.code.empty() && !r.body) {
    problems.push_back("status " + std::to_string(r.status) +
                       " without \"code\" or \"body\": the replay cannot tell what the answer "
                       "was; add the error code");
  }

  if (auto it = j.find("latency_ms"); it != j.end() && !it->is_null()) {
    if (!it->is_number()) {
      problems.push_back("\"latency_ms\" must be a number, got " + json_type(*it));
    } else {
      const double ms = it->get<double>();
      // The recorded latency becomes the step's delay, which stops at kMaxDelay.
      if (!(ms >= 0) || ms > static_cast<double>(kMaxDelay.count())) {
        problems.push_back("\"latency_ms\" must be between 0 and " + std::to_string(kMaxDelay.count()) +
                           ", got " + it->dump());
      } else {
        r.latency_ms = std::llround(ms);
      }
    }
  }
  return r;
}

// "2026-11-20T10:00:00.123Z" or "...+08:00" -> the instant; nullopt for anything else,
// including what TOML would reject (so such a time is never written as a date-time).
std::optional<contracts::Instant> parse_trace_time(std::string_view s) {
  using namespace std::chrono;
  auto digits = [&](std::size_t pos, std::size_t n) -> std::optional<int> {
    if (pos + n > s.size()) return std::nullopt;
    int v = 0;
    for (std::size_t i = pos; i < pos + n; ++i) {
      if (s[i] < '0' || s[i] > '9') return std::nullopt;
      v = v * 10 + (s[i] - '0');
    }
    return v;
  };
  if (s.size() < 20 || s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' ||
      s[16] != ':') {
    return std::nullopt;
  }
  auto y = digits(0, 4), mo = digits(5, 2), d = digits(8, 2);
  auto h = digits(11, 2), mi = digits(14, 2), sec = digits(17, 2);
  if (!y || !mo || !d || !h || !mi || !sec) return std::nullopt;
  const year_month_day ymd{year{*y}, month{static_cast<unsigned>(*mo)},
                           day{static_cast<unsigned>(*d)}};
  if (!ymd.ok() || *y < 1970 || *h > 23 || *mi > 59 || *sec > 59) return std::nullopt;
  std::size_t pos = 19;
  milliseconds frac{0};
  if (s[pos] == '.') {
    std::size_t start = ++pos;
    int scale = 100;
    while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
      frac += milliseconds{(s[pos] - '0') * scale};
      scale /= 10;
      ++pos;
    }
    if (pos == start || pos - start > 9) return std::nullopt;
  }
  minutes offset{0};
  if (pos + 1 == s.size() && s[pos] == 'Z') {
    // UTC
  } else if (pos + 6 == s.size() && (s[pos] == '+' || s[pos] == '-') && s[pos + 3] == ':') {
    auto oh = digits(pos + 1, 2), om = digits(pos + 4, 2);
    if (!oh || !om || *oh > 23 || *om > 59) return std::nullopt;
    offset = hours{*oh} + minutes{*om};
    if (s[pos] == '-') offset = -offset;
  } else {
    return std::nullopt;
  }
  return time_point_cast<milliseconds>(sys_days{ymd}) + hours{*h} + minutes{*mi} +
         seconds{*sec} + frac - offset;
}

// "850ms", "5.178s", "41m03s", "2h05m": the gap a comment shows between two requests.
std::string human_gap(contracts::Duration d) {
  const auto ms = d.count();
  char buf[64];
  if (ms < 0) return "-" + human_gap(-d);
  if (ms < 1000) {
    std::snprintf(buf, sizeof buf, "%lldms", static_cast<long long>(ms));
  } else if (ms < 60'000) {
    std::snprintf(buf, sizeof buf, "%.3fs", static_cast<double>(ms) / 1000);
  } else if (ms < 3'600'000) {
    std::snprintf(buf, sizeof buf, "%lldm%02llds", static_cast<long long>(ms / 60'000),
                  static_cast<long long>(ms / 1000 % 60));
  } else {
    std::snprintf(buf, sizeof buf, "%lldh%02lldm", static_cast<long long>(ms / 3'600'000),
                  static_cast<long long>(ms / 60'000 % 60));
  }
  return buf;
}

// The model answers a success without a body (it runs the operation for real).
bool model_answers(const TraceRequest& r) { return contracts::is_2xx(r.status) && !r.body && r.code.empty(); }

bool is_create(const TraceRequest& r) { return r.action == "CreateDiskReplicaPair"; }

// Whether the client could not know if the call took effect (a gateway or server failure
// on a mutating call), as opposed to a definite refusal.
bool ambiguous_failure(const TraceRequest& r) {
  auto op = contracts::parse_operation(r.action);
  if (!op || !contracts::is_mutating(*op) || contracts::is_2xx(r.status) || r.body) return false;
  static const contracts::ErrorCatalogue kCatalogue;
  if (const auto* def = kCatalogue.find(r.code)) {
    return def->retry == contracts::RetryClass::Transient;
  }
  return r.status >= 500;
}

// Where each pair id of the trace comes from.
struct PairOrigin {
  std::size_t first = 0;                  // index of the first request naming it
  std::optional<std::size_t> created_by;  // the model-answered Create before it, if any
  std::string region;                     // RegionId of that first request
  bool model_answered = false;            // some model-answered step names it
};

std::map<std::string, PairOrigin> pair_origins(const std::vector<TraceRequest>& requests) {
  std::map<std::string, PairOrigin> out;
  std::optional<std::size_t> last_create;
  for (std::size_t i = 0; i < requests.size(); ++i) {
    const auto& r = requests[i];
    std::vector<std::string> ids;
    if (auto it = r.params.find("ReplicaPairId"); it != r.params.end()) ids.push_back(it->second);
    if (auto it = r.params.find("PairIds"); it != r.params.end()) {
      for (auto& id : contracts::split_csv(it->second)) ids.push_back(std::move(id));
    }
    for (const auto& id : ids) {
      auto [pos, inserted] = out.try_emplace(id);
      if (inserted) {
        pos->second.first = i;
        pos->second.created_by = last_create;
        if (auto reg = r.params.find("RegionId"); reg != r.params.end()) pos->second.region = reg->second;
      }
      if (model_answers(r)) pos->second.model_answered = true;
    }
    // Heuristic: a pair first named after a successful Create is the one it created
    // (the trace has no response bodies to say so for certain).
    if (is_create(r) && model_answers(r)) last_create = i;
  }
  return out;
}

Diagnostic at(const TraceImportOptions& o, int line, std::string message) {
  return {.path = o.source_name, .line = line, .message = std::move(message)};
}

// The comments of the file: what a support engineer needs to read it, by place.
struct Notes {
  std::vector<std::string> top;
  std::string first_time;  // the trace's first time as written, for the clock's comment
  std::vector<std::vector<std::string>> before_step;
  std::vector<std::string> params_note;  // per step, after its params

  std::vector<std::string> before(const Place& at) const;
  std::string after(const Place& at) const;
};

std::vector<std::string> Notes::before(const Place& at) const {
  if (at.table.empty()) return top;
  if (at.table == "scenario" && at.key == "replay_mode") {
    return {"strict: a request that is not the next step gets 400 Mock.ReplayMismatch naming the",
            "  step expected, and the step stays next (fix the client and retry);",
            "lenient: such a request is answered by the normal model instead.",
            "Either way it is recorded as a mismatch: GET /__admin/replay lists them."};
  }
  if (at.table == "clock" && at.key == "mode") {
    return {"Virtual: time stands still unless advanced (POST /__admin/clock/advance?by=30s), so",
            "every run sees the same statuses. Each step's comment shows how long the customer",
            "waited before it: advance by that much to let pairs move on as theirs did."};
  }
  if (at.table == "credential" && at.key.empty()) {
    return {"Point the client that reproduces the trace at ebsmock with these keys."};
  }
  if (at.table == "auth" && at.key == "verify_signatures") {
    return {"The customer signed their requests with their own AccessKey secret, which support must",
            "never ask for. Signatures are not what a replay reproduces, so any key is accepted,",
            "including the customer's AccessKeyId in a copy of their configuration."};
  }
  if (at.table == "replay" && at.key.empty() && at.index < before_step.size()) {
    return before_step[at.index];
  }
  return {};
}

std::string Notes::after(const Place& at) const {
  if (at.table == "scenario" && at.key == "seed") {
    return "fixed, so the ids and RequestIds the model makes are the same on every run";
  }
  if (at.table == "clock" && at.key == "start") {
    return "the trace's first request" + (first_time.empty() ? "" : ", " + first_time);
  }
  if (at.table == "replay" && at.key == "params" && at.index < params_note.size()) {
    return params_note[at.index];
  }
  return "";
}

}  // namespace

ParsedTrace parse_trace(std::string_view text, std::string_view source_name) {
  ParsedTrace out;
  const std::string source(source_name);
  if (text.size() > kMaxScenarioBytes) {
    out.problems.push_back({.path = source,
                            .message = "the trace is larger than 16 MiB, the limit of a scenario "
                                       "file; cut it down to the requests that matter"});
    return out;
  }
  std::size_t bad_lines = 0;
  std::size_t start = 0;
  int line_no = 0;
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(start, end - start);
    start = end + 1;
    ++line_no;
    if (line_no == 1 && line.starts_with("\xEF\xBB\xBF")) line.remove_prefix(3);  // BOM
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.find_first_not_of(" \t") == std::string_view::npos) continue;

    std::vector<std::string> problems;
    TraceRequest request;
    try {
      json j = json::parse(line);
      if (!j.is_object()) {
        problems.push_back("expected a JSON object, got " + json_type(j));
      } else {
        request = read_request(j, line_no, problems);
      }
    } catch (const json::exception& e) {
      problems.push_back("not JSON: " + short_json_error(e.what()));
    }
    if (problems.empty()) {
      out.requests.push_back(std::move(request));
      continue;
    }
    if (++bad_lines > kMaxReportedProblems) continue;
    for (auto& p : problems) out.problems.push_back({.path = source, .line = line_no, .message = std::move(p)});
  }
  if (bad_lines > kMaxReportedProblems) {
    out.problems.push_back({.path = source,
                            .message = std::to_string(bad_lines - kMaxReportedProblems) +
                                       " more bad lines not shown"});
  }
  if (out.requests.empty() && out.problems.empty()) {
    out.problems.push_back(
        {.path = source, .message = "the trace has no requests (expected one JSON object per line)"});
  }
  return out;
}

std::string render_replay_scenario(const std::vector<TraceRequest>& requests,
                                   const TraceImportOptions& o,
                                   std::vector<Diagnostic>& warnings, Scenario* built) {
  const std::string file_name = std::filesystem::path(o.source_name).filename().string();
  const std::string name =
      o.name.empty() ? std::filesystem::path(o.source_name).stem().string() : o.name;
  const std::size_t n = requests.size();
  const auto origins = pair_origins(requests);

  // Ids to match with "*": the pairs the model creates under its own ids.
  std::set<std::string> wildcard_ids;
  std::map<std::size_t, std::vector<std::string>> created_by_step;
  for (const auto& [id, origin] : origins) {
    if (!origin.created_by) continue;
    created_by_step[*origin.created_by].push_back(id);
    if (o.wildcard_created_ids) wildcard_ids.insert(id);
  }

  Scenario s;
  s.name = name;
  s.description = "Replay of the customer trace " + file_name + " (" + std::to_string(n) +
                  (n == 1 ? " request)" : " requests)");
  s.seed = 1;
  s.replay.mode = o.mode;
  s.clock.mode = ClockMode::Virtual;
  Notes notes;
  if (const auto first_time = parse_trace_time(requests.front().time)) {
    s.clock.start = *first_time;
    // The start is written in UTC; say what the trace wrote when that differs.
    if (toml_datetime(*first_time) != requests.front().time) notes.first_time = requests.front().time;
  }
  s.credentials.push_back({"testid", "testsecret"});
  s.auth.verify_signatures = false;

  // --- the header ---
  std::string span = std::to_string(n) + (n == 1 ? " request" : " requests");
  if (!requests.front().time.empty()) {
    span += " from " + requests.front().time + (n > 1 ? " to " + requests.back().time : "");
  }
  notes.top = {
      name + ": a replay of the customer trace " + file_name + ",",
      span + ", generated by `ebsmock import-trace`.",
      "It is an ordinary scenario file: edit freely.",
      "#",
      "Each [[replay]] step is one request the customer's client sent and the answer it got,",
      "in order. ebsmock answers a request with the next step when the action and the params",
      "listed match, and the step is used up. Errors are answered exactly as recorded (status,",
      "code, message or body) after the recorded latency. A success without a body is",
      "answered by the model, which runs the operation for real, so pairs are created and",
      "change status as they did for the customer."};

  // --- pairs the model needs but the trace does not create ---
  std::vector<std::string> first;  // before the first step
  std::vector<std::string> external;
  for (const auto& [id, origin] : origins) {
    if (!origin.created_by && origin.model_answered) external.push_back(id);
  }
  if (!external.empty()) {
    first = {"Pairs the trace uses but does not create. Steps answered by the model need them, or",
             "they get 404 NoSuchResource (or an empty list): uncomment each one and set its",
             "destination region and the status it had when the trace starts."};
    for (const auto& id : external) {
      const auto& origin = origins.at(id);
      first.push_back("# [[pair]]");
      first.push_back("# id = " + toml_string(id));
      first.push_back("# region = " + toml_string(origin.region.empty() ? "cn-hangzhou" : origin.region));
      first.push_back("# destination_region = \"cn-shanghai\"  # check the customer's console");
      first.push_back("# status = \"normal\"");
      warnings.push_back(at(o, requests[origin.first].line,
                            "pair " + comment_safe(id) +
                                " is used but not created by the trace: add it as a [[pair]] "
                                "(a template is in the scenario), or the steps the model answers "
                                "for it get NoSuchResource"));
    }
    first.emplace_back();
  }
  for (const std::string_view line :
       {"`params` holds only what identifies a request: RegionId, ReplicaPairId, PairIds,",
        "OneShot and ReverseReplicate (\"*\" = any value, as long as it is present).",
        "ClientToken and the signature and timestamp parameters are dropped: an SDK makes new",
        "ones on every run, so matching them would fail every step. Other settings (disk ids,",
        "names, bandwidth, ...) are dropped too, so a reproduction need not copy them byte for",
        "byte; each step's comment names what was dropped."}) {
    first.emplace_back(line);
  }
  first.emplace_back();

  // --- steps ---
  std::optional<contracts::Instant> previous_time;
  for (std::size_t i = 0; i < n; ++i) {
    const TraceRequest& r = requests[i];
    std::vector<std::string> lines = i == 0 ? std::move(first) : std::vector<std::string>{};
    std::string head = "Step " + std::to_string(i + 1) + " of " + std::to_string(n) + " (line " +
                       std::to_string(r.line) + ")";
    const auto when = parse_trace_time(r.time);
    if (!r.time.empty()) {
      head += ": " + r.time;
      if (when && previous_time) head += " (+" + human_gap(*when - *previous_time) + ")";
    }
    if (when) previous_time = when;
    if (!r.request_id.empty()) head += ", RequestId " + r.request_id;
    if (r.latency_ms) head += ", took " + std::to_string(*r.latency_ms) + " ms";
    lines.push_back(head);
    if (!r.dropped_params.empty()) {
      std::string dropped;
      for (const auto& p : r.dropped_params) dropped += (dropped.empty() ? "" : ", ") + p;
      lines.push_back("not matched: " + dropped);
    }
    if (auto it = created_by_step.find(i); it != created_by_step.end()) {
      std::string ids;
      for (const auto& id : it->second) ids += (ids.empty() ? "" : ", ") + comment_safe(id);
      lines.push_back("The model creates this pair under its own id (fixed by the seed), not the");
      lines.push_back("customer's " + ids + ", and the client asks about the id it got.");
      if (o.wildcard_created_ids) {
        lines.push_back("So later steps match that id with \"*\" (--wildcard-created-ids).");
      } else {
        lines.push_back("Later steps name the customer's id, so in strict mode they will not match:");
        lines.push_back("re-import with --wildcard-created-ids, or set those params to \"*\".");
        warnings.push_back(at(o, r.line,
                              "CreateDiskReplicaPair is answered by the model, which gives the "
                              "new pair its own id; later steps name the customer's " + ids +
                                  " and will not match what the client sends. Re-run with "
                                  "--wildcard-created-ids (or --lenient)"));
      }
    }
    if (ambiguous_failure(r)) {
      lines.push_back("The client could not tell whether this call took effect; the mock answers without");
      lines.push_back("applying it.");
      // A retry of the same call refused for the pair's status says the first one got through.
      const auto pair = r.params.find("ReplicaPairId");
      for (std::size_t k = i + 1; pair != r.params.end() && k < n; ++k) {
        const auto& later = requests[k];
        const auto later_pair = later.params.find("ReplicaPairId");
        if (later.action == r.action && later_pair != later.params.end() &&
            later_pair->second == pair->second &&
            later.code == contracts::codes::kInvalidStatus) {
          lines.push_back("Step " + std::to_string(k + 1) + ", the same call for the same pair, got " +
                          std::string(contracts::codes::kInvalidStatus) + ", so it probably did.");
          break;
        }
      }
      lines.push_back("If it did, uncomment this to apply it before answering:");
      lines.push_back("# commit = \"after\"");
    }
    notes.before_step.push_back(std::move(lines));

    ReplayStep step;
    step.action = r.action;
    std::string params_note;
    for (const auto& [k, v] : r.params) {
      std::string value = v;
      if (k == "ReplicaPairId" || k == "PairIds") {
        const auto ids = contracts::split_csv(v);
        if (std::any_of(ids.begin(), ids.end(),
                        [&](const std::string& id) { return wildcard_ids.count(id) != 0; })) {
          value = "*";
          params_note += (params_note.empty() ? "" : "; ") + k + " was " + toml_string(v) + " in the trace";
        }
      }
      step.params[k] = value;
    }
    notes.params_note.push_back(std::move(params_note));
    step.status = r.status;
    step.code = r.code;
    step.message = r.message;
    // 0 ms is no delay; the mock's own latency is already below a millisecond.
    if (r.latency_ms && *r.latency_ms >= 1) {
      step.delay = {.kind = DelaySpec::Kind::Fixed, .fixed = contracts::Duration{*r.latency_ms}};
    }
    step.body = r.body;
    s.replay.steps.push_back(std::move(step));
  }

  WriteOptions options;
  options.comments_before = [&notes](const Place& at) { return notes.before(at); };
  options.comment_after = [&notes](const Place& at) { return notes.after(at); };
  std::string toml = write_scenario(s, options);
  if (built) *built = std::move(s);
  return toml;
}

TraceImportResult import_trace(std::string_view text, const TraceImportOptions& options) {
  TraceImportResult out;
  ParsedTrace parsed = parse_trace(text, options.source_name);
  if (!parsed.problems.empty()) {
    out.problems = std::move(parsed.problems);
    return out;
  }
  out.toml = render_replay_scenario(parsed.requests, options, out.warnings, &out.scenario);
  out.steps = static_cast<int>(parsed.requests.size());
  if (out.toml.size() > kMaxScenarioBytes) {
    out.problems.push_back({.path = options.source_name,
                            .message = "the scenario would be larger than 16 MiB, the limit of a "
                                       "scenario file; cut the trace down to the requests that "
                                       "matter"});
    out.toml.clear();
  }
  return out;
}

}  // namespace ebsmock::scenarios
