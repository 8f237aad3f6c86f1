// report_data.h: what the HTML panels read out of the JSON report (report.h's
// report_json), in one place: the counterexample's steps and attempts, how an attempt's
// answer is classed, transitions parsed back from their text, the matrix axes. The JSON
// is the only input, so `ebsmock report render` and `contract --html` draw the same page.
// Pure functions; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace ebsmock::harness::report {

using Json = nlohmann::json;

// "pair-x normal -> stopping", "group pg-x (new) -> creating", with " (vanished)".
struct TransitionText {
  std::string kind = "pair";  // pair | group | drill
  std::string id;
  std::string from;  // "" for a new resource
  std::string to;
};
std::optional<TransitionText> parse_transition(const std::string& text);

// ok (2xx) | refused (4xx) | error (5xx) | none (no HTTP answer)
std::string answer_class(const Json& attempt);
// The effect was applied and then the answer failed: "the change happened, the client saw
// an error" (the journal's fault commit "after" with effect_applied).
bool is_ambiguous_commit(const Json& attempt);

// A string/number member as text; "" when absent.
std::string text_of(const Json& j, const char* key);

// The counterexample's steps, or an empty array.
const Json& counterexample_steps(const Json& report);
// Index (1-based) of the first step with a violation of `check` ("" = any), or 0.
int first_violating_step(const Json& report, const std::string& check = "");
// The steps the page draws: all of them up to kMaxShownSteps, else a window of that many
// around the first violation, so a huge history keeps the DOM bounded (the data island
// and its download still hold every step). Inclusive 1-based [first, last]; {1, 0} when
// there are none.
inline constexpr int kMaxShownSteps = 200;
struct StepWindow {
  int first = 1, last = 0, total = 0;
  bool contains(int index) const { return index >= first && index <= last; }
};
StepWindow shown_steps(const Json& report);

// The fault kind a step carried ("none" without a fault), as the matrix names it.
std::string step_fault_kind(const Json& step);

}  // namespace ebsmock::harness::report
