// fault_reader.cpp: the [[fault]] and [[replay]] parts of the scenario format. Every key
// is checked on its own (type, range, spelling) and then against the others (a rule
// must do something, error and transport exclude each other, ...), because a fault that
// silently never fires makes a resilience test pass for the wrong reason.
// Reentrant: all state lives in the caller's FaultReadState.
#include "scenarios/loader/fault_reader.h"

#include <algorithm>
#include <climits>
#include <cmath>
#include <cstdint>
#include <optional>
#include <span>
#include <sstream>

#include <nlohmann/json.hpp>

#include "contracts/api_schema.h"
#include "contracts/journal_terms.h"
#include "contracts/operation.h"
#include "contracts/status.h"
#include "contracts/text.h"
#include "contracts/time.h"
#include "scenarios/loader/names.h"

namespace ebsmock::scenarios::internal {

namespace {

using contracts::Duration;

constexpr std::int64_t kIntMax = INT_MAX;

// ---------------------------------------------------------------------------------------
// Small helpers

// "1.5" rather than std::to_string's "1.500000".
std::string format_number(double v) {
  std::ostringstream os;
  os << v;
  return os.str();
}

std::string join(std::span<const std::string_view> names) {
  std::string out;
  for (std::string_view n : names) {
    if (!out.empty()) out += ", ";
    out += n;
  }
  return out;
}

std::optional<double> number_of(const toml::node& n) {
  if (const auto* i = n.as_integer()) return static_cast<double>(i->get());
  if (const auto* f = n.as_floating_point()) return f->get();
  return std::nullopt;
}

// "unknown action 'X'; did you mean 'Y'?", listing every choice when none is close.
std::string unknown_name(std::string_view noun, std::string_view value,
                         std::span<const std::string_view> candidates) {
  std::string hint = did_you_mean(value, candidates);
  if (hint.empty()) hint = "; expected one of " + join(candidates);
  return "unknown " + std::string(noun) + " '" + std::string(value) + "'" + hint;
}

// A node's position as a region, for positions computed inside a string value.
toml::source_region region_at(const toml::node& n, int line, int column) {
  toml::source_region r = n.source();
  r.begin = {static_cast<toml::source_index>(line), static_cast<toml::source_index>(column)};
  r.end = r.begin;
  return r;
}

// ---------------------------------------------------------------------------------------
// Values shared by [[fault]] and [[replay]]

constexpr std::array<std::string_view, 2> kCommitValues = {"before", "after"};

std::optional<Commit> read_commit(TableReader& r) {
  auto v = r.one_of("commit", kCommitValues);
  if (!v) return std::nullopt;
  return *v == "after" ? Commit::After : Commit::Before;
}

// In the order the reference lists them (messages show this order).
constexpr std::array<std::string_view, 6> kTransportNames = {
    "reset", "close", "hang", "html", "malformed-json", "truncate"};

std::optional<Transport> read_transport(TableReader& r) {
  auto v = r.one_of("transport", kTransportNames);
  if (!v) return std::nullopt;
  return parse_transport(*v);
}

// --- delay ---

constexpr std::string_view kDelayForms =
    "a duration such as \"200ms\", { uniform = [\"50ms\", \"300ms\"] } or "
    "{ lognormal = { median = \"80ms\", sigma = 0.5 } }";
constexpr std::array<std::string_view, 2> kDelayKinds = {"uniform", "lognormal"};
constexpr std::array<std::string_view, 2> kLogNormalKeys = {"median", "sigma"};

std::string too_long(std::string_view what, std::string_view written) {
  return "'" + std::string(what) + "' must be at most " + contracts::format_duration(kMaxDelay) +
         ", the longest a delay may hold a request (a client that waits longer is stuck, "
         "not slow), got \"" + std::string(written) + "\"";
}

// A duration a delay holds a request for: at most kMaxDelay.
std::optional<Duration> delay_duration_of(const toml::node& n, std::string_view what,
                                          DiagnosticSink& sink) {
  const auto* s = n.as_string();
  if (!s) {
    sink.error(n.source(), "'" + std::string(what) +
                               "' must be a duration string such as \"250ms\" or \"2s\", got " +
                               std::string(type_name(n)));
    return std::nullopt;
  }
  auto d = contracts::parse_duration(s->get());
  if (!d) {
    sink.error(n.source(), "'" + std::string(what) + "': invalid duration \"" + s->get() +
                               "\"; use a number with a unit ms, s, m, h or d, e.g. \"250ms\"");
    return std::nullopt;
  }
  if (*d > kMaxDelay) {
    sink.error(n.source(), too_long(what, s->get()));
    return std::nullopt;
  }
  return d;
}

std::optional<DelaySpec> read_uniform(const toml::node& value, DiagnosticSink& sink) {
  const auto* a = value.as_array();
  if (!a || a->size() != 2) {
    sink.error(value.source(),
               "'uniform' must be [low, high], two durations such as [\"50ms\", \"300ms\"], got " +
                   (a ? std::to_string(a->size()) + (a->size() == 1 ? " value" : " values")
                      : std::string(type_name(value))));
    return std::nullopt;
  }
  auto low = delay_duration_of(*a->get(0), "uniform", sink);
  auto high = delay_duration_of(*a->get(1), "uniform", sink);
  if (!low || !high) return std::nullopt;
  if (*low > *high) {
    sink.error(value.source(), "'uniform' low \"" + a->get(0)->as_string()->get() +
                                   "\" is greater than high \"" + a->get(1)->as_string()->get() +
                                   "\"; write [low, high]");
    return std::nullopt;
  }
  return DelaySpec{.kind = DelaySpec::Kind::Uniform, .low = *low, .high = *high};
}

std::optional<DelaySpec> read_lognormal(const toml::node& value, DiagnosticSink& sink) {
  const auto* t = value.as_table();
  if (!t) {
    sink.error(value.source(),
               "'lognormal' must be a table such as { median = \"80ms\", sigma = 0.5 }, got " +
                   std::string(type_name(value)));
    return std::nullopt;
  }
  TableReader r(sink, *t, "'lognormal'", kLogNormalKeys);
  bool ok = true;
  auto median = r.duration("median", Presence::Required);
  if (median && median->count() <= 0) {
    // Every sample would be 0: almost certainly not what the author wanted.
    r.error_at("median", "'median' must be greater than 0");
    ok = false;
  } else if (median && *median > kMaxDelay) {
    r.error_at("median", too_long("median", t->get("median")->as_string()->get()));
    ok = false;
  }
  std::optional<double> sigma;
  if (const toml::node* n = r.node("sigma", Presence::Required)) {
    sigma = number_of(*n);
    if (!sigma) {
      sink.error(n->source(),
                 "'sigma' must be a number greater than 0, got " + std::string(type_name(*n)));
    } else if (!(*sigma > 0)) {  // also nan
      sink.error(n->source(), "'sigma' must be greater than 0, got " + format_number(*sigma));
      sigma.reset();
    } else if (!(*sigma <= kMaxLogNormalSigma)) {  // also inf
      sink.error(n->source(), "'sigma' must be at most " + format_number(kMaxLogNormalSigma) +
                                  " (wider spreads only pile up at 0 and at the " +
                                  contracts::format_duration(kMaxDelay) + " cap), got " +
                                  format_number(*sigma));
      sigma.reset();
    }
  }
  if (!ok || !median || !sigma) return std::nullopt;
  return DelaySpec{.kind = DelaySpec::Kind::LogNormal, .median = *median, .sigma = *sigma};
}

// nullopt when absent or bad (reported).
std::optional<DelaySpec> read_delay(TableReader& r) {
  const toml::node* n = r.node("delay");
  if (!n) return std::nullopt;
  DiagnosticSink& sink = r.sink();
  if (n->is_string()) {
    auto d = delay_duration_of(*n, "delay", sink);
    if (!d) return std::nullopt;
    return DelaySpec{.kind = DelaySpec::Kind::Fixed, .fixed = *d};
  }
  const auto* t = n->as_table();
  if (!t) {
    sink.error(n->source(), "'delay' must be " + std::string(kDelayForms) + ", got " +
                                std::string(type_name(*n)));
    return std::nullopt;
  }
  if (t->empty()) {
    sink.error(n->source(), "'delay' is an empty table; give " + std::string(kDelayForms));
    return std::nullopt;
  }
  std::optional<DelaySpec> out;
  bool ok = true;
  bool seen_kind = false;
  for (auto&& [key, value] : *t) {
    if (std::find(kDelayKinds.begin(), kDelayKinds.end(), key.str()) == kDelayKinds.end()) {
      std::string hint = did_you_mean(key.str(), kDelayKinds);
      if (hint.empty()) hint = "; a delay table holds 'uniform' or 'lognormal'";
      sink.error(key.source(), "unknown key '" + std::string(key.str()) + "' in 'delay'" + hint);
      ok = false;
      continue;
    }
    if (seen_kind) {
      sink.error(key.source(), "'delay' holds both 'uniform' and 'lognormal'; give one");
      ok = false;
      continue;
    }
    seen_kind = true;
    out = key.str() == "uniform" ? read_uniform(value, sink) : read_lognormal(value, sink);
    if (!out) ok = false;
  }
  if (!ok) return std::nullopt;
  return out;
}

// A delay that can never be more than 0 does nothing.
bool always_zero(const DelaySpec& d) {
  switch (d.kind) {
    case DelaySpec::Kind::None: return true;
    case DelaySpec::Kind::Fixed: return d.fixed.count() == 0;
    case DelaySpec::Kind::Uniform: return d.high.count() == 0;
    case DelaySpec::Kind::LogNormal: return d.median.count() == 0;
  }
  return true;
}

// ---------------------------------------------------------------------------------------
// [[fault]]

constexpr std::array<TableReader::Hint, 12> kFaultHints = {{
    {"code", "error"},
    {"error_code", "error"},
    {"http_status", "status"},
    {"pair_id", "pair"},
    {"replica_pair_id", "pair"},
    {"group_id", "group"},
    {"replica_group_id", "group"},
    {"region_id", "region"},
    {"statuses", "when_status"},
    {"pair_status", "when_status"},
    {"group_status", "when_status"},
    {"retry_after", "retry_after_ms"},
}};

bool is_valid_id(std::string_view id) {
  return id.size() <= 64 && std::all_of(id.begin(), id.end(), [](char c) {
           return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                  c == '-' || c == '_' || c == '.';
         });
}

// Gives the rule its id: the one written, or "f<N>" by position. Ids are unique, including
// a written id that happens to equal another rule's default.
void read_fault_id(TableReader& r, const toml::table& t, int index, FaultReadState& st,
                   FaultSpec& f) {
  if (t.contains("id")) {
    auto id = r.non_empty_string("id");
    if (!id) return;
    if (!is_valid_id(*id)) {
      // Ids appear in admin URLs and journal entries ("replay:3" names replay steps).
      r.error_at("id", "fault id \"" + *id +
                           "\" may only use letters, digits, '-', '_' and '.' (at most 64)");
      return;
    }
    auto [it, inserted] = st.fault_id_lines.emplace(*id, line_of(t.get("id")));
    if (!inserted) {
      r.error_at("id", "duplicate fault id '" + *id + "'; the rule at line " +
                           std::to_string(it->second) + " already has it");
      return;
    }
    f.id = *id;
    return;
  }
  std::string id = "f" + std::to_string(index);
  auto [it, inserted] =
      st.fault_id_lines.emplace(id, static_cast<int>(t.source().begin.line));
  if (!inserted) {
    r.error_at_table("this rule's default id '" + id + "' (rules without an id are f1, f2, ... " +
                     "by position) is already taken by the rule at line " +
                     std::to_string(it->second) + "; give this rule an id");
    return;
  }
  f.id = std::move(id);
  f.id_is_default = true;
}

std::optional<std::vector<int>> read_calls(TableReader& r) {
  const toml::node* n = r.node("calls");
  if (!n) return std::nullopt;
  DiagnosticSink& sink = r.sink();
  const auto* a = n->as_array();
  if (!a) {
    sink.error(n->source(), "'calls' must be a list of call numbers, e.g. calls = [1] or "
                            "calls = [1, 2, 3], got " + std::string(type_name(*n)));
    return std::nullopt;
  }
  if (a->empty()) {
    sink.error(n->source(), "'calls' must not be empty; leave it out to fire on every call");
    return std::nullopt;
  }
  std::vector<int> calls;
  bool ok = true;
  for (const toml::node& e : *a) {
    const auto* i = e.as_integer();
    if (!i) {
      sink.error(e.source(), "each entry of 'calls' must be an integer >= 1, got " +
                                 std::string(type_name(e)));
      ok = false;
      continue;
    }
    if (i->get() < 1 || i->get() > kIntMax) {
      sink.error(e.source(), "call numbers start at 1 (the first matching call), got " +
                                 std::to_string(i->get()));
      ok = false;
      continue;
    }
    const int call = static_cast<int>(i->get());
    if (std::find(calls.begin(), calls.end(), call) != calls.end()) {
      sink.error(e.source(), "call " + std::to_string(call) + " is listed twice in 'calls'");
      ok = false;
      continue;
    }
    calls.push_back(call);
  }
  if (!ok) return std::nullopt;
  return calls;
}

std::optional<double> read_probability(TableReader& r) {
  const toml::node* n = r.node("probability");
  if (!n) return std::nullopt;
  auto p = number_of(*n);
  if (!p) {
    r.error_at("probability", "'probability' must be a number between 0 and 1, got " +
                                  std::string(type_name(*n)));
    return std::nullopt;
  }
  if (!(*p >= 0.0 && *p <= 1.0)) {  // also rejects nan
    r.error_at("probability",
               "'probability' must be between 0 and 1, got " + format_number(*p));
    return std::nullopt;
  }
  return p;
}

// The HTTP status of an error answer. A pair status here is a common mix-up with
// when_status, so it gets its own message.
std::optional<int> read_fault_status(TableReader& r, const toml::table& t) {
  if (const toml::node* n = t.get("status"); n && n->is_string()) {
    const std::string& s = n->as_string()->get();
    if (contracts::parse_status(s)) {
      r.error_at("status", "'status' is the HTTP status of the error answer (an integer "
                           "between 100 and 599); to match the pair's status write "
                           "when_status = \"" + s + "\"");
      return std::nullopt;
    }
  }
  auto v = r.integer("status", 100, 599);
  if (!v) return std::nullopt;
  return static_cast<int>(*v);
}

// The table's `call_id`, when present and valid (what the x-ebsmock-call-id header can
// carry); an invalid one is reported and read as absent. Shared by a rule's call_id and
// its hold_until's.
std::optional<std::string> read_call_id(TableReader& r) {
  auto v = r.non_empty_string("call_id");
  if (!v || contracts::is_valid_call_id(*v)) return v;
  r.error_at("call_id", "'call_id' must be 1-64 printable ASCII characters without spaces (what the "
                        "x-ebsmock-call-id header carries), got \"" + *v + "\"");
  return std::nullopt;
}

// hold_until = { call_id = "X" } or { client_token = "T" }, with an optional budget_ms.
constexpr std::array<std::string_view, 3> kHoldKeys = {"call_id", "client_token", "budget_ms"};

std::optional<HoldSpec> read_hold(TableReader& r) {
  const toml::node* n = r.node("hold_until");
  if (!n) return std::nullopt;
  const auto* t = n->as_table();
  if (!t) {
    r.error_at("hold_until", "'hold_until' must be a table such as { call_id = \"b1-c2\" } or "
                             "{ client_token = \"token-1\" }, got " + std::string(type_name(*n)));
    return std::nullopt;
  }
  DiagnosticSink& sink = r.sink();
  const std::size_t before = sink.size();
  TableReader h(sink, *t, "hold_until", kHoldKeys);
  HoldSpec hold;
  if (auto v = read_call_id(h)) hold.call_id = *v;
  if (auto v = h.non_empty_string("client_token")) hold.client_token = *v;
  if (auto v = h.integer("budget_ms", 1, kMaxDelay.count())) hold.budget = Duration{*v};
  if (t->contains("call_id") && t->contains("client_token")) {
    h.error_at("client_token", "'hold_until' waits for one request: give call_id or client_token, not both");
  } else if (!t->contains("call_id") && !t->contains("client_token")) {
    sink.error(n->source(), "'hold_until' must name the request it waits for: call_id = \"...\" or "
                            "client_token = \"...\"");
  }
  if (sink.size() != before) return std::nullopt;
  return hold;
}

}  // namespace

std::optional<std::vector<std::string>> read_names(TableReader& r, std::string_view key,
                                                   std::string_view noun,
                                                   std::span<const std::string_view> candidates,
                                                   Star star, std::string_view empty_hint) {
  const toml::node* n = r.node(key);
  if (!n) return std::vector<std::string>{};
  DiagnosticSink& sink = r.sink();
  const std::string k(key);
  bool ok = true;
  std::vector<std::string> names;
  auto take = [&](const toml::node& e) {
    const auto* s = e.as_string();
    if (!s) {
      sink.error(e.source(), "each entry of '" + k + "' must be a string, got " +
                                 std::string(type_name(e)));
      ok = false;
      return;
    }
    const std::string& v = s->get();
    if (v == "*" && star == Star::Allowed) {
      names.push_back(v);
      return;
    }
    if (std::find(candidates.begin(), candidates.end(), v) == candidates.end()) {
      sink.error(e.source(), unknown_name(noun, v, candidates));
      ok = false;
      return;
    }
    if (std::find(names.begin(), names.end(), v) != names.end()) {
      sink.error(e.source(), "'" + v + "' is listed twice in '" + k + "'");
      ok = false;
      return;
    }
    names.push_back(v);
  };
  if (n->is_string()) {
    take(*n);
  } else if (const auto* a = n->as_array()) {
    if (a->empty()) {
      sink.error(n->source(), "'" + k + "' must not be an empty list; " +
                                  (empty_hint.empty() ? "leave it out to match any " + std::string(noun)
                                                      : std::string(empty_hint)));
      return std::nullopt;
    }
    for (const toml::node& e : *a) take(e);
    if (ok && names.size() > 1 &&
        std::find(names.begin(), names.end(), "*") != names.end()) {
      sink.error(n->source(), "'*' already matches every " + std::string(noun) +
                                  "; write it alone: " + k + " = \"*\"");
      return std::nullopt;
    }
  } else {
    sink.error(n->source(), "'" + k + "' must be a string or a list of strings, got " +
                                std::string(type_name(*n)));
    return std::nullopt;
  }
  if (!ok) return std::nullopt;
  if (names.size() == 1 && names[0] == "*") names.clear();
  return names;
}

void read_fault(const toml::table& t, FaultReadState& st, std::vector<FaultSpec>& out) {
  const std::size_t problems_before = st.sink.size();
  const int index = ++st.fault_count;
  TableReader r(st.sink, t, "[[fault]]", kFaultKeys, kFaultHints);
  FaultSpec f;
  f.source = st.sink.source_text(t.source());

  read_fault_id(r, t, index, st, f);
  if (auto v = r.string("description")) f.description = *v;

  // --- conditions ---
  if (auto v = read_names(r, "action", "action", operation_names(), Star::Allowed)) {
    f.actions = *v;
  }
  if (auto v = r.prefixed_id("pair", kPairIdPrefix, "pair-cn-7xk2m9d1q8w3e5r0",
                             "'pair' is a ReplicaPairId and starts with")) {
    f.pair = *v;
    st.pair_references.push_back({*v, t.get("pair")->source()});
  }
  if (auto v = r.prefixed_id("group", kGroupIdPrefix, "pg-m1h9aaouigsduwgz",
                             "'group' is a ReplicaGroupId and starts with")) {
    f.group = *v;
    st.group_references.push_back({*v, t.get("group")->source()});
  }
  if (auto v = r.non_empty_string("region")) f.region = *v;
  if (auto v = r.non_empty_string("access_key_id")) f.access_key_id = *v;
  if (auto v = read_names(r, "when_status", "status", any_status_names(), Star::Forbidden)) {
    for (const auto& name : *v) f.when_status.push_back(*contracts::parse_status(name));
  }
  if (auto v = r.non_empty_string("client_token")) f.client_token = *v;
  if (auto v = read_call_id(r)) f.call_id = *v;

  // --- which matching calls fire ---
  if (auto v = read_calls(r)) f.calls = *v;
  if (auto v = r.integer("after", 0, kIntMax)) f.after = static_cast<int>(*v);
  if (auto v = r.integer("times", 1, kIntMax)) f.times = static_cast<int>(*v);
  if (auto v = read_probability(r)) f.probability = *v;
  if (!f.calls.empty() && f.after > 0 &&
      std::all_of(f.calls.begin(), f.calls.end(), [&](int c) { return c <= f.after; })) {
    r.error_at("after", "no call in 'calls' comes after the first " + std::to_string(f.after) +
                            ", so this rule never fires");
  }

  // --- what it does ---
  auto delay = read_delay(r);
  if (delay) f.delay = *delay;
  f.hold = read_hold(r);
  if (auto v = read_commit(r)) f.commit = *v;
  f.status = read_fault_status(r, t);
  if (auto code = r.non_empty_string("error")) {
    // With an explicit status any code may be returned (a code this catalogue lacks);
    // without one the status would be a guess, so the code must be known.
    if (!t.contains("status") && !st.errors.contains(*code)) {
      r.error_at("error", "unknown error code '" + *code + "'" +
                              did_you_mean(*code, catalogue_codes()) +
                              " (to return a code outside the catalogue, give its HTTP "
                              "status too, e.g. status = 400)");
    } else {
      f.error = *code;
    }
  }
  if (auto v = r.non_empty_string("message")) f.message = *v;
  if (auto v = r.integer("retry_after_ms", 0, kIntMax)) f.retry_after_ms = static_cast<int>(*v);
  auto transport = read_transport(r);
  if (transport) f.transport = *transport;
  if (auto v = r.duration("hang_cap")) {
    if (v->count() <= 0) {
      r.error_at("hang_cap", "'hang_cap' must be greater than 0");
    } else {
      f.hang_cap = *v;
    }
  }

  // --- keys that only make sense together ---
  const bool has_error = t.contains("error");
  const bool has_transport = t.contains("transport");
  if (has_error && has_transport) {
    r.error_at("transport", "'error' and 'transport' cannot be combined: a transport fault "
                            "replaces the answer (write two rules to get both)");
  }
  for (std::string_view key : {"status", "message", "retry_after_ms"}) {
    if (t.contains(key) && !has_error) {
      r.error_at(key, "'" + std::string(key) + "' only applies with 'error' (it shapes the "
                      "error answer)");
    }
  }
  // (A transport that is present but misspelled was reported already.)
  if (t.contains("hang_cap") && (transport ? *transport != Transport::Hang : !has_transport)) {
    r.error_at("hang_cap", "'hang_cap' only applies to transport = \"hang\"");
  }
  const bool has_hold = t.contains("hold_until");
  if (f.commit == Commit::After && !has_error && !has_transport) {
    r.error_at("commit", "commit = \"after\" only matters when the rule answers with an error "
                         "or a transport fault; a delay-only rule always lets the request "
                         "take effect");
  }
  if (!has_error && !has_transport && !has_hold) {
    if (!t.contains("delay")) {
      r.error_at_table("this rule has no effect: give delay, hold_until, error or transport");
    } else if (delay && always_zero(*delay)) {
      r.error_at("delay", "this rule has no effect: its delay is always 0; give a longer "
                          "delay, error or transport");
    }
  }

  if (st.sink.size() == problems_before) out.push_back(std::move(f));
}

// ---------------------------------------------------------------------------------------
// [[replay]]

namespace {

constexpr std::array<TableReader::Hint, 5> kReplayHints = {{
    {"error", "code"},
    {"http_status", "status"},
    {"param", "params"},
    {"response", "body"},
    {"header", "headers"},
}};

// Names a request of `op` may carry.
std::vector<std::string_view> parameter_names(contracts::Operation op) {
  std::vector<std::string_view> names;
  for (const auto& p : contracts::spec_for(op).params) names.push_back(p.name);
  return names;
}

// "Tag.3.Key": a repeat list of the operation.
bool is_repeat_list_parameter(contracts::Operation op, std::string_view name) {
  for (const auto& list : contracts::spec_for(op).repeat_lists) {
    const std::string_view prefix = list.prefix;
    if (name.size() > prefix.size() + 1 && name.starts_with(prefix) && name[prefix.size()] == '.') {
      return true;
    }
  }
  return false;
}

// Dotted keys (Tag.1.Key = "env") are nested tables in TOML; they are flattened back into
// the parameter name, like error codes in [errors]. `where` is the start of the name.
void read_params_table(const toml::table& t, const std::string& prefix,
                       const toml::source_region* where, std::optional<contracts::Operation> op,
                       DiagnosticSink& sink, contracts::Params& out) {
  for (auto&& [key, value] : t) {
    const std::string name =
        prefix.empty() ? std::string(key.str()) : prefix + "." + std::string(key.str());
    const toml::source_region& at = where ? *where : key.source();
    if (const auto* nested = value.as_table()) {
      read_params_table(*nested, name, &at, op, sink, out);
      continue;
    }
    const auto* s = value.as_string();
    if (!s) {
      sink.error(value.source(), "parameter '" + name +
                                     "' must be a string, the value as the request carries "
                                     "it (e.g. \"900\" or \"true\"), got " +
                                     std::string(type_name(value)));
      continue;
    }
    // A parameter the operation does not have is allowed (a recorded request may carry
    // extras), unless it is a near miss of one it has: a step that requires a misspelled
    // parameter never matches.
    if (op && !contracts::is_protocol_parameter(name) && !is_repeat_list_parameter(*op, name)) {
      const auto names = parameter_names(*op);
      if (std::find(names.begin(), names.end(), name) == names.end()) {
        const std::string hint = did_you_mean(name, names);
        if (!hint.empty()) {
          sink.error(at, "unknown parameter '" + name + "' for " +
                             std::string(to_string(*op)) + hint);
          continue;
        }
      }
    }
    out[name] = s->get();
  }
}

void read_params(TableReader& r, std::optional<contracts::Operation> op, contracts::Params& out) {
  const toml::node* n = r.node("params");
  if (!n) return;
  const auto* t = n->as_table();
  if (!t) {
    r.error_at("params", "'params' must be a table of parameter names to values, e.g. "
                         "params = { RegionId = \"cn-hangzhou\", ReplicaPairId = \"*\" }, got " +
                             std::string(type_name(*n)));
    return;
  }
  read_params_table(*t, "", nullptr, op, r.sink(), out);
}

// RFC 9110 token characters: what a header name may consist of.
bool is_header_name(std::string_view name) {
  static constexpr std::string_view kSpecials = "!#$%&'*+-.^_`|~";
  return !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           kSpecials.find(c) != std::string_view::npos;
  });
}

