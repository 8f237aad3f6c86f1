// steps.h: the commands of a contract history. A Step is one client operation (Create,
// Start with OneShot either way, Stop, Failover, Reprotect with ReverseReplicate either
// way, Delete, Modify, Describe, DescribeProgress) on a pair slot or an unknown pair,
// optionally carrying the fault the mock injects into that very call; or a harness-only
// AdvanceClock. With groups enabled (ContractOptions::groups) a history also has the group
// and drill operations (ebs-groups.md §4, §6): create a group, add/remove a pair, start
// (OneShot either way), stop, fail over, reprotect (ReverseReplicate either way) and delete
// it, start/clear/describe pair and group drills, describe groups; on group and drill
// slots the same way. GenModel is the generation-time prediction (contracts::World +
// virtual time + the slots) RapidCheck uses to weight commands towards legal transitions;
// the authoritative model lives in the oracle and follows the journal.
//
// Why the fault rides on the operation instead of being a separate ArmFault command: a
// fault and the call it hits then form one unit. When the shrinker deletes a command its
// fault goes with it, a fault can never drift onto a different call because an earlier
// command disappeared, and "this fault does not matter" is a single shrink step (fault ->
// none) instead of finding and deleting a separate command. Histories come out shorter
// and every step reads as "call X, and the server did Y to it".
// Value types and pure functions; thread-safe.
#pragma once

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>
#include <rapidcheck.h>

#include "contracts/api_schema.h"
#include "contracts/operation.h"
#include "contracts/time.h"
#include "contracts/world.h"

