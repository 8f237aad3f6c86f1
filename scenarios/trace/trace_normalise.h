// trace_normalise.h: traces.md §7's rules, applied to what readers found: the Action
// from the Action param or x-acs-action (V1/V3), protocol and signature parameters and
// ActionTrail's gateway keys dropped, secrets counted as removed, a missing status taken
// from the error catalogue when the code is known; then every source merged into one
// trace: joined on RequestId, then ClientToken, duplicates dropped, stably sorted by time
// with source order as the tiebreaker. Pure functions; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "scenarios/trace/trace_call.h"
#include "scenarios/trace/trace_import.h"

namespace ebsmock::scenarios {

// A JSON value as the wire carries it: booleans "true"/"false", numbers in decimal, a
// list of strings comma-joined (PairIds); nullopt with `problem` for anything else.
std::optional<std::string> wire_value(const nlohmann::json& value, std::string& problem);

// ActionTrail adds these to requestParameters; the client never sent them.
bool is_gateway_key(std::string_view name);

// One call, normalised; nullopt when it is not a replayable EBS call (the reason is
// counted in report.dropped). Secrets and unknown fields are counted in the report.
std::optional<TraceRequest> normalise_call(TraceCall call, const std::string& source,
                                           SourceReport& report);

// Every source's requests (each in its file order) as one trace.
std::vector<TraceRequest> merge_sources(std::vector<std::vector<TraceRequest>> sources,
                                        std::vector<SourceReport>& reports,
                                        std::vector<std::string>& notes);

}  // namespace ebsmock::scenarios