void read_headers(TableReader& r, contracts::HeaderList& out) {
  const toml::node* n = r.node("headers");
  if (!n) return;
  DiagnosticSink& sink = r.sink();
  const auto* t = n->as_table();
  if (!t) {
    r.error_at("headers", "'headers' must be a table of header names to strings, e.g. "
                          "headers = { \"x-acs-retry-after\" = \"5\" }, got " +
                              std::string(type_name(*n)));
    return;
  }
  struct Entry {
    toml::source_position at;
    std::pair<std::string, std::string> header;
  };
  std::vector<Entry> entries;
  for (auto&& [key, value] : *t) {
    const std::string name(key.str());
    if (!is_header_name(name)) {
      sink.error(key.source(), "'" + name + "' is not a valid HTTP header name");
      continue;
    }
    const auto* s = value.as_string();
    if (!s) {
      sink.error(value.source(), "header '" + name + "' must be a string, got " +
                                     std::string(type_name(value)));
      continue;
    }
    // CR or LF would let the value start a header (or a body) of its own.
    if (s->get().find_first_of(std::string_view("\r\n\0", 3)) != std::string::npos) {
      sink.error(value.source(), "header '" + name + "' must not contain CR, LF or NUL");
      continue;
    }
    entries.push_back(Entry{key.source().begin, {name, s->get()}});
  }
  // toml::table is ordered by key; keep the order the author wrote.
  std::stable_sort(entries.begin(), entries.end(), [](const Entry& a, const Entry& b) {
    return std::pair(a.at.line, a.at.column) < std::pair(b.at.line, b.at.column);
  });
  for (auto& e : entries) out.push_back(std::move(e.header));
}

