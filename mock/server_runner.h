// server_runner.h: `ebsmock serve`'s lifecycle as a function a test can call in-process:
// start the mock, announce it, run until asked to stop, say so. The CLI only maps flags
// onto ServeConfig and turns SIGTERM/SIGINT into a stop request.
// Thread-safe: request the stop from any thread.
#pragma once

#include <ostream>
#include <stop_token>

#include "mock/embedded_server.h"
#include "scenarios/loader/scenario.h"

namespace ebsmock::mock {

struct ServeConfig {
  scenarios::Scenario scenario;
  EmbeddedServerOptions server;
};

// Prints "listening on http://HOST:PORT" as the first line of `out` (scripts wait for
// it) and a banner (scenario, seed, clock, signatures, a planted bug's warning) on `err`;
// serves until `stop` is requested; prints "ebsmock: stopped". Returns 0 after a clean
// stop, 2 when the server cannot start or fails.
int run_until_stopped(ServeConfig config, std::stop_token stop, std::ostream& out, std::ostream& err);

}  // namespace ebsmock::mock
