// linearizability_checker.cpp: see linearizability_checker.h. The search keeps no global
// state; one call of check_linearizable owns everything it touches.
#include "harness/concurrent/linearizability_checker.h"

#include <algorithm>
#include <deque>
#include <limits>
#include <map>
#include <unordered_map>
#include <unordered_set>

#include "contracts/error_catalogue.h"
#include "contracts/idempotence.h"
#include "harness/concurrent/partition.h"

namespace ebsmock::harness::concurrent {
namespace {

constexpr Time kInfinity = std::numeric_limits<Time>::max();

// The whole check's budget, shared by the parts.
class Budget {
 public:
  explicit Budget(const CheckOptions& o) : options_(o) {
    if (o.time_budget) {
      clock_ = o.clock ? o.clock : [] { return std::chrono::steady_clock::now(); };
      deadline_ = clock_() + *o.time_budget;
    }
  }
  // Counts one model step; false once the budget is spent.
  bool spend() {
    ++steps_;
    if (options_.max_steps != 0 && steps_ > options_.max_steps) return false;
    // Reading the clock costs about as much as a cheap model step: every 64th.
    if (clock_ && steps_ % 64 == 0 && clock_() >= deadline_) return false;
    return true;
  }
  bool spent() const { return options_.max_steps != 0 && steps_ > options_.max_steps; }
  std::uint64_t steps() const { return steps_; }

 private:
  const CheckOptions& options_;
  std::function<std::chrono::steady_clock::time_point()> clock_;
  std::chrono::steady_clock::time_point deadline_;
  std::uint64_t steps_ = 0;
};

// A call or a return in the time-ordered list.
struct Entry {
  bool is_call = true;
  std::size_t op = 0;  // local index into the part's searched calls
  Time time = 0;
  // Returns: 1 definite, 2 a must-happen ambiguous call (+inf), 3 a maybe (+inf, last).
  int rank = 0;
  std::size_t match = 0;  // the other entry of the same call
};

struct Bits {
  std::vector<std::uint64_t> words;
  explicit Bits(std::size_t n) : words((n + 63) / 64, 0) {}
  void set(std::size_t i) { words[i / 64] |= std::uint64_t{1} << (i % 64); }
  void clear(std::size_t i) { words[i / 64] &= ~(std::uint64_t{1} << (i % 64)); }
  bool test(std::size_t i) const { return (words[i / 64] >> (i % 64)) & 1U; }
  std::size_t hash() const {
    std::size_t h = 0;
    for (auto w : words) h = h * 0x100000001b3ULL ^ w;
    return h;
  }
  friend bool operator==(const Bits&, const Bits&) = default;
};

// States are interned (one object per distinct state), so a configuration compares its
// state by address.
struct Config {
  Bits placed;
  const ModelState* state;
  std::size_t hash;
  bool operator==(const Config& o) const { return hash == o.hash && state == o.state && placed == o.placed; }
};
struct ConfigHash {
  std::size_t operator()(const Config& c) const { return c.hash; }
};

// A state and a call (or a request) in it.
struct StepKey {
  const ModelState* state;
  std::size_t index;
  bool operator==(const StepKey&) const = default;
};
struct StepKeyHash {
  std::size_t operator()(const StepKey& k) const {
    return std::hash<const void*>{}(k.state) * 31 + k.index;
  }
};

class PartSearch {
 public:
  PartSearch(const History& h, std::vector<std::size_t> ops, Budget& budget)
      : h_(h), budget_(budget) {
    result_.ops = std::move(ops);
  }

  PartResult run() {
    select();
    if (!result_.stuck) search();
    return std::move(result_);
  }

 private:
  const HistoryOp& op(std::size_t local) const { return h_.ops[calls_[local]]; }