// --- body ---

// Byte offset of a TOML position (1-based line, column in code points) in `text`.
std::optional<std::size_t> offset_of(std::string_view text, toml::source_position p) {
  std::size_t at = 0;
  for (toml::source_index line = 1; line < p.line; ++line) {
    at = text.find('\n', at);
    if (at == std::string_view::npos) return std::nullopt;
    ++at;
  }
  for (toml::source_index col = 1; col < p.column && at < text.size(); ++col) {
    ++at;
    while (at < text.size() && (static_cast<unsigned char>(text[at]) & 0xC0) == 0x80) ++at;
  }
  return at;
}

toml::source_position position_of(std::string_view text, std::size_t offset) {
  toml::source_position p{1, 1};
  for (std::size_t i = 0; i < offset && i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++p.line;
      p.column = 1;
    } else if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) {
      ++p.column;
    }
  }
  return p;
}

// Where byte `index` (0-based) of a string value's content is in the file. Exact for
// literal strings and for basic strings without escapes (the content is the source
// text); otherwise the start of the value, since escapes break the correspondence.
toml::source_position locate_in_string(std::string_view text, const toml::node& n,
                                       std::size_t index) {
  const toml::source_position start = n.source().begin;
  auto begin = offset_of(text, start);
  auto end = offset_of(text, n.source().end);
  if (!begin || !end || *end <= *begin) return start;
  std::string_view raw = text.substr(*begin, *end - *begin);
  std::size_t delimiter = raw.starts_with("'''") || raw.starts_with("\"\"\"") ? 3 : 1;
  const bool basic = raw.front() == '"';
  std::size_t content = *begin + delimiter;
  // A newline right after an opening """ or ''' is not part of the string.
  if (delimiter == 3) {
    if (text.substr(content).starts_with("\r\n")) {
      content += 2;
    } else if (text.substr(content).starts_with("\n")) {
      content += 1;
    }
  }
  if (basic && raw.find('\\') != std::string_view::npos) return start;
  const std::size_t content_end = *end >= *begin + 2 * delimiter ? *end - delimiter : *end;
  return position_of(text, std::min(content + index, std::max(content, content_end)));
}

