// operation.cpp: Action names of the implemented operations.
#include "contracts/operation.h"

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
  return op != Operation::DescribeDiskReplicaPairs &&
         op != Operation::DescribeDiskReplicaPairProgress;
}

bool targets_existing_pair(Operation op) {
  return op != Operation::CreateDiskReplicaPair && op != Operation::DescribeDiskReplicaPairs;
}

}  // namespace ebsmock::contracts
