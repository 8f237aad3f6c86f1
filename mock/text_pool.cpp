// text_pool.cpp: see text_pool.h.
#include "mock/text_pool.h"

namespace ebsmock::mock {

TextPool::Id TextPool::add(std::string_view text) {
  if (auto it = ids_.find(text); it != ids_.end()) {
    ++entries_[it->second].references;
    return it->second;
  }
  Id id;
  if (!free_.empty()) {
    id = free_.back();
    free_.pop_back();
  } else {
    id = static_cast<Id>(entries_.size());
    entries_.emplace_back();
  }
  Entry& entry = entries_[id];
  entry.text.assign(text);
  entry.text.shrink_to_fit();
  entry.references = 1;
  ids_.emplace(entry.text, id);
  return id;
}

void TextPool::release(Id id) {
  Entry& entry = entries_[id];
  if (--entry.references > 0) return;
  ids_.erase(entry.text);
  std::string().swap(entry.text);
  free_.push_back(id);
}

void TextPool::clear() {
  ids_.clear();
  entries_.clear();
  free_.clear();
}

}  // namespace ebsmock::mock
