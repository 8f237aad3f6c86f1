// operation.h: the replica-pair API operations this emulator implements
// (ebs-api.md §1.1). Pure lookups; thread-safe.
#pragma once

#include <array>
#include <optional>
#include <string_view>

namespace ebsmock::contracts {

inline constexpr std::string_view kApiVersion = "2021-07-30";

enum class Operation {
  CreateDiskReplicaPair,
  StartDiskReplicaPair,
  StopDiskReplicaPair,
  FailoverDiskReplicaPair,
  ReprotectDiskReplicaPair,
  DeleteDiskReplicaPair,
  ModifyDiskReplicaPair,
  DescribeDiskReplicaPairs,
  DescribeDiskReplicaPairProgress,
};

inline constexpr std::array<Operation, 9> kAllOperations = {
    Operation::CreateDiskReplicaPair,    Operation::StartDiskReplicaPair,
    Operation::StopDiskReplicaPair,      Operation::FailoverDiskReplicaPair,
    Operation::ReprotectDiskReplicaPair, Operation::DeleteDiskReplicaPair,
    Operation::ModifyDiskReplicaPair,    Operation::DescribeDiskReplicaPairs,
    Operation::DescribeDiskReplicaPairProgress,
};

// The Action name on the wire, e.g. "StopDiskReplicaPair".
std::string_view to_string(Operation op);
std::optional<Operation> parse_operation(std::string_view action);

// Mutating operations accept a ClientToken and change state; Describe* do not.
bool is_mutating(Operation op);

// Operations that address one existing pair through ReplicaPairId.
bool targets_existing_pair(Operation op);

}  // namespace ebsmock::contracts
