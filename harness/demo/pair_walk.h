// pair_walk.h: what `ebsmock demo` shows: one pair walked through create -> start ->
// stop -> describe by a client, every exchange and status change printed, the documented
// refusal of a second Stop, then the journal as the mock saw it. Talks to the mock over
// HTTP only: RPC through the client, the virtual clock and the journal through the admin
// API. Not thread-safe (one walk at a time).
#pragma once

#include <ostream>
#include <string>

#include "harness/client/api_client.h"
#include "harness/contract/admin_client.h"

namespace ebsmock::harness {

struct PairWalkOptions {
  // Advance the mock's virtual clock one second per poll; otherwise wait real seconds.
  bool virtual_clock = true;
  std::string region = "cn-hangzhou";
};

// True when every step behaved as documented.
bool walk_one_pair(ApiClient& client, AdminClient& admin, const PairWalkOptions& options, std::ostream& out);

}  // namespace ebsmock::harness
