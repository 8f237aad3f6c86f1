// api_client.h: the interface every client of the emulated EBS API provides to the
// harness and to `ebsmock demo` (the bundled ReferenceClient, its mutants, and later
// drivers for real SDKs). One call() = one logical API call, including any retries the
// client makes. Implementations are not required to be thread-safe: use one per thread.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "contracts/api_schema.h"

namespace ebsmock::harness {

// How long one call of an external client (a driver process, retries included) may take
// before it is declared hung: a real SDK's slowest retry schedule fits well inside it.
// The one default of --call-timeout.
inline constexpr std::chrono::milliseconds kDefaultCallTimeout{30'000};

// The header naming the logical call an HTTP attempt belongs to; the mock journals it as
// call_id. One home for the spelling: the harness, the drivers and the mock agree on it.
inline constexpr std::string_view kCallIdHeader = "x-ebsmock-call-id";

// The outcome of one logical call, as the caller of an SDK would see it.
struct CallResult {
  bool ok = false;
  // Success: the parsed response object. Error: the parsed error body when it was JSON,
  // otherwise null.
  nlohmann::json body;

  // --- on error ---
  // The service's Code; "SyntaxError" for a 2xx body that is not a JSON object;
  // "Http<status>" for a non-2xx response without a JSON Code; "ECONNRESET",
  // "ECONNREFUSED" or "Timeout" for transport failures.
  std::string code;
  // HTTP status of the last response (also set on success); nullopt after a transport
  // failure, when no status was received.
  std::optional<int> http_status;
  std::string message;
  // RequestId of the last response body, when it had one (success or error).
  std::string request_id;
  bool transport_error = false;

  // --- always ---
  // Requests actually sent (1 + retries).
  int attempts = 0;
  // ClientToken sent on the last attempt; empty for read-only actions.
  std::string client_token;
};

class ApiClient {
 public:
  virtual ~ApiClient();

  // Performs `action` (e.g. "StopDiskReplicaPair") with decoded API parameters (RegionId,
  // ReplicaPairId, Tag.1.Key, ...). Never throws for API or transport errors.
  virtual CallResult call(std::string_view action, contracts::Params params) = 0;

  // A short stable label for reports, e.g. "builtin:reference".
  virtual std::string name() const = 0;

  // The id the next calls' HTTP attempts carry in kCallIdHeader ("" = none), so the mock's
  // journal names the logical call each attempt belongs to (the concurrent mode's
  // correlation). A client that cannot send it ignores it (the default).
  virtual void set_call_id(std::string id) { (void)id; }
};

}  // namespace ebsmock::harness
