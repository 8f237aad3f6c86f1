// server_mutants.h: deliberately planted server bugs (`ebsmock serve --mutant NAME`). The
// contract harness's server direction runs a correct client against a server and must
// report a violation; a mutant is a server that is wrong on purpose, in one named way, so
// that claim can be demonstrated (and regression-tested) instead of trusted.
//
// The Service calls the hooks below at two points (see service.cpp, "planted bug" comments):
// the model step goes through execute_with_mutant() instead of World::execute(), and the
// ClientToken step is skipped when ignores_client_token(). With ServerMutant::None (the
// default) both are exactly the correct behaviour.
//
// Thread-safety: the enum, names and hooks are pure except for ServerMutantState, which
// the Service owns and only touches under its mutex (like the World it sits next to).
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "contracts/api_schema.h"
#include "contracts/operation.h"
#include "contracts/time.h"
#include "contracts/world.h"

namespace ebsmock::mock {

enum class ServerMutant {
  None,  // the correct server
  // StopDiskReplicaPair is accepted in `stopped`: the pair goes stopping -> stopped again
  // instead of OperationDenied.InvalidStatus.
  StopFromStopped,
  // ClientToken is ignored: every request executes (a retry creates a second pair, a
  // reused token with other parameters is no IdempotentParameterMismatch).
  IgnoreClientToken,
  // OperationDenied.InvalidStatus (403) is answered as the generic OperationDenied with
  // HTTP 400.
  WrongErrorCode,
  // A call that should enter a transient status (creating, initial_syncing, stopping,
  // ...) moves the pair straight to the status that transient one would end in.
  SkipTransition,
  // DescribeDiskReplicaPairs answers, for the same parameters, what it answered the first
  // time it saw them (a cache that is never invalidated); RequestId stays fresh.
  StaleDescribe,
};

struct ServerMutantInfo {
  ServerMutant mutant;
  std::string_view name;         // the --mutant spelling, e.g. "stop-from-stopped"
  std::string_view description;  // one line, for --help and the PLANTED BUG warning
};

// Every planted bug (not None), in a stable order.
const std::vector<ServerMutantInfo>& server_mutants();
// The names of server_mutants(), in the same order (for CLI validation).
std::vector<std::string> server_mutant_names();
// "none" for ServerMutant::None.
std::string_view to_string(ServerMutant mutant);
// Accepts every name of server_mutants() and "none"; nullopt for anything else.
std::optional<ServerMutant> parse_server_mutant(std::string_view name);

// What a mutant remembers between requests (only StaleDescribe needs anything). Reset
// with the world.
class ServerMutantState {
 public:
  void clear() { describe_answers_.clear(); }

 private:
  friend contracts::Outcome execute_with_mutant(ServerMutant, ServerMutantState&,
                                                contracts::World&, contracts::Operation,
                                                const contracts::Params&, contracts::Instant,
                                                const contracts::NewIds&, bool);
  // request_fingerprint -> the Describe body first answered for it.
  std::map<std::string, nlohmann::json> describe_answers_;
};

// Hook 1 (model step): World::execute, bent by `mutant`. `remember` is false for a dry
// run (the Service runs the model on a copy of the world and discards the effect), so the
// stale-describe cache only learns from answers that really happened.
contracts::Outcome execute_with_mutant(ServerMutant mutant, ServerMutantState& state,
                                       contracts::World& world, contracts::Operation op,
                                       const contracts::Params& params, contracts::Instant now,
                                       const contracts::NewIds& ids, bool remember);

// Hook 2 (ClientToken step): true when the ClientToken must not be looked at at all.
inline bool ignores_client_token(ServerMutant mutant) {
  return mutant == ServerMutant::IgnoreClientToken;
}

}  // namespace ebsmock::mock
