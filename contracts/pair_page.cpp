// pair_page.cpp: see pair_page.h.
#include "contracts/pair_page.h"

namespace ebsmock::contracts {

JsonObjectText PairPage::write(std::string_view slot_name) const {
  JsonWriter w;
  // ~800 bytes per pair, and room for the paging fields and the slot's member, so that
  // filling the slot moves the last members in place.
  w.reserve(1024 * items.size() + 256);
  page.write_object(
      w, total, kReplicaPairsKey,
      [&](JsonWriter& array) {
        array.begin_array();
        for (const Pair& p : items) write_describe_json(array, p);
        array.end_array();
      },
      slot_name);
  return w.take_object();
}

}  // namespace ebsmock::contracts
