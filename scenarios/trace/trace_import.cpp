// trace_import.cpp: JSON-lines trace -> a replay Scenario, written with comments through
// scenarios/writer. Reentrant: no shared mutable state.
#include "scenarios/trace/effect_evidence.h"
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
#include "scenarios/trace/trace_normalise.h"
#include "scenarios/trace/trace_readers.h"
#include "scenarios/writer/scenario_writer.h"
#include "scenarios/writer/toml_text.h"

namespace ebsmock::scenarios {

namespace {

using nlohmann::json;

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
bool model_answers(const TraceRequest& r) {
  return r.transport == Transport::None && contracts::is_2xx(r.status) && !r.body && r.code.empty();
}

bool is_create(const TraceRequest& r) { return r.action == "CreateDiskReplicaPair"; }

// Whether the client could not know if the call took effect (a gateway or server failure
// on a mutating call), as opposed to a definite refusal.
bool ambiguous_failure(const TraceRequest& r) {
  auto op = contracts::parse_operation(r.action);
  if (op && r.transport != Transport::None) return contracts::is_mutating(*op);
  // A recorded error body does not settle it: a gateway's 504 carries one too.
  if (!op || !contracts::is_mutating(*op) || contracts::is_2xx(r.status)) return false;
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

Diagnostic at(const TraceImportOptions& o, const TraceRequest& r, std::string message) {
  return {.path = r.source.empty() ? o.source_name : r.source, .line = r.line, .message = std::move(message)};
}

// "line 6" for the file being imported, "har.json:12" when several are merged.
std::string where(const TraceRequest& r) {
  if (r.source.empty()) return "line " + std::to_string(r.line);
  return std::filesystem::path(r.source).filename().string() + ":" + std::to_string(r.line);
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
  ReadResult read = read_json_lines(text, source, {});
  out.problems = std::move(read.problems);
  if (read.unlisted_problems > 0) {
    out.problems.push_back({.path = source,
                            .message = std::to_string(read.unlisted_problems) + " more problems not shown"});
  }
  for (auto& call : read.calls) {
    // The comments of a single-file import say "line N", not the file's name again.
    if (auto r = normalise_call(std::move(call), "", read.report)) out.requests.push_back(std::move(*r));
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

  // With a base world (--base) the replay starts from it: its pairs, groups, timing,
  // clock and seed (so the model draws the same ids), without its faults or replay.
  Scenario s = o.base ? *o.base : Scenario{};
  s.faults.clear();
  s.replay = {};
  s.source_path.clear();
  s.name = name;
  s.description = "Replay of the customer trace " + file_name + " (" + std::to_string(n) +
                  (n == 1 ? " request)" : " requests)");
  if (!o.base) s.seed = 1;
  if (!s.seed) s.seed = 1;
  s.replay.mode = o.mode;
  Notes notes;
  if (!o.base) {
    s.clock.mode = ClockMode::Virtual;
    if (const auto first_time = requests.front().instant) {
      s.clock.start = *first_time;
      // The start is written in UTC; say what the trace wrote when that differs.
      if (toml_datetime(*first_time) != requests.front().time) notes.first_time = requests.front().time;
    }
  }
  if (s.credentials.empty()) s.credentials.push_back({"testid", "testsecret"});
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
  if (!o.report_lines.empty()) {
    notes.top.emplace_back("#");
    for (const auto& line : o.report_lines) notes.top.push_back(line);
  }

  // --- pairs the model needs but the trace does not create ---
  std::vector<std::string> first;  // before the first step
  std::vector<std::string> external;
  for (const auto& [id, origin] : origins) {
    const bool declared = std::any_of(s.pairs.begin(), s.pairs.end(), [&](const auto& p) { return p.id == id; });
    if (!origin.created_by && origin.model_answered && !declared) external.push_back(id);
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
      warnings.push_back(at(o, requests[origin.first],
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
    std::string head = "Step " + std::to_string(i + 1) + " of " + std::to_string(n) + " (" + where(r) + ")";
    const auto& when = r.instant;
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
    for (const auto& note : r.notes) lines.push_back(note);
    for (const auto& u : r.unknown) lines.push_back("unknown " + u);
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
        warnings.push_back(at(o, r,
                              "CreateDiskReplicaPair is answered by the model, which gives the "
                              "new pair its own id; later steps name the customer's " + ids +
                                  " and will not match what the client sends. Re-run with "
                                  "--wildcard-created-ids (or --lenient)"));
      }
    }
    const auto evidence = ambiguous_failure(r) && !r.commit_after ? effect_evidence(requests, i, o.base) : std::nullopt;
    const bool inferred = evidence && evidence->kind == EffectEvidence::Kind::Observed && o.infer_commits;
    if (r.commit_after) {
      lines.push_back("This call took effect although the client got an error: the mock applies it, then");
      lines.push_back("answers as recorded.");
    } else if (inferred) {
      lines.push_back("The client could not tell whether this call took effect, but the trace shows it did:");
      lines.push_back(evidence->text);
      lines.push_back("So the mock applies it, then answers as recorded (--infer-commits).");
    } else if (ambiguous_failure(r)) {
      lines.push_back("The client could not tell whether this call took effect; the mock answers without");
      lines.push_back("applying it.");
      if (evidence) lines.push_back(evidence->text);
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
    step.transport = r.transport;
    if (r.commit_after || inferred) step.commit = Commit::After;
    // A recorded success body is answered as written; a change must still happen, or
    // the steps after it meet a world that never moved.
    if (const auto op = contracts::parse_operation(r.action);
        op && contracts::is_mutating(*op) && r.body && contracts::is_2xx(r.status) && r.transport == Transport::None) {
      step.commit = Commit::After;
    }
    const bool replaced = r.transport != Transport::None && r.transport != Transport::Truncate;
    step.status = replaced ? 200 : r.status;
    step.code = replaced ? std::string() : r.code;
    // With a body the body is the answer, message included.
    step.message = replaced || r.body ? std::string() : r.message;
    // 0 ms is no delay; the mock's own latency is already below a millisecond.
    if (r.latency_ms && *r.latency_ms >= 1) {
      step.delay = {.kind = DelaySpec::Kind::Fixed, .fixed = contracts::Duration{*r.latency_ms}};
    }
    if (!replaced) step.body = r.body;
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
