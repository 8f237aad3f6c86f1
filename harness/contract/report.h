// report.h: what `ebsmock contract` prints and writes: the text summary (cases, commands
// and faults by kind, each check's verdict, the shrunk counterexample step by step and
// the command that reruns it), the JSON report (--report, with the fault x operation
// matrix of what the client did), and JUnit XML (--junit, one testcase per check).
// Pure functions; thread-safe.
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
