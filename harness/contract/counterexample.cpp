// counterexample.cpp: writing and reading counterexample files. The harness's part is
// turning step records into [[replay]] steps and "#@" notes; the TOML text itself comes
// from scenarios/writer. Pure.
#include "harness/contract/counterexample.h"

#include <map>
#include <set>
#include <sstream>
#include <utility>

#include "scenarios/writer/scenario_writer.h"

namespace ebsmock::harness {
namespace {

// One [[replay]] step answering attempt `analysis` exactly as the failing run did.
scenarios::ReplayStep replay_step(const StepRecord& rec, const AttemptAnalysis& analysis,
                                  const std::set<std::string>& created) {
  const ObservedAttempt& a = analysis.attempt;
  scenarios::ReplayStep step;
  step.action = a.action.empty() ? rec.action : a.action;
  for (const auto& [k, v] : rec.params) {
    if (k == "ClientToken") continue;  // each run's client draws its own
    // Pairs, groups and drills created during the history get new ids on every run: match
    // them by presence.
    const bool names_resource = k == "ReplicaPairId" || k == "PairIds" || k == "ReplicaGroupId" ||
                                k == "GroupIds" || k == "GroupId" || k == "PairId" || k == "DrillId";
    const bool run_specific = names_resource && created.contains(v);
    step.params[k] = run_specific ? "*" : v;
  }
  const FaultRecord* f = a.fault ? &*a.fault : nullptr;
  using scenarios::Transport;
  const Transport transport = f ? f->transport : Transport::None;
  const bool after = f && f->commit == scenarios::Commit::After;
  using Kind = scenarios::DelaySpec::Kind;
  if (f && f->delay_ms > 0 && transport != Transport::Hang) {
    step.delay = {.kind = Kind::Fixed, .fixed = contracts::Duration{f->delay_ms}};
  }
  if (transport == Transport::Hang) {
    // A replay step has no hang cap (it would hang 30 s): hold the request as long as the
    // hang lasted, then close, which is what the client saw.
    step.delay = {.kind = Kind::Fixed, .fixed = kHangCap};
    step.transport = scenarios::Transport::Close;
    if (after) step.commit = scenarios::Commit::After;
  } else if (transport != Transport::None) {
    step.transport = transport;
    if (after) step.commit = scenarios::Commit::After;
  } else if (!a.code.empty()) {
    step.status = a.status;
    step.code = a.code;
    if (after) step.commit = scenarios::Commit::After;
    if (a.code.find("Throttling") != std::string::npos && f) {
      step.headers.emplace_back("x-acs-retry-after", std::to_string(kRetryAfterMs));
    }
  }
  // else: a success, answered by the model (so ids and statuses line up).
  return step;
}

void add_lines(std::vector<std::string>& out, const std::string& prefix, const std::string& text) {
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(prefix + line);
}

}  // namespace

std::string counterexample_toml(const ContractResult& r) {
  const Counterexample& cx = *r.counterexample;
  std::vector<std::string> header = {"ebsmock contract counterexample", "client: " + r.client};
  for (const auto& v : cx.failures) {
    header.push_back("violated " + std::string(to_string(v.check)) + " (" + std::string(title(v.check)) + "):");
    add_lines(header, "  ", v.detail);
  }
  if (r.replay_path.empty()) header.push_back("found by: " + r.rerun_command());
  header.push_back("rerun:    ebsmock contract --client '" + r.client + "'" + r.call_timeout_flag() +
                   " --replay THIS_FILE");
  header.push_back("serve:    ebsmock serve --scenario THIS_FILE, then drive the calls below in order and");
  header.push_back("          advance the virtual clock (POST /__admin/clock/advance?by=D) where a note says");
  header.push_back("Each [[replay]] step is one request the client sent, answered as in the failing run;");
  header.push_back("replay_mode \"lenient\": a request that is not the next step gets the normal model.");
  header.push_back("Lines starting with \"#@\" are the harness's notes (JSON), read by --replay.");

  scenarios::Scenario world = r.world;
  world.name = "contract counterexample";
  world.description = "shrunk history of " + r.client;
  world.faults.clear();  // the harness injected its own; the steps carry what they did
  world.replay = {.mode = scenarios::ReplayMode::Lenient, .steps = {}};

  // Notes go before the step they lead to; those after the last step end the file.
  std::map<std::size_t, std::vector<std::string>> notes_before;
  std::vector<std::string> pending;
  std::set<std::string> created;
  int call = 0;
  for (const auto& rec : cx.records) {
    if (rec.final_describe) continue;
    if (!pending.empty()) pending.emplace_back();  // a blank line between records
    if (rec.step.kind == StepKind::AdvanceClock) {
      pending.push_back("#@ " + nlohmann::json{{"advance", contracts::format_duration(rec.step.advance)}}.dump());
      continue;
    }
    ++call;
    nlohmann::json note = {{"call", call}, {"action", rec.action}, {"params", rec.params},
                           {"created", rec.created}};
    if (rec.step.fault.kind != FaultKind::None) note["fault"] = describe(rec.step.fault);
    pending.push_back("#@ " + note.dump());
    pending.push_back("step " + std::to_string(rec.index) + ": " + describe(rec.step) + " -> client reported " +
                      (rec.result.ok ? std::string("success") : rec.result.code));
    for (const auto& a : rec.attempts) {
      if (!pending.empty()) notes_before[world.replay.steps.size()] = std::exchange(pending, {});
      world.replay.steps.push_back(replay_step(rec, a, created));
    }
    for (const auto& id : rec.created) created.insert(id);
  }

  scenarios::WriteOptions options;
  // The world is written whole, so the file means the same if a default changes.
  options.explicit_defaults = true;
  options.comments_before = [&](const scenarios::Place& at) -> std::vector<std::string> {
    if (at.table.empty()) return header;
    if (at.table == "replay" && at.key.empty()) {
      if (auto it = notes_before.find(at.index); it != notes_before.end()) return it->second;
    }
    return {};
  };
  options.footer = std::move(pending);
  return scenarios::write_scenario(world, options);
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
    auto kind = step_kind_of(*op);
    if (!kind) throw bad("action '" + a.action + "' is not one the harness drives");
    a.kind = *kind;
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
