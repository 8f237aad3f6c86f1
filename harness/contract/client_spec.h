// client_spec.h: the clients `ebsmock contract --client SPEC` can test.
//  - builtin:reference (ReferenceClient, V3), builtin:reference-v1 (V1 in a form body),
//    and the built-in mutants: the reference client with one realistic bug each
//    (ClientBehaviour flags, or an overridden hook), to prove the checks catch bugs.
//  - exec:<command line>: an external driver process speaking the JSON-lines driver
//    protocol (exec_client.h).
// Built-in clients never really sleep between retries (the waits are recorded, which is
// how the backoff advisories see them), time out after 1 s, and draw tokens, nonces and
// jitter from a Random seeded per case, so a case replays identically while shrinking.
// Not thread-safe: one ClientUnderTest per thread (make_clients for several; the state
// concurrency mutants share between instances is locked).
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "contracts/api_schema.h"
#include "harness/client/api_client.h"

namespace ebsmock::harness {

struct BuiltinClientInfo {
  std::string_view name;         // "reference", "new-token-on-retry", ...
  std::string_view description;  // the bug, one line
  // The check that catches it ("" for the correct clients); advisory checks catch only
  // under --strict.
  std::string_view caught_by;
  // A concurrency mutant: its bug shows only with several clients at once (--concurrent).
  bool concurrent = false;
};

// Every builtin client: the correct ones first, then the mutants.
const std::vector<BuiltinClientInfo>& builtin_clients();

struct ClientEnvironment {
  std::string endpoint;  // "http://127.0.0.1:PORT"
  std::string access_key_id;
  std::string access_key_secret;
  std::string region;
  // How long an external driver may take to answer one call (retries included) before it
  // is declared hung; builtin clients have their own 1 s per attempt.
  std::chrono::milliseconds call_timeout{kDefaultCallTimeout};
};

class ClientUnderTest {
 public:
  virtual ~ClientUnderTest();
  // The spec it was made from, e.g. "builtin:reference" (for reports and reruns).
  virtual const std::string& spec() const = 0;
  // A new case. Builtin clients start over with a Random seeded from `seed`; an external
  // process just carries on (its tokens are its own business).
  virtual void begin_case(std::uint64_t seed) = 0;
  // One logical call, retries included. Throws SetupError when the client itself is
  // broken (an external driver that crashed or hung).
  virtual CallResult call(std::string_view action, const contracts::Params& params) = 0;
  // The call id the next calls carry (ReferenceClient::set_call_id; for exec: drivers,
  // the request line's call_id). "" = none.
  virtual void set_call_id(const std::string& id) = 0;
  // Whether last_waits() is known: only for builtin clients, whose sleeper is ours.
  virtual bool observes_waits() const = 0;
  // The waits the client asked for before each retry of the last call, in order.
  virtual std::vector<std::chrono::milliseconds> last_waits() const = 0;
};

// "builtin:NAME" or "exec:COMMAND LINE" (surrounding quotes around the command line are
// dropped). Throws SetupError for an unknown or malformed spec, or a driver that cannot
// start.
std::unique_ptr<ClientUnderTest> make_client(const std::string& spec, const ClientEnvironment& env);

// `count` clients of one spec for the concurrent mode, one per branch (thread). Each is
// its own instance (its own driver process for exec:); the concurrency mutants
// (token-per-second, shared-describe-cache, shared-request-object) share their buggy
// state between the instances of one call, which is their bug. Throws as make_client.
std::vector<std::unique_ptr<ClientUnderTest>> make_clients(const std::string& spec,
                                                           const ClientEnvironment& env, int count);

// Whether `spec` names a builtin client (without making it).
bool is_builtin_spec(std::string_view spec);

}  // namespace ebsmock::harness
