// concurrent_runner.cpp: one parallel program, run and judged. Not thread-safe (see the
// header); the branch threads it starts share nothing but the latch and their own slots of
// the result vectors.
#include "harness/contract/concurrent_runner.h"

#include <algorithm>
#include <exception>
#include <latch>
#include <map>
#include <memory>
#include <set>
#include <thread>

#include "contracts/error_catalogue.h"
#include "contracts/operation.h"
#include "harness/client/reference_client.h"

namespace ebsmock::harness {
namespace {

using SteadyClock = std::chrono::steady_clock;

// Closing reads get ids past any branch call's (kClosingReadId + slot).
constexpr int kClosingReadId = 100000;

// The fields of a pair listing the model and a client agree on and a check cares about:
// each pair's status and its name and description (what Modify sets).
nlohmann::json describe_fields(const nlohmann::json& body) {
  nlohmann::json pairs = nlohmann::json::array();
  if (body.is_object() && body.contains("ReplicaPairs") && body["ReplicaPairs"].is_array()) {
    for (const auto& item : body["ReplicaPairs"]) {
      if (!item.is_object()) continue;
      nlohmann::json kept = nlohmann::json::object();
      for (const char* k : {"Status", "PairName", "Description"}) {
        if (item.contains(k)) kept[k] = item[k];
      }
      pairs.push_back(std::move(kept));
    }
  }
  return {{"ReplicaPairs", pairs}};
}

bool retryable_code(const std::string& code) {
  static const contracts::ErrorCatalogue kBuiltin;
  const auto* def = kBuiltin.find(code);
  return def && def->retry != contracts::RetryClass::Never;
}

std::uint64_t branch_seed(std::uint64_t seed, int branch) {
  return seed + 0x9E3779B97F4A7C15ULL * static_cast<std::uint64_t>(branch + 1);
}

// The fault rule (and hold_until schedule) armed for one branch call, or null.
nlohmann::json rule_for(const ConcurrentSetup& setup, const ParallelCall& c, const std::string& pair_id, int run) {
  const std::string id = "cc" + std::to_string(run) + "-" + std::to_string(c.id);
  const bool hold = setup.holds && c.hold_for >= 0;
  if (c.kind == StepKind::AdvanceClock) {
    // An advance takes only a hold, matched by call id alone (mock/fault_engine.h
    // hold_for_clock_advance): an `action` or `pair` condition would keep it from matching.
    if (!hold || !setup.match_call_id) return nullptr;
    return {{"id", id},
            {"times", 1},
            {"call_id", call_id_of(c)},
            {"hold_until", {{"call_id", "c" + std::to_string(c.hold_for)}, {"budget_ms", kHoldBudgetMs}}}};
  }
  if (c.fault.kind == FaultKind::None && !hold) return nullptr;
  nlohmann::json rule = c.fault.kind != FaultKind::None
                            ? fault_rule_json(c.fault, id, action_of(c.kind))
                            : nlohmann::json{{"id", id}, {"action", std::string(action_of(c.kind))}, {"times", 1}};
  if (hold) rule["hold_until"] = {{"call_id", "c" + std::to_string(c.hold_for)}, {"budget_ms", kHoldBudgetMs}};
  if (setup.match_call_id) {
    rule["call_id"] = call_id_of(c);
  } else {
    rule["pair"] = pair_id;
  }
  return rule;
}

struct Timed {
  CallResult result;
  concurrent::Time invoke = 0;
  concurrent::Time response = 0;
};

// The journal's view of a call: its attempts, which of them changed the world, and its
// linearization point: the first attempt that changed the world, else the last one that
// ran on it (a refusal changes nothing, so only the refusal the client was answered last
// is an observation; an earlier one, hidden by a fault, was followed by a retry).
concurrent::JournalView journal_view(contracts::Operation op, const std::vector<ObservedAttempt>& attempts) {
  concurrent::JournalView v;
  std::optional<std::uint64_t> first_effect, last_ran;
  for (const auto& a : attempts) {
    concurrent::JournalAttempt ja;
    ja.seq = a.seq;
    // A change shows as a transition; without one (Modify), only an answer of the model's
    // own says the call succeeded (a fault's answer hides a refusal as well as a success).
    ja.took_effect = a.effect_applied && contracts::is_mutating(op) &&
                     (a.transition.has_value() ||
                      (a.code.empty() && a.answer_source == contracts::AnswerSource::Model));
    v.attempts.push_back(ja);
    if (ja.took_effect && !first_effect) first_effect = a.seq;
    if (a.effect_applied) last_ran = a.seq;
  }
  v.commit_seq = first_effect ? first_effect : last_ran;
  return v;
}

RunRecord run_once(ConcurrentSetup& setup, const ParallelProgram& program, int run) {
  RunRecord rec;
  rec.run = run;
  CaseContext ctx{setup.prefix_client, setup.admin, setup.scenario, false, setup.verifies_signatures,
                  setup.client_seed, false};
  CaseRunner prefix(ctx);  // resets the server
  for (const Step& s : program.prefix) {
    prefix.run(s);
    if (prefix.failed()) break;
  }
  rec.prefix = prefix.records();
  if (prefix.failed()) {
    rec.prefix_failures = prefix.failures();
    return rec;
  }
  const Oracle& oracle = prefix.oracle();
  rec.history.initial = oracle.world();
  rec.history.now = oracle.now();
  int max_slot = 0;
  for (const auto& br : program.branches) {
    for (const auto& c : br) max_slot = std::max(max_slot, c.slot);
  }
  for (int s = 0; s <= max_slot; ++s) rec.pair_ids.push_back(oracle.resolve(s));

  const int n = static_cast<int>(program.branches.size());
  if (n > static_cast<int>(setup.clients.size())) throw SetupError("more branches than clients");
  for (int b = 0; b < n; ++b) {
    for (const auto& c : program.branches[static_cast<std::size_t>(b)]) {
      if (!setup.arm_faults) break;
      auto rule = rule_for(setup, c, rec.pair_ids[static_cast<std::size_t>(c.slot)], run);
      if (!rule.is_null()) setup.admin.add_fault(rule);
    }
  }
  const std::uint64_t before = setup.admin.health()["journal"].value("last_seq", std::uint64_t{0});
  for (int b = 0; b < n; ++b) setup.clients[static_cast<std::size_t>(b)]->begin_case(branch_seed(setup.client_seed, b));

  std::vector<std::vector<Timed>> timed(static_cast<std::size_t>(n));
  std::vector<std::exception_ptr> errors(static_cast<std::size_t>(n));
  std::latch start(n);
  const auto base = SteadyClock::now();
  auto ns = [base] { return static_cast<concurrent::Time>((SteadyClock::now() - base).count()); };
  {
    std::vector<std::jthread> threads;
    for (int b = 0; b < n; ++b) {
      threads.emplace_back([&, b] {
        const auto bi = static_cast<std::size_t>(b);
        ClientUnderTest& client = *setup.clients[bi];
        // A branch's clock advances go over its own admin connection, opened before the
        // latch so that an advance starts as promptly as a client's call.
        std::unique_ptr<AdminClient> admin;
        try {
          for (const auto& c : program.branches[bi]) {
            if (c.kind == StepKind::AdvanceClock && !admin) {
              admin = std::make_unique<AdminClient>(setup.admin.endpoint());
              admin->health();
            }
          }
        } catch (...) {
          errors[bi] = std::current_exception();
        }
        start.arrive_and_wait();
        if (errors[bi]) return;
        try {
          for (const auto& c : program.branches[bi]) {
            if (c.kind == StepKind::AdvanceClock) {
              Timed t;
              t.invoke = ns();
              admin->advance(kBranchClockAdvance, call_id_of(c));
              t.response = ns();
              t.result.ok = true;
              t.result.attempts = 1;
              timed[bi].push_back(std::move(t));
              continue;
            }
            client.set_call_id(call_id_of(c));
            const auto params = call_params(c, rec.pair_ids[static_cast<std::size_t>(c.slot)]);
            Timed t;
            t.invoke = ns();
            t.result = client.call(action_of(c.kind), params);
            t.response = ns();
            timed[bi].push_back(std::move(t));
          }
          client.set_call_id("");
        } catch (...) {
          errors[bi] = std::current_exception();
        }
      });
    }
  }
  for (auto& e : errors) {
    if (e) std::rethrow_exception(e);
  }

  // Closing reads: once every branch returned, the harness's own client describes each
  // pair the branches touched (a row of its own in the history), so an effect that no
  // branch read back is still observed.
  std::vector<ParallelCall> closing;
  std::vector<Timed> closing_timed;
  {
    std::set<int> slots;
    for (const auto& br : program.branches) {
      for (const auto& c : br) slots.insert(c.slot);
    }
    for (int slot : slots) {
      ParallelCall c;
      c.id = kClosingReadId + slot;
      c.kind = StepKind::Describe;
      c.slot = slot;
      setup.prefix_client.set_call_id(call_id_of(c));
      Timed t;
      t.invoke = ns();
      t.result = setup.prefix_client.call(action_of(c.kind), call_params(c, rec.pair_ids[static_cast<std::size_t>(slot)]));
      t.response = ns();
      closing.push_back(c);
      closing_timed.push_back(std::move(t));
    }
    setup.prefix_client.set_call_id("");
  }

  JournalBatch batch = setup.admin.journal_since(before);
  rec.server = batch.attempts;
  const bool call_ids = std::any_of(batch.attempts.begin(), batch.attempts.end(),
                                    [](const ObservedAttempt& a) { return !a.call_id.empty(); });

  // Fallback correlation: a mutating call's ClientToken, action and pair, when no other
  // call shares them.
  auto token_key = [](const std::string& action, const std::string& token, const std::string& pair) {
    return action + '\n' + token + '\n' + pair;
  };
  std::map<std::string, int> key_uses;
  for (int b = 0; b < n; ++b) {
    const auto& br = program.branches[static_cast<std::size_t>(b)];
    for (std::size_t i = 0; i < br.size(); ++i) {
      const auto& r = timed[static_cast<std::size_t>(b)][i].result;
      if (!r.client_token.empty()) {
        ++key_uses[token_key(std::string(action_of(br[i].kind)), r.client_token,
                             rec.pair_ids[static_cast<std::size_t>(br[i].slot)])];
      }
    }
  }

  std::vector<std::vector<ParallelCall>> rows = program.branches;
  rows.push_back(closing);
  timed.push_back(closing_timed);
  for (int b = 0; b <= n; ++b) {
    const auto& br = rows[static_cast<std::size_t>(b)];
    for (std::size_t i = 0; i < br.size(); ++i) {
      const ParallelCall& c = br[i];
      const Timed& t = timed[static_cast<std::size_t>(b)][i];
      const std::string& pair = rec.pair_ids[static_cast<std::size_t>(c.slot)];
      concurrent::HistoryOp op;
      op.client = b;
      op.call = c.id;
      if (c.kind == StepKind::AdvanceClock) {
        // Not a client call: no params, no attempts in the journal.
        op.clock_advance = kBranchClockAdvance;
        op.invoke = t.invoke;
        op.response = t.response;
        op.observed = observe(c.kind, t.result);
        rec.history.ops.push_back(std::move(op));
        rec.traces.push_back(CallTrace{b, c, pair, t.result, {}});
        continue;
      }
      op.action = operation_of(c.kind);
      op.params = call_params(c, pair);
      if (!t.result.client_token.empty() && ReferenceClient::sends_client_token(action_of(c.kind))) {
        op.params["ClientToken"] = t.result.client_token;
      }
      op.access_key_id = setup.access_key_id;
      op.invoke = t.invoke;
      op.response = t.response;
      op.observed = observe(c.kind, t.result);

      CallTrace trace{b, c, pair, t.result, {}};
      bool correlated = false;
      if (call_ids) {
        for (const auto& a : batch.attempts) {
          if (a.call_id == call_id_of(c)) trace.attempts.push_back(a);
        }
        correlated = true;
      } else if (!t.result.client_token.empty()) {
        const std::string action(action_of(c.kind));
        if (key_uses[token_key(action, t.result.client_token, pair)] == 1) {
          for (const auto& a : batch.attempts) {
            auto it = a.params.find("ReplicaPairId");
            if (a.action == action && a.client_token == t.result.client_token && it != a.params.end() &&
                it->second == pair) {
              trace.attempts.push_back(a);
            }
          }
          correlated = true;
        }
      }
      if (setup.client_direction && correlated) op.journal = journal_view(op.action, trace.attempts);
      rec.history.ops.push_back(std::move(op));
      rec.traces.push_back(std::move(trace));
    }
  }

  concurrent::CheckOptions options;
  options.time_budget = setup.check_budget;
  rec.check = concurrent::check_linearizable(rec.history, options);
  if (setup.client_direction) rec.invariants = concurrent::check_journal_invariants(rec.history);
  return rec;
}

}  // namespace

bool is_closing_read(const ParallelCall& c) { return c.id >= kClosingReadId; }

bool RunRecord::failed() const {
  return !prefix_failures.empty() || check.verdict == concurrent::Verdict::NotLinearizable || !invariants.empty();
}

std::string RunRecord::summary() const {
  if (!prefix_failures.empty()) {
    std::string out = "the sequential prefix broke the contract:";
    for (const auto& v : prefix_failures) out += "\n  " + std::string(to_string(v.check)) + ": " + v.detail;
    return out + "\n";
  }
  std::string out;
  if (check.verdict != concurrent::Verdict::Linearizable) out += concurrent::to_text(history, check);
  for (const auto& v : invariants) out += "journal invariant " + v.rule + ": " + v.message + "\n";
  return out;
}

concurrent::Observed observe(StepKind kind, const CallResult& r) {
  concurrent::Observed o;
  if (r.ok) {
    o.kind = concurrent::OutcomeKind::Ok;
    if (kind == StepKind::Describe) o.body = describe_fields(r.body);
    return o;
  }
  o.code = r.code;
  if (r.code == contracts::codes::kLastTokenProcessing) {
    o.kind = concurrent::OutcomeKind::Error;
    return o;
  }
  const bool ambiguous = r.transport_error || !r.http_status || *r.http_status >= 500 || r.code == "SyntaxError" ||
                         retryable_code(r.code);
  o.kind = ambiguous ? concurrent::OutcomeKind::Ambiguous : concurrent::OutcomeKind::Error;
  return o;
}

ProgramOutcome run_program(ConcurrentSetup& setup, const ParallelProgram& program, int runs) {
  ProgramOutcome out;
  for (int k = 1; k <= runs; ++k) {
    out.runs.push_back(run_once(setup, program, k));
    const RunRecord& r = out.runs.back();
    if (r.failed()) {
      out.failed = true;
      out.unknown = false;
      out.decisive = out.runs.size() - 1;
      return out;
    }
    if (r.unknown() && !out.unknown) {
      out.unknown = true;
      out.decisive = out.runs.size() - 1;
    }
  }
  return out;
}

}  // namespace ebsmock::harness
