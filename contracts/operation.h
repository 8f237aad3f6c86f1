// operation.h: the EBS 2021-07-30 operations this emulator implements (ebs-api.md §1.1,
// ebs-groups.md §1) and the per-operation facts the mock needs before it runs the model:
// whether an operation changes state, whether it takes a ClientToken, whether token
// idempotence applies, and which parameters name the resources it aims at.
// Pure lookups; thread-safe.
#pragma once

#include <array>
#include <optional>
#include <string_view>
#include <vector>

namespace ebsmock::contracts {

inline constexpr std::string_view kApiVersion = "2021-07-30";

enum class Operation {
  // Pairs (ebs-api.md §1).
  CreateDiskReplicaPair,
  StartDiskReplicaPair,
  StopDiskReplicaPair,
  FailoverDiskReplicaPair,
  ReprotectDiskReplicaPair,
  DeleteDiskReplicaPair,
  ModifyDiskReplicaPair,
  DescribeDiskReplicaPairs,
  DescribeDiskReplicaPairProgress,
  // Replication pair-consistent groups (ebs-groups.md §4).
  CreateDiskReplicaGroup,
  DeleteDiskReplicaGroup,
  ModifyDiskReplicaGroup,
  DescribeDiskReplicaGroups,
  StartDiskReplicaGroup,
  StopDiskReplicaGroup,
  FailoverDiskReplicaGroup,
  ReprotectDiskReplicaGroup,
  AddDiskReplicaPair,
  RemoveDiskReplicaPair,
  // Disaster-recovery drills (ebs-groups.md §6).
  StartPairDrill,
  DescribePairDrills,
  ClearPairDrill,
  StartReplicaGroupDrill,
  DescribeReplicaGroupDrills,
  ClearReplicaGroupDrill,
  // Tags and resource groups (ebs-groups.md §7).
  TagResources,
  UntagResources,
  ListTagResources,
  ChangeResourceGroup,
  // Lookups (ebs-groups.md §8).
  DescribeRegions,
  ListReplicaEdgeSupported,
};

// Every operation, in declaration order.
inline constexpr std::array<Operation, 31> kAllOperations = {
    Operation::CreateDiskReplicaPair,     Operation::StartDiskReplicaPair,
    Operation::StopDiskReplicaPair,       Operation::FailoverDiskReplicaPair,
    Operation::ReprotectDiskReplicaPair,  Operation::DeleteDiskReplicaPair,
    Operation::ModifyDiskReplicaPair,     Operation::DescribeDiskReplicaPairs,
    Operation::DescribeDiskReplicaPairProgress,
    Operation::CreateDiskReplicaGroup,    Operation::DeleteDiskReplicaGroup,
    Operation::ModifyDiskReplicaGroup,    Operation::DescribeDiskReplicaGroups,
    Operation::StartDiskReplicaGroup,     Operation::StopDiskReplicaGroup,
    Operation::FailoverDiskReplicaGroup,  Operation::ReprotectDiskReplicaGroup,
    Operation::AddDiskReplicaPair,        Operation::RemoveDiskReplicaPair,
    Operation::StartPairDrill,            Operation::DescribePairDrills,
    Operation::ClearPairDrill,            Operation::StartReplicaGroupDrill,
    Operation::DescribeReplicaGroupDrills, Operation::ClearReplicaGroupDrill,
    Operation::TagResources,              Operation::UntagResources,
    Operation::ListTagResources,          Operation::ChangeResourceGroup,
    Operation::DescribeRegions,           Operation::ListReplicaEdgeSupported,
};

// The nine replica-pair operations the model started with (ebs-api.md §1.1), in order.
inline constexpr std::array<Operation, 9> kPairOperations = {
    Operation::CreateDiskReplicaPair,    Operation::StartDiskReplicaPair,
    Operation::StopDiskReplicaPair,      Operation::FailoverDiskReplicaPair,
    Operation::ReprotectDiskReplicaPair, Operation::DeleteDiskReplicaPair,
    Operation::ModifyDiskReplicaPair,    Operation::DescribeDiskReplicaPairs,
    Operation::DescribeDiskReplicaPairProgress,
};

// The Action name on the wire, e.g. "StopDiskReplicaPair".
std::string_view to_string(Operation op);
std::optional<Operation> parse_operation(std::string_view action);

// Whether a successful call can change the world (create, delete, modify, move a status,
// tag). Describe*, ListTagResources, DescribeRegions, ListReplicaEdgeSupported and
// DescribeDiskReplicaPairProgress are reads.
bool is_mutating(Operation op);

// Whether the operation has a ClientToken parameter (ebs-groups.md §2: every mutating
// operation except ClearPairDrill and ClearReplicaGroupDrill; also ListTagResources,
// which is a read).
bool accepts_client_token(Operation op);

// Whether ClientToken idempotence (ebs-api.md §6) applies: the operation takes a token
// AND changes state. ListTagResources takes a token but only reads, so a retried token
// executes again (a replayed stale tag list would be wrong, and Terraform draws a fresh
// token per ListTagResources attempt anyway). Clear*Drill takes no token at all.
// The mock should key its token store on this, not on is_mutating.
bool uses_idempotence(Operation op);

// What a status change or a target is about. Pairs and groups share the status
// vocabulary (ebs-groups.md §3.2); drills have their own (status.h).
enum class ResourceKind { Pair, Group, Drill };
// "pair", "group", "drill": also the key naming the id in the journal's JSON.
std::string_view to_string(ResourceKind kind);
std::optional<ResourceKind> parse_resource_kind(std::string_view text);

// A parameter that names a resource the call aims at (ebs-groups.md §2: group operations
// use ReplicaGroupId, drill operations PairId/GroupId/DrillId, tag operations
// ResourceId.N with ResourceType, ChangeResourceGroup ResourceId).
struct TargetParam {
  std::string_view name;  // "ReplicaPairId", "ReplicaGroupId", "PairId", "GroupId",
                          // "DrillId", "ResourceId" (scalar) or "ResourceId" (repeated)
  // The kind of resource it names; nullopt when the kind comes from the request's
  // ResourceType parameter (tag operations).
  std::optional<ResourceKind> kind;
  bool repeated = false;  // ResourceId.1, ResourceId.2, ...
};

// The parameters naming existing resources the call aims at, the main target first
// (AddDiskReplicaPair: the group, then the pair). Empty for creates of new resources,
// Describe of a whole region and the lookups. api_schema.h's call_targets() reads them
// out of a request.
const std::vector<TargetParam>& target_params(Operation op);

// Operations that address one existing pair through ReplicaPairId (pair operations
// other than Create and Describe, plus Add/RemoveDiskReplicaPair).
bool targets_existing_pair(Operation op);

}  // namespace ebsmock::contracts