  // The calls the search places: not Failed, not known by the journal never to have
  // happened, not an explained LastTokenProcessing.
  void select() {
    for (std::size_t i : result_.ops) {
      const HistoryOp& o = h_.ops[i];
      if (o.observed.kind == OutcomeKind::Failed) continue;
      if (o.observed.kind == OutcomeKind::Ambiguous && o.journal && !o.journal->commit_seq) continue;
      if (in_flight_mismatch_explained(h_, i)) continue;
      if (is_last_token_processing(o)) {
        if (last_token_processing_explained(h_, i)) continue;
        result_.verdict = Verdict::NotLinearizable;
        result_.stuck = Refusal{i, "no answer of the model (no call with this ClientToken is in flight)",
                                describe(o.observed),
                                "LastTokenProcessing, but no other call with ClientToken '" + client_token(o) +
                                    "' overlaps it"};
        return;
      }
      calls_.push_back(i);
    }
  }

  bool must_place(std::size_t local) const {
    const HistoryOp& o = op(local);
    return o.observed.kind != OutcomeKind::Ambiguous || (o.journal && o.journal->commit_seq);
  }

  void build() {
    const std::size_t n = calls_.size();
    entries_.reserve(2 * n);
    for (std::size_t k = 0; k < n; ++k) {
      const HistoryOp& o = op(k);
      const bool ambiguous = o.observed.kind == OutcomeKind::Ambiguous;
      entries_.push_back({true, k, o.invoke, 0, 0});
      entries_.push_back({false, k, ambiguous ? kInfinity : o.response, ambiguous ? (must_place(k) ? 2 : 3) : 1, 0});
    }
    // Calls before returns at one instant: intervals that touch overlap.
    std::sort(entries_.begin(), entries_.end(), [](const Entry& a, const Entry& b) {
      if (a.time != b.time) return a.time < b.time;
      if (a.rank != b.rank) return a.rank < b.rank;
      return a.op < b.op;
    });
    std::vector<std::size_t> call_entry(n);
    for (std::size_t e = 0; e < entries_.size(); ++e) {
      if (entries_[e].is_call) call_entry[entries_[e].op] = e;
    }
    for (std::size_t e = 0; e < entries_.size(); ++e) {
      if (!entries_[e].is_call) {
        entries_[e].match = call_entry[entries_[e].op];
        entries_[call_entry[entries_[e].op]].match = e;
      }
    }
    // A doubly-linked list over the entries; head_ is a sentinel at index size().
    head_ = entries_.size();
    next_.resize(entries_.size() + 1);
    prev_.resize(entries_.size() + 1);
    for (std::size_t e = 0; e < entries_.size(); ++e) {
      next_[e] = e + 1 < entries_.size() ? e + 1 : head_;
      prev_[e] = e > 0 ? e - 1 : head_;
    }
    next_[head_] = entries_.empty() ? head_ : 0;
    prev_[head_] = entries_.empty() ? head_ : entries_.size() - 1;

    // Journal order: a call with a commit_seq may be placed once its predecessor in seq
    // order is (which, by induction, needs every earlier one).
    std::vector<std::pair<std::uint64_t, std::size_t>> seqs;
    for (std::size_t k = 0; k < n; ++k) {
      if (op(k).journal && op(k).journal->commit_seq) seqs.emplace_back(*op(k).journal->commit_seq, k);
    }
    std::sort(seqs.begin(), seqs.end());
    after_.assign(n, std::nullopt);
    for (std::size_t s = 1; s < seqs.size(); ++s) after_[seqs[s].second] = seqs[s - 1].second;

    // Calls that are the same request get the same answer in the same state.
    std::map<std::string, std::size_t> requests;
    for (std::size_t k = 0; k < n; ++k) {
      std::string key = op(k).clock_advance
                            ? "advance " + std::to_string(op(k).clock_advance->count())
                            : std::string(contracts::to_string(op(k).action)) + '\n' + op(k).access_key_id + '\n' +
                                  contracts::to_json(op(k).ids).dump();
      for (const auto& [name, value] : op(k).params) key += '\n' + name + '=' + value;
      request_of_.push_back(requests.emplace(std::move(key), requests.size()).first->second);
    }

    // Tokens: once every call carrying one is placed, no step reads its record again.
    std::map<TokenKey, std::vector<std::size_t>> by_token;
    for (std::size_t k = 0; k < n; ++k) {
      if (auto key = token_key(op(k))) by_token[*key].push_back(k);
    }
    token_of_.assign(n, std::nullopt);
    for (auto& [key, members] : by_token) {
      for (auto k : members) token_of_[k] = token_groups_.size();
      token_groups_.push_back({key, members});
    }
  }

