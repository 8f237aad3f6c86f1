// report_data.cpp: see report_data.h.
#include "harness/report/report_data.h"

#include <algorithm>

namespace ebsmock::harness::report {

std::optional<TransitionText> parse_transition(const std::string& raw) {
  std::string text = raw;
  if (const auto v = text.find(" (vanished)"); v != std::string::npos) text.erase(v);
  const auto arrow = text.find(" -> ");
  if (arrow == std::string::npos) return std::nullopt;
  TransitionText t;
  t.to = text.substr(arrow + 4);
  std::string head = text.substr(0, arrow);
  for (const char* kind : {"group ", "drill "}) {
    if (head.rfind(kind, 0) == 0) {
      t.kind = std::string(kind, 5);
      head.erase(0, 6);
    }
  }
  const auto space = head.rfind(' ');
  if (space == std::string::npos) return std::nullopt;
  t.id = head.substr(0, space);
  t.from = head.substr(space + 1);
  if (t.from == "(new)") t.from.clear();
  return t;
}

std::string answer_class(const Json& attempt) {
  const int status = attempt.value("status", 0);
  if (status == 0) return "none";
  if (status < 300) return "ok";
  if (status < 500) return "refused";
  return "error";
}

bool is_ambiguous_commit(const Json& attempt) {
  if (!attempt.value("effect_applied", false) || answer_class(attempt) == "ok") return false;
  auto f = attempt.find("fault");
  return f != attempt.end() && f->is_object() && f->value("commit", "") == "after";
}

std::string text_of(const Json& j, const char* key) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return "";
  return it->is_string() ? it->get<std::string>() : it->dump();
}

const Json& counterexample_steps(const Json& report) {
  static const Json kEmpty = Json::array();
  auto cx = report.find("counterexample");
  if (cx == report.end() || !cx->is_object()) return kEmpty;
  auto steps = cx->find("steps");
  return steps != cx->end() && steps->is_array() ? *steps : kEmpty;
}

int first_violating_step(const Json& report, const std::string& check) {
  for (const auto& step : counterexample_steps(report)) {
    for (const auto& v : step.value("violations", Json::array())) {
      if (check.empty() || v.value("check", "") == check) return step.value("index", 0);
    }
  }
  return 0;
}

StepWindow shown_steps(const Json& report) {
  StepWindow w;
  w.total = static_cast<int>(counterexample_steps(report).size());
  if (w.total <= kMaxShownSteps) {
    w.last = w.total;
    return w;
  }
  const int violation = std::max(1, first_violating_step(report));
  w.first = std::clamp(violation - kMaxShownSteps / 2, 1, w.total - kMaxShownSteps + 1);
  w.last = w.first + kMaxShownSteps - 1;
  return w;
}

std::string step_fault_kind(const Json& step) {
  auto f = step.find("fault");
  if (f == step.end() || !f->is_object()) return "none";
  const std::string kind = f->value("kind", "");
  return kind.empty() ? "none" : kind.substr(0, kind.find(' '));
}

}  // namespace ebsmock::harness::report
