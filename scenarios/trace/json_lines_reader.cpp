// json_lines_reader.cpp: ebsmock's own request log (scenarios/traces/), one JSON object
// per line with time, action, params, status, code, message, body, request_id,
// latency_ms. Stricter than the customers' formats because it is ours: an unknown
// action, a bad type or an error without a code is a problem at its line. Unknown
// fields are ignored (logs carry extra ones). Stateless.
#include <cmath>

#include <nlohmann/json.hpp>

#include "contracts/error_catalogue.h"
#include "contracts/operation.h"
#include "contracts/text.h"
#include "scenarios/loader/fault_spec.h"
#include "scenarios/trace/log_text.h"
#include "scenarios/trace/trace_import.h"
#include "scenarios/trace/trace_normalise.h"
#include "scenarios/trace/trace_readers.h"
#include "scenarios/trace/trace_time.h"
#include "scenarios/writer/toml_text.h"

namespace ebsmock::scenarios {

namespace {

using nlohmann::json;

std::string json_type(const json& v) { return v.type_name(); }

bool is_match_param(std::string_view name) {
  return std::find(kTraceMatchParams.begin(), kTraceMatchParams.end(), name) != kTraceMatchParams.end();
}

// Checks one line's object; appends problems (without the "SOURCE:LINE: " prefix).
TraceCall read_request(const json& j, int line, const ReaderOptions& o, std::vector<std::string>& problems) {
  TraceCall r;
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
  std::string time;
  string_field("time", time);
  if (!time.empty()) {
    r.time = time;
    r.instant = read_trace_time(time, o.zone).instant;
  }
  string_field("code", r.code);
  string_field("message", r.message);
  string_field("request_id", r.request_id);

  if (auto it = j.find("params"); it != j.end() && !it->is_null()) {
    if (!it->is_object()) {
      problems.push_back("\"params\" must be an object, got " + json_type(*it));
    } else {
      for (const auto& [name, value] : it->items()) {
        if (value.is_null()) continue;
        std::string problem;
        auto v = wire_value(value, problem);
        if (v) {
          r.params.emplace_back(name, *v);
        } else if (is_match_param(name)) {
          problems.push_back("param " + name + " " + problem);
        } else {
          r.params.emplace_back(name, value.dump());  // never matched: only its name is kept
        }
      }
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
  if (r.status && !contracts::is_2xx(*r.status) && r.code.empty() && !r.body) {
    problems.push_back("status " + std::to_string(*r.status) +
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

}  // namespace

ReadResult read_json_lines(std::string_view text, std::string_view source, const ReaderOptions& o) {
  ReadResult out;
  for (const auto& l : split_lines(text)) {
    if (l.text.find_first_not_of(" \t") == std::string_view::npos) continue;
    std::vector<std::string> problems;
    TraceCall call;
    try {
      json j = json::parse(l.text);
      if (!j.is_object()) {
        problems.push_back("expected a JSON object, got " + json_type(j));
      } else {
        call = read_request(j, l.number, o, problems);
      }
    } catch (const json::exception& e) {
      problems.push_back("not JSON: " + json_error_text(e));
    }
    if (problems.empty()) {
      out.calls.push_back(std::move(call));
      continue;
    }
    for (auto& p : problems) add_problem(out, source, l.number, 0, std::move(p));
  }
  return out;
}

}  // namespace ebsmock::scenarios
