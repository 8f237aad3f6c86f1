// case_runner.cpp: one case: arm the step's fault, call the client, read the journal,
// replay it on the model (oracle), judge the call. Not thread-safe.
#include "harness/contract/case_runner.h"

#include <algorithm>

#include "contracts/error_catalogue.h"
#include "contracts/transitions.h"

namespace ebsmock::harness {
namespace {

using std::chrono::milliseconds;

std::string shown(const std::string& code) { return code.empty() ? "success" : code; }

// "403 OperationDenied.InvalidStatus", "no answer (reset)", "504 (html)"...
std::string answer_text(const ObservedAttempt& a) {
  const auto transport = a.fault ? a.fault->transport : scenarios::Transport::None;
  const std::string name(scenarios::to_string(transport));
  if (a.status == 0) return "no answer (" + name + ")";
  std::string out = std::to_string(a.status);
  if (!a.code.empty()) out += " " + a.code;
  if (transport != scenarios::Transport::None) out += " (" + name + ")";
  return out;
}

std::string reported_text(const CallResult& r) {
  if (r.ok) return "success";
  std::string out = r.code;
  if (r.http_status) out += " (HTTP " + std::to_string(*r.http_status) + ")";
  return out;
}

const contracts::ErrorDef* catalogue_entry(const std::string& code) {
  static const contracts::ErrorCatalogue kBuiltin;
  return kBuiltin.find(code);
}

bool is_never_class(const std::string& code) {
  const auto* def = catalogue_entry(code);
  return def && def->retry == contracts::RetryClass::Never;
}

bool is_transport_fault(const ObservedAttempt& a) {
  return a.fault && a.fault->transport != scenarios::Transport::None;
}

// A JSON error answer the client could read (not replaced by a transport fault).
bool is_json_error(const ObservedAttempt& a) {
  return !a.code.empty() && a.status >= 400 && !is_transport_fault(a);
}

// An answer a well-behaved client retries: 5xx, throttling, "still processing", or no
// (readable) answer. A 200 with a malformed body is not: the request ran.
bool is_transient_answer(const ObservedAttempt& a) {
  if (a.fault && a.fault->transport == scenarios::Transport::MalformedJson) return false;
  if (a.status == 0 || a.status >= 500) return true;
  if (is_transport_fault(a)) return true;
  const auto* def = catalogue_entry(a.code);
  return def && def->retry != contracts::RetryClass::Never;
}

// A call that moves a group, and with it every member (its transition rule is the group's
// and enters a transient status).
bool moves_a_group(contracts::Operation op) {
  const auto& rules = contracts::transition_rules();
  return std::any_of(rules.begin(), rules.end(), [op](const contracts::TransitionRule& r) {
    return r.op == op && r.kind == contracts::ResourceKind::Group && r.transient.has_value();
  });
}

// The success body's key naming what a create made, beyond CreateDiskReplicaPair's.
const char* created_id_key(contracts::Operation op) {
  switch (op) {
    case contracts::Operation::CreateDiskReplicaGroup: return "ReplicaGroupId";
    case contracts::Operation::StartPairDrill:
    case contracts::Operation::StartReplicaGroupDrill: return "DrillId";
    default: return nullptr;
  }
}

bool is_ascii(const std::string& s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return (c & 0x80) == 0; });
}

contracts::Instant reset_and_read_start(CaseContext& ctx, std::uint64_t& last_seq) {
  ctx.admin.reset();
  auto health = ctx.admin.health();
  auto now = parse_world_time(health["clock"].value("now", ""));
  if (!now) throw SetupError("admin API health has no readable clock: " + health.dump());
  if (health["clock"].value("mode", "") != "virtual") {
    throw SetupError("the server runs a real clock; the contract needs [clock] mode = \"virtual\"");
  }
  last_seq = health["journal"].value("last_seq", std::uint64_t{0});
  ctx.client.begin_case(ctx.client_seed);
  return *now;
}

std::string fault_key(const Step& s) {
  return s.fault.kind == FaultKind::None ? "none" : std::string(to_string(s.fault.kind));
}

}  // namespace

std::size_t history_size(const std::vector<StepRecord>& records) {
  return static_cast<std::size_t>(
      std::count_if(records.begin(), records.end(), [](const StepRecord& r) { return !r.final_describe; }));
}

std::string closing_label(const StepRecord& rec) {
  std::string out = rec.action;
  for (const char* key : {"PairId", "GroupId"}) {
    if (auto it = rec.params.find(key); it != rec.params.end()) out += " " + std::string(key) + "=" + it->second;
  }
  return out;
}

