// seed.h: a seed for runs that were not given one, from OS entropy and the steady clock.
// It is printed (serve's banner, health, the harness's rerun command) so the run can be
// repeated with --seed. The only nondeterministic input of a run. Thread-safe.
#pragma once

#include <cstdint>

namespace ebsmock::mock {

std::uint64_t fresh_seed();

}  // namespace ebsmock::mock
