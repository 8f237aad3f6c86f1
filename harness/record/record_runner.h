// record_runner.h: `ebsmock record`'s lifecycle as a function a test can call in-process,
// the recorder's twin of mock::run_until_stopped: bind, announce
// "listening on http://HOST:PORT" as the first line of `out` (exactly like serve, so the
// same scripts wait for it), a banner on `err` (upstream, writes allowed or not, trace
// file, the AccessKeyId signed with; never a secret), serve until `stop`, say so.
// Thread-safe: request the stop from any thread.
#pragma once

#include <ostream>
#include <stop_token>
#include <string>

#include "harness/record/recording_proxy.h"
#include "mock/http_server.h"

namespace ebsmock::harness::record {

struct RecordConfig {
  std::string host = "127.0.0.1";
  int port = 8080;  // 0 picks a free one
  std::string trace_file;  // "" = no trace file
  RecordOptions proxy;
  mock::HttpServerOptions http;
};

// 0 after a clean stop; 2 when the trace file cannot be opened or the port bound.
int run_recorder(RecordConfig config, std::stop_token stop, std::ostream& out, std::ostream& err);

}  // namespace ebsmock::harness::record
