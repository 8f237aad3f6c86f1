// server_mutants.h: deliberately planted server bugs (`ebsmock serve --mutant NAME`). The
// contract harness's server direction runs a correct client against a server and must
// report a violation; a mutant is a server that is wrong on purpose, in one named way, so
// that claim can be demonstrated (and regression-tested) instead of trusted.
//
// A mutant is a decorator (LevelDB's EnvWrapper pattern) around one of the two seams the
// pipeline calls through: the Model (commit stage, and the clock advance's background
// write) or the TokenPolicy (ClientToken stage). The production pipeline has no mutant
// branch; the Service only builds its seams with the factories below.
// The concurrency mutants (concurrency.md §8.6, M1-M7) split a step the correct server
// does atomically into a check and an act with the call's RaceWindow (race_window.h)
// between them. With no other call inside the window, the act sees what the check saw
// and does exactly what the correct server does: a single sequential client cannot tell
// them apart (tests/harness/concurrency_negative_control_test.cpp shows it).
//
// Thread-safety: the enum and names are pure; the decorators are not thread-safe and are
// called under the Service's mutex, like the World they wrap.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "contracts/api_schema.h"
#include "contracts/operation.h"
#include "contracts/time.h"
#include "contracts/world.h"
#include "mock/idempotence_gate.h"
#include "mock/model.h"
#include "mock/token_store.h"

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
  // FailoverDiskReplicaGroup moves the group and every member but the last (in id order)
  // into failovering: the member left behind keeps its status until the group's failover
  // completes (ebs-groups.md §5.2: a group and its members move as one).
  PartialGroupFailover,
  // AddDiskReplicaPair skips the group-status check while the group is `normal`: the
  // pair joins (and takes the group's status) instead of
  // OperationDenied.GroupStatusCannotAddPair (ebs-groups.md §4.9 rule 2).
  AddPairWhileNormal,
  // --- concurrency mutants: wrong only when another call lands in the race window ---
  // M1: the ClientToken lookup and its insert are not atomic: a same-token, same-params
  // duplicate that completes inside the window is executed again instead of replayed.
  TokenCheckRace,
  // M2: the pair status check and the status write are not atomic: a status call acts on
  // the status it checked, even when another call changed it inside the window.
  StatusCheckRace,
  // M3: ModifyDiskReplicaPair reads the whole record, then writes it back whole with its
  // change: attributes another Modify changed inside the window are lost.
  ModifyLostUpdate,
  // M4: DescribeDiskReplicaPairs reads each pair's PairName after the window and every
  // other field before it: a Modify inside the window is seen half applied.
  TornDescribe,
  // M5: a clock advance computes the pairs' time-driven changes on a copy, and after the
  // window writes the copy's statuses back over whatever requests changed meanwhile.
  StaleBackgroundWrite,
  // M6: the IdempotentParameterMismatch check is not atomic with the insert: a same-token
  // call with other parameters that completes inside the window is executed, not refused.
  MismatchCheckRace,
  // M7: a same-token call that finds the first still in flight waits (the window), then
  // executes again instead of answering LastTokenProcessing.
  NoLastTokenProcessing,
};

struct ServerMutantInfo {
  ServerMutant mutant;
  std::string_view name;         // the --mutant spelling, e.g. "stop-from-stopped"
  std::string_view description;  // one line, for --help and the PLANTED BUG warning
  // A concurrency mutant (M1-M7): wrong only when calls overlap, so only the concurrent
  // harness can catch it.
  bool concurrency = false;
};

// Every planted bug (not None), in a stable order.
const std::vector<ServerMutantInfo>& server_mutants();
// The names of server_mutants(), in the same order (for CLI validation).
std::vector<std::string> server_mutant_names();
// "none" for ServerMutant::None.
std::string_view to_string(ServerMutant mutant);
// Accepts every name of server_mutants() and "none"; nullopt for anything else.
std::optional<ServerMutant> parse_server_mutant(std::string_view name);

// The Model for `mutant`: the documented World (None, and mutants that act elsewhere),
// or a decorator around it that bends its outcome in exactly the named way. A decorator
// keeps what it remembers (stale-describe's cache) itself, so a new one per world reset
// forgets it with the world.
std::unique_ptr<Model> make_model(ServerMutant mutant);

// The ClientToken rules for `mutant` over `store`: the documented ones, or rules that
// ignore the token altogether.
std::unique_ptr<TokenPolicy> make_token_policy(ServerMutant mutant, TokenStore& store);

}  // namespace ebsmock::mock
