// policy.h: the knobs of the contract where the documentation is silent or sources
// disagree (ebs-api.md "Open questions"). Each field documents the choice made and why;
// every one can be set from a scenario file ([timing], [contract], [errors]).
// Plain value types; thread-safe to read.
#pragma once

#include "contracts/error_catalogue.h"
#include "contracts/time.h"

namespace ebsmock::contracts {

// How long each transient status lasts before the service moves on. Defaults are short so
// that a person driving `ebsmock serve` with a real clock sees progress quickly; the real
// service takes minutes to hours (initial sync copies the whole disk).
struct Timing {
  Duration create{std::chrono::seconds(2)};        // creating -> created
  Duration initial_sync{std::chrono::seconds(5)};  // initial_syncing -> normal
  Duration sync{std::chrono::seconds(2)};          // syncing -> normal
  Duration manual_sync{std::chrono::seconds(3)};   // manual_syncing -> stopped
  Duration stop{std::chrono::seconds(2)};          // stopping -> stopped
  Duration failover{std::chrono::seconds(3)};      // failovering -> failovered
  Duration reprotect{std::chrono::seconds(3)};     // reprotecting -> stopped
  Duration delete_{std::chrono::seconds(2)};       // deleting -> deleted
  // How long a deleted pair stays visible (Status "deleted") before it vanishes from
  // DescribeDiskReplicaPairs. Open question 6; Terraform only needs it to vanish. Default 0.
  Duration deleted_retention{0};
  // Period of the normal -> syncing -> normal cycle driven by the RPO. 0 (default) keeps a
  // started pair in `normal`, which makes tests deterministic; set e.g. "15m" for realism.
  Duration sync_cycle{0};

  friend bool operator==(const Timing&, const Timing&) = default;
};

// What happens when a retried ClientToken matches.
enum class TokenReplayRequestId {
  Fresh,     // the replayed body gets a new RequestId (each HTTP exchange has its own id)
  Original,  // the replayed body is byte-identical to the first answer
};

struct Policy {
  Timing timing;
  ErrorCatalogue errors;

  // Open question 2: no source says how long a ClientToken is remembered. ECS-family
  // services keep them for at least hours; 24h of world time is long enough that no test
  // or drill sees a token forgotten. Tokens are scoped per AccessKeyId.
  Duration token_ttl{std::chrono::hours(24)};
  TokenReplayRequestId token_replay_request_id = TokenReplayRequestId::Fresh;

  // Open question 8: the pair doc allows OneShot start only from created/stopped; the
  // group doc also allows manual_syncing. Default: the pair doc.
  bool oneshot_from_manual_syncing = false;

  // Open question 12: Failover/Reprotect "must" be sent to the secondary region and Delete
  // to the primary, but Terraform sends the provider (primary) region for Failover. Off by
  // default so Terraform-style clients work; on, a wrong side gets
  // OperationDenied.OperateNotAllowedForPrimary / ...ForStandby.
  bool enforce_site_region = false;

  // Open question 7: a mutating call on an unknown pair answers 404 NoSuchResource
  // (Terraform's delete treats that as success); DescribeDiskReplicaPairs with unknown
  // PairIds answers an empty list (Terraform treats that as not found).
  // Open question 4: Reprotect ends in `stopped` (the only evidence is Terraform's waiter).
  // Open question 5: ReverseReplicate=true swaps Source*/Destination* but not
  // Primary*/Standby* (the doc calls the latter the *initial* sites).
  // These are fixed by the model; see transitions.cpp.

  // Open question 3: SignatureNonce and x-acs-date/Timestamp use the same 15-minute
  // window for V1 and V3.
  Duration timestamp_window{std::chrono::minutes(15)};

  friend bool operator==(const Policy&, const Policy&) = default;
};

}  // namespace ebsmock::contracts
