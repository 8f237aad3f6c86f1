// concurrent_run.cpp: the concurrent mode's run loop, shrinking, reports and saved
// counterexamples. Not thread-safe (see the header).
#include "harness/contract/concurrent_run.h"

#include <cstdio>

#include <chrono>
#include <map>
#include <sstream>

#include "contracts/random.h"
#include "harness/concurrent/sequential_spec.h"
#include "mock/seed.h"
#include "scenarios/writer/scenario_writer.h"

namespace ebsmock::harness {
namespace {

using Clock = std::chrono::steady_clock;

// RapidCheck size handed to the prefix's sequential generator.
constexpr int kGenSize = 30;
// Shrinking stops after this many candidates or this long, keeping the smallest so far.
constexpr int kMaxShrinkTries = 400;
constexpr double kMaxShrinkSeconds = 120;

constexpr std::string_view kProgramComment = "# concurrent-program: ";

// A saved counterexample's clock advance: the call it races is delayed this long, and the
// advance waits for that call up to its budget.
constexpr int kRacedCallDelayMs = 200;
constexpr int kAdvanceHoldBudgetMs = 2000;
// A saved counterexample's holds. Generated runs hold for kHoldBudgetMs, so a hold whose
// releaser never comes costs little; a saved file is replayed on other machines (CI, the
// sanitizers, a support engineer's laptop) where the other branch can start well over
// 300 ms late, and each of its holds has its releaser in the recorded order, so a longer
// budget only slows a replay that departs from it (a TSan run missed M1's race once at 300).
constexpr int kSavedHoldBudgetMs = 2000;

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// Whether the server accepts a fault rule shaped like `rule` (then removes it).
bool server_accepts(AdminClient& admin, nlohmann::json rule) {
  rule["id"] = "ebsmock-capability-probe";
  rule["action"] = "DescribeRegions";
  rule["times"] = 1;
  try {
    admin.add_fault(rule);
  } catch (const SetupError&) {
    return false;
  }
  admin.remove_fault("ebsmock-capability-probe");
  return true;
}

std::uint64_t case_seed(std::uint64_t seed, int i) {
  return seed ^ (0xD1B54A32D192ED03ULL * static_cast<std::uint64_t>(i + 1));
}

void count_calls(const RunRecord& r, ConcurrentResult& result) {
  for (const auto& op : r.history.ops) {
    if (op.clock_advance) {
      ++result.clock_advances;
      continue;
    }
    ++result.calls;
    if (op.observed.kind == concurrent::OutcomeKind::Ambiguous) ++result.ambiguous;
  }
}

ConcurrentCounterexample shrink(ConcurrentSetup& setup, const ParallelProgram& program, ProgramOutcome outcome,
                                int runs, std::ostream* progress) {
  ConcurrentCounterexample cx;
  cx.first = program;
  cx.shrunk = program;
  const auto start = Clock::now();
  bool improved = true;
  while (improved && cx.shrink_tries < kMaxShrinkTries && seconds_since(start) < kMaxShrinkSeconds) {
    improved = false;
    for (const auto& candidate : program_shrinks(cx.shrunk)) {
      if (cx.shrink_tries >= kMaxShrinkTries) break;
      ++cx.shrink_tries;
      ProgramOutcome o = run_program(setup, candidate, runs);
      if (!o.failed) continue;
      ++cx.shrinks_accepted;
      cx.shrunk = candidate;
      outcome = std::move(o);
      improved = true;
      if (progress) {
        *progress << "  shrunk to " << cx.shrunk.branches.size() << " branches, " << call_count(cx.shrunk)
                  << " calls, " << cx.shrunk.prefix.size() << " prefix steps (" << cx.shrink_tries << " tries)\n"
                  << std::flush;
      }
      break;
    }
  }
  cx.record = outcome.runs[outcome.decisive];
  cx.shrink_seconds = seconds_since(start);
  return cx;
}

// One [[fault]] table from a rule as the admin API takes it (flat values, one inline table).
std::string fault_table(const nlohmann::json& rule) {
  std::string out = "\n[[fault]]\n";
  for (const auto& [k, v] : rule.items()) {
    out += k + " = ";
    if (v.is_object()) {
      std::string inner;
      for (const auto& [ik, iv] : v.items()) inner += (inner.empty() ? "" : ", ") + ik + " = " + iv.dump();
      out += "{ " + inner + " }\n";
    } else {
      out += v.dump() + "\n";
    }
  }
  return out;
}

nlohmann::json attempt_json(const ObservedAttempt& a) { return a.to_json(); }

nlohmann::json part_json(const concurrent::History& h, const concurrent::PartResult& part) {
  nlohmann::json j = {{"verdict", std::string(concurrent::to_string(part.verdict))}, {"ops", part.ops}};
  nlohmann::json longest = nlohmann::json::array();
  for (const auto& p : part.longest) {
    longest.push_back({{"op", p.op}, {"call", h.ops[p.op].call},
                       {"state_after", p.state_after ? concurrent::describe_state(*p.state_after) : nlohmann::json()}});
  }
  j["longest"] = longest;
  if (part.stuck) {
    j["stuck"] = {{"op", part.stuck->op}, {"call", h.ops[part.stuck->op].call}, {"expected", part.stuck->expected},
                  {"observed", part.stuck->observed}, {"reason", part.stuck->reason}};
  }
  nlohmann::json candidates = nlohmann::json::array();
  for (const auto& c : part.candidates) {
    candidates.push_back({{"op", c.op}, {"call", h.ops[c.op].call}, {"expected", c.expected},
                          {"observed", c.observed}, {"reason", c.reason}});
  }
  j["candidates"] = candidates;
  j["witness"] = part.witness;
  return j;
}

}  // namespace

nlohmann::json to_json(const ParallelProgram& p) {
  nlohmann::json prefix = nlohmann::json::array();
  for (const auto& s : p.prefix) {
    prefix.push_back({{"kind", std::string(to_string(s.kind))}, {"slot", s.slot}, {"flag", s.flag}, {"name", s.name},
                      {"description", s.description}, {"advance_ms", s.advance.count()}});
  }
  nlohmann::json branches = nlohmann::json::array();
  for (const auto& br : p.branches) {
    nlohmann::json calls = nlohmann::json::array();
    for (const auto& c : br) {
      calls.push_back({{"id", c.id}, {"kind", std::string(to_string(c.kind))}, {"slot", c.slot}, {"flag", c.flag},
                       {"fields", static_cast<int>(c.fields)},
                       {"fault", std::string(to_string(c.fault.kind))}, {"commit_after", c.fault.commit_after},
                       {"persistent", c.fault.persistent}, {"hold_for", c.hold_for},
                       {"shared_token", c.shared_token}, {"duplicate", c.duplicate}});
    }
    branches.push_back(std::move(calls));
  }
  return {{"prefix", prefix}, {"branches", branches}};
}

ParallelProgram program_from_json(const nlohmann::json& j) {
  auto kind_of = [](const std::string& name) {
    for (StepKind k : kAllStepKinds) {
      if (to_string(k) == name) return k;
    }
    throw SetupError("unknown step kind '" + name + "' in a saved concurrent program");
  };
  try {
    ParallelProgram p;
    for (const auto& s : j.at("prefix")) {
      Step step;
      step.kind = kind_of(s.at("kind").get<std::string>());
      step.slot = s.at("slot").get<int>();
      step.flag = s.at("flag").get<bool>();
      step.name = s.at("name").get<int>();
      step.description = s.at("description").get<int>();
      step.advance = std::chrono::milliseconds(s.at("advance_ms").get<long long>());
      p.prefix.push_back(step);
    }
    for (const auto& br : j.at("branches")) {
      std::vector<ParallelCall> calls;
      for (const auto& c : br) {
        ParallelCall call;
        call.id = c.at("id").get<int>();
        call.kind = kind_of(c.at("kind").get<std::string>());
        call.slot = c.at("slot").get<int>();
        call.flag = c.at("flag").get<bool>();
        const int fields = c.value("fields", 0);
        if (fields < 0 || fields > 2) throw SetupError("bad 'fields' in a saved concurrent program");
        call.fields = static_cast<ParallelCall::Fields>(fields);
        const std::string fault = c.at("fault").get<std::string>();
        if (fault != "None") {
          auto k = parse_fault_kind(fault);
          if (!k) throw SetupError("unknown fault kind '" + fault + "' in a saved concurrent program");
          call.fault.kind = *k;
        }
        call.fault.commit_after = c.at("commit_after").get<bool>();
        call.fault.persistent = c.at("persistent").get<bool>();
        call.hold_for = c.at("hold_for").get<int>();
        call.shared_token = c.value("shared_token", -1);
        call.duplicate = c.value("duplicate", false);
        calls.push_back(call);
      }
      p.branches.push_back(std::move(calls));
    }
    return p;
  } catch (const nlohmann::json::exception& e) {
    throw SetupError(std::string("malformed saved concurrent program: ") + e.what());
  }
}

ParallelProgram parse_concurrent_program(const std::string& toml_text) {
  std::istringstream in(toml_text);
  std::string line;
  while (std::getline(in, line)) {
    if (!line.starts_with(kProgramComment)) continue;
    auto j = nlohmann::json::parse(line.substr(kProgramComment.size()), nullptr, false);
    if (j.is_discarded()) throw SetupError("the '# concurrent-program:' line is not JSON");
    return program_from_json(j);
  }
  throw SetupError("no '# concurrent-program:' line: not a counterexample saved by contract --concurrent");
}

std::string ConcurrentResult::rerun_command() const {
  std::string cmd = "ebsmock contract --concurrent --client '" + client + "'";
  if (!embedded) cmd += " --endpoint " + endpoint;
  if (!replay_path.empty()) return cmd + " --replay " + replay_path;
  if (!scenario_path.empty()) cmd += " --scenario " + scenario_path;
  cmd += " --seed " + std::to_string(seed) + " --tests " + std::to_string(tests) + " --runs " + std::to_string(runs);
  if (holds) cmd += " --hold";
  return cmd;
}

ConcurrentResult run_concurrent_contract(const ContractOptions& options) {
  const auto start = Clock::now();
  ConcurrentResult result;
  result.client = options.client_spec;
  result.endpoint = options.endpoint;
  result.embedded = options.endpoint.empty();
  result.tests = options.tests;
  result.runs = std::max(1, options.runs);
  result.replay_path = options.replay_path;
  result.scenario_path = options.scenario_path;
  std::ostream* progress = options.progress;
  try {
    const bool replay = !options.replay_path.empty();
    std::optional<ParallelProgram> saved;
    if (replay) saved = parse_concurrent_program(read_replay_file(options.replay_path));
    ContractResult base;
    base.embedded = result.embedded;
    base.endpoint = options.endpoint;
    base.world = contract_world(options, base);
    result.seed = base.seed;
    ContractServer server = connect_server(options, base, !replay);
    result.endpoint = base.endpoint;
    result.notes = base.notes;
    result.world = base.world;
    AdminClient& admin = *server.admin;

    result.call_ids = server_accepts(admin, {{"call_id", "probe"}, {"error", "InternalError"}});
    result.holds = options.holds && result.call_ids &&
                   server_accepts(admin, {{"call_id", "probe"},
                                          {"hold_until", {{"call_id", "probe2"}, {"budget_ms", 1}}}});
    if (options.holds && !result.holds) {
      result.notes.push_back("the server takes no hold_until fault rules: --hold is off");
    }
    if (!result.call_ids) {
      result.notes.push_back(
          "the server does not match fault rules on call_id: faults match action and pair, the journal is "
          "correlated by ClientToken");
    }

    const auto& cred = result.world.credentials.front();
    ClientEnvironment env{base.endpoint, cred.access_key_id, cred.access_key_secret, std::string(kRegion),
                          options.call_timeout};
    auto prefix_client = make_client("builtin:reference", env);
    int branches_needed = kMaxBranches;
    if (saved) branches_needed = std::max<int>(1, static_cast<int>(saved->branches.size()));
    auto clients = make_clients(options.client_spec, env, branches_needed);
    ConcurrentSetup setup{admin, *prefix_client, {}, result.world};
    for (auto& c : clients) setup.clients.push_back(c.get());
    setup.client_direction = result.embedded;
    setup.verifies_signatures = server.verifies_signatures;
    setup.match_call_id = result.call_ids;
    setup.holds = result.holds;
    setup.arm_faults = !replay;
    setup.access_key_id = cred.access_key_id;
    setup.client_seed = contracts::client_seed(result.seed);

    if (saved) {
      ProgramOutcome o = run_program(setup, *saved, result.runs);
      result.executions = o.runs.size();
      for (const auto& r : o.runs) count_calls(r, result);
      if (o.failed) {
        ConcurrentCounterexample cx;
        cx.first = cx.shrunk = *saved;
        cx.record = o.runs[o.decisive];
        result.counterexample = std::move(cx);
      } else if (o.unknown) {
        result.cases_unknown = 1;
        result.unknown_example = o.runs[o.decisive];
      } else {
        result.cases_passed = 1;
      }
    } else {
      const GenModel initial = initial_gen_model(result.world, false);
      const auto gen = gen_parallel_program(
          initial, {.holds = result.holds, .faults = true, .shared_tokens = !result.embedded});
      const int every = std::max(1, options.tests / 10);
      for (int i = 0; i < options.tests; ++i) {
        ParallelProgram program = gen(rc::Random(case_seed(result.seed, i)), kGenSize).value();
        ProgramOutcome o = run_program(setup, program, result.runs);
        result.executions += o.runs.size();
        for (const auto& r : o.runs) count_calls(r, result);
        if (o.failed) {
          if (progress) {
            *progress << "  case " << i + 1 << " FAILED (run " << o.decisive + 1 << " of " << result.runs
                      << "); shrinking the program...\n"
                      << std::flush;
          }
          if (options.shrink) {
            result.counterexample = shrink(setup, program, std::move(o), result.runs, progress);
          } else {
            ConcurrentCounterexample cx;
            cx.first = cx.shrunk = program;
            cx.record = o.runs[o.decisive];
            result.counterexample = std::move(cx);
          }
          break;
        }
        if (o.unknown) {
          ++result.cases_unknown;
          if (!result.unknown_example) result.unknown_example = o.runs[o.decisive];
        } else {
          ++result.cases_passed;
        }
        if (progress && ((i + 1) % every == 0 || i + 1 == options.tests)) {
          *progress << "  [" << i + 1 << "/" << options.tests << "] cases, " << result.cases_passed << " passed, "
                    << result.cases_unknown << " unknown, " << result.calls << " calls (" << result.ambiguous
                    << " ambiguous)\n"
                    << std::flush;
        }
      }
    }
    result.exit_code = (result.counterexample || result.cases_unknown > 0) ? 1 : 0;
  } catch (const SetupError& e) {
    result.exit_code = 2;
    result.setup_error = e.what();
  }
  result.seconds = seconds_since(start);
  if (progress) {
    char line[200];
    std::snprintf(line, sizeof line, "  timing: %.6f s in all, %.6f s shrinking, %llu program runs\n", result.seconds,
                  result.counterexample ? result.counterexample->shrink_seconds : 0.0,
                  static_cast<unsigned long long>(result.executions));
    *progress << line << std::flush;
  }
  return result;
}

std::string concurrent_summary_text(const ConcurrentResult& r) {
  std::ostringstream os;
  os << "ebsmock contract --concurrent: client " << r.client << " against "
     << (r.embedded ? std::string("an embedded mock") : r.endpoint) << "\n";
  for (const auto& n : r.notes) os << "note: " << n << "\n";
  if (r.exit_code == 2) {
    os << "SET-UP ERROR: " << r.setup_error << "\n";
    return os.str();
  }
  os << "  " << r.cases_passed << " cases linearizable, " << r.cases_unknown << " unknown (not a pass), "
     << (r.counterexample ? 1 : 0) << " failed; each run up to " << r.runs << " times; " << r.calls << " calls, "
     << r.ambiguous << " ambiguous, " << r.clock_advances << " clock advances; hold_until " << (r.holds ? "on" : "off")
     << "\n";
  if (r.counterexample) {
    const auto& cx = *r.counterexample;
    os << "CONTRACT VIOLATED (concurrent)\n";
    if (cx.shrink_tries > 0) {
      os << "  shrunk from " << cx.first.branches.size() << " branches x " << call_count(cx.first) << " calls to "
         << cx.shrunk.branches.size() << " x " << call_count(cx.shrunk) << " (" << cx.shrinks_accepted << " of "
         << cx.shrink_tries << " tries)\n";
    }
    os << describe(cx.shrunk);
    os << "Failing run " << cx.record.run << ":\n" << cx.record.summary();
  } else if (r.unknown_example) {
    os << "UNKNOWN: the checker ran out of budget; an Unknown is not a pass\n" << r.unknown_example->summary();
  } else {
    os << "CONTRACT HOLDS (concurrent)\n";
  }
  os << "rerun: " << r.rerun_command() << "\n";
  return os.str();
}

namespace {

nlohmann::json run_record_json(const RunRecord& rec) {
  const auto& h = rec.history;
  nlohmann::json calls = nlohmann::json::array();
  for (std::size_t i = 0; i < h.ops.size(); ++i) {
    const auto& op = h.ops[i];
    const auto& t = rec.traces[i];
    nlohmann::json attempts = nlohmann::json::array();
    for (const auto& a : t.attempts) attempts.push_back(attempt_json(a));
    calls.push_back({{"index", i},
                     {"branch", t.branch},
                     {"closing_read", is_closing_read(t.call)},
                     {"call", op.call},
                     {"call_id", call_id_of(t.call)},
                     {"label", describe(t.call)},
                     {"action", op.clock_advance ? std::string(to_string(StepKind::AdvanceClock))
                                                 : std::string(contracts::to_string(op.action))},
                     {"pair", t.pair_id},
                     {"client_token", concurrent::client_token(op)},
                     {"invoke_ns", op.invoke},
                     {"response_ns", op.response},
                     {"outcome", std::string(concurrent::to_string(op.observed.kind))},
                     {"observed", concurrent::describe(op.observed)},
                     {"client_attempts", t.result.attempts},
                     {"attempts", attempts},
                     {"commit_seq", op.journal && op.journal->commit_seq ? nlohmann::json(*op.journal->commit_seq)
                                                                         : nlohmann::json()}});
  }
  nlohmann::json server = nlohmann::json::array();
  for (const auto& a : rec.server) server.push_back(attempt_json(a));
  nlohmann::json parts = nlohmann::json::array();
  for (const auto& p : rec.check.parts) parts.push_back(part_json(h, p));
  nlohmann::json invariants = nlohmann::json::array();
  for (const auto& v : rec.invariants) invariants.push_back({{"rule", v.rule}, {"ops", v.ops}, {"message", v.message}});
  nlohmann::json prefix = nlohmann::json::array();
  for (const auto& s : rec.prefix) prefix.push_back(s.to_json());
  return {{"run", rec.run},
          {"verdict", rec.failed() ? "failed" : std::string(concurrent::to_string(rec.check.verdict))},
          {"checker_verdict", std::string(concurrent::to_string(rec.check.verdict))},
          {"pairs", rec.pair_ids},
          {"calls", calls},
          {"server", server},
          {"parts", parts},
          {"invariants", invariants},
          {"prefix", prefix},
          {"text", rec.summary()}};
}

}  // namespace

nlohmann::json concurrent_report_json(const ConcurrentResult& r) {
  nlohmann::json j = {{"mode", "concurrent"},
                      {"client", r.client},
                      {"endpoint", r.embedded ? std::string("embedded") : r.endpoint},
                      {"direction", r.embedded ? "client" : "server"},
                      {"seed", r.seed},
                      {"tests", r.tests},
                      {"runs", r.runs},
                      {"hold_until", r.holds},
                      {"call_ids", r.call_ids},
                      {"exit_code", r.exit_code},
                      {"verdict", r.exit_code == 0   ? "holds"
                                  : r.exit_code == 2 ? "setup-error"
                                  : r.counterexample ? "violated"
                                                     : "unknown"},
                      {"setup_error", r.setup_error},
                      {"notes", r.notes},
                      {"cases_passed", r.cases_passed},
                      {"cases_unknown", r.cases_unknown},
                      {"executions", r.executions},
                      {"calls", r.calls},
                      {"ambiguous", r.ambiguous},
                      {"clock_advances", r.clock_advances},
                      {"rerun", r.rerun_command()}};
  if (r.counterexample) {
    const auto& cx = *r.counterexample;
    j["counterexample"] = {{"program", to_json(cx.shrunk)},
                           {"program_text", describe(cx.shrunk)},
                           {"first_program", to_json(cx.first)},
                           {"shrink_tries", cx.shrink_tries},
                           {"shrinks_accepted", cx.shrinks_accepted},
                           {"run", run_record_json(cx.record)}};
  }
  if (r.unknown_example) j["unknown"] = run_record_json(*r.unknown_example);
  return j;
}

std::string concurrent_counterexample_toml(const ConcurrentResult& r) {
  if (!r.counterexample) return "";
  const auto& cx = *r.counterexample;
  scenarios::Scenario world = r.world;
  world.faults.clear();
  std::string out = "# A counterexample of `ebsmock contract --concurrent` (client " + r.client + ", seed " +
                    std::to_string(r.seed) + ").\n# Rerun: ebsmock contract --concurrent --client '" + r.client +
                    "' --replay THIS_FILE\n# or against `ebsmock serve --scenario THIS_FILE`: add --endpoint URL.\n";
  out += "#\n";
  std::istringstream program_text(describe(cx.shrunk));
  for (std::string line; std::getline(program_text, line);) out += "# " + line + "\n";
  out += std::string(kProgramComment) + to_json(cx.shrunk).dump() + "\n\n";
  out += scenarios::write_scenario(world, {.explicit_defaults = true});

  // The program's faults, matched by call id.
  std::map<int, nlohmann::json> rules;
  for (const auto& br : cx.shrunk.branches) {
    for (const auto& c : br) {
      if (c.fault.kind == FaultKind::None) continue;
      nlohmann::json rule = fault_rule_json(c.fault, "cx-" + call_id_of(c), action_of(c.kind));
      rule["call_id"] = call_id_of(c);
      rules[c.id] = rule;
    }
  }
  // The failing interleaving: in the failing run's journal order, every call waits
  // (between its token step and its commit) for the call before it from another branch.
  std::vector<int> order;
  std::map<std::string, int> id_of_call;
  for (const auto& t : cx.record.traces) id_of_call[call_id_of(t.call)] = t.call.id;
  std::map<int, int> branch_of;
  for (const auto& t : cx.record.traces) branch_of[t.call.id] = t.branch;
  std::vector<std::pair<std::uint64_t, int>> firsts;
  for (const auto& t : cx.record.traces) {
    std::optional<std::uint64_t> first;
    for (const auto& a : t.attempts) first = first ? std::min(*first, a.seq) : a.seq;
    if (first) firsts.emplace_back(*first, t.call.id);
  }
  std::sort(firsts.begin(), firsts.end());
  for (std::size_t k = 1; k < firsts.size(); ++k) {
    const int prev = firsts[k - 1].second;
    const int id = firsts[k].second;
    if (branch_of[prev] == branch_of[id]) continue;  // a branch's own calls are ordered already
    auto& rule = rules[id];
    if (rule.is_null()) {
      rule = {{"id", "cx-hold-c" + std::to_string(id)}, {"times", 1}};
      for (const auto& t : cx.record.traces) {
        if (t.call.id == id) rule["action"] = std::string(action_of(t.call.kind));
      }
      rule["call_id"] = "c" + std::to_string(id);
    }
    rule["hold_until"] = {{"call_id", "c" + std::to_string(prev)}, {"budget_ms", kSavedHoldBudgetMs}};
  }
  // A clock advance is not journaled, so the order above cannot place it: it waits (in a
  // racy background writer's window, between its read and its write) for the call it was
  // held for, else for the first call of another branch that moved its pair. Nothing can
  // wait for the advance's arrival in turn, so that call is delayed instead (the advance,
  // on the latch with it, arrives first), and the advance's budget outlasts the delay.
  for (const auto& t : cx.record.traces) {
    if (t.call.kind != StepKind::AdvanceClock) continue;
    int target = t.call.hold_for;
    std::optional<std::uint64_t> first;
    for (const auto& u : cx.record.traces) {
      if (t.call.hold_for >= 0) break;
      if (u.branch == t.branch || u.pair_id != t.pair_id || is_closing_read(u.call)) continue;
      for (const auto& a : u.attempts) {
        if (a.transition && (!first || a.seq < *first)) {
          first = a.seq;
          target = u.call.id;
        }
      }
    }
    if (target < 0) continue;
    rules[t.call.id] = {{"id", "cx-hold-" + call_id_of(t.call)},
                        {"times", 1},
                        {"call_id", call_id_of(t.call)},
                        {"hold_until", {{"call_id", "c" + std::to_string(target)}, {"budget_ms", kAdvanceHoldBudgetMs}}}};
    auto& raced = rules[target];
    if (raced.is_null()) {
      raced = {{"id", "cx-delay-c" + std::to_string(target)}, {"times", 1}, {"call_id", "c" + std::to_string(target)}};
      for (const auto& u : cx.record.traces) {
        if (u.call.id == target) raced["action"] = std::string(action_of(u.call.kind));
      }
    }
    if (!raced.contains("delay")) raced["delay"] = std::to_string(kRacedCallDelayMs) + "ms";
  }
  for (const auto& [id, rule] : rules) out += fault_table(rule);
  return out;
}

}  // namespace ebsmock::harness
