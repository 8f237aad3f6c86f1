// contract_support.h: what tests of the contract harness share: ContractOptions for a
// client, seed and size; whether a counterexample names a check; its length; a per-process
// temporary path. Test-only and header-only; every function is independent (reentrant).
#pragma once

#include <cstdint>
#include <string>

#include "harness/contract/case_runner.h"
#include "harness/contract/checks.h"
#include "harness/contract/contract_run.h"
#include "tests/support/temp_path.h"

namespace ebsmock::testing {

inline harness::ContractOptions contract_options(const std::string& client, std::uint64_t seed, int tests = 40,
                                                 int max_commands = 20, bool groups = false) {
  harness::ContractOptions o;
  o.client_spec = client;
  o.seed = seed;
  o.tests = tests;
  o.max_commands = max_commands;
  o.groups = groups;
  return o;
}

// The shrunk history's steps, without the harness's closing reads.
inline std::size_t history_size(const harness::Counterexample& cx) { return harness::history_size(cx.records); }

// Whether the run's counterexample fails `id`.
inline bool violates(const harness::ContractResult& r, harness::CheckId id) {
  if (!r.counterexample) return false;
  for (const auto& f : r.counterexample->failures) {
    if (f.check == id) return true;
  }
  return false;
}

// A path in the temporary directory, unique to this process.
inline std::string temp_path(const std::string& name) { return unique_temp_path("contract", name); }

}  // namespace ebsmock::testing
