// counterexample.cpp: writing and reading counterexample files. Pure.
#include "harness/contract/counterexample.h"

#include <set>
#include <sstream>

#include "harness/contract/scenario_toml.h"

namespace ebsmock::harness {
namespace {

std::string toml_params(const contracts::Params& params, const std::set<std::string>& created) {
  std::string out = "{ ";
  bool first = true;
  for (const auto& [k, v] : params) {
    if (k == "ClientToken") continue;  // each run's client draws its own
    // Pairs created during the history get new ids on every run: match them by presence.
    const bool run_specific = (k == "ReplicaPairId" || k == "PairIds") && created.contains(v);
    out += (first ? "" : ", ") + toml_quoted(k) + " = " + toml_quoted(run_specific ? "*" : v);
    first = false;
  }
  return out + " }";
}

// One [[replay]] step answering `a` exactly as the failing run did.
std::string replay_step(const StepRecord& rec, const AttemptAnalysis& analysis,
                        const std::set<std::string>& created) {
  const ObservedAttempt& a = analysis.attempt;
  std::ostringstream out;
  out << "[[replay]]\n";
  out << "action = " << toml_quoted(a.action.empty() ? rec.action : a.action) << "\n";
  out << "params = " << toml_params(rec.params, created) << "\n";
  const FaultRecord* f = a.fault ? &*a.fault : nullptr;
  const std::string transport = f ? f->transport : "none";
  if (f && f->delay_ms > 0 && transport != "hang") out << "delay = \"" << f->delay_ms << "ms\"\n";
  if (transport == "hang") {
    // A replay step has no hang cap (it would hang 30 s): hold the request as long as the
    // hang lasted, then close, which is what the client saw.
    out << "delay = \"" << kHangCap.count() << "ms\"\ntransport = \"close\"\n";
    if (f->commit == "after") out << "commit = \"after\"\n";
  } else if (transport != "none" && !transport.empty()) {
    out << "transport = " << toml_quoted(transport) << "\n";
    if (f->commit == "after") out << "commit = \"after\"\n";
  } else if (!a.code.empty()) {
    out << "status = " << a.status << "\ncode = " << toml_quoted(a.code) << "\n";
    if (f && f->commit == "after") out << "commit = \"after\"\n";
    if (a.code.find("Throttling") != std::string::npos && f) {
      out << "headers = { \"x-acs-retry-after\" = \"" << kRetryAfterMs << "\" }\n";
    }
  }
  // else: a success, answered by the model (so ids and statuses line up).
  return out.str();
}

std::string comment_lines(const std::string& text) {
  std::string out;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) out += "#   " + line + "\n";
  return out;
}

}  // namespace

std::string counterexample_toml(const ContractResult& r) {
  const Counterexample& cx = *r.counterexample;
  std::ostringstream out;
  out << "# ebsmock contract counterexample\n";
  out << "# client: " << r.client << "\n";
  for (const auto& v : cx.failures) {
    out << "# violated " << to_string(v.check) << " (" << title(v.check) << "):\n" << comment_lines(v.detail);
  }
  if (r.replay_path.empty()) out << "# found by: " << r.rerun_command() << "\n";
  out << "# rerun:    ebsmock contract --client '" << r.client << "'" << r.call_timeout_flag()
      << " --replay THIS_FILE\n";
  out << "# serve:    ebsmock serve --scenario THIS_FILE, then drive the calls below in order and\n"
         "#           advance the virtual clock (POST /__admin/clock/advance?by=D) where a note says\n";
  out << "# Each [[replay]] step is one request the client sent, answered as in the failing run;\n"
         "# replay_mode \"lenient\": a request that is not the next step gets the normal model.\n"
         "# Lines starting with \"#@\" are the harness's notes (JSON), read by --replay.\n\n";
  scenarios::Scenario world = r.world;
  world.name = "contract counterexample";
  world.description = "shrunk history of " + r.client;
  out << scenario_to_toml(world, scenarios::ReplayMode::Lenient);

  std::set<std::string> created;
  int call = 0;
  for (const auto& rec : cx.records) {
    if (rec.final_describe) continue;
    out << "\n";
    if (rec.step.kind == StepKind::AdvanceClock) {
      out << "#@ " << nlohmann::json{{"advance", contracts::format_duration(rec.step.advance)}}.dump() << "\n";
      continue;
    }
    ++call;
    nlohmann::json note = {{"call", call}, {"action", rec.action}, {"params", rec.params},
                           {"created", rec.created}};
    if (rec.step.fault.kind != FaultKind::None) note["fault"] = describe(rec.step.fault);
    out << "#@ " << note.dump() << "\n";
    out << "# step " << rec.index << ": " << describe(rec.step) << " -> client reported "
        << (rec.result.ok ? std::string("success") : rec.result.code) << "\n";
    for (const auto& a : rec.attempts) out << replay_step(rec, a, created);
    for (const auto& id : rec.created) created.insert(id);
  }
  return out.str();
}

std::vector<ReplayAction> parse_replay_plan(std::string_view text) {
  std::vector<ReplayAction> plan;
  std::size_t pos = 0;
  int line_no = 0;
  while (pos < text.size()) {
    auto end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(pos, end - pos);
    pos = end + 1;
    ++line_no;
    if (!line.starts_with("#@")) continue;
    auto j = nlohmann::json::parse(line.substr(2), nullptr, /*allow_exceptions=*/false);
    auto bad = [&](const std::string& why) {
      return SetupError("line " + std::to_string(line_no) + ": malformed #@ note (" + why + "): " + std::string(line));
    };
    if (!j.is_object()) throw bad("not a JSON object");
    ReplayAction a;
    if (j.contains("advance")) {
      auto d = contracts::parse_duration(j.value("advance", ""));
      if (!d) throw bad("advance is not a duration");
      a.is_advance = true;
      a.advance = *d;
      plan.push_back(std::move(a));
      continue;
    }
    a.action = j.value("action", "");
    auto op = contracts::parse_operation(a.action);
    if (!op) throw bad("unknown action '" + a.action + "'");
    bool found = false;
    for (StepKind k : kAllStepKinds) {
      if (k != StepKind::AdvanceClock && operation_of(k) == *op) {
        a.kind = k;
        found = true;
      }
    }
    if (!found) throw bad("action '" + a.action + "' is not one the harness drives");
    if (auto p = j.find("params"); p != j.end() && p->is_object()) {
      for (const auto& [k, v] : p->items()) {
        if (!v.is_string()) throw bad("parameter " + k + " is not a string");
        a.params[k] = v.get<std::string>();
      }
    }
    if (auto c = j.find("created"); c != j.end() && c->is_array()) {
      for (const auto& id : *c) {
        if (id.is_string()) a.created.push_back(id.get<std::string>());
      }
    }
    plan.push_back(std::move(a));
  }
  if (plan.empty()) {
    throw SetupError("no \"#@\" notes: not a counterexample saved by ebsmock contract --save-counterexample");
  }
  return plan;
}

}  // namespace ebsmock::harness
