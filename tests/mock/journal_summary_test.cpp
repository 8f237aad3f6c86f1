// journal_summary_test.cpp: the journal's summary (the admin API's health) counts every
// answer by outcome, the ring's drops included. Single-threaded.
#include <gtest/gtest.h>

#include "mock/journal.h"

namespace ebsmock::mock {
namespace {

JournalEntry answered(int status, std::string code = "") {
  JournalEntry e;
  e.kind = contracts::JournalKind::Request;
  e.action = "DescribeDiskReplicaPairs";
  e.status = status;
  e.code = std::move(code);
  return e;
}

TEST(JournalSummary, CountsEveryAnswerByOutcomeIncludingDroppedOnes) {
  Journal journal(2);
  journal.append(answered(200));
  journal.append(answered(200));
  journal.append(answered(403, "Forbidden.RAM"));
  journal.append(answered(500));  // no Code: the status spells the outcome
  journal.append(answered(0));    // no answer at all
  JournalEntry by_fault = answered(504, "GatewayTimeout");
  by_fault.fault = FaultSummary{};
  journal.append(by_fault);
  JournalEntry progress;
  progress.kind = contracts::JournalKind::Progress;  // not an answer: not counted
  journal.append(progress);

  const Journal::Summary summary = journal.summary();
  EXPECT_EQ(summary.entries, 2u);
  EXPECT_EQ(summary.last_seq, 7u);
  EXPECT_EQ(summary.dropped, 5u);
  EXPECT_EQ(summary.answers, nlohmann::json::parse(R"({
      "model": {"ok": 2, "Forbidden.RAM": 1, "http-500": 1, "no-answer": 1},
      "fault": {"GatewayTimeout": 1}})"));
}

}  // namespace
}  // namespace ebsmock::mock
