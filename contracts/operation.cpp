// operation.cpp: Action names of the implemented operations and their per-operation
// facts (mutating, ClientToken, targets), each cited to ebs-groups.md §2.
#include "contracts/operation.h"

#include <algorithm>

namespace ebsmock::contracts {

std::string_view to_string(Operation op) {
  switch (op) {
    case Operation::CreateDiskReplicaPair: return "CreateDiskReplicaPair";
    case Operation::StartDiskReplicaPair: return "StartDiskReplicaPair";
    case Operation::StopDiskReplicaPair: return "StopDiskReplicaPair";
    case Operation::FailoverDiskReplicaPair: return "FailoverDiskReplicaPair";
    case Operation::ReprotectDiskReplicaPair: return "ReprotectDiskReplicaPair";
    case Operation::DeleteDiskReplicaPair: return "DeleteDiskReplicaPair";
    case Operation::ModifyDiskReplicaPair: return "ModifyDiskReplicaPair";
    case Operation::DescribeDiskReplicaPairs: return "DescribeDiskReplicaPairs";
    case Operation::DescribeDiskReplicaPairProgress: return "DescribeDiskReplicaPairProgress";
    case Operation::CreateDiskReplicaGroup: return "CreateDiskReplicaGroup";
    case Operation::DeleteDiskReplicaGroup: return "DeleteDiskReplicaGroup";
    case Operation::ModifyDiskReplicaGroup: return "ModifyDiskReplicaGroup";
    case Operation::DescribeDiskReplicaGroups: return "DescribeDiskReplicaGroups";
    case Operation::StartDiskReplicaGroup: return "StartDiskReplicaGroup";
    case Operation::StopDiskReplicaGroup: return "StopDiskReplicaGroup";
    case Operation::FailoverDiskReplicaGroup: return "FailoverDiskReplicaGroup";
    case Operation::ReprotectDiskReplicaGroup: return "ReprotectDiskReplicaGroup";
    case Operation::AddDiskReplicaPair: return "AddDiskReplicaPair";
    case Operation::RemoveDiskReplicaPair: return "RemoveDiskReplicaPair";
    case Operation::StartPairDrill: return "StartPairDrill";
    case Operation::DescribePairDrills: return "DescribePairDrills";
    case Operation::ClearPairDrill: return "ClearPairDrill";
    case Operation::StartReplicaGroupDrill: return "StartReplicaGroupDrill";
    case Operation::DescribeReplicaGroupDrills: return "DescribeReplicaGroupDrills";
    case Operation::ClearReplicaGroupDrill: return "ClearReplicaGroupDrill";
    case Operation::TagResources: return "TagResources";
    case Operation::UntagResources: return "UntagResources";
    case Operation::ListTagResources: return "ListTagResources";
    case Operation::ChangeResourceGroup: return "ChangeResourceGroup";
    case Operation::DescribeRegions: return "DescribeRegions";
    case Operation::ListReplicaEdgeSupported: return "ListReplicaEdgeSupported";
  }
  return "";
}

std::optional<Operation> parse_operation(std::string_view action) {
  for (Operation op : kAllOperations) {
    if (to_string(op) == action) return op;
  }
  return std::nullopt;
}

bool is_mutating(Operation op) {
  switch (op) {
    case Operation::DescribeDiskReplicaPairs:
    case Operation::DescribeDiskReplicaPairProgress:
    case Operation::DescribeDiskReplicaGroups:
    case Operation::DescribePairDrills:
    case Operation::DescribeReplicaGroupDrills:
    case Operation::ListTagResources:
    case Operation::DescribeRegions:
    case Operation::ListReplicaEdgeSupported:
      return false;
    default:
      return true;
  }
}

bool accepts_client_token(Operation op) {
  // ebs-groups.md §2: "It is not a parameter of DescribeDiskReplicaGroups,
  // DescribeReplicaGroupDrills, DescribePairDrills, ClearReplicaGroupDrill,
  // ClearPairDrill, DescribeRegions or ListReplicaEdgeSupported"; the pair Describe
  // operations take none either (ebs-api.md §1.4, §1.5).
  switch (op) {
    case Operation::ClearPairDrill:
    case Operation::ClearReplicaGroupDrill:
      return false;
    case Operation::ListTagResources:
      return true;
    default:
      return is_mutating(op);
  }
}

bool uses_idempotence(Operation op) { return accepts_client_token(op) && is_mutating(op); }

std::string_view to_string(ResourceKind kind) {
  switch (kind) {
    case ResourceKind::Pair: return "pair";
    case ResourceKind::Group: return "group";
    case ResourceKind::Drill: return "drill";
  }
  return "pair";
}

std::optional<ResourceKind> parse_resource_kind(std::string_view text) {
  for (auto kind : {ResourceKind::Pair, ResourceKind::Group, ResourceKind::Drill}) {
    if (to_string(kind) == text) return kind;
  }
  return std::nullopt;
}

const std::vector<TargetParam>& target_params(Operation op) {
  using K = ResourceKind;
  static const std::vector<TargetParam> kNone;
  static const std::vector<TargetParam> kPair = {{"ReplicaPairId", K::Pair}};
  static const std::vector<TargetParam> kGroup = {{"ReplicaGroupId", K::Group}};
  static const std::vector<TargetParam> kMembership = {{"ReplicaGroupId", K::Group},
                                                       {"ReplicaPairId", K::Pair}};
  static const std::vector<TargetParam> kPairDrill = {{"PairId", K::Pair}};
  static const std::vector<TargetParam> kPairDrillById = {{"PairId", K::Pair}, {"DrillId", K::Drill}};
  static const std::vector<TargetParam> kGroupDrill = {{"GroupId", K::Group}};
  static const std::vector<TargetParam> kGroupDrillById = {{"GroupId", K::Group},
                                                           {"DrillId", K::Drill}};
  static const std::vector<TargetParam> kTagged = {{"ResourceId", std::nullopt, true}};
  static const std::vector<TargetParam> kResource = {{"ResourceId", std::nullopt, false}};
  switch (op) {
    case Operation::StartDiskReplicaPair:
    case Operation::StopDiskReplicaPair:
    case Operation::FailoverDiskReplicaPair:
    case Operation::ReprotectDiskReplicaPair:
    case Operation::DeleteDiskReplicaPair:
    case Operation::ModifyDiskReplicaPair:
    case Operation::DescribeDiskReplicaPairProgress:
      return kPair;
    case Operation::DeleteDiskReplicaGroup:
    case Operation::ModifyDiskReplicaGroup:
    case Operation::StartDiskReplicaGroup:
    case Operation::StopDiskReplicaGroup:
    case Operation::FailoverDiskReplicaGroup:
    case Operation::ReprotectDiskReplicaGroup:
      return kGroup;
    case Operation::AddDiskReplicaPair:
    case Operation::RemoveDiskReplicaPair:
      return kMembership;
    case Operation::StartPairDrill:
      return kPairDrill;
    case Operation::DescribePairDrills:
    case Operation::ClearPairDrill:
      return kPairDrillById;
    case Operation::StartReplicaGroupDrill:
      return kGroupDrill;
    case Operation::DescribeReplicaGroupDrills:
    case Operation::ClearReplicaGroupDrill:
      return kGroupDrillById;
    case Operation::TagResources:
    case Operation::UntagResources:
    case Operation::ListTagResources:
      return kTagged;
    case Operation::ChangeResourceGroup:
      return kResource;
    default:
      return kNone;
  }
}

bool targets_existing_pair(Operation op) {
  const auto& targets = target_params(op);
  return std::any_of(targets.begin(), targets.end(),
                     [](const TargetParam& t) { return t.name == "ReplicaPairId"; });
}

}  // namespace ebsmock::contracts