// nlohmann's what() is "[json.exception.parse_error.101] parse error at line 1, ...".
std::string json_error_text(const nlohmann::json::parse_error& e) {
  std::string what = e.what();
  if (auto pos = what.find("] "); pos != std::string::npos) what = what.substr(pos + 2);
  return what;
}

std::optional<nlohmann::ordered_json> to_json(const toml::node& n, DiagnosticSink& sink);

std::optional<nlohmann::ordered_json> table_to_json(const toml::table& t, DiagnosticSink& sink) {
  struct Entry {
    toml::source_position at;
    std::string key;
    const toml::node* value;
  };
  std::vector<Entry> entries;
  for (auto&& [key, value] : t) entries.push_back({key.source().begin, std::string(key.str()), &value});
  // In the order written, so the body reads as the author laid it out.
  std::stable_sort(entries.begin(), entries.end(), [](const Entry& a, const Entry& b) {
    return std::pair(a.at.line, a.at.column) < std::pair(b.at.line, b.at.column);
  });
  nlohmann::ordered_json out = nlohmann::ordered_json::object();
  bool ok = true;
  for (const Entry& e : entries) {
    auto v = to_json(*e.value, sink);
    if (!v) {
      ok = false;
      continue;
    }
    out[e.key] = std::move(*v);
  }
  if (!ok) return std::nullopt;
  return out;
}