nlohmann::json StepRecord::to_json() const {
  nlohmann::json j = {{"index", index}, {"step", !final_describe                     ? describe(step)
                                            : step.kind == StepKind::Describe ? std::string("final Describe")
                                                                              : "final " + closing_label(*this)}};
  if (!action.empty()) j["action"] = action;
  if (!pair_id.empty()) j["pair"] = pair_id;
  if (!group_id.empty()) j["group"] = group_id;
  if (!drill_id.empty()) j["drill"] = drill_id;
  if (!params.empty()) j["params"] = params;
  if (!fault_rule.empty()) j["fault"] = {{"rule", fault_rule}, {"fired", fault_fired}, {"kind", describe(step.fault)}};
  nlohmann::json attempts_json = nlohmann::json::array();
  for (const auto& a : attempts) {
    auto aj = a.attempt.to_json();
    aj["model"] = a.expected_code.empty() ? "success" : a.expected_code;
    if (a.took_effect) aj["took_effect"] = true;
    if (a.replayed) aj["replayed"] = true;
    attempts_json.push_back(std::move(aj));
  }
  if (!attempts.empty()) j["attempts"] = attempts_json;
  if (!progress.empty()) {
    nlohmann::json p = nlohmann::json::array();
    for (const auto& e : progress) p.push_back(contracts::to_string(e.transition) + (e.vanished ? " (vanished)" : ""));
    j["progress"] = p;
  }
  if (has_result) {
    j["reported"] = {{"ok", result.ok}, {"code", result.code}, {"attempts", result.attempts}};
    if (result.http_status) j["reported"]["http_status"] = *result.http_status;
  }
  if (!waits.empty()) {
    nlohmann::json w = nlohmann::json::array();
    for (auto d : waits) w.push_back(d.count());
    j["waits_ms"] = w;
  }
  if (!expected.empty()) j["expected"] = expected;
  nlohmann::json v = nlohmann::json::array();
  for (const auto& x : violations) v.push_back({{"check", std::string(to_string(x.check))}, {"detail", x.detail}});
  if (!violations.empty()) j["violations"] = v;
  return j;
}

void RunStats::count_transition(const contracts::Transition& t, bool vanished) {
  auto& machine = coverage[std::string(contracts::to_string(t.kind))];
  if (vanished) {
    ++machine[std::string(contracts::to_string(t.to)) + " -> gone"];
  } else {
    ++machine[(t.from ? std::string(contracts::to_string(*t.from)) : std::string("start")) + " -> " +
              std::string(contracts::to_string(t.to))];
  }
}

void RunStats::merge(const RunStats& o) {
  cases += o.cases;
  steps += o.steps;
  attempts += o.attempts;
  transitions += o.transitions;
  refusals += o.refusals;
  for (const auto& [k, v] : o.steps_by_kind) steps_by_kind[k] += v;
  for (const auto& [k, v] : o.faults_by_kind) faults_by_kind[k] += v;
  for (const auto& [k, v] : o.faults_fired_by_kind) faults_fired_by_kind[k] += v;
  for (const auto& [k, v] : o.ambiguous_fired_by_action) ambiguous_fired_by_action[k] += v;
  for (const auto& [k, v] : o.outcomes) outcomes[k] += v;
  for (const auto& [machine, by_edge] : o.coverage) {
    for (const auto& [edge, n] : by_edge) coverage[machine][edge] += n;
  }
  for (const auto& [fault, row] : o.matrix) {
    for (const auto& [action, c] : row) {
      MatrixCell& m = matrix[fault][action];
      m.calls += c.calls;
      m.fired += c.fired;
      for (const auto& [n, v] : c.attempts) m.attempts[n] += v;
      m.same_token += c.same_token;
      m.changed_token += c.changed_token;
      for (const auto& [r, v] : c.reported) m.reported[r] += v;
      m.effect += c.effect;
    }
  }
  tally.merge(o.tally);
}

nlohmann::json RunStats::matrix_json() const {
  nlohmann::json out = nlohmann::json::object();
  for (const auto& [fault, row] : matrix) {
    for (const auto& [action, c] : row) {
      nlohmann::json attempts_json = nlohmann::json::object();
      for (const auto& [n, v] : c.attempts) attempts_json[std::to_string(n)] = v;
      out[fault][action] = {{"calls", c.calls},
                            {"fault_fired", c.fired},
                            {"attempts", attempts_json},
                            {"token", {{"same", c.same_token}, {"changed", c.changed_token}}},
                            {"reported", c.reported},
                            {"took_effect", c.effect}};
    }
  }
  return out;
}

CaseRunner::CaseRunner(CaseContext& ctx)
    : ctx_(ctx), last_seq_(0), oracle_(ctx.scenario, reset_and_read_start(ctx, last_seq_)) {
  stats_.cases = 1;
  if (!ctx_.verifies_signatures) stats_.tally.set_unobservable(CheckId::C7);
  if (!ctx_.client.observes_waits()) {
    stats_.tally.set_unobservable(CheckId::A2);
    stats_.tally.set_unobservable(CheckId::A3);
  }
}

JournalBatch CaseRunner::read_journal() {
  JournalBatch batch = ctx_.admin.journal_since(last_seq_);
  last_seq_ = std::max(last_seq_, batch.last_seq);
  return batch;
}

