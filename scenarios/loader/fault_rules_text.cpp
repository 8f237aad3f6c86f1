// fault_rules_text.cpp: JSON -> TOML conversion and wrapping of bare rules.
#include "scenarios/loader/fault_rules_text.h"

#include <algorithm>
#include <functional>
#include <sstream>

#include <nlohmann/json.hpp>
#include <toml++/toml.h>

#include "scenarios/loader/scenario.h"
#include "scenarios/loader/scenario_loader.h"

namespace ebsmock::scenarios {
namespace {

// Converts one JSON value to a TOML node; nullopt for null (TOML has no null).
std::optional<toml::table> to_toml_table(const nlohmann::json& j, std::vector<Diagnostic>& errors,
                                         std::string_view source);

void insert(toml::table& t, const std::string& key, const nlohmann::json& v,
            std::vector<Diagnostic>& errors, std::string_view source);

void push(toml::array& a, const nlohmann::json& v, std::vector<Diagnostic>& errors, std::string_view source) {
  if (v.is_string()) a.push_back(v.get<std::string>());
  else if (v.is_boolean()) a.push_back(v.get<bool>());
  else if (v.is_number_integer()) a.push_back(v.get<std::int64_t>());
  else if (v.is_number()) a.push_back(v.get<double>());
  else if (v.is_object()) {
    if (auto t = to_toml_table(v, errors, source)) a.push_back(std::move(*t));
  } else if (v.is_array()) {
    toml::array inner;
    for (const auto& e : v) push(inner, e, errors, source);
    a.push_back(std::move(inner));
  }
}

void insert(toml::table& t, const std::string& key, const nlohmann::json& v,
            std::vector<Diagnostic>& errors, std::string_view source) {
  if (v.is_null()) {
    errors.push_back({std::string(source), 0, 0, "key '" + key + "' is null; leave it out instead"});
  } else if (v.is_string()) {
    t.insert(key, v.get<std::string>());
  } else if (v.is_boolean()) {
    t.insert(key, v.get<bool>());
  } else if (v.is_number_integer()) {
    t.insert(key, v.get<std::int64_t>());
  } else if (v.is_number()) {
    t.insert(key, v.get<double>());
  } else if (v.is_object()) {
    if (auto inner = to_toml_table(v, errors, source)) t.insert(key, std::move(*inner));
  } else if (v.is_array()) {
    toml::array a;
    for (const auto& e : v) push(a, e, errors, source);
    t.insert(key, std::move(a));
  }
}

std::optional<toml::table> to_toml_table(const nlohmann::json& j, std::vector<Diagnostic>& errors,
                                         std::string_view source) {
  if (!j.is_object()) {
    errors.push_back({std::string(source), 0, 0, "a fault rule must be a JSON object"});
    return std::nullopt;
  }
  toml::table t;
  for (const auto& [k, v] : j.items()) insert(t, k, v, errors, source);
  return t;
}

// Which [[fault]] table (1-based) of `toml_text` line `line` belongs to.
int rule_at_line(std::string_view toml_text, int line) {
  int rule = 0;
  std::size_t pos = 0;
  for (int n = 1; n <= line && pos <= toml_text.size(); ++n) {
    std::size_t end = toml_text.find('\n', pos);
    std::string_view text = toml_text.substr(pos, end == std::string_view::npos ? std::string_view::npos : end - pos);
    if (text.find("[[fault]]") != std::string_view::npos) ++rule;
    if (end == std::string_view::npos) break;
    pos = end + 1;
  }
  return std::max(rule, 1);
}

}  // namespace

std::vector<FaultSpec> parse_fault_rules(std::string_view text, bool is_json, std::string_view source_name) {
  std::string toml_text;
  // Moves a diagnostic's position from the TOML loaded back to what the client sent;
  // none when the client sent that TOML.
  std::function<void(Diagnostic&)> relocate;
  if (is_json) {
    auto j = nlohmann::json::parse(text, nullptr, false);
    if (j.is_discarded()) {
      throw ScenarioError({{std::string(source_name), 0, 0, "the body is not valid JSON"}});
    }
    std::vector<Diagnostic> errors;
    toml::array rules;
    if (j.is_array()) {
      for (const auto& rule : j) {
        if (auto t = to_toml_table(rule, errors, source_name)) rules.push_back(std::move(*t));
      }
    } else if (auto t = to_toml_table(j, errors, source_name)) {
      rules.push_back(std::move(*t));
    }
    if (!errors.empty()) throw ScenarioError(std::move(errors));
    toml::table doc;
    doc.insert("fault", std::move(rules));
    std::ostringstream os;
    os << toml::toml_formatter(doc);
    toml_text = os.str();
    // Positions in the TOML made from the JSON mean nothing to the client that sent
    // JSON: name the rule (1-based, in the order sent) instead.
    relocate = [&toml_text](Diagnostic& d) {
      if (d.line <= 0) return;
      d.message = "rule " + std::to_string(rule_at_line(toml_text, d.line)) + ": " + d.message;
      d.line = d.column = 0;
    };
  } else if (text.find("[[fault]]") == std::string_view::npos) {
    // One rule's keys at the top level: give it the [[fault]] header it omits. TOML needs
    // the header on a line of its own, so positions are moved back up by that line: they
    // must point into the text the client sent.
    toml_text = "[[fault]]\n" + std::string(text);
    relocate = [](Diagnostic& d) {
      if (d.line > 1) --d.line;
    };
  } else {
    toml_text = std::string(text);
  }
  try {
    Scenario s = load_scenario_string(toml_text, source_name);
    return std::move(s.faults);
  } catch (const ScenarioError& e) {
    if (!relocate) throw;
    std::vector<Diagnostic> relocated = e.diagnostics();
    for (auto& d : relocated) relocate(d);
    throw ScenarioError(std::move(relocated));
  }
}

}  // namespace ebsmock::scenarios
