// concurrency_negative_control_test.cpp: issue 12's negative control. The SEQUENTIAL
// contract harness, in the server direction (`contract --endpoint` against `ebsmock serve
// --mutant M`), finds no violation in any of the concurrency mutants M1-M7
// (mock/server_mutants.h): each is wrong only when another call lands inside its race
// window, which one client making one call at a time never does. So whatever catches
// them in the concurrent mode catches a concurrency bug, not a sequential one. A planted
// sequential bug served the same way is caught by the same run (the run can fail).
// Each mutant gets its own served process, with a race window of 0: the window's length
// means nothing to calls that do not overlap, and a longer one lets a loaded machine make
// them overlap after all (seen under `ctest -j2`: an attempt stalled past the reference
// client's 1 s timeout, its same-token retry landed in M1's window, and M1 executed it).
// The mutants' code paths (check, let the lock go, retake it, act) still run.
#include <gtest/gtest.h>

#include <string>

#include "harness/contract/contract_run.h"
#include "harness/contract/report.h"
#include "tests/support/contract_support.h"
#include "tests/support/served_process.h"

namespace ebsmock::harness {
namespace {

using ebsmock::testing::contract_options;
using ebsmock::testing::ServedProcess;

ContractResult run_against(const std::string& mutant, int cases) {
  ServedProcess served({"serve", "--port", "0", "--mutant", mutant, "--race-window-ms", "0"});
  EXPECT_FALSE(served.endpoint().empty());
  auto o = contract_options("builtin:reference", 12, cases, 20);
  o.endpoint = served.endpoint();
  return run_contract(o);
}

TEST(ConcurrencyNegativeControl, SequentialHarnessFindsNoViolationInM1ToM7) {
  for (const char* mutant : {"token-check-race", "status-check-race", "modify-lost-update", "torn-describe",
                             "stale-background-write", "mismatch-check-race", "no-last-token-processing"}) {
    SCOPED_TRACE(mutant);
    auto r = run_against(mutant, 100);
    EXPECT_EQ(r.exit_code, 0) << summary_text(r);
    EXPECT_EQ(r.cases_passed, 100) << summary_text(r);
  }
}

// The control can fail: the same run against a sequential planted bug reports it.
TEST(ConcurrencyNegativeControl, TheSameRunCatchesASequentialServerBug) {
  auto r = run_against("stop-from-stopped", 100);
  EXPECT_EQ(r.exit_code, 1) << summary_text(r);
}

}  // namespace
}  // namespace ebsmock::harness
