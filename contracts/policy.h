// policy.h: the knobs of the contract where the documentation is silent or sources
// disagree (ebs-api.md "Open questions", ebs-groups.md §10-11). Each field documents the
// choice made and why; every one is meant to be settable from a scenario file ([timing],
// [contract], [errors]).
// Plain value types; thread-safe to read.
#pragma once

#include <string>
#include <vector>

#include "contracts/error_catalogue.h"
#include "contracts/regions.h"
#include "contracts/status.h"
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
  // Groups reuse the pair durations above for the same transient statuses (a group and its
  // members move on one schedule), deleted_retention and sync_cycle included.
  // DR drills (ebs-groups.md §6.2; no duration is documented).
  Duration drill_execute{std::chrono::seconds(2)};  // executing -> executed
  Duration drill_clear{std::chrono::seconds(2)};    // clearing -> gone from Describe*Drills

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
  // OperationDenied.OperateNotAllowedForPrimary / ...ForStandby. The same holds for groups
  // (ebs-groups.md §2.1, §9.7 #8), and Start*Drill then needs the secondary region
  // (OperationDenied.StartDrillShouldOnDestRegion).
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

  // --- Groups (ebs-groups.md §5.2, §11) ---

  // §11 #1: the code a pair-level Start/Stop/Failover/Reprotect/Delete, or a Modify of RPO,
  // Bandwidth or EnableRtc, gets on a pair that belongs to a group ("async replication
  // cannot be separately enabled for the pair"; no API code is documented). Default the
  // proposed 403 OperationDenied; a real trace may show OperationDenied.InvalidStatus or
  // OperationDenied.PairGroupStatusConflict. Must be a code of the error catalogue.
  std::string member_pair_refusal{codes::kOperationDenied};

  // §11 #7 / §4.9: AddDiskReplicaPair of a pair already in that same group. true (default):
  // succeeds and changes nothing (Terraform only adds new ids); false: PairInAnotherGroup.
  bool add_existing_member_succeeds = true;

  // §11 #8: how many groups without pairs an account may hold before CreateDiskReplicaGroup
  // answers OperationDenied.TooMuchEmptyGroup. 0 (default) = no limit (the number is not
  // documented).
  int max_empty_groups = 0;

  // ebs-api.md open question 8: the "gap between two one-off syncs > RPO/2" rule
  // (OperationDenied.ManualSyncLimit) is documented for groups and always applies to them;
  // META lists the code for StartDiskReplicaPair too. false (default) keeps pairs as they
  // were (no gap rule); true applies it to pairs.
  bool one_shot_gap_for_pairs = false;

  // --- DR drills (ebs-groups.md §6.9, §11 #11) ---

  // The pair (or group) statuses Start*Drill is allowed from; elsewhere 403
  // OperationDenied.InvalidStatus. Not documented; default the statuses in which the
  // secondary holds a recovery point and replication is healthy or paused (§6.3's
  // suggestion). A recovery point is required first (RecoverPointNotFound).
  std::vector<Status> drill_statuses{Status::Normal, Status::Syncing, Status::ManualSyncing,
                                     Status::Stopped, Status::Failovered};

  // How many drills (not yet gone) one pair or group may have at once; one more answers 403
  // OperationDenied. 0 (default) = no limit: Terraform regenerates the ClientToken of
  // Start*Drill on every attempt, so an ambiguous failure retried creates a second drill,
  // and the harness reports exactly that.
  int max_active_drills = 0;

  // Whether a drill that has not vanished yet blocks RemoveDiskReplicaPair,
  // DeleteDiskReplicaPair, DeleteDiskReplicaGroup and Failover of its pair or group (403
  // OperationDenied). Not documented; default false (nothing blocks).
  bool drills_block_changes = false;

  // --- Tags (ebs-groups.md §7.1) ---

  // Tags one resource may carry; TagResources beyond it answers 400 NumberExceed.Tags and
  // tags nothing. "Usually 20" per the ECS tag limits; the code is INF.
  int max_tags_per_resource = 20;

  // --- Lookups (ebs-groups.md §8) ---

  // What DescribeRegions and ListReplicaEdgeSupported answer from (regions.h).
  std::vector<RegionInfo> regions = default_regions();

  friend bool operator==(const Policy&, const Policy&) = default;
};

}  // namespace ebsmock::contracts
