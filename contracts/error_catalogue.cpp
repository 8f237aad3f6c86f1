// error_catalogue.cpp: the built-in error table. Statuses for the EBS operations come
// from the API metadata (META); gateway codes from the gateway tables (A/B/C in
// ebs-api.md §5.7). Where sources disagree the choice is explained in `source`, and
// users can override the status per world ([errors] in a scenario file).
#include "contracts/error_catalogue.h"

namespace ebsmock::contracts {

std::string_view to_string(RetryClass r) {
  switch (r) {
    case RetryClass::Never: return "never";
    case RetryClass::Transient: return "transient";
    case RetryClass::Throttled: return "throttled";
  }
  return "";
}

const std::vector<ErrorDef>& builtin_errors() {
  using R = RetryClass;
  static const std::vector<ErrorDef> kErrors = {
      // [GEN]: listed by every pair operation in META.
      {"Forbidden", 403, "User is not authorized to operate.", R::Never, "META [GEN]"},
      {"Forbidden.Action", 403, "User is not authorized to operate this action.", R::Never,
       "META [GEN]"},
      {"NoSuchResource", 404, "The specified resource does not exist.", R::Never, "META [GEN]"},
      {"InternalError", 500,
       "The request processing has failed due to some unknown error, exception or failure.",
       R::Transient, "META [GEN]"},
      {"RequestTimeout", 504, "The request is timeout, please try again later.", R::Transient,
       "META [GEN]"},
      {"ServiceUnavailable", 503,
       "The request has failed due to a temporary failure of the server.", R::Transient,
       "ECSDOC common list (C)"},
      // OperationDenied family (META, per operation).
      {"OperationDenied", 403, "The operation is not allowed.", R::Never, "META"},
      {"OperationDenied.InvalidStatus", 403, "The operation is not allowed in current status.",
       R::Never, "META; StopDiskReplicaPair page"},
      {"OperationDenied.QuotaExceed", 403, "The operation is not allowed due to quota exceed.",
       R::Never, "META CreateDiskReplicaPair"},
      {"OperationDenied.StandbyDeviceAttached", 400, "The secondary disk is attached.", R::Never,
       "META StartDiskReplicaPair (note: 400, not 403)"},
      {"OperationDenied.ManualSyncLimit", 403,
       "One shot start manual syncing too frequently, please try again later.", R::Never,
       "META StartDiskReplicaPair"},
      {"OperationDenied.OperateNotAllowedForPrimary", 403,
       "Operation is not allowed on the primary site.", R::Never, "META Failover/Reprotect/Modify"},
      {"OperationDenied.OperateNotAllowedForStandby", 403,
       "Operation is not allowed on the secondary site.", R::Never,
       "META Failover/Reprotect/Modify"},
      {"InvalidAccountStatus.NotEnoughBalance", 403, "Your account does not have enough balance.",
       R::Never, "META CreateDiskReplicaPair"},
      // Groups and membership (ebs-groups.md §4; all 403 in META). Messages copied exactly,
      // including META's double spaces.
      {"OperationDenied.GroupHasPair", 403, "The group cannot be deleted due to not empty.",
       R::Never, "META DeleteDiskReplicaGroup (ebs-groups.md §4.2)"},
      {"OperationDenied.PairsExceedInGroup", 403,
       "The operation is not allowed due to too much pair in the group.", R::Never,
       "META AddDiskReplicaPair; 17 pairs per group (ebs-groups.md §3.4)"},
      {"OperationDenied.PairInAnotherGroup", 403,
       "The operation is not allowed because pair is already in another group.", R::Never,
       "META AddDiskReplicaPair/RemoveDiskReplicaPair/FailoverDiskReplicaGroup"},
      {"OperationDenied.PairNotInGroup", 403,
       "The operation is not allowed because pair is not in any group.", R::Never,
       "META RemoveDiskReplicaPair/StartDiskReplicaGroup"},
      {"OperationDenied.NoPairInGroup", 403,
       "The operation is not allowed because no pair in the group.", R::Never,
       "META Start/Failover/ReprotectDiskReplicaGroup, RemoveDiskReplicaPair"},
      {"OperationDenied.PairGroupStatusConflict", 403,
       "The operation is not allowed due to pair and group status are not consistent.", R::Never,
       "META Start/FailoverDiskReplicaGroup, Add/RemoveDiskReplicaPair"},
      {"OperationDenied.PairGroupAZoneConflict", 403,
       "The operation is not allowed due to pair and group having different RegionId or ZoneId.",
       R::Never, "META AddDiskReplicaPair (ebs-groups.md §4.9)"},
      {"OperationDenied.GroupStatusCannotAddPair", 403,
       "The pair cannot be added in group current status.", R::Never, "META AddDiskReplicaPair"},
      {"OperationDenied.GroupStatusCannotRemovePair", 403,
       "The pair cannot be removed in group current status.", R::Never,
       "META RemoveDiskReplicaPair"},
      {"OperationDenied.PairStatusCannotAddToGroup", 403,
       "The pair cannot be added in pair current status.", R::Never, "META AddDiskReplicaPair"},
      {"OperationDenied.PairStatusCannotRemoveFromGroup", 403,
       "The pair cannot be removed in pair  current status.", R::Never,
       "META RemoveDiskReplicaPair (two spaces, as in META)"},
      {"OperationDenied.PairInitializing", 403,
       "The operation is not allowed due to pair initializing,  please try again later.",
       R::Never, "META AddDiskReplicaPair (two spaces, as in META)"},
      {"OperationDenied.GroupTotalDiskCapacityLimit", 403,
       "The disk space in the replication pair-consistent group exceeds the upper limit.",
       R::Never, "META AddDiskReplicaPair (never emitted: disk sizes are not modelled)"},
      {"OperationDenied.TooMuchEmptyGroup", 403,
       "Operation failed because of too many empty groups.", R::Never,
       "META CreateDiskReplicaGroup; limit is Policy::max_empty_groups"},
      // Drills (ebs-groups.md §6.3, §6.6).
      {"OperationDenied.RecoverPointNotFound", 403, "Recover point is not found.", R::Never,
       "META StartPairDrill/StartReplicaGroupDrill"},
      {"OperationDenied.StartDrillShouldOnDestRegion", 403,
       "Operation should be executed on the secondary region.", R::Never,
       "META StartPairDrill/StartReplicaGroupDrill"},
      {"NoPermission.SLR", 403,
       "The RAM user does not have the permission to create service linked role: "
       "AliyunServiceLinkedRoleForEBS.",
       R::Never, "META [DGEN]"},
      // Tags and resource groups (ebs-groups.md §7). Note the 400s and 404s.
      {"Duplicate.TagKey", 400, "The Tag.N.Key contain duplicate key.", R::Never,
       "META TagResources/UntagResources"},
      {"NumberExceed.ResourceIds", 400, "The ResourceIds parameter number is exceed , Valid : 50",
       R::Never, "META TagResources/UntagResources/ListTagResources"},
      {"NumberExceed.Tags", 400, "NumberExceed.Tags", R::Never,
       "META TagResources/UntagResources; also the per-resource tag limit (INF)"},
      {"InvalidResourceId.NotFound", 404,
       "The specified ResourceIds are not found in our records.", R::Never,
       "META TagResources/UntagResources/ListTagResources (ChangeResourceGroup's wording is "
       "messages::kResourceIdNotFound)"},
      {"InvalidResourceType.NotFound", 404,
       "The ResourceType provided does not exist in our records.", R::Never,
       "META tag operations and ChangeResourceGroup"},
      {"MissingParameter.ResourceType", 404, "The parameter - ResourceType should not be null",
       R::Never, "META tag operations and ChangeResourceGroup (404, as META says)"},
      {"MissingParameter.ResourceGroup", 404, "The parameter - Resource Group should not be null",
       R::Never, "META ChangeResourceGroup (404)"},
      {"InvalidResourceGroup.NotFound", 404,
       "The ResourceGroup provided does not exist in our records.", R::Never,
       "META ChangeResourceGroup (never emitted: resource groups are not modelled)"},
      {"InvalidRegionId.NotFound", 404, "The specified RegionId does not exist.", R::Never,
       "META UntagResources/ListTagResources"},
      // T: "Value only => error InvalidParameter.TagValue"; no status or message documented.
      {"InvalidParameter.TagValue", 400, "The parameter %s is invalid: a Tag.N.Value needs its Tag.N.Key.",
       R::Never, "TEA ListTagResources (status and message not documented; 400 like InvalidParameter)"},
      // Idempotence (§6). IdempotentParameterMismatch: 400 in the EBS metadata and the ECS
      // common list; the ECS CreateSnapshot page says 403. EBS's own metadata wins.
      {"IdempotentParameterMismatch", 400,
       "The specified parameter has changed while using an already used clientToken.", R::Never,
       "META CreateDiskReplicaPair: 400 (ECS CreateSnapshot doc says 403)"},
      // Retrying later is the documented remedy, with the same token.
      {"LastTokenProcessing", 403, "The last token request is processing.", R::Transient,
       "META CreateDiskReplicaPair; ECS list"},
      // Gateway: parameters and routing.
      {"MissingParameter", 400,
       "The input parameter \"%s\" that is mandatory for processing this request is not "
       "supplied.",
       R::Never, "META drill ops; gateway tables A/B/C agree on 400"},
      {"InvalidParameter", 400, "The parameter %s is invalid.", R::Never,
       "META drill ops; gateway table B"},
      {"InvalidParameter.Conflict", 400,
       "The specified parameter %s and %s are not blank at the same time.", R::Never,
       "META [DGEN] (drill and tag operations)"},
      {"InvalidParameter.Format", 400, "Specified parameter format is not valid.", R::Never,
       "META [DGEN]"},
      {"InvalidApi.NotFound", 404, "Specified api is not found, please check your url and method.",
       R::Never, "META [DGEN]; gateway tables A/B"},
      {"InvalidAction.NotFound", 404, "Specified api is not found, please check your url and method.",
       R::Never, "gateway InvalidApi.NotFound is 404 in tables A and B; same message"},
      // No source gives a status; 400 matches the other parameter errors of the gateway.
      {"InvalidVersion", 400, "Specified parameter Version is not valid.", R::Never,
       "gateway (no documented status; 400 like other parameter errors)"},
      {"UnsupportedHTTPMethod", 400, "This HTTP method is not supported.", R::Never,
       "gateway table B: 400 (C and PolarDB say 403)"},
      // Gateway: authentication. SignatureDoesNotMatch is 400 in gateway table B and 403 in a
      // CDN doc; the gateway table is the closer source for a POP API.
      {"SignatureDoesNotMatch", 400,
       "Specified signature is not matched with our calculation. server string to sign is:%s",
       R::Never, "gateway table B: 400 (CDN doc: 403)"},
      {"IncompleteSignature", 400, "The request signature does not conform to Aliyun standards.",
       R::Never, "ECSDOC common list (C)"},
      {"InvalidSignatureMethod", 400, "Specified signature method is not valid.", R::Never,
       "gateway table B"},
      // 404 in table B and most META entries; table A says 400.
      {"InvalidAccessKeyId.NotFound", 404, "Specified access key is not found.", R::Never,
       "gateway table B and META: 404 (table A: 400)"},
      {"SignatureNonceUsed", 400, "Specified signature nonce was used already.", R::Never,
       "gateway tables B/C"},
      {"InvalidTimeStamp.Expired", 400, "Specified time stamp or date value is expired.", R::Never,
       "gateway tables A/B"},
      {"InvalidTimeStamp.Format", 400, "Specified time stamp or date value is not well formatted.",
       R::Never, "gateway tables A/B"},
      // Throttling: 400 in gateway table B and older META; newer META uses 429. Clients key
      // on the code containing "Throttling", not on the status (sdk-wire.md §6).
      {"Throttling.User", 400, "Request was denied due to user flow control.", R::Throttled,
       "gateway table B, older META: 400 (newer META: 429)"},
      {"Throttling.Api", 429, "Request was denied due to api flow control.", R::Throttled,
       "META: 429"},
      {"Throttling", 400, "Request was denied due to request throttling.", R::Throttled,
       "ECSDOC common list (C)"},
      // Mock-specific: no Alibaba source documents the gateway's answer to an oversized body.
      {"RequestBodyTooLarge", 413, "The request body exceeds the limit of %s bytes.", R::Never,
       "ebsmock (undocumented by Alibaba)"},
  };
  return kErrors;
}

bool ErrorCatalogue::override_status(std::string_view code, int http_status) {
  if (find(code) == nullptr) return false;
  overrides_[std::string(code)] = http_status;
  return true;
}

const ErrorDef* ErrorCatalogue::find(std::string_view code) const {
  for (const auto& e : builtin_errors()) {
    if (e.code == code) return &e;
  }
  return nullptr;
}

int ErrorCatalogue::status_of(std::string_view code) const {
  if (auto it = overrides_.find(code); it != overrides_.end()) return it->second;
  const ErrorDef* def = find(code);
  return def != nullptr ? def->http_status : 400;
}

ApiError ErrorCatalogue::make(std::string_view code, std::string_view detail,
                              std::string_view message_override) const {
  ApiError err;
  err.code = std::string(code);
  err.http_status = status_of(code);
  if (!message_override.empty()) {
    err.message = std::string(message_override);
    return err;
  }
  const ErrorDef* def = find(code);
  std::string_view tmpl = def != nullptr ? def->message : std::string_view("%s");
  if (auto pos = tmpl.find("%s"); pos != std::string_view::npos) {
    err.message = std::string(tmpl.substr(0, pos));
    err.message += detail;
    err.message += tmpl.substr(pos + 2);
  } else {
    err.message = std::string(tmpl);
  }
  return err;
}

}  // namespace ebsmock::contracts
