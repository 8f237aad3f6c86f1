// journal_terms.cpp: one table per enum; to_string and parse read the same table, so the
// two directions cannot drift apart.
#include "contracts/journal_terms.h"

#include <algorithm>

#include "contracts/enum_names.h"

namespace ebsmock::contracts {
namespace {

constexpr EnumNames<JournalKind, 2> kKinds{{{JournalKind::Request, "request"}, {JournalKind::Progress, "progress"}}};

constexpr EnumNames<SignatureScheme, 3> kSchemes{
    {{SignatureScheme::None, "none"}, {SignatureScheme::V1, "v1"}, {SignatureScheme::V3, "v3"}}};

constexpr EnumNames<SignatureVerdict, 10> kVerdicts{{
    {SignatureVerdict::Ok, "ok"},
    {SignatureVerdict::Skipped, "skipped"},
    {SignatureVerdict::Missing, "missing"},
    {SignatureVerdict::Malformed, "malformed"},
    {SignatureVerdict::BadMethod, "bad-method"},
    {SignatureVerdict::UnknownKey, "unknown-key"},
    {SignatureVerdict::BadTime, "bad-time"},
    {SignatureVerdict::BadSignature, "bad-signature"},
    {SignatureVerdict::NonceReused, "nonce-reused"},
    {SignatureVerdict::NotChecked, ""},
}};

constexpr EnumNames<AnswerSource, 4> kSources{{{AnswerSource::Model, "model"},
                                               {AnswerSource::Fault, "fault"},
                                               {AnswerSource::Replay, "replay"},
                                               {AnswerSource::Http, "http"}}};

constexpr EnumNames<TokenDecision, 4> kDecisions{{{TokenDecision::Execute, "executed"},
                                                  {TokenDecision::Replay, "replayed"},
                                                  {TokenDecision::Mismatch, "mismatch"},
                                                  {TokenDecision::InFlight, "in-flight"}}};

constexpr EnumNames<HoldEnd, 4> kHoldEnds{{{HoldEnd::Released, "released"},
                                           {HoldEnd::Budget, "budget"},
                                           {HoldEnd::Reset, "reset"},
                                           {HoldEnd::Shutdown, "shutdown"}}};

}  // namespace

std::string_view to_string(JournalKind k) { return name_of(kKinds, k); }
std::string_view to_string(SignatureScheme s) { return name_of(kSchemes, s); }
std::string_view to_string(SignatureVerdict v) { return name_of(kVerdicts, v); }
std::string_view to_string(AnswerSource s) { return name_of(kSources, s); }
std::string_view to_string(TokenDecision d) { return name_of(kDecisions, d); }

std::optional<JournalKind> parse_journal_kind(std::string_view t) { return value_of(kKinds, t); }
std::optional<SignatureScheme> parse_signature_scheme(std::string_view t) { return value_of(kSchemes, t); }
std::optional<SignatureVerdict> parse_signature_verdict(std::string_view t) { return value_of(kVerdicts, t); }
std::optional<AnswerSource> parse_answer_source(std::string_view t) { return value_of(kSources, t); }
std::optional<TokenDecision> parse_token_decision(std::string_view t) { return value_of(kDecisions, t); }
std::string_view to_string(HoldEnd e) { return name_of(kHoldEnds, e); }
std::optional<HoldEnd> parse_hold_end(std::string_view t) { return value_of(kHoldEnds, t); }

bool is_valid_call_id(std::string_view id) {
  if (id.empty() || id.size() > 64) return false;
  return std::all_of(id.begin(), id.end(), [](char c) { return c > 0x20 && c < 0x7f; });
}

}  // namespace ebsmock::contracts