StepRecord& CaseRunner::begin_record(const Step& step) {
  StepRecord rec;
  rec.index = static_cast<int>(records_.size()) + 1;
  rec.step = step;
  records_.push_back(std::move(rec));
  return records_.back();
}

void CaseRunner::add_violation(StepRecord& rec, CheckId id, std::string detail) {
  Violation v{id, std::move(detail)};
  stats_.tally.violated(v);
  if (!is_advisory(id) || ctx_.strict) failures_.push_back(v);
  rec.violations.push_back(std::move(v));
}

void CaseRunner::run(const Step& step) {
  if (step.kind == StepKind::AdvanceClock) {
    advance(step.advance);
    return;
  }
  StepRecord& rec = begin_record(step);
  const auto op = operation_of(step.kind);
  rec.action = std::string(action_of(step.kind));
  if (names_pair(step)) rec.pair_id = oracle_.resolve(step.slot);
  if (names_group(step)) rec.group_id = oracle_.resolve_group(step.group);
  if (names_drill(step)) rec.drill_id = oracle_.resolve_drill(step.drill);
  rec.params = step_params(step, StepIds{.pair = rec.pair_id, .group = rec.group_id, .drill = rec.drill_id});
  std::string rule;
  if (step.fault.kind != FaultKind::None) {
    rule = "contract-" + std::to_string(++rule_counter_);
    ctx_.admin.add_fault(fault_rule_json(step.fault, rule, rec.action));
  }
  execute_call(rec, op, rule);
}

void CaseRunner::run_call(StepKind kind, const contracts::Params& params) {
  // Described like a generated step: the pair's slot, and the variant flags.
  Step step;
  step.kind = kind;
  step.slot = kind == StepKind::Describe && !params.contains("PairIds") ? kAllPairs : kUnknownPair;
  std::string pair_id;
  if (auto it = params.find(kind == StepKind::Describe ? "PairIds" : "ReplicaPairId"); it != params.end()) {
    pair_id = it->second;
  }
  const auto& slots = oracle_.slots();
  step.slot = slot_of(slots, pair_id, step.slot);
  auto flag = [&](const char* name, bool fallback) {
    auto it = params.find(name);
    return it == params.end() ? fallback : contracts::parse_bool(it->second).value_or(fallback);
  };
  if (kind == StepKind::Start || kind == StepKind::StartGroup) step.flag = flag("OneShot", false);
  if (kind == StepKind::Reprotect || kind == StepKind::ReprotectGroup) step.flag = flag("ReverseReplicate", true);
  std::string group_id;
  std::string drill_id;
  if (is_group_kind(kind)) {
    // Group and drill calls name their pair PairId (drills) and their group
    // ReplicaGroupId, GroupIds or GroupId.
    auto value = [&](std::initializer_list<const char*> keys) {
      for (const char* k : keys) {
        if (auto it = params.find(k); it != params.end()) return it->second;
      }
      return std::string();
    };
    pair_id = value({"ReplicaPairId", "PairId"});
    group_id = value({"ReplicaGroupId", "GroupIds", "GroupId"});
    drill_id = value({"DrillId"});
    step.slot = slot_of(slots, pair_id, kUnknownPair);
    if (kind == StepKind::DescribeGroups && group_id.empty()) {
      step.group = kAllGroups;
    } else if (kind != StepKind::CreateGroup) {
      step.group = slot_of(oracle_.group_slots(), group_id, kUnknownGroup);
    }
    if (!drill_id.empty()) step.drill = slot_of(oracle_.drill_slots(), drill_id, kUnknownDrill);
    if (kind == StepKind::CreateGroup) {
      step.flag = params.contains("DestinationZoneId") && params.at("DestinationZoneId") == kScenarioDestinationZone;
    }
  }
  StepRecord& rec = begin_record(step);
  rec.action = std::string(action_of(kind));
  rec.params = params;
  rec.pair_id = pair_id;
  rec.group_id = group_id;
  rec.drill_id = drill_id;
  execute_call(rec, operation_of(kind), "");
}

void CaseRunner::advance(contracts::Duration by) {
  Step step;
  step.kind = StepKind::AdvanceClock;
  step.advance = by;
  StepRecord& rec = begin_record(step);
  const auto now = ctx_.admin.advance(by);
  JournalBatch batch = read_journal();
  rec.progress = batch.progress;
  stats_.tally.evaluated(CheckId::S1);
  for (auto& d : oracle_.observe_progress(now, batch.progress)) add_violation(rec, CheckId::S1, d);
  count(rec);
}

