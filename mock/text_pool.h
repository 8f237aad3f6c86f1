// text_pool.h: reference-counted interned strings behind small ids. The token store keeps
// answer bodies here with their RequestId cut out, so the thousands of tokens whose first
// answers look alike ({"RequestId":""} for every Stop and Start) share one copy.
// Not thread-safe: its owner serialises access.
#pragma once

#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace ebsmock::mock {

class TextPool {
 public:
  using Id = std::uint32_t;

  // The id of `text`, one more reference to it.
  Id add(std::string_view text);
  // One reference fewer; the last one frees the text and, later, its id.
  void release(Id id);
  std::string_view text(Id id) const { return entries_[id].text; }
  std::size_t size() const { return ids_.size(); }
  void clear();

 private:
  struct Entry {
    std::string text;
    std::uint32_t references = 0;
  };
  std::deque<Entry> entries_;  // a deque: growing never moves the texts ids_ points into
  std::vector<Id> free_;
  std::unordered_map<std::string_view, Id> ids_;
};

}  // namespace ebsmock::mock
