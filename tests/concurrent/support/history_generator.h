// history_generator.h: random histories for testing and benchmarking the linearizability
// checker. A valid history is made by simulating a linearizable service: each client
// makes its calls one after another, each call takes effect at a random instant inside
// its interval (an ambiguous one, if at all, at a random instant after its invocation,
// possibly after the client gave up), and the model (sequential_spec.h) answers the calls
// in the order of those instants; that order is the witness. After an ambiguous call a
// client usually retries it with the same ClientToken (another attempt of the same logical
// call). An invalid candidate is a valid history with one answer corrupted or two calls'
// intervals swapped; whether it is still linearizable is for a checker to say.
// Test code only; deterministic given the Random's seed; not thread-safe (draws from it).
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "contracts/random.h"
#include "harness/concurrent/history.h"
#include "tests/concurrent/support/world_spec.h"

namespace ebsmock::testing::concurrent {

struct GeneratorConfig {
  int clients = 3;
  int calls_per_client = 10;
  int pairs = 1;
  // The last two pairs form group pg-lin1, and group calls join the mix.
  bool group = false;
  double ambiguous = 0.2;  // share of calls left without an answer
  double retry = 0.6;      // after an ambiguous call with a token: retry it
  // Client direction: every call carries the journal's view (commit seq, attempts).
  bool journal = false;
  bool instant = true;  // WorldSpec::instant
};

struct Generated {
  WorldSpec spec;
  harness::concurrent::History history;
  std::vector<std::size_t> witness;  // the calls that took effect, in the order they did
};

Generated generate_valid(const GeneratorConfig& config, contracts::Random& random);

struct Corrupted {
  harness::concurrent::History history;
  std::string what;  // "flip-answer #7", "swap-intervals #3 #12", "stale-read #9 (of #4)"
};

// One corruption of `history`, or nullopt when it has nothing the corruptions apply to.
std::optional<Corrupted> corrupt(const harness::concurrent::History& history, contracts::Random& random);

}  // namespace ebsmock::testing::concurrent
