// error_catalogue.h: every error code the emulator can return, with its HTTP status,
// documented message, retry class and source (ebs-api.md §1, §5.7, §6; ebs-groups.md
// §2, §4, §6, §7).
// ErrorCatalogue is an immutable-after-construction value: safe to share across threads
// for reading.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ebsmock::contracts {

// How a well-behaved client should react (abseil's taxonomy, see style.md §5).
enum class RetryClass {
  Never,      // the request itself is wrong or the state forbids it: do not retry
  Transient,  // the service may have failed; retry with the SAME ClientToken
  Throttled,  // flow control: retry after x-acs-retry-after / backoff
};

std::string_view to_string(RetryClass r);

struct ErrorDef {
  std::string_view code;
  int http_status;
  // May contain one "%s", filled with a parameter name or detail.
  std::string_view message;
  RetryClass retry;
  // Where the code and status come from; for disputed statuses, why this one.
  std::string_view source;
};

// An error as returned on the wire.
struct ApiError {
  std::string code;
  int http_status = 0;
  std::string message;

  friend bool operator==(const ApiError&, const ApiError&) = default;
};

// The built-in table, in a stable order.
const std::vector<ErrorDef>& builtin_errors();

class ErrorCatalogue {
 public:
  ErrorCatalogue() = default;

  // Overrides the HTTP status of a code (sources disagree on several gateway codes;
  // users may set what their region returns). Returns false for an unknown code.
  bool override_status(std::string_view code, int http_status);

  const ErrorDef* find(std::string_view code) const;
  bool contains(std::string_view code) const { return find(code) != nullptr; }
  int status_of(std::string_view code) const;

  // Builds the wire error for `code`. `detail` fills the message's "%s"; a non-empty
  // `message_override` replaces the message entirely. Unknown codes get status 400.
  ApiError make(std::string_view code, std::string_view detail = {},
                std::string_view message_override = {}) const;

  const std::map<std::string, int, std::less<>>& status_overrides() const { return overrides_; }

  // Same overrides: the built-in table is shared.
  friend bool operator==(const ErrorCatalogue&, const ErrorCatalogue&) = default;

 private:
  std::map<std::string, int, std::less<>> overrides_;
};