namespace ebsmock::harness {

enum class StepKind {
  Create,
  Start,
  Stop,
  Failover,
  Reprotect,
  Delete,
  Modify,
  Describe,
  DescribeProgress,
  AdvanceClock,
  // Groups and drills (generated only with groups enabled).
  CreateGroup,
  AddPair,
  RemovePair,
  StartGroup,
  StopGroup,
  FailoverGroup,
  ReprotectGroup,
  DeleteGroup,
  DescribeGroups,
  StartPairDrill,
  ClearPairDrill,
  DescribePairDrills,
  StartGroupDrill,
  ClearGroupDrill,
  DescribeGroupDrills,
};

inline constexpr std::array<StepKind, 10> kAllStepKinds = {
    StepKind::Create,   StepKind::Start,  StepKind::Stop,     StepKind::Failover,
    StepKind::Reprotect, StepKind::Delete, StepKind::Modify,  StepKind::Describe,
    StepKind::DescribeProgress, StepKind::AdvanceClock,
};

// The group and drill kinds, in the order their generator weighs them.
inline constexpr std::array<StepKind, 15> kGroupStepKinds = {
    StepKind::CreateGroup,    StepKind::AddPair,          StepKind::RemovePair,
    StepKind::StartGroup,     StepKind::StopGroup,        StepKind::FailoverGroup,
    StepKind::ReprotectGroup, StepKind::DeleteGroup,      StepKind::DescribeGroups,
    StepKind::StartPairDrill, StepKind::ClearPairDrill,   StepKind::DescribePairDrills,
    StepKind::StartGroupDrill, StepKind::ClearGroupDrill, StepKind::DescribeGroupDrills,
};

enum class FaultKind {
  None,
  InternalError,       // 500, transient
  RequestTimeout,      // 504 JSON, transient (a gateway timeout)
  ServiceUnavailable,  // 503, transient
  Throttling,          // 400 Throttling.User with x-acs-retry-after
  Forbidden,           // 403, never retry
  Delay,               // a short delay, then the normal answer
  Reset,               // TCP RST, no answer
  Close,               // FIN, no answer
  Hang,                // no answer until a short hang cap, then the connection closes
  Html,                // 504 with a gateway HTML page
  MalformedJson,       // 200 with a broken JSON body
  Truncate,            // the real answer cut in half
};

inline constexpr std::array<FaultKind, 12> kAllFaultKinds = {
    FaultKind::InternalError, FaultKind::RequestTimeout, FaultKind::ServiceUnavailable,
    FaultKind::Throttling,    FaultKind::Forbidden,      FaultKind::Delay,
    FaultKind::Reset,         FaultKind::Close,          FaultKind::Hang,
    FaultKind::Html,          FaultKind::MalformedJson,  FaultKind::Truncate,
};

std::string_view to_string(StepKind k);
std::string_view to_string(FaultKind k);
std::optional<FaultKind> parse_fault_kind(std::string_view text);

// Whether commit = "after" means something for this kind (the effect is applied and
// then the failure is answered: an ambiguous failure).
bool can_commit_after(FaultKind k);

// Small so that runs stay fast; the x-acs-retry-after sent with Throttling, the delay of
// Delay, and the hang cap of Hang (shorter than the builtin clients' 1 s timeout).
inline constexpr int kRetryAfterMs = 100;
inline constexpr std::chrono::milliseconds kDelay{50};
inline constexpr std::chrono::milliseconds kHangCap{200};
// More than any client's attempts: a persistent fault hits every attempt of the call.
inline constexpr int kPersistentTimes = 10;

struct InjectedFault {
  FaultKind kind = FaultKind::None;
  bool commit_after = false;
  bool persistent = false;  // every attempt of the call, not only the first
  friend bool operator==(const InjectedFault&, const InjectedFault&) = default;
};

std::string describe(const InjectedFault& f);  // "InternalError once, commit after"

// The rule POSTed to /__admin/faults so that `fault` hits the next `action` call.
nlohmann::json fault_rule_json(const InjectedFault& fault, const std::string& rule_id,
                               std::string_view action);

// Slot values with a meaning of their own.
inline constexpr int kUnknownPair = -1;  // a ReplicaPairId that never existed
inline constexpr int kAllPairs = -2;     // Describe without PairIds
inline constexpr std::string_view kUnknownPairId = "pair-cn-contract0unknown00";
// Group and drill slots use the same numbers: -1 one that never existed, -2 every group
// (DescribeGroups without GroupIds); kNoSlot where a step names none (pair steps).
inline constexpr int kUnknownGroup = -1;
inline constexpr int kAllGroups = -2;
inline constexpr int kUnknownDrill = -1;
inline constexpr int kNoSlot = -3;
inline constexpr std::string_view kUnknownGroupId = "pg-contract0unknown00";
inline constexpr std::string_view kUnknownDrillId = "drill-contract0unknown00";

// Parameter values for PairName/Description. Index 0 is plain; the others hold a space,
// '*', '~', '+', '/', '%' or non-ASCII text: what naive percent-encoders get wrong.
const std::vector<std::string>& name_values();

struct Step {
  StepKind kind = StepKind::Describe;
  int slot = kAllPairs;   // pair slot, kUnknownPair or kAllPairs (drills: the drilled pair)
  int group = kNoSlot;    // group slot, kUnknownGroup or kAllGroups (group and drill kinds)
  int drill = kNoSlot;    // drill slot or kUnknownDrill (Clear*Drill)
  // Start, StartGroup: OneShot; Reprotect, ReprotectGroup: ReverseReplicate; CreateGroup:
  // the secondary zone the scenario's pairs use (cn-shanghai-l) instead of the one created
  // pairs use (cn-shanghai-e).
  bool flag = false;
  int name = -1;          // PairName: index into name_values(), -1 = not sent
  int description = -1;   // Description: likewise
  bool incomplete = false;  // Create without DestinationDiskId (MissingParameter)
  std::chrono::milliseconds advance{0};  // AdvanceClock
  InjectedFault fault;
  friend bool operator==(const Step&, const Step&) = default;
};

bool is_operation(const Step& s);  // every kind but AdvanceClock
bool is_group_kind(StepKind k);    // one of kGroupStepKinds
contracts::Operation operation_of(StepKind k);  // not for AdvanceClock
std::string_view action_of(StepKind k);
// The step kind that calls `op`, if the harness drives it.
std::optional<StepKind> step_kind_of(contracts::Operation op);

// Which slots a step of this kind names.
bool names_pair(const Step& s);   // slot (a pair, kUnknownPair; not kAllPairs)
bool names_group(const Step& s);  // group (a group, kUnknownGroup; not kAllGroups)
bool names_drill(const Step& s);  // drill

// What a step's slots resolve to ("" for the slots it does not name).
struct StepIds {
  std::string pair;
  std::string group;
  std::string drill;
};

// The id slot `slot` of `ids` stands for, or `unknown` for a slot the list does not have
// (kUnknownPair and the like, or one the run never got).
std::string slot_id(const std::vector<std::string>& ids, int slot, std::string_view unknown);
// The inverse: the slot of `id` in `ids`, or `unknown` when it is not there.
int slot_of(const std::vector<std::string>& ids, const std::string& id, int unknown);

// The API parameters of a step; `pair_id` is what its slot resolves to.
contracts::Params step_params(const Step& s, const std::string& pair_id);
contracts::Params step_params(const Step& s, const StepIds& ids);

// "StopDiskReplicaPair pair#2 [fault: InternalError once, commit after]".
std::string describe(const Step& s);
std::ostream& operator<<(std::ostream& os, const Step& s);

// Region every generated call uses; created pairs replicate to kDestinationRegion.
inline constexpr std::string_view kRegion = "cn-hangzhou";
inline constexpr std::string_view kDestinationRegion = "cn-shanghai";
// Zones of created pairs (and of created groups, so that those pairs can join them); a
// CreateGroup with `flag` uses kScenarioDestinationZone, the built-in world's pairs' zone.
inline constexpr std::string_view kSourceZone = "cn-hangzhou-h";
inline constexpr std::string_view kDestinationZone = "cn-shanghai-e";
inline constexpr std::string_view kScenarioDestinationZone = "cn-shanghai-l";

// --- generation ---

// A drill known to the history: its id and the slot of what it drills.
struct DrillSlot {
  std::string id;
  contracts::ResourceKind kind = contracts::ResourceKind::Pair;  // Pair or Group
  int target = kNoSlot;  // pair slot or group slot
};

// The prediction a generator works from. Slots are the pairs known to the history:
// the scenario's pairs (sorted by id), then the pairs Create steps make, in order; group
// and drill slots likewise (the scenario's, sorted by id, then those the history makes).
struct GenModel {
  contracts::World world;
  contracts::Instant now{};
  std::vector<std::string> slots;
  int created = 0;
  // Generate group and drill steps too (ContractOptions::groups).
  bool groups = false;
  std::vector<std::string> group_slots;
  std::vector<DrillSlot> drill_slots;

