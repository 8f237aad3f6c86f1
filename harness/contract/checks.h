// checks.h: the contract checks of `ebsmock contract`, each with a stable id used in
// reports, JUnit files and counterexamples (C1..C9 client contract, S1 server against
// the model, A1..A3 advisories), and the per-run tally of how often each was evaluated
// and violated. Plain value types; not thread-safe (one tally per run).
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ebsmock::harness {

enum class CheckId {
  C1,  // success is reported only when the operation took effect
  C2,  // a documented refusal reaches the caller as that code
  C3,  // one client call causes at most one state transition
  C4,  // every attempt of one mutating call carries the same fresh, valid ClientToken
  C5,  // non-retryable errors are not retried
  C6,  // after an ambiguous failure, no definite error contradicting the applied effect
  C7,  // every attempt is correctly signed
  C8,  // what the client's Describe shows agrees with the model
  C9,  // one Start*Drill call leaves at most one drill
  S1,  // the server's answers, transitions and progress follow the model
  A1,  // advisory: transient errors are retried
  A2,  // advisory: x-acs-retry-after is honoured
  A3,  // advisory: retries back off
};

inline constexpr std::array<CheckId, 13> kAllChecks = {
    CheckId::C1, CheckId::C2, CheckId::C3, CheckId::C4, CheckId::C5, CheckId::C6, CheckId::C7,
    CheckId::C8, CheckId::C9, CheckId::S1, CheckId::A1, CheckId::A2, CheckId::A3,
};

// Hard checks fail the run; advisories are reported and fail it only under --strict.
bool is_advisory(CheckId id);
std::string_view to_string(CheckId id);             // "C1"
std::string_view title(CheckId id);                 // one line, for reports
std::optional<CheckId> parse_check_id(std::string_view text);

// One broken promise, in the words a report shows.
struct Violation {
  CheckId check;
  std::string detail;  // what happened and what the contract expected
};

// Per check: how many times it was evaluated (a call it applied to) and violated.
// `observable` is false when the harness cannot see what the check needs (e.g. the
// waits of an external client process), so its verdict is "n/a", not "pass".
struct CheckTally {
  struct Entry {
    std::uint64_t evaluated = 0;
    std::uint64_t violated = 0;
    bool observable = true;
    std::string first_detail;  // the first violation seen, for the summary
  };
  std::map<CheckId, Entry> entries;

  void evaluated(CheckId id, std::uint64_t n = 1) { entries[id].evaluated += n; }
  void violated(const Violation& v);
  void set_unobservable(CheckId id) { entries[id].observable = false; }
  void merge(const CheckTally& other);
  const Entry& at(CheckId id) const;
};

// "pass", "fail", "advisory" (an advisory that fired, not strict), "not exercised", "n/a".
std::string verdict(const CheckTally& tally, CheckId id, bool strict);

// What a run reports for `id`: verdict(), except that a check the counterexample broke
// fails (the tally stops at the first failing case; the shrunk history's own violations
// are in `counterexample`).
std::string effective_verdict(const CheckTally& tally, CheckId id, bool strict,
                              const std::vector<Violation>& counterexample);
// The counterexample's detail for `id` when it broke it, else the tally's first.
std::string first_violation(const CheckTally& tally, CheckId id, const std::vector<Violation>& counterexample);

}  // namespace ebsmock::harness
