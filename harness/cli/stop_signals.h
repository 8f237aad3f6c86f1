// stop_signals.h: the long-running commands (`serve`, `record`) stop on SIGTERM/SIGINT.
// The signals are blocked in every thread and one thread waits for them with sigwait, so
// the stop is requested in a normal context instead of inside a signal handler.
// Call once, from the main thread, before any other thread starts.
#pragma once

#include <functional>
#include <stop_token>

namespace ebsmock::cli {

// Runs `body` with a token that is stopped by SIGTERM or SIGINT; returns its status.
int run_until_signalled(const std::function<int(std::stop_token)>& body);

}  // namespace ebsmock::cli