  // The predicted effect of a step, assuming a client that retries transient failures
  // with the same token (the authoritative model follows the journal instead).
  void apply(const Step& s);
  // Whether the step's slots exist in this model (RapidCheck preconditions: a shrunk
  // history may have lost the step that made a slot).
  bool has_slots_of(const Step& s) const;
  // The step as it runs on this model. Pair mode: `s`. Group mode: a slot past the end of
  // its list names the newest one instead (a Clear*Drill then goes to that drill's pair or
  // group). Histories there build a group up over several steps, and the shrinker removes
  // one step at a time: without this, dropping an earlier CreateGroup would leave every
  // later step naming a group that no longer exists, and the shrink would be refused.
  Step resolved(const Step& s) const;
};

// Draws from a RapidCheck Random directly: a step (or a parallel program) is generated as
// one value with its own shrinks (step_shrinks, program_shrinks), so nested generators,
// which shrink on their own terms, are not wanted here.
class Draw {
 public:
  explicit Draw(const rc::Random& random) : random_(random) {}
  std::uint64_t below(std::uint64_t n) { return n == 0 ? 0 : random_.next() % n; }
  bool percent(int p) { return static_cast<int>(below(100)) < p; }
  // Index chosen with the given weights.
  std::size_t weighted(const std::vector<int>& weights) {
    int total = 0;
    for (int w : weights) total += std::max(w, 0);
    auto pick = static_cast<int>(below(static_cast<std::uint64_t>(std::max(total, 1))));
    for (std::size_t i = 0; i < weights.size(); ++i) {
      pick -= std::max(weights[i], 0);
      if (pick < 0) return i;
    }
    return weights.size() - 1;
  }
  template <typename T>
  T pick(const std::vector<T>& values) {
    return values[static_cast<std::size_t>(below(values.size()))];
  }

 private:
  rc::Random random_;
};

rc::Gen<Step> gen_step(const GenModel& model);

// Simpler variants of a step, simplest first (drop the fault, then make it one-shot and
// commit-before, then plain parameter values; for group and drill kinds also lower slot
// numbers, so that a step can follow the shrinker to an earlier resource), for the shrinker.
std::vector<Step> step_shrinks(const Step& s);

}  // namespace ebsmock::harness
