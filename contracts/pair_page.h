// pair_page.h: one page of a DescribeDiskReplicaPairs answer, taken out of the world by
// value (World::execute with BodyForm::Page): the page's pairs copied, with what the
// paging fields need, so its text can be written after the world has moved on. The mock
// copies a page under the lock that guards its world and writes the ~800 bytes of JSON per
// pair after letting the lock go, so that no other call waits on the writing.
// A value; write() is const and thread-safe.
#pragma once

#include <cstddef>
#include <string_view>
#include <vector>

#include "contracts/json_writer.h"
#include "contracts/paging.h"
#include "contracts/pair.h"

namespace ebsmock::contracts {

// The member a page's pairs go under.
inline constexpr std::string_view kReplicaPairsKey = "ReplicaPairs";

struct PairPage {
  Page page;
  std::size_t total = 0;    // pairs that matched, on every page
  std::vector<Pair> items;  // this page's, in answer order

  // The page's JSON text: byte for byte what dumping the BodyForm::Dom body gives, with a
  // slot kept for a member named `slot_name` (the envelope's RequestId).
  JsonObjectText write(std::string_view slot_name) const;
};

}  // namespace ebsmock::contracts
