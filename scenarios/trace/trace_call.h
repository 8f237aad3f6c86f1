// trace_call.h: one call as a reader found it in a customer's artefact (an ActionTrail
// event, a HAR entry, a block of an SDK or Terraform log, a journal line), before
// normalisation (trace_normalise.h) turns it into a replay-ready TraceRequest; and the
// per-source account the import report is made of. Plain values; thread-safe.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "contracts/time.h"
#include "contracts/wire.h"
#include "scenarios/loader/scenario.h"

namespace ebsmock::scenarios {

struct TraceCall {
  int line = 0;                        // 1-based line of the record in its (decompressed) file
  std::string time;                    // as written; "" when the source has none
  std::optional<contracts::Instant> instant;  // `time` as an instant; nullopt when unknown
  std::string action;                  // "" = take it from the Action param or x-acs-action
  contracts::ParamList params;         // decoded, every one found (protocol ones too)
  contracts::HeaderList headers;       // request headers, when the source has them
  std::optional<int> status;           // nullopt = the source does not say
  std::string code;                    // error Code; "" for none or unknown
  std::string message;
  std::optional<std::string> body;     // the response body as JSON text, when recorded
  std::string request_id;
  std::optional<std::int64_t> latency_ms;
  std::string transport;               // "reset", "close", "hang", "truncate": no HTTP answer
  bool commit_after = false;           // the call took effect although the answer was an error
  std::string event_id;                // ActionTrail's eventId
  bool gateway_params = false;         // params carry ActionTrail's gateway keys
  bool final_outcome_only = false;     // one record for an unknown number of attempts
  bool client_token_unsent = false;    // the logged ClientToken was never sent (Terraform Delete)
  std::vector<std::string> notes;      // what the reader knows about this call, for its step
  std::vector<std::string> unknown;    // "field: why (default chosen)", for the report
};

// How many records of a source went where, and why some did not.
struct SourceReport {
  std::string name;                    // the file as given
  std::string format;                  // trace_format.h name
  int read = 0;                        // calls found
  int imported = 0;                    // became steps
  int merged = 0;                      // joined into a call of another source
  std::map<std::string, int> dropped;  // reason -> count
  std::map<std::string, int> redacted;  // what was removed -> count
  std::map<std::string, int> unknown;   // "field: default" -> count
  std::vector<std::string> notes;       // whole-source remarks (e.g. "no times: file order kept")
};

// What a reader returns for one file.
struct ReadResult {
  std::vector<TraceCall> calls;
  std::vector<Diagnostic> problems;    // every unreadable line, as "file:line[:col]: ..."
  SourceReport report;
  std::vector<std::string> account_ids;  // seen (ActionTrail userIdentity), for masking
  int unlisted_problems = 0;            // past kMaxListedProblems: counted only
};

}  // namespace ebsmock::scenarios