  void lift(std::size_t e) {
    for (std::size_t x : {e, entries_[e].match}) {
      next_[prev_[x]] = next_[x];
      prev_[next_[x]] = prev_[x];
    }
  }
  void unlift(std::size_t e) {
    for (std::size_t x : {entries_[e].match, e}) {
      next_[prev_[x]] = x;
      prev_[next_[x]] = x;
    }
  }

  // The one object standing for states equal to `s`.
  // (A deque: references to its elements stay valid as it grows.)
  const StatePtr& intern(const StatePtr& s) {
    auto& bucket = interned_[s->hash()];
    for (const StatePtr* x : bucket) {
      if (*x == s || **x == *s) return *x;
    }
    bucket.push_back(&states_.emplace_back(s));
    return *bucket.back();
  }

  // The interned state after op k in `state`, or nullptr when its answer does not fit.
  // A history revisits the same (state, call) pair from many placed sets, and many calls
  // are the same request (every Describe of one pair); the model step (a World copy,
  // parameter checks, a Describe's JSON body: most of the checker's time) runs once per
  // state and request.
  const StatePtr* step(const StatePtr& state, std::size_t k) {
    auto [it, fresh] = steps_.try_emplace(StepKey{state.get(), k}, nullptr);
    if (fresh) {
      auto [known, added] = predictions_.try_emplace(StepKey{state.get(), request_of_[k]});
      if (added) {
        known->second = predict(state, op(k));
        known->second.next = intern(known->second.next);
      }
      if (matches(known->second, op(k).observed)) it->second = &intern(known->second.next);
    }
    return it->second;
  }

  const StatePtr& forget_finished_token(const StatePtr& s, std::size_t k, const Bits& placed) {
    if (!token_of_[k]) return s;
    const auto& [key, members] = token_groups_[*token_of_[k]];
    for (auto m : members) {
      if (!placed.test(m)) return s;
    }
    return s->tokens().count(key) ? intern(s->without_token(key)) : s;
  }

  void search() {
    build();
    const std::size_t n = calls_.size();
    StatePtr state = intern(initial_state(h_.initial, h_.now));
    Bits placed(n);
    struct Frame {
      std::size_t entry;
      StatePtr before;
    };
    std::vector<Frame> stack;
    std::unordered_set<Config, ConfigHash> cache;
    std::optional<std::size_t> stuck_at;  // the return entry where the deepest dead end was
    std::vector<LinearizationPoint> deepest;
    bool have_deepest = false;

    auto snapshot = [&] {
      deepest.clear();
      for (std::size_t d = 0; d < stack.size(); ++d) {
        deepest.push_back({calls_[entries_[stack[d].entry].op], d + 1 < stack.size() ? stack[d + 1].before : state});
      }
    };

    std::size_t cur = next_[head_];
    while (true) {
      if (cur == head_ || (!entries_[cur].is_call && entries_[cur].rank == 3)) {
        // Every call that must be placed is; the rest are ambiguous calls that never
        // took effect.
        result_.verdict = Verdict::Linearizable;
        for (const auto& f : stack) result_.witness.push_back(calls_[entries_[f.entry].op]);
        break;
      }
      const Entry& e = entries_[cur];
      if (e.is_call) {
        if (!budget_.spend()) {
          result_.verdict = Verdict::Unknown;
          if (!have_deepest || stack.size() > deepest.size()) snapshot();
          result_.longest = std::move(deepest);
          break;
        }
        const std::size_t k = e.op;
        if (!after_[k] || placed.test(*after_[k])) {
          const StatePtr* after = step(state, k);
          // An ambiguous call that may never happen and would change nothing here is
          // better left unplaced: every way to finish with it placed now also finishes
          // with it never placed (its return is at +infinity and blocks nothing).
          if (after && *after == state && entries_[e.match].rank == 3) after = nullptr;
          if (after) {
            Bits next_placed = placed;
            next_placed.set(k);
            const StatePtr& next_state = forget_finished_token(*after, k, next_placed);
            const std::size_t hash = next_placed.hash() ^ next_state->hash();
            auto [it, fresh] = cache.insert(Config{std::move(next_placed), next_state.get(), hash});
            if (fresh) {
              stack.push_back({cur, state});
              state = next_state;
              placed = it->placed;
              lift(cur);
              cur = next_[head_];
              continue;
            }
          }
        }
        cur = next_[cur];
        continue;
      }
      // The return of a call not placed yet: nothing placed so far can come before it.
      if (!have_deepest || stack.size() > deepest.size()) {
        snapshot();
        have_deepest = true;
        stuck_at = cur;
      }
      if (stack.empty()) {
        result_.verdict = Verdict::NotLinearizable;
        break;
      }
      Frame f = stack.back();
      stack.pop_back();
      state = f.before;
      placed.clear(entries_[f.entry].op);
      unlift(f.entry);
      cur = next_[f.entry];
    }
    result_.steps = budget_.steps();
    if (result_.verdict == Verdict::NotLinearizable) {
      result_.longest = std::move(deepest);
      explain(*stuck_at);
    }
  }

