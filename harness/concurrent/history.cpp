// history.cpp: see history.h. Pure functions; thread-safe.
#include "harness/concurrent/history.h"

#include <array>
#include <utility>

#include "contracts/api_schema.h"

namespace ebsmock::harness::concurrent {
namespace {

constexpr std::array<std::pair<OutcomeKind, std::string_view>, 4> kOutcomeNames = {{
    {OutcomeKind::Ok, "ok"},
    {OutcomeKind::Error, "error"},
    {OutcomeKind::Failed, "failed"},
    {OutcomeKind::Ambiguous, "ambiguous"},
}};

}  // namespace

std::string_view to_string(OutcomeKind k) {
  for (const auto& [kind, name] : kOutcomeNames) {
    if (kind == k) return name;
  }
  return "ok";
}

std::optional<OutcomeKind> parse_outcome_kind(std::string_view text) {
  for (const auto& [kind, name] : kOutcomeNames) {
    if (name == text) return kind;
  }
  return std::nullopt;
}

std::string client_token(const HistoryOp& op) { return contracts::read_param(op.params, "ClientToken"); }

bool precedes(const HistoryOp& a, const HistoryOp& b) {
  return a.observed.kind != OutcomeKind::Ambiguous && a.response < b.invoke;
}

}  // namespace ebsmock::harness::concurrent
