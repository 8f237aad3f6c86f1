// report.h: what `ebsmock contract` prints and writes: the text summary (cases, commands
// and faults by kind, each check's verdict, the shrunk counterexample step by step and
// the command that reruns it), the JSON report (--report, with the fault x operation
// matrix of what the client did), and JUnit XML (--junit, one testcase per check).
// The JSON is a function of the client, the options and the seed: no wall-clock
// durations and no embedded-mock port (those are in the text summary and JUnit), so the
// same seed gives the same bytes and the HTML report (harness/report/) that embeds it too.
// It carries the counterexample's saved scenario (counterexample.scenario_toml), so a CI
// artefact alone reproduces the failure. Pure functions; thread-safe.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "harness/contract/contract_run.h"

namespace ebsmock::harness {

std::string summary_text(const ContractResult& result);
nlohmann::json report_json(const ContractResult& result);
std::string junit_xml(const ContractResult& result);

// The shrunk history, step by step (part of summary_text).
std::string counterexample_text(const ContractResult& result);

}  // namespace ebsmock::harness