std::optional<nlohmann::ordered_json> to_json(const toml::node& n, DiagnosticSink& sink) {
  if (const auto* t = n.as_table()) return table_to_json(*t, sink);
  if (const auto* a = n.as_array()) {
    nlohmann::ordered_json out = nlohmann::ordered_json::array();
    bool ok = true;
    for (const toml::node& e : *a) {
      auto v = to_json(e, sink);
      if (!v) {
        ok = false;
        continue;
      }
      out.push_back(std::move(*v));
    }
    if (!ok) return std::nullopt;
    return out;
  }
  if (const auto* s = n.as_string()) return nlohmann::ordered_json(s->get());
  if (const auto* i = n.as_integer()) return nlohmann::ordered_json(i->get());
  if (const auto* b = n.as_boolean()) return nlohmann::ordered_json(b->get());
  if (const auto* f = n.as_floating_point()) {
    if (!std::isfinite(f->get())) {
      sink.error(n.source(), "JSON has no inf or nan; write the number as a string");
      return std::nullopt;
    }
    return nlohmann::ordered_json(f->get());
  }
  // Dates and times become their TOML text, the way an API would carry them.
  std::ostringstream os;
  if (const auto* d = n.as_date()) os << *d;
  else if (const auto* tm = n.as_time()) os << *tm;
  else if (const auto* dt = n.as_date_time()) os << *dt;
  return nlohmann::ordered_json(os.str());
}

