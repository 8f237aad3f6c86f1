// drill_verdict.cpp: see drill_verdict.h. Check ids: S1 (transitions chain), D1 (model
// error share), D2 (ambiguous rules fired), D3 (named rules fired).
#include "mock/drill_verdict.h"

#include <map>
#include <set>

namespace ebsmock::mock {
namespace {

using Json = nlohmann::json;

std::string kind_of(const Json& t) {
  for (const char* k : {"pair", "group", "drill"}) {
    if (t.contains(k)) return k;
  }
  return "pair";
}

std::string text(const Json& j) { return j.is_string() ? j.get<std::string>() : std::string(); }

Json check(std::string id, std::string title, std::string verdict, long evaluated, long violations,
           std::string first_violation = {}) {
  Json c = {{"id", std::move(id)},   {"title", std::move(title)}, {"verdict", std::move(verdict)},
            {"evaluated", evaluated}, {"violations", violations}};
  if (!first_violation.empty()) c["first_violation"] = std::move(first_violation);
  return c;
}

}  // namespace

Json judge_drill(const scenarios::DrillExpectations& expect, const DrillFacts& facts, bool over) {
  Json checks = Json::array();
  Json coverage = {{"pair", Json::object()}};
  long requests = 0, model_answers = 0, model_errors = 0;
  std::map<std::string, std::string> last_status;  // "kind id" -> status
  long chained = 0, broken = 0;
  std::string first_break;
  for (const auto& e : facts.journal) {
    if (e.value("kind", "") == "request") {
      ++requests;
      if (e.value("fault", Json()).is_null()) {
        ++model_answers;
        const int status = e.value("status", 0);
        if (status == 0 || status >= 500) ++model_errors;
      }
    }
    std::vector<Json> moves;
    if (e.contains("transition") && e["transition"].is_object()) moves.push_back(e["transition"]);
    for (const auto& m : e.value("member_transitions", Json::array())) {
      if (m.is_object()) moves.push_back(m);
    }
    for (const auto& t : moves) {
      const std::string kind = kind_of(t), id = text(t[kind]), from = text(t.value("from", Json())), to = text(t["to"]);
      coverage[kind][(from.empty() ? "start" : from) + " -> " + to] =
          coverage[kind].value((from.empty() ? "start" : from) + " -> " + to, 0) + 1;
      const std::string key = kind + " " + id;
      if (auto it = last_status.find(key); it != last_status.end()) {
        ++chained;
        if (it->second != from) {
          ++broken;
          if (first_break.empty()) {
            first_break = "seq " + std::to_string(e.value("seq", 0)) + ": " + key + " moved from " +
                          (from.empty() ? "(new)" : from) + " but was " + it->second;
          }
        }
      }
      last_status[key] = to;
    }
  }
  if (expect.consistent_transitions) {
    checks.push_back(check("S1", "each resource's transitions chain: every one starts where the one before ended",
                           broken ? "fail" : chained ? "pass" : "not exercised", chained, broken, first_break));
  }
  if (expect.max_error_percent) {
    const long allowed = *expect.max_error_percent;
    const bool fail = model_answers > 0 && model_errors * 100 > allowed * model_answers;
    checks.push_back(check("D1",
                           "at most " + std::to_string(allowed) +
                               "% of the requests the model answered are 5xx or unanswered",
                           fail ? "fail" : model_answers ? "pass" : "not exercised", model_answers, model_errors,
                           fail ? std::to_string(model_errors) + " of " + std::to_string(model_answers) : ""));
  }
  auto rule_check = [&](std::string id, std::string title, const std::vector<std::string>& ids) {
    long fired = 0;
    std::string missing;
    for (const auto& rule_id : ids) {
      long n = 0;
      for (const auto& r : facts.fault_rules) {
        if (r.value("id", "") == rule_id) n = r.value("fired", 0L);
      }
      if (n > 0) {
        ++fired;
      } else if (missing.empty()) {
        missing = "rule " + rule_id + " never fired";
      }
    }
    const long unfired = static_cast<long>(ids.size()) - fired;
    const std::string verdict = unfired == 0 ? (ids.empty() ? "not exercised" : "pass") : over ? "fail" : "pending";
    checks.push_back(check(std::move(id), std::move(title), verdict, static_cast<long>(ids.size()), over ? unfired : 0,
                           missing));
  };
  if (expect.ambiguous_rules_fire) {
    std::vector<std::string> ids;
    for (const auto& r : facts.fault_rules) {
      if (r.value("commit", "") == "after") ids.push_back(r.value("id", ""));
    }
    rule_check("D2", "every rule with an ambiguous outcome (commit = \"after\") fired at least once", ids);
  }
  if (!expect.rules_fire.empty()) rule_check("D3", "the named rules fired at least once", expect.rules_fire);

  bool failed = false, pending = false;
  for (const auto& c : checks) {
    failed = failed || c["verdict"] == "fail";
    pending = pending || c["verdict"] == "pending";
  }
  Json notes = Json::array();
  const bool too_few = requests < expect.min_requests;
  if (too_few) {
    notes.push_back("INCONCLUSIVE: " + std::to_string(requests) + " request(s), fewer than min_requests = " +
                    std::to_string(expect.min_requests));
  }
  if (pending) notes.push_back("INCONCLUSIVE so far: a rule the drill expects has not fired yet");
  if (facts.dropped > 0) {
    notes.push_back(std::to_string(facts.dropped) + " journal entries had left the ring and were not judged");
  }
  return {{"kind", "drill"},
          {"verdict", failed ? "fail" : (too_few || pending) ? "inconclusive" : "pass"},
          {"client", "drill: " + facts.scenario},
          {"seed", facts.seed},
          {"requests", requests},
          {"over", over},
          {"checks", checks},
          {"coverage", coverage},
          {"notes", notes},
          {"journal", facts.journal}};
}

}  // namespace ebsmock::mock
