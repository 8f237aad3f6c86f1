// checks.cpp: check names and the tally. Not thread-safe.
#include "harness/contract/checks.h"

namespace ebsmock::harness {

bool is_advisory(CheckId id) {
  return id == CheckId::A1 || id == CheckId::A2 || id == CheckId::A3;
}

std::string_view to_string(CheckId id) {
  switch (id) {
    case CheckId::C1: return "C1";
    case CheckId::C2: return "C2";
    case CheckId::C3: return "C3";
    case CheckId::C4: return "C4";
    case CheckId::C5: return "C5";
    case CheckId::C6: return "C6";
    case CheckId::C7: return "C7";
    case CheckId::C8: return "C8";
    case CheckId::C9: return "C9";
    case CheckId::S1: return "S1";
    case CheckId::A1: return "A1";
    case CheckId::A2: return "A2";
    case CheckId::A3: return "A3";
  }
  return "?";
}

std::string_view title(CheckId id) {
  switch (id) {
    case CheckId::C1: return "success is reported only when the operation took effect";
    case CheckId::C2: return "a documented refusal reaches the caller as that code";
    case CheckId::C3: return "one client call causes at most one state transition";
    case CheckId::C4:
      return "every attempt of one mutating call carries the same non-empty ClientToken "
             "(<= 64 ASCII), fresh for each call";
    case CheckId::C5: return "non-retryable errors (4xx other than throttling) are not retried";
    case CheckId::C6:
      return "after an ambiguous failure the client never reports a definite error that "
             "contradicts the applied effect";
    case CheckId::C7: return "every attempt is correctly signed";
    case CheckId::C8: return "the client's Describe agrees with the model";
    case CheckId::C9:
      return "one drill start leaves at most one drill (a retry with a fresh ClientToken after an "
             "ambiguous failure orphans a drill)";
    case CheckId::S1: return "the server's answers, transitions and progress follow the model";
    case CheckId::A1: return "advisory: transient errors are retried";
    case CheckId::A2: return "advisory: x-acs-retry-after is honoured";
    case CheckId::A3: return "advisory: retries back off";
  }
  return "?";
}

std::optional<CheckId> parse_check_id(std::string_view text) {
  for (CheckId id : kAllChecks) {
    if (to_string(id) == text) return id;
  }
  return std::nullopt;
}

void CheckTally::violated(const Violation& v) {
  Entry& e = entries[v.check];
  if (e.violated == 0) e.first_detail = v.detail;
  ++e.violated;
}

void CheckTally::merge(const CheckTally& other) {
  for (const auto& [id, o] : other.entries) {
    Entry& e = entries[id];
    if (e.violated == 0 && o.violated > 0) e.first_detail = o.first_detail;
    e.evaluated += o.evaluated;
    e.violated += o.violated;
    e.observable = e.observable && o.observable;
  }
}

const CheckTally::Entry& CheckTally::at(CheckId id) const {
  static const Entry kEmpty;
  auto it = entries.find(id);
  return it == entries.end() ? kEmpty : it->second;
}

std::string verdict(const CheckTally& tally, CheckId id, bool strict) {
  const auto& e = tally.at(id);
  if (e.violated > 0) return is_advisory(id) && !strict ? "advisory" : "fail";
  if (!e.observable) return "n/a";
  if (e.evaluated == 0) return "not exercised";
  return "pass";
}

std::string effective_verdict(const CheckTally& tally, CheckId id, bool strict,
                              const std::vector<Violation>& counterexample) {
  for (const auto& f : counterexample) {
    if (f.check == id) return "fail";
  }
  return verdict(tally, id, strict);
}

std::string first_violation(const CheckTally& tally, CheckId id, const std::vector<Violation>& counterexample) {
  for (const auto& f : counterexample) {
    if (f.check == id) return f.detail;
  }
  return tally.at(id).first_detail;
}

}  // namespace ebsmock::harness