// Code names used by the model and the mock, so a typo is a compile error.
namespace codes {
inline constexpr std::string_view kInvalidStatus = "OperationDenied.InvalidStatus";
inline constexpr std::string_view kOperationDenied = "OperationDenied";
inline constexpr std::string_view kNoSuchResource = "NoSuchResource";
inline constexpr std::string_view kForbidden = "Forbidden";
inline constexpr std::string_view kForbiddenAction = "Forbidden.Action";
inline constexpr std::string_view kInternalError = "InternalError";
inline constexpr std::string_view kRequestTimeout = "RequestTimeout";
inline constexpr std::string_view kServiceUnavailable = "ServiceUnavailable";
inline constexpr std::string_view kIdempotentParameterMismatch = "IdempotentParameterMismatch";
inline constexpr std::string_view kLastTokenProcessing = "LastTokenProcessing";
inline constexpr std::string_view kMissingParameter = "MissingParameter";
inline constexpr std::string_view kInvalidParameter = "InvalidParameter";
inline constexpr std::string_view kInvalidActionNotFound = "InvalidAction.NotFound";
inline constexpr std::string_view kInvalidVersion = "InvalidVersion";
inline constexpr std::string_view kSignatureDoesNotMatch = "SignatureDoesNotMatch";
inline constexpr std::string_view kIncompleteSignature = "IncompleteSignature";
inline constexpr std::string_view kInvalidSignatureMethod = "InvalidSignatureMethod";
inline constexpr std::string_view kInvalidAccessKeyIdNotFound = "InvalidAccessKeyId.NotFound";
inline constexpr std::string_view kSignatureNonceUsed = "SignatureNonceUsed";
inline constexpr std::string_view kInvalidTimeStampExpired = "InvalidTimeStamp.Expired";
inline constexpr std::string_view kInvalidTimeStampFormat = "InvalidTimeStamp.Format";
inline constexpr std::string_view kThrottlingUser = "Throttling.User";
inline constexpr std::string_view kUnsupportedHttpMethod = "UnsupportedHTTPMethod";
inline constexpr std::string_view kRequestBodyTooLarge = "RequestBodyTooLarge";
inline constexpr std::string_view kOperateNotAllowedForPrimary =
    "OperationDenied.OperateNotAllowedForPrimary";
inline constexpr std::string_view kOperateNotAllowedForStandby =
    "OperationDenied.OperateNotAllowedForStandby";
inline constexpr std::string_view kManualSyncLimit = "OperationDenied.ManualSyncLimit";
// Groups and membership (ebs-groups.md §4).
inline constexpr std::string_view kGroupHasPair = "OperationDenied.GroupHasPair";
inline constexpr std::string_view kPairsExceedInGroup = "OperationDenied.PairsExceedInGroup";
inline constexpr std::string_view kPairInAnotherGroup = "OperationDenied.PairInAnotherGroup";
inline constexpr std::string_view kPairNotInGroup = "OperationDenied.PairNotInGroup";
inline constexpr std::string_view kNoPairInGroup = "OperationDenied.NoPairInGroup";
inline constexpr std::string_view kPairGroupStatusConflict =
    "OperationDenied.PairGroupStatusConflict";
inline constexpr std::string_view kPairGroupAZoneConflict = "OperationDenied.PairGroupAZoneConflict";
inline constexpr std::string_view kGroupStatusCannotAddPair =
    "OperationDenied.GroupStatusCannotAddPair";
inline constexpr std::string_view kGroupStatusCannotRemovePair =
    "OperationDenied.GroupStatusCannotRemovePair";
inline constexpr std::string_view kPairStatusCannotAddToGroup =
    "OperationDenied.PairStatusCannotAddToGroup";
inline constexpr std::string_view kPairStatusCannotRemoveFromGroup =
    "OperationDenied.PairStatusCannotRemoveFromGroup";
inline constexpr std::string_view kPairInitializing = "OperationDenied.PairInitializing";
inline constexpr std::string_view kTooMuchEmptyGroup = "OperationDenied.TooMuchEmptyGroup";
// Drills (ebs-groups.md §6).
inline constexpr std::string_view kRecoverPointNotFound = "OperationDenied.RecoverPointNotFound";
inline constexpr std::string_view kStartDrillShouldOnDestRegion =
    "OperationDenied.StartDrillShouldOnDestRegion";
// Tags and resource groups (ebs-groups.md §7).
inline constexpr std::string_view kDuplicateTagKey = "Duplicate.TagKey";
inline constexpr std::string_view kNumberExceedResourceIds = "NumberExceed.ResourceIds";
inline constexpr std::string_view kNumberExceedTags = "NumberExceed.Tags";
inline constexpr std::string_view kInvalidResourceIdNotFound = "InvalidResourceId.NotFound";
inline constexpr std::string_view kInvalidResourceTypeNotFound = "InvalidResourceType.NotFound";
inline constexpr std::string_view kMissingParameterResourceType = "MissingParameter.ResourceType";
inline constexpr std::string_view kMissingParameterResourceGroup = "MissingParameter.ResourceGroup";
inline constexpr std::string_view kInvalidParameterTagValue = "InvalidParameter.TagValue";
}  // namespace codes

// Messages that differ from a code's catalogue message for one operation (pass as
// ErrorCatalogue::make's message_override).
namespace messages {
// ChangeResourceGroup's wording of InvalidResourceId.NotFound (ebs-groups.md §7.4).
inline constexpr std::string_view kResourceIdNotFound =
    "The specified ResourceId is not found in our records.";
}  // namespace messages

}  // namespace ebsmock::contracts