  Refusal refusal(std::size_t k, const StatePtr& state, const Bits& placed) const {
    const HistoryOp& o = op(k);
    Prediction p = predict(state, o);
    Refusal r{calls_[k], describe(p), describe(o.observed), ""};
    if (after_[k] && !placed.test(*after_[k])) {
      r.reason = "the journal puts it after call #" + std::to_string(calls_[*after_[k]]) + ", not placed yet";
    } else if (!matches(p, o.observed)) {
      r.reason = "the model answers " + r.expected + ", the client saw " + r.observed;
    } else {
      r.reason = "its answer fits here, but no order of the remaining calls then fits theirs";
    }
    return r;
  }

  // The report for the deepest dead end: the call whose return stopped the search, and
  // every other call that was invoked before that return and could have come next.
  void explain(std::size_t stuck_entry) {
    Bits placed(calls_.size());
    std::vector<bool> in_prefix(h_.ops.size(), false);
    for (const auto& lp : result_.longest) in_prefix[lp.op] = true;
    for (std::size_t k = 0; k < calls_.size(); ++k) {
      if (in_prefix[calls_[k]]) placed.set(k);
    }
    StatePtr state = result_.longest.empty() ? initial_state(h_.initial, h_.now) : result_.longest.back().state_after;
    const std::size_t stuck = entries_[stuck_entry].op;
    result_.stuck = refusal(stuck, state, placed);
    const Time horizon = entries_[stuck_entry].time;
    for (std::size_t k = 0; k < calls_.size(); ++k) {
      if (k == stuck || placed.test(k) || op(k).invoke > horizon) continue;
      result_.candidates.push_back(refusal(k, state, placed));
    }
  }

