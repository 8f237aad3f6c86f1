// record.h: the pipeline's record stage: the journal entry of a finished exchange, built
// in one place from what the stages concluded. The Service appends it under the lock of
// the call's commit (journal.h). Pure; thread-safe.
#pragma once

#include "mock/exchange.h"
#include "mock/journal_entry.h"

namespace ebsmock::mock {

// Takes what it keeps from `x` (the parameters, redacted in place, the transitions and the
// RequestId): the exchange is finished, and copying its parameter map was most of this
// stage's cost. Its call id and ClientToken stay: the Service reads them after.
JournalEntry journal_entry(Exchange&& x);

FaultSummary summarize(const FaultDecision& d);

}  // namespace ebsmock::mock
