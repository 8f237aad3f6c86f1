// journal_invariants.cpp: see journal_invariants.h. Pure functions; thread-safe.
#include "harness/concurrent/journal_invariants.h"

#include <map>
#include <set>

#include "harness/concurrent/sequential_spec.h"

namespace ebsmock::harness::concurrent {
namespace {

struct Seen {
  std::vector<std::size_t> ops;
  std::set<std::uint64_t> effect_seqs;  // attempts that took effect
};

void note(Seen& s, std::size_t i, const HistoryOp& op) {
  s.ops.push_back(i);
  if (!op.journal) return;
  for (const auto& a : op.journal->attempts) {
    if (a.took_effect) s.effect_seqs.insert(a.seq);
  }
}

std::string seq_list(const std::set<std::uint64_t>& seqs) {
  std::string out;
  for (auto s : seqs) out += (out.empty() ? "#" : ", #") + std::to_string(s);
  return out;
}

}  // namespace

std::vector<InvariantViolation> check_journal_invariants(const History& history) {
  std::map<TokenKey, Seen> by_token;
  std::map<TokenKey, std::set<int>> calls_of_token;
  std::map<int, Seen> by_call;
  for (std::size_t i = 0; i < history.ops.size(); ++i) {
    const HistoryOp& op = history.ops[i];
    note(by_call[op.call], i, op);
    if (auto key = token_key(op)) {
      note(by_token[*key], i, op);
      calls_of_token[*key].insert(op.call);
    }
  }
  std::vector<InvariantViolation> out;
  for (const auto& [key, seen] : by_token) {
    if (calls_of_token[key].size() > 1) {
      out.push_back({"shared-token", seen.ops,
                     std::to_string(calls_of_token[key].size()) + " logical calls share ClientToken '" + key.token + "'"});
    }
    if (seen.effect_seqs.size() > 1) {
      out.push_back({"token-took-effect-twice", seen.ops,
                     "ClientToken '" + key.token + "' took effect in " + std::to_string(seen.effect_seqs.size()) +
                         " attempts (journal " + seq_list(seen.effect_seqs) + ")"});
    }
  }
  for (const auto& [call, seen] : by_call) {
    if (seen.effect_seqs.size() > 1) {
      out.push_back({"call-took-effect-twice", seen.ops,
                     "logical call " + std::to_string(call) + " took effect in " + std::to_string(seen.effect_seqs.size()) +
                         " attempts (journal " + seq_list(seen.effect_seqs) + ")"});
    }
  }
  return out;
}

}  // namespace ebsmock::harness::concurrent
