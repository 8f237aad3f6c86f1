// exec_client.h: an ApiClient that drives an external driver process (any SDK, any
// language) over the JSON-lines driver protocol (README "Driver protocol",
// driver_protocol.h). The driver is started once, as `/bin/sh -c <command_line>`, with
// EBSMOCK_ENDPOINT, ALIBABA_CLOUD_ACCESS_KEY_ID, ALIBABA_CLOUD_ACCESS_KEY_SECRET and
// ALIBABA_CLOUD_REGION_ID added to the inherited environment, in its own process group.
// Each call() writes one request line to its stdin and reads exactly one answer line from
// its stdout within the call timeout. Its stderr is forwarded, line by line, to our stderr
// as "[driver] ..." by a reader thread, so a chatty driver never blocks.
//
// API and transport errors of the service come back as CallResult (call() never throws for
// them). A driver that is itself broken is a different thing: it cannot tell us anything
// about the service, so call() throws DriverError (kind Crashed, Hung or Garbage; the
// message names the driver, the request, and the offending line, exit status or signal).
// After a DriverError the client is finished: every later call() throws again.
//
// Destruction closes the driver's stdin (EOF = "end"), waits up to 2 s for it to exit, then
// SIGKILLs its process group (which also ends anything it left running).
// Not thread-safe (like every ApiClient): one client per thread. The stderr forwarder is
// internal and writes whole lines, so lines of several drivers do not interleave mid-line.
#pragma once

#include <chrono>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>

#include "harness/client/api_client.h"

namespace ebsmock::harness {

class DriverError : public std::runtime_error {
 public:
  enum class Kind {
    Crashed,  // could not start, exited, was killed by a signal, or closed its stdout/stdin
    Hung,     // no complete answer line (or stdin not drained) within the call timeout
    Garbage,  // answered a line that is not a valid answer (driver_protocol.h)
  };
  DriverError(Kind kind, const std::string& message) : std::runtime_error(message), kind_(kind) {}
  Kind kind() const { return kind_; }

 private:
  Kind kind_;
};

// "crashed", "hung", "garbage".
std::string_view to_string(DriverError::Kind kind);

// Starts the driver. Throws DriverError(Crashed) when the process cannot be started at
// all (a command that does not exist still starts /bin/sh; it then fails the first call
// as Crashed with exit status 127). name() is "exec:<command_line>".
std::unique_ptr<ApiClient> make_exec_client(const std::string& command_line,
                                            const std::string& endpoint,
                                            const std::string& access_key_id,
                                            const std::string& access_key_secret,
                                            const std::string& region,
                                            std::chrono::milliseconds call_timeout = kDefaultCallTimeout);

}  // namespace ebsmock::harness