void CaseRunner::execute_call(StepRecord& rec, contracts::Operation op, const std::string& rule) {
  rec.fault_rule = rule;
  rec.result = ctx_.client.call(rec.action, rec.params);
  rec.has_result = true;
  rec.waits = ctx_.client.last_waits();
  JournalBatch batch = read_journal();
  for (const auto& a : batch.attempts) {
    if (!rule.empty() && a.fault && a.fault->rule == rule) rec.fault_fired = true;
    if (a.transition && !a.transition->from) rec.created.push_back(a.transition->id);
    rec.attempts.push_back(oracle_.observe(a));
  }
  // A rule left armed would hit a later call. A one-shot rule that fired is spent.
  if (!rule.empty() && (!rec.fault_fired || rec.step.fault.persistent)) ctx_.admin.remove_fault(rule);
  // Progress only happens when the clock moves; anything here is a server that changes
  // pairs on its own between requests.
  rec.progress = batch.progress;
  judge_call(rec, op);
  count(rec);
}

void CaseRunner::judge_call(StepRecord& rec, contracts::Operation op) {
  const CallResult& res = rec.result;
  const bool mutating = contracts::is_mutating(op);
  // Every request the call sent, and those of its own action. A client that carries a call
  // out with other requests (a Describe first, pair calls instead of the group call) has
  // those judged by S1 and C7 only: they are not attempts of this call.
  const auto& all = rec.attempts;
  std::vector<AttemptAnalysis> own;
  std::map<std::string, std::uint64_t> side;  // other actions -> requests
  for (const auto& a : all) {
    if (a.attempt.action.empty() || a.attempt.action == rec.action) {
      own.push_back(a);
    } else {
      ++side[a.attempt.action];
    }
  }
  const auto& attempts = own;
  const std::size_t n = attempts.size();
  std::string side_text;
  for (const auto& [action, count] : side) {
    side_text += (side_text.empty() ? "" : ", ") + action + " x" + std::to_string(count);
  }

  // What the model expected, for the report: the first attempt the model judged.
  for (const auto& a : attempts) {
    if (!a.executed && !a.replayed && a.expected_code.empty()) continue;
    rec.expected = "model: " + shown(a.expected_code);
    if (a.expected_transition) rec.expected += ", " + contracts::to_string(*a.expected_transition);
    if (a.replayed) rec.expected += " (replay of the token's first answer)";
    break;
  }
  if (rec.expected.empty() && n > 0) {
    const auto& a = attempts.front();
    if (!a.auth_ok) rec.expected = "model: refused before the model (signature verdict '" + std::string(contracts::to_string(a.attempt.signature_verdict)) + "')";
    else if (a.answer_from_fault) rec.expected = "model: not run (the fault answered first, commit before)";
  }

  // S1: the server against the model.
  stats_.tally.evaluated(CheckId::S1, std::max<std::size_t>(all.size(), 1));
  for (const auto& a : all) {
    for (const auto& d : a.deviations) add_violation(rec, CheckId::S1, d);
  }
  if (!rec.progress.empty()) {
    add_violation(rec, CheckId::S1, "the server changed pair statuses between requests without the clock moving: " +
                                        contracts::to_string(rec.progress.front().transition));
  }

  // C7: every attempt correctly signed.
  if (ctx_.verifies_signatures) {
    stats_.tally.evaluated(CheckId::C7, all.size());
    for (std::size_t i = 0; i < all.size(); ++i) {
      const auto& a = all[i].attempt;
      if (a.signature_verdict != contracts::SignatureVerdict::Ok) {
        add_violation(rec, CheckId::C7,
                      "attempt " + std::to_string(i + 1) + " (request #" + std::to_string(a.seq) +
                          ") failed signature verification (verdict '" +
                          std::string(contracts::to_string(a.signature_verdict)) + "', answered " + answer_text(a) +
                          "); expected a valid " +
                          (a.signature_scheme == contracts::SignatureScheme::None
                               ? std::string("V1/V3")
                               : std::string(contracts::to_string(a.signature_scheme))) +
                          " signature over the exact parameters sent");
      }
    }
  }

  // C4: one fresh, valid token per mutating call (that takes one: not Clear*Drill).
  if (contracts::uses_idempotence(op) && n > 0) {
    stats_.tally.evaluated(CheckId::C4);
    std::vector<std::string> tokens;
    for (std::size_t i = 0; i < n; ++i) {
      const auto& a = attempts[i].attempt;
      if (a.action.empty()) continue;  // not even parsed
      const std::string& t = a.client_token;
      if (t.empty()) {
        add_violation(rec, CheckId::C4, "attempt " + std::to_string(i + 1) + " carried no ClientToken; "
                                        "expected one token on every attempt of a mutating call");
      } else if (t.size() > 64 || !is_ascii(t)) {
        add_violation(rec, CheckId::C4, "attempt " + std::to_string(i + 1) + " carried ClientToken '" + t +
                                        "' (" + std::to_string(t.size()) + " bytes); expected at most 64 ASCII characters");
      }
      if (std::find(tokens.begin(), tokens.end(), t) == tokens.end()) tokens.push_back(t);
    }
    if (tokens.size() > 1) {
      std::string list;
      for (const auto& t : tokens) list += (list.empty() ? "" : ", ") + t;
      add_violation(rec, CheckId::C4, "the attempts of this one call carried " + std::to_string(tokens.size()) +
                                      " different ClientTokens (" + list + "); expected the same token on every "
                                      "retry, or a retry after a lost answer applies the operation twice");
    }
    for (const auto& t : tokens) {
      if (t.empty()) continue;
      auto [it, inserted] = tokens_used_.emplace(t, rec.index);
      if (!inserted && it->second != rec.index) {
        add_violation(rec, CheckId::C4, "ClientToken " + t + " was already used by step " + std::to_string(it->second) +
                                        " (a different call); expected a fresh token per call, or the server "
                                        "answers this call with the earlier call's result");
      }
    }
  }

  // C3: at most one transition per call.
  std::vector<std::string> made;
  for (const auto& a : attempts) {
    if (a.attempt.transition) made.push_back(contracts::to_string(*a.attempt.transition) + " (request #" + std::to_string(a.attempt.seq) + ")");
  }
  if (mutating) {
    stats_.tally.evaluated(CheckId::C3);
    if (made.size() > 1) {
      std::string list;
      for (const auto& m : made) list += (list.empty() ? "" : "; ") + m;
      add_violation(rec, CheckId::C3, "one call caused " + std::to_string(made.size()) + " state transitions: " + list +
                                      "; expected at most one");
    }
    // A group call moves the group and each member once (an ambiguous group failover
    // retried with the same ClientToken is replayed, never failed over again).
    std::map<std::string, std::vector<std::string>> member_moves;
    for (const auto& a : attempts) {
      for (const auto& t : a.attempt.member_transitions) {
        member_moves[t.id].push_back(contracts::to_string(t) + " (request #" + std::to_string(a.attempt.seq) + ")");
      }
    }
    for (const auto& [id, moves] : member_moves) {
      if (moves.size() < 2) continue;
      std::string list;
      for (const auto& m : moves) list += (list.empty() ? "" : "; ") + m;
      add_violation(rec, CheckId::C3, "one group call moved member pair " + id + " " + std::to_string(moves.size()) +
                                      " times: " + list + "; expected each member to move at most once");
    }
  }

  // C9: one Start*Drill call leaves at most one drill.
  if (op == contracts::Operation::StartPairDrill || op == contracts::Operation::StartReplicaGroupDrill) {
    stats_.tally.evaluated(CheckId::C9);
    std::vector<std::string> drills;
    for (const auto& a : attempts) {
      const auto& t = a.attempt.transition;
      if (t && !t->from && t->kind == contracts::ResourceKind::Drill) {
        drills.push_back(t->id + " (request #" + std::to_string(a.attempt.seq) + ", ClientToken " +
                         (a.attempt.client_token.empty() ? std::string("none") : a.attempt.client_token) + ")");
      }
    }
    if (drills.size() > 1) {
      std::string list;
      for (const auto& d : drills) list += (list.empty() ? "" : ", ") + d;
      const std::string reported = res.ok && res.body.is_object() ? res.body.value("DrillId", "") : "";
      add_violation(rec, CheckId::C9,
                    "one " + rec.action + " call left " + std::to_string(drills.size()) + " drills: " + list +
                        "; the client reported " + (reported.empty() ? reported_text(res) : "DrillId " + reported) +
                        ", so the other drill and its pay-as-you-go drill disks are orphaned (Terraform's "
                        "alicloud_ebs_*_drill resources draw a new ClientToken per attempt and do exactly this, "
                        "ebs-groups.md §9.4, §9.6); expected every retry to carry the first ClientToken, which the "
                        "server answers with the first drill");
    }
  }

  // C5: a non-retryable answer is final.
  for (std::size_t i = 0; i < n; ++i) {
    const auto& a = attempts[i].attempt;
    if (!is_json_error(a) || !is_never_class(a.code)) continue;
    stats_.tally.evaluated(CheckId::C5);
    if (i + 1 < n) {
      add_violation(rec, CheckId::C5, "attempt " + std::to_string(i + 1) + " was answered " + answer_text(a) +
                                      ", which is not retryable, yet the client sent attempt " + std::to_string(i + 2) +
                                      "; expected the error to be reported at once");
      break;
    }
  }

  // Did the operation take effect in this call? (A replay of a token this very call
  // executed counts: that is the idempotent retry working.)
  std::set<std::string> executed_tokens;
  bool effect = false;
  for (const auto& a : attempts) {
    if (a.took_effect) {
      effect = true;
      executed_tokens.insert(a.attempt.client_token);
    } else if (a.replayed && executed_tokens.contains(a.attempt.client_token)) {
      effect = true;
    }
  }
  const ObservedAttempt* last = n > 0 ? &attempts.back().attempt : nullptr;

  // C1: success only when it happened.
  if (res.ok) {
    stats_.tally.evaluated(CheckId::C1);
    if (mutating) {
      if (!effect) {
        std::string why = n == 0 ? "no " + rec.action + " request reached the server"
                                 : "the server's last answer was " + answer_text(*last) +
                                       (attempts.back().replayed ? " (a replay of an earlier call's answer)" : "") +
                                       " and no attempt of this call took effect";
        if (!side_text.empty()) why += "; it sent " + side_text + " instead";
        if (moves_a_group(op)) why += " (a group call succeeds only with the group's effect, every member with it)";
        add_violation(rec, CheckId::C1, "the client reported success but " + why +
                                        "; expected success only when the operation took effect");
      } else if (op == contracts::Operation::CreateDiskReplicaPair && !rec.created.empty()) {
        const std::string id = res.body.is_object() ? res.body.value("ReplicaPairId", "") : "";
        if (id != rec.created.front()) {
          add_violation(rec, CheckId::C1, "Create created " + rec.created.front() + " but the client reported ReplicaPairId '" +
                                          id + "'; expected the id of the pair it created");
        }
      } else if (const char* key = created_id_key(op); key && !rec.created.empty()) {
        const std::string id = res.body.is_object() ? res.body.value(key, "") : "";
        if (std::find(rec.created.begin(), rec.created.end(), id) == rec.created.end()) {
          add_violation(rec, CheckId::C1, rec.action + " created " + rec.created.front() + " but the client reported " +
                                          key + " '" + id + "'; expected the id of what it created");
        }
      }
    } else {
      const bool genuine = last && last->status >= 200 && last->status < 300 && last->code.empty() &&
                           !attempts.back().answer_from_fault;
      if (!genuine) {
        add_violation(rec, CheckId::C1, "the client reported success for a read the server answered " +
                                        (last ? answer_text(*last) : std::string("with nothing")) +
                                        "; expected the error to be reported");
      }
    }
  }

  // C2: a documented refusal reaches the caller as that code.
  if (last && is_json_error(*last) && last->status < 500 && catalogue_entry(last->code)) {
    stats_.tally.evaluated(CheckId::C2);
    if (res.ok || res.code != last->code) {
      add_violation(rec, CheckId::C2, "the server answered " + answer_text(*last) + " and the client reported " +
                                      reported_text(res) + "; expected the error " + last->code);
    }
  }

  // C6: no definite error contradicting an applied effect.
  if (mutating && effect) {
    stats_.tally.evaluated(CheckId::C6);
    if (!res.ok && is_never_class(res.code)) {
      const bool server_said_so = last && attempts.back().answer_from_fault && last->code == res.code;
      if (!server_said_so) {
        std::string where;
        for (const auto& a : attempts) {
          if (a.took_effect) {
            where = "request #" + std::to_string(a.attempt.seq) +
                    (a.attempt.transition ? " (" + contracts::to_string(*a.attempt.transition) + ")" : "");
            break;
          }
        }
        add_violation(rec, CheckId::C6, "the operation took effect at " + where + ", yet the client reported the definite error " +
                                        res.code + " (from its own later attempt); expected success or an ambiguous error");
      }
    }
  }

  // C8: reads agree with the model.
  if (!mutating && res.ok && last && last->status >= 200 && last->status < 300 && last->code.empty() &&
      !attempts.back().answer_from_fault) {
    compare_read(rec, op);
  }

  // A1: transient errors retried.
  if (n > 0 && is_transient_answer(attempts.front().attempt)) {
    stats_.tally.evaluated(CheckId::A1);
    if (n == 1 && !res.ok) {
      add_violation(rec, CheckId::A1, "the only attempt was answered " + answer_text(attempts.front().attempt) +
                                      " (transient) and the client gave up with " + reported_text(res) +
                                      "; a retry with the same ClientToken would have been safe");
    }
  }

  // A2: x-acs-retry-after honoured; A3 data: waits not dictated by the server. With other
  // requests in between, the waits cannot be matched to attempts.
  if (ctx_.client.observes_waits() && side.empty()) {
    for (std::size_t i = 0; i + 1 < n && i < rec.waits.size(); ++i) {
      const auto& a = attempts[i].attempt;
      const bool told = a.code.find("Throttling") != std::string::npos && a.fault &&
                        a.fault->rule == rec.fault_rule && rec.step.fault.kind == FaultKind::Throttling;
      if (told) {
        stats_.tally.evaluated(CheckId::A2);
        if (rec.waits[i] < milliseconds(kRetryAfterMs)) {
          add_violation(rec, CheckId::A2, "attempt " + std::to_string(i + 1) + " was throttled with x-acs-retry-after: " +
                                          std::to_string(kRetryAfterMs) + " and the client retried after " +
                                          std::to_string(rec.waits[i].count()) + " ms");
        }
      } else {
        free_waits_.push_back(rec.waits[i]);
      }
    }
  }
}

