// drill_verdict.h: a drill's verdict from what the mock saw: the scenario's [expect]
// (scenarios::DrillExpectations) judged over the journal and the fault rules' counters,
// as PASS / FAIL / INCONCLUSIVE (visual.md §8.2 D7, with MockServer experimentVerdict's
// meaning: INCONCLUSIVE when there were too few samples to say). While the drill runs
// (`over` false) a rule that has not fired yet is pending, not failed. The result is a
// JSON object shaped like the contract report (verdict, client, seed, checks, coverage),
// so the harness draws it with the same HTML renderer; "journal" holds the entries it
// judged. Pure function; thread-safe.
#pragma once

#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "scenarios/loader/scenario.h"

namespace ebsmock::mock {

struct DrillFacts {
  std::string scenario;
  std::uint64_t seed = 0;
  nlohmann::json journal = nlohmann::json::array();  // entries as GET /__admin/journal gives them
  nlohmann::json fault_rules = nlohmann::json::array();  // GET /__admin/faults' "rules"
  std::uint64_t dropped = 0;  // entries gone from the ring before the verdict
};

// {"kind": "drill", "verdict": "pass"|"fail"|"inconclusive", "client", "seed", "requests",
//  "checks": [{"id", "title", "verdict", "evaluated", "violations", "first_violation"}],
//  "coverage": {"pair": {"from -> to": n}, ...}, "notes": [...], "journal": [...]}
nlohmann::json judge_drill(const scenarios::DrillExpectations& expect, const DrillFacts& facts, bool over);

}  // namespace ebsmock::mock