// The exact answer body: a string holding JSON (checked, kept byte for byte) or a TOML
// table (converted). nullopt when absent or bad.
std::optional<std::string> read_body(TableReader& r, const FaultReadState& st) {
  const toml::node* n = r.node("body");
  if (!n) return std::nullopt;
  DiagnosticSink& sink = r.sink();
  if (const auto* s = n->as_string()) {
    try {
      const nlohmann::json parsed = nlohmann::json::parse(s->get());
      (void)parsed;  // only checked: the body is sent byte for byte as written
    } catch (const nlohmann::json::parse_error& e) {
      // e.byte is 1-based and may be one past the end for a truncated document.
      const std::size_t index = e.byte > 0 ? e.byte - 1 : 0;
      const toml::source_position at = locate_in_string(st.text, *n, index);
      sink.error(region_at(*n, static_cast<int>(at.line), static_cast<int>(at.column)),
                 "'body' is not valid JSON: " + json_error_text(e));
      return std::nullopt;
    }
    return s->get();
  }
  if (const auto* t = n->as_table()) {
    auto j = table_to_json(*t, sink);
    if (!j) return std::nullopt;
    return j->dump();
  }
  r.error_at("body", "'body' must be a string holding JSON (e.g. body = '''{\"RequestId\": "
                     "\"...\"}''') or a table, got " + std::string(type_name(*n)));
  return std::nullopt;
}

}  // namespace