namespace {

// A Describe's items by id, each rendered as the fields the harness's calls change.
struct ReadShape {
  const char* list;   // "ReplicaPairs"
  const char* id;     // "ReplicaPairId"
  const char* noun;   // "pair"
  std::string (*fields)(const nlohmann::json& item);
};

std::string quoted_field(const nlohmann::json& item, const char* key) {
  return std::string(key) + "=" + nlohmann::json(item.value(key, "")).dump();
}

// A number field, or "(none)" when absent or null (LastRecoverPoint before the first sync).
std::string number_field(const nlohmann::json& item, const char* key) {
  auto it = item.find(key);
  return std::string(key) + "=" + (it == item.end() || it->is_null() ? std::string("(none)") : it->dump());
}

std::string pair_fields(const nlohmann::json& p) {
  return "Status=" + p.value("Status", "") + " " + quoted_field(p, "PairName") + " " + quoted_field(p, "Description");
}

std::string group_fields(const nlohmann::json& g) {
  std::string members;
  for (const auto& id : g.value("PairIds", nlohmann::json::array())) members += (members.empty() ? "" : ",") + id.dump();
  return "Status=" + g.value("Status", "") + " PairIds=[" + members + "] " + number_field(g, "LastRecoverPoint") + " " +
         quoted_field(g, "Description");
}

std::string drill_fields(const nlohmann::json& d) {
  std::string out = "Status=" + d.value("Status", "") + " " + number_field(d, "RecoverPoint");
  if (auto it = d.find("PairsInfo"); it != d.end() && it->is_array()) {
    std::string pairs;
    for (const auto& p : *it) pairs += (pairs.empty() ? "" : ",") + (p.is_object() ? p.value("PairId", "?") : "?");
    out += " PairsInfo=[" + pairs + "]";
  }
  return out;
}

std::optional<ReadShape> read_shape(contracts::Operation op) {
  using O = contracts::Operation;
  switch (op) {
    case O::DescribeDiskReplicaPairs: return ReadShape{"ReplicaPairs", "ReplicaPairId", "pair", pair_fields};
    case O::DescribeDiskReplicaGroups: return ReadShape{"ReplicaGroups", "ReplicaGroupId", "group", group_fields};
    case O::DescribePairDrills:
    case O::DescribeReplicaGroupDrills: return ReadShape{"Drills", "DrillId", "drill", drill_fields};
    default: return std::nullopt;
  }
}

std::map<std::string, std::string> read_summary(const nlohmann::json& j, const ReadShape& shape) {
  std::map<std::string, std::string> out;
  if (!j.is_object() || !j.contains(shape.list) || !j[shape.list].is_array()) return out;
  for (const auto& item : j[shape.list]) {
    if (item.is_object()) out[item.value(shape.id, "?")] = shape.fields(item);
  }
  return out;
}

}  // namespace

