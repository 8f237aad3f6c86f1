// markdown_summary.h: the contract report as a short Markdown page sized for a CI job
// summary (GitHub's $GITHUB_STEP_SUMMARY, GitLab's report pages): the verdict and the
// warnings that weaken it, the checks, the matrix cells the run reached, and the
// counterexample as a Mermaid sequence diagram. From the JSON report alone, like the HTML
// page; capped at kMaxSummaryBytes. Pure function; thread-safe.
#pragma once

#include <cstddef>
#include <string>

#include <nlohmann/json.hpp>

namespace ebsmock::harness::report {

// GitHub refuses a step summary over 1 MiB.
inline constexpr std::size_t kMaxSummaryBytes = 1000 * 1000;

std::string markdown_summary(const nlohmann::json& report);

}  // namespace ebsmock::harness::report
