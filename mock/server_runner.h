// server_runner.h: `ebsmock serve`'s lifecycle as a function a test can call in-process:
// start the mock, announce it, run until asked to stop, say so. The CLI only maps flags
// onto ServeConfig and turns SIGTERM/SIGINT into a stop request.
// Thread-safe: request the stop from any thread.
#pragma once

#include <functional>
#include <ostream>
#include <stop_token>

#include "mock/embedded_server.h"
#include "scenarios/loader/scenario.h"

namespace ebsmock::mock {

struct ServeConfig {
  scenarios::Scenario scenario;
  EmbeddedServerOptions server;
  // Optional: runs on its own thread once the server listens, and may end the run with
  // server.stop() (`serve --until-verdict` watches for the end of the drill). Its stop
  // token fires when the run ends otherwise; it must then return soon.
  std::function<void(EmbeddedServer& server, std::stop_token stop)> watch;
  // Optional: called on the calling thread once the server listens and has been announced
  // (`serve` ends its start-up allocation arena there, startup_arena.h).
  std::function<void()> started;
  // Optional: called after a clean stop, with the server still there to read; what it
  // returns is the exit code.
  std::function<int(EmbeddedServer& server, std::ostream& out, std::ostream& err)> conclude;
};

// Prints "listening on http://HOST:PORT" as the first line of `out` (scripts wait for
// it) and a banner (scenario, seed, clock, signatures, a planted bug's warning) on `err`;
// serves until `stop` is requested (or `watch` stops it); prints "ebsmock: stopped".
// Returns 0 after a clean stop (or what `conclude` says), 2 when the server cannot start
// or fails.
int run_until_stopped(ServeConfig config, std::stop_token stop, std::ostream& out, std::ostream& err);

}  // namespace ebsmock::mock