void CaseRunner::compare_read(StepRecord& rec, contracts::Operation op) {
  const auto shape = read_shape(op);
  if (op != contracts::Operation::DescribeDiskReplicaPairProgress && !shape) return;  // not compared
  stats_.tally.evaluated(CheckId::C8);
  const auto expected = oracle_.expected_read(op, rec.params);
  const auto& body = rec.result.body;
  if (!expected.ok()) {
    add_violation(rec, CheckId::C8, "the client read a success where the model answers " + expected.error->code);
    return;
  }
  if (op == contracts::Operation::DescribeDiskReplicaPairProgress) {
    auto want = expected.body.value("Progress", -1);
    auto got = body.is_object() ? body.value("Progress", -2) : -2;
    if (want != got) {
      add_violation(rec, CheckId::C8, "DescribeDiskReplicaPairProgress: the client shows Progress " + std::to_string(got) +
                                      ", the model " + std::to_string(want));
    }
    return;
  }
  // Items by id: the fields the harness's calls change.
  const auto want = read_summary(expected.body, *shape);
  const std::string what = op == contracts::Operation::DescribeDiskReplicaPairs ? "Describe" : rec.action;
  if (!body.is_object() || !body.contains(shape->list)) {
    add_violation(rec, CheckId::C8, "the client's " + what + " result has no " + shape->list + " list; expected " +
                                    std::to_string(want.size()) + " " + shape->noun + "(s)");
    return;
  }
  const auto got = read_summary(body, *shape);
  for (const auto& [id, w] : want) {
    auto it = got.find(id);
    if (it == got.end()) {
      add_violation(rec, CheckId::C8, what + " does not show " + id + "; the model has it with " + w);
    } else if (it->second != w) {
      add_violation(rec, CheckId::C8, what + " shows " + id + " with " + it->second + "; the model has " + w);
    }
  }
  for (const auto& [id, g] : got) {
    if (!want.contains(id)) add_violation(rec, CheckId::C8, what + " shows " + id + " (" + g + "), which the model does not have");
  }
}