void read_replay_step(const toml::table& t, FaultReadState& st, std::vector<ReplayStep>& out) {
  const std::size_t problems_before = st.sink.size();
  TableReader r(st.sink, t, "[[replay]]", kReplayKeys, kReplayHints);
  ReplayStep s;
  s.source = st.sink.source_text(t.source());

  std::optional<contracts::Operation> op;
  if (auto action = r.string("action", Presence::Required)) {
    op = contracts::parse_operation(*action);
    if (*action == "*") {
      r.error_at("action", "a replay step answers one request: 'action' must name one "
                           "operation, not \"*\"");
    } else if (!op) {
      r.error_at("action", unknown_name("action", *action, operation_names()));
    } else {
      s.action = *action;
    }
  }
  read_params(r, op, s.params);

  const bool has_status = t.contains("status");
  bool status_ok = !has_status;
  if (auto v = r.integer("status", 100, 599)) {
    s.status = static_cast<int>(*v);
    status_ok = true;
  }
  const bool has_code = t.contains("code");
  if (auto code = r.non_empty_string("code")) {
    s.code = *code;
    // Without a status the code's documented one is meant; a code the catalogue does
    // not know has none, so it needs an explicit status.
    if (!has_status) {
      if (st.errors.contains(*code)) {
        s.status = st.errors.status_of(*code);
      } else {
        r.error_at("code", "unknown error code '" + *code + "'" +
                               did_you_mean(*code, catalogue_codes()) +
                               " (to return a code outside the catalogue, give its HTTP "
                               "status too, e.g. status = 400)");
        status_ok = false;
      }
    }
  }
  if (auto v = r.non_empty_string("message")) s.message = *v;
  const bool has_body = t.contains("body");
  s.body = read_body(r, st);
  read_headers(r, s.headers);
  if (auto v = read_delay(r)) s.delay = *v;
  if (auto v = read_commit(r)) s.commit = *v;
  auto transport = read_transport(r);
  if (transport) s.transport = *transport;

  // --- keys that only make sense together ---
  if (transport && *transport != Transport::Truncate) {
    // Only truncate sends (part of) the step's answer; the others replace it.
    for (std::string_view key : {"status", "code", "message", "body", "headers"}) {
      if (t.contains(key)) {
        r.error_at(key, "'" + std::string(key) + "' is not used: transport = \"" +
                            std::string(to_string(*transport)) + "\" replaces the answer");
      }
    }
  } else if (status_ok) {
    if (contracts::is_2xx(s.status) && has_code) {
      r.error_at("code", "a " + std::to_string(s.status) + " step cannot carry an error "
                         "'code'; give the status the error had (e.g. status = 403) or "
                         "leave 'code' out");
    }
    if (!contracts::is_2xx(s.status) && !has_code && !has_body) {
      r.error_at("status", "a non-2xx step needs 'code' (or an exact 'body'): the client "
                           "must be told which error it got");
    }
    if (t.contains("message") && !has_code) {
      r.error_at("message", "'message' only applies with 'code'");
    } else if (t.contains("message") && has_body) {
      r.error_at("message", "'message' is not used when 'body' is given (the body is sent "
                            "as written)");
    }
    if (s.commit == Commit::After && contracts::is_2xx(s.status) && !has_body && !has_code && !transport) {
      r.error_at("commit", "commit = \"after\" has no effect here: a 2xx step without 'body' "
                           "is answered by the model, which always applies the change");
    }
  }

  if (st.sink.size() == problems_before) out.push_back(std::move(s));
}

}  // namespace ebsmock::scenarios::internal
