// panels.h: the sections of the HTML contract report (visual.md §8.1), each drawn from
// the JSON report alone as static HTML and SVG, so the page reads with JavaScript off and
// prints; report.js only adds selection, keyboard, filtering, copy and download.
//   R1 verdict_panel     verdict, client, seed, counts, rerun; warnings that weaken it first
//   R2 checks_panel      C1-C9, S1, A1-A3: verdict, counts, first violation, link to the step
//   R3 timeline_panel    the counterexample as SVG lanes: calls, attempts, faults, resources
//   R4 inspector_panel   the steps, each with request, attempts, model, contract, scenario
//   R5 sequence_panel    client <-> ebsmock per attempt, retries framed by ClientToken,
//                        plus its Mermaid text (mermaid_sequence) for "copy as Mermaid"
//   R6 matrix_panel      fault kind x operation: what the client did in each cell
//   R7 coverage_panel    the contract's state machines with each edge's visits in the run
//   R8 statistics_panel  steps by kind, faults armed vs fired, shrinking
//   R9 reproduce_panel   rerun and serve commands, downloads of the JSON and the scenario
// Pure functions; thread-safe.
#pragma once

#include <string>

#include "harness/report/report_data.h"

namespace ebsmock::harness::report {

std::string verdict_panel(const Json& report);
std::string checks_panel(const Json& report);
std::string timeline_panel(const Json& report);
std::string inspector_panel(const Json& report);
std::string sequence_panel(const Json& report);
std::string mermaid_sequence(const Json& report);
std::string matrix_panel(const Json& report);
std::string coverage_panel(const Json& report);
std::string statistics_panel(const Json& report);
std::string reproduce_panel(const Json& report);

// Sentences that make a verdict weaker than it looks (a fault armed but never fired, a
// check never exercised and why), most important first; shown at the top of R1.
std::vector<std::string> verdict_warnings(const Json& report);

}  // namespace ebsmock::harness::report