void CaseRunner::closing_read(const Step& step, const StepIds& ids) {
  StepRecord& rec = begin_record(step);
  rec.final_describe = true;
  rec.action = std::string(action_of(step.kind));
  rec.pair_id = ids.pair;
  rec.group_id = ids.group;
  rec.params = step_params(step, ids);
  execute_call(rec, operation_of(step.kind), "");
  // The closing reads must be compared: a client that cannot read at all cannot be shown
  // to agree with the model.
  const auto& attempts = rec.attempts;
  const bool server_ok = !attempts.empty() && attempts.back().attempt.status == 200 && attempts.back().attempt.code.empty();
  if (server_ok && !rec.result.ok) {
    const bool pairs = step.kind == StepKind::Describe;
    add_violation(rec, CheckId::C8, "the closing " + (pairs ? std::string("Describe") : rec.action) +
                                    " was answered 200 but the client reported " +
                                    reported_text(rec.result) + "; expected the " +
                                    (pairs ? "pairs" : read_shape(operation_of(step.kind))->list));
  }
}

void CaseRunner::final_check() {
  Step step;
  step.kind = StepKind::Describe;
  step.slot = kAllPairs;
  closing_read(step, {});
  if (ctx_.groups) {
    Step groups;
    groups.kind = StepKind::DescribeGroups;
    groups.group = kAllGroups;
    closing_read(groups, {});
    // The drills of every pair and group that ever had one (a drill the server kept after
    // the model let it vanish shows up there too).
    for (const auto& [kind, id] : oracle_.drilled()) {
      Step drills;
      const bool of_pair = kind == contracts::ResourceKind::Pair;
      drills.kind = of_pair ? StepKind::DescribePairDrills : StepKind::DescribeGroupDrills;
      (of_pair ? drills.slot : drills.group) =
          slot_of(of_pair ? oracle_.slots() : oracle_.group_slots(), id, kUnknownPair);
      closing_read(drills, of_pair ? StepIds{.pair = id, .group = {}, .drill = {}} : StepIds{.pair = {}, .group = id, .drill = {}});
    }
  }
  // A3: retries back off. Judged over the case: full jitter may draw 0 once in a while.
  StepRecord& rec = records_.back();
  if (ctx_.client.observes_waits() && !free_waits_.empty()) {
    stats_.tally.evaluated(CheckId::A3);
    const bool all_zero = std::all_of(free_waits_.begin(), free_waits_.end(), [](milliseconds d) { return d.count() == 0; });
    if (free_waits_.size() >= 3 && all_zero) {
      add_violation(rec, CheckId::A3, "the client retried " + std::to_string(free_waits_.size()) +
                                      " times in this case without ever waiting; expected (jittered) exponential backoff");
    }
  }
}

