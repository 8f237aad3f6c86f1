// paging.h: the two paging styles of the Describe/List operations (ebs-api.md §1.4,
// ebs-groups.md §4.4, §6.4, §6.7, §7.3): PageNumber/PageSize, or NextToken/MaxResults
// (then PageNumber/PageSize are ignored). NextToken is opaque to clients; ebsmock's encodes
// the offset of the next item. Defaults (not documented, ebs-api.md open question 10):
// PageNumber 1, PageSize 10, MaxResults 10. Pure functions; thread-safe.
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "contracts/api_schema.h"
#include "contracts/json_writer.h"

namespace ebsmock::contracts {

struct Page {
  std::size_t offset = 0;
  std::size_t size = 10;
  std::int64_t page_number = 1;
  bool token_paging = false;  // NextToken or MaxResults was sent

  // Whether item `index` (0-based, of the whole match) is on this page.
  bool holds(std::size_t index) const { return index >= offset && index < offset + size; }
  // NextToken for the answer: the next page's token under token paging while more items
  // follow, else "" (TF follows NextToken while it is a non-empty string).
  std::string next_token(std::size_t total) const;
  // The paging fields of an answer: NextToken, PageNumber, PageSize, TotalCount, plus
  // `items` under `key` (e.g. "ReplicaPairs").
  nlohmann::json body(std::size_t total, std::string_view key, nlohmann::json items) const;
  // The same object written into `w` in name order, the items by `write_items(w)` (an
  // array), with a slot kept for a member named `slot_name` (JsonWriter::mark_slot).
  template <class WriteItems>
  void write_object(JsonWriter& w, std::size_t total, std::string_view key, WriteItems&& write_items,
                    std::string_view slot_name) const;
};

template <class WriteItems>
void Page::write_object(JsonWriter& w, std::size_t total, std::string_view key, WriteItems&& write_items,
                        std::string_view slot_name) const {
  enum class Part { NextToken, PageNumber, PageSize, TotalCount, Items, Slot };
  // Each name spelled once: sorted by it, written as it.
  constexpr JsonName kNextToken = "NextToken", kPageNumber = "PageNumber", kPageSize = "PageSize",
                     kTotalCount = "TotalCount";
  std::array<std::pair<std::string_view, Part>, 6> parts{{{kNextToken.view(), Part::NextToken},
                                                          {kPageNumber.view(), Part::PageNumber},
                                                          {kPageSize.view(), Part::PageSize},
                                                          {kTotalCount.view(), Part::TotalCount},
                                                          {key, Part::Items},
                                                          {slot_name, Part::Slot}}};
  std::sort(parts.begin(), parts.end());  // the order a DOM's std::map dumps them in
  w.begin_object();
  for (const auto& [name, part] : parts) {
    switch (part) {
      case Part::NextToken: w.member(kNextToken, next_token(total)); break;
      case Part::PageNumber: w.member(kPageNumber, page_number); break;
      case Part::PageSize: w.member(kPageSize, static_cast<std::int64_t>(size)); break;
      case Part::TotalCount: w.member(kTotalCount, static_cast<std::int64_t>(total)); break;
      case Part::Items:
        w.computed_key(key);
        write_items(w);
        break;
      case Part::Slot: w.mark_slot(); break;
    }
  }
  w.end_object();
}

// The page a request asks for. nullopt when NextToken is not a token ebsmock issued (the
// caller answers InvalidParameter NextToken).
std::optional<Page> read_page(const Params& params, std::size_t default_size = 10);
// Token style only (ListTagResources, ListReplicaEdgeSupported): the first page when no
// NextToken is sent, MaxResults (if sent) or `default_size` items; a next token whenever
// more follow.
std::optional<Page> read_token_page(const Params& params, std::size_t default_size);

// The answer of a Describe: the page `params` asks for out of `matched` (already in
// answer order), each item rendered by `to_json`, under `key`, with the paging fields.
// nullopt when NextToken is not one of ours (answer InvalidParameter NextToken).
template <class Item, class ToJson>
std::optional<nlohmann::json> paged_body(const Params& params, const std::vector<Item>& matched,
                                         std::string_view key, ToJson&& to_json) {
  auto page = read_page(params);
  if (!page) return std::nullopt;
  nlohmann::json items = nlohmann::json::array();
  for (std::size_t i = page->offset; i < matched.size() && page->holds(i); ++i) {
    items.push_back(to_json(matched[i]));
  }
  return page->body(matched.size(), key, std::move(items));
}

std::string encode_next_token(std::size_t offset);
std::optional<std::size_t> decode_next_token(std::string_view token);

}  // namespace ebsmock::contracts
