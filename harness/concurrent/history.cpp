// history.cpp: see history.h. Pure functions; thread-safe.
#include "harness/concurrent/history.h"

#include "contracts/api_schema.h"
#include "contracts/enum_names.h"

namespace ebsmock::harness::concurrent {
namespace {

constexpr contracts::EnumNames<OutcomeKind, 4> kOutcomeNames = {{
    {OutcomeKind::Ok, "ok"},
    {OutcomeKind::Error, "error"},
    {OutcomeKind::Failed, "failed"},
    {OutcomeKind::Ambiguous, "ambiguous"},
}};

}  // namespace

std::string_view to_string(OutcomeKind k) { return contracts::name_of(kOutcomeNames, k); }

std::optional<OutcomeKind> parse_outcome_kind(std::string_view text) {
  return contracts::value_of(kOutcomeNames, text);
}

std::string client_token(const HistoryOp& op) { return contracts::read_param(op.params, "ClientToken"); }

bool precedes(const HistoryOp& a, const HistoryOp& b) {
  return a.observed.kind != OutcomeKind::Ambiguous && a.response < b.invoke;
}

}  // namespace ebsmock::harness::concurrent