void CaseRunner::count(const StepRecord& rec) {
  const Step& s = rec.step;
  ++stats_.steps;
  ++stats_.steps_by_kind[rec.final_describe ? (s.kind == StepKind::Describe ? std::string("final Describe")
                                                                            : "final " + std::string(to_string(s.kind)))
                                            : std::string(to_string(s.kind))];
  for (const auto& e : rec.progress) stats_.count_transition(e.transition, e.vanished);
  if (s.kind == StepKind::AdvanceClock) return;
  stats_.attempts += rec.attempts.size();
  const std::string fk = fault_key(s);
  if (s.fault.kind != FaultKind::None) {
    ++stats_.faults_by_kind[fk];
    if (rec.fault_fired) ++stats_.faults_fired_by_kind[fk];
    if (rec.fault_fired && s.fault.commit_after) ++stats_.ambiguous_fired_by_action[rec.action];
  }
  bool effect = false;
  std::string model_outcome;
  for (const auto& a : rec.attempts) {
    if (a.attempt.transition) stats_.count_transition(*a.attempt.transition);
    for (const auto& t : a.attempt.member_transitions) stats_.count_transition(t);
    if (a.attempt.transition) ++stats_.transitions;
    effect = effect || a.took_effect;
    if (model_outcome.empty() && a.executed) model_outcome = a.expected_code.empty() ? "ok" : a.expected_code;
  }
  if (!model_outcome.empty()) {
    ++stats_.outcomes[std::string(to_string(s.kind)) + ": " + model_outcome];
    if (model_outcome != "ok") ++stats_.refusals;
  }
  MatrixCell& cell = stats_.matrix[fk][rec.action];
  ++cell.calls;
  if (rec.fault_fired) ++cell.fired;
  ++cell.attempts[static_cast<int>(rec.attempts.size())];
  if (contracts::uses_idempotence(operation_of(s.kind)) && !rec.attempts.empty()) {
    std::set<std::string> tokens;
    for (const auto& a : rec.attempts) tokens.insert(a.attempt.client_token);
    ++(tokens.size() > 1 ? cell.changed_token : cell.same_token);
  }
  ++cell.reported[rec.result.ok ? "ok" : rec.result.code];
  if (effect) ++cell.effect;
}

std::string CaseRunner::failure_summary() const {
  std::string out;
  for (const auto& v : failures_) {
    if (!out.empty()) out += "\n";
    out += std::string(to_string(v.check)) + ": " + v.detail;
  }
  return out;
}

}  // namespace ebsmock::harness