  const History& h_;
  Budget& budget_;
  PartResult result_;
  std::vector<std::size_t> calls_;  // local index -> History::ops index
  std::vector<Entry> entries_;
  std::vector<std::size_t> next_, prev_;
  std::size_t head_ = 0;
  std::vector<std::optional<std::size_t>> after_;
  std::vector<std::optional<std::size_t>> token_of_;
  std::vector<std::pair<TokenKey, std::vector<std::size_t>>> token_groups_;
  std::deque<StatePtr> states_;
  std::unordered_map<std::size_t, std::vector<const StatePtr*>> interned_;
  std::vector<std::size_t> request_of_;  // local op -> its request's index
  std::unordered_map<StepKey, Prediction, StepKeyHash> predictions_;  // (state, request)
  std::unordered_map<StepKey, const StatePtr*, StepKeyHash> steps_;   // (state, call)
};

}  // namespace

std::string_view to_string(Verdict v) {
  switch (v) {
    case Verdict::Linearizable: return "linearizable";
    case Verdict::NotLinearizable: return "not-linearizable";
    case Verdict::Unknown: return "unknown";
  }
  return "unknown";
}

const PartResult* CheckResult::failing() const {
  for (const auto& p : parts) {
    if (p.verdict == Verdict::NotLinearizable) return &p;
  }
  return nullptr;
}

bool is_last_token_processing(const HistoryOp& op) {
  return op.observed.kind == OutcomeKind::Error && op.observed.code == contracts::codes::kLastTokenProcessing;
}

bool last_token_processing_explained(const History& history, std::size_t i) {
  const HistoryOp& o = history.ops[i];
  const std::string token = client_token(o);
  if (token.empty()) return false;
  for (std::size_t j = 0; j < history.ops.size(); ++j) {
    const HistoryOp& other = history.ops[j];
    if (j == i || client_token(other) != token || other.access_key_id != o.access_key_id) continue;
    if (!precedes(other, o) && !precedes(o, other)) return true;
  }
  return false;
}

bool in_flight_mismatch_explained(const History& history, std::size_t i) {
  const HistoryOp& o = history.ops[i];
  if (o.observed.kind != OutcomeKind::Error || o.observed.code != contracts::codes::kIdempotentParameterMismatch) {
    return false;
  }
  const auto key = token_key(o);
  if (!key) return false;
  const std::string fingerprint = contracts::request_fingerprint(o.action, o.params);
  for (std::size_t j = 0; j < history.ops.size(); ++j) {
    const HistoryOp& other = history.ops[j];
    // A Failed call was refused before the service: it never held the token.
    if (j == i || other.observed.kind == OutcomeKind::Failed || token_key(other) != key) continue;
    if (contracts::request_fingerprint(other.action, other.params) == fingerprint) continue;
    if (!precedes(other, o) && !precedes(o, other)) return true;
  }
  return false;
}

CheckResult check_linearizable(const History& history, const CheckOptions& options) {
  CheckResult result;
  Budget budget(options);
  std::vector<std::vector<std::size_t>> parts;
  if (options.partition) {
    parts = partition(history);
  } else {
    parts.emplace_back();
    for (std::size_t i = 0; i < history.ops.size(); ++i) parts.back().push_back(i);
  }
  bool unknown = false;
  for (auto& ops : parts) {
    PartResult r = PartSearch(history, std::move(ops), budget).run();
    if (r.verdict == Verdict::NotLinearizable) result.verdict = Verdict::NotLinearizable;
    unknown = unknown || r.verdict == Verdict::Unknown;
    result.parts.push_back(std::move(r));
  }
  if (result.verdict != Verdict::NotLinearizable) result.verdict = unknown ? Verdict::Unknown : Verdict::Linearizable;
  result.steps = budget.steps();
  return result;
}

std::string to_text(const History& history, const CheckResult& result) {
  std::string out = "verdict: " + std::string(to_string(result.verdict)) + " (" + std::to_string(result.parts.size()) +
                    " part(s), " + std::to_string(result.steps) + " model steps)\n";
  auto call_text = [&](std::size_t i) {
    const HistoryOp& o = history.ops[i];
    return "#" + std::to_string(i) + " client " + std::to_string(o.client) + " " +
           (o.clock_advance ? "clock advance by " + contracts::format_duration(*o.clock_advance)
                            : std::string(contracts::to_string(o.action))) +
           " [" + std::to_string(o.invoke) + ", " +
           (o.observed.kind == OutcomeKind::Ambiguous ? std::string("inf") : std::to_string(o.response)) + "] -> " +
           describe(o.observed);
  };
  for (std::size_t p = 0; p < result.parts.size(); ++p) {
    const PartResult& part = result.parts[p];
    if (part.verdict == Verdict::Linearizable) continue;
    out += "part " + std::to_string(p) + " (" + std::to_string(part.ops.size()) + " calls): " +
           std::string(to_string(part.verdict)) + "\n  longest partial linearization:\n";
    for (std::size_t d = 0; d < part.longest.size(); ++d) {
      out += "   " + std::to_string(d + 1) + ". " + call_text(part.longest[d].op) + "\n      state: " +
             describe_state(*part.longest[d].state_after).dump() + "\n";
    }
    if (part.stuck) {
      out += "  cannot place " + call_text(part.stuck->op) + "\n    " + part.stuck->reason + "\n";
    }
    for (const auto& c : part.candidates) out += "  also tried " + call_text(c.op) + ": " + c.reason + "\n";
  }
  return out;
}

}  // namespace ebsmock::harness::concurrent
