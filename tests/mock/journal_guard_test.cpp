// journal_guard_test.cpp: a Journal given a lock (the Service's) is guarded by that lock:
// a reader waits while another thread holds it, and an entry appended under it
// (append_locked) is seen once it is let go; the summary read under it counts every
// answer by outcome, the ring's drops included.
// Multi-threaded (the reader test); the waits are on the lock's own state, not on time.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "mock/journal.h"
#include "mock/spinning_mutex.h"

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

TEST(JournalGuard, AReaderWaitsWhileAnotherThreadHoldsTheLockTheJournalWasGiven) {
  SpinningMutex guard;
  Journal journal(10, &guard);
  std::atomic<bool> read = false;
  std::uint64_t seen = 0;
  std::thread reader;
  {
    std::lock_guard lock(guard);
    journal.append_locked(answered(200));
    reader = std::thread([&] {
      seen = journal.last_seq();
      read = true;
    });
    // The reader either got past the lock (the journal did not use it) or spun out its
    // budget and sleeps on it: whichever comes first, no clock is read.
    while (!guard.has_sleepers() && !read) std::this_thread::yield();
    EXPECT_FALSE(read) << "the reader did not wait for the lock the journal was given";
  }
  reader.join();
  EXPECT_TRUE(read);
  EXPECT_EQ(seen, 1u);
}

TEST(JournalGuard, TheSummaryUnderTheLockCountsEveryAnswerByOutcomeIncludingDroppedOnes) {
  SpinningMutex guard;
  Journal journal(2, &guard);
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

  std::lock_guard lock(guard);
  const Journal::Summary summary = journal.summary_locked();
  EXPECT_EQ(summary.entries, 2u);
  EXPECT_EQ(summary.last_seq, 7u);
  EXPECT_EQ(summary.dropped, 5u);
  EXPECT_EQ(summary.answers, nlohmann::json::parse(R"({
      "model": {"ok": 2, "Forbidden.RAM": 1, "http-500": 1, "no-answer": 1},
      "fault": {"GatewayTimeout": 1}})"));
}

}  // namespace
}  // namespace ebsmock::mock
