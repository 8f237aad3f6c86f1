// slot_index_test.cpp: SlotIndex on its own, against a reference set. The stores that use
// it (TokenStore, NonceStore) spread their hashes, so their tests rarely delete inside a
// long probe run; here the hashes are chosen so that every run is long, collides with its
// neighbours and wraps around the table's end, where a wrong backward shift loses a slot
// or leaves a hole that cuts a run short; and a probe asks the caller about a slot only
// when the low hash bits the bucket keeps agree. Single-threaded, like the index, except
// prefetch(), which the stores call without their lock while another thread grows the
// table: that test means most under TSan (scripts/sanitize.sh tsan), where a hint read
// that raced with reset() would be reported.
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <thread>
#include <vector>

#include "mock/slot_index.h"

namespace ebsmock::mock {
namespace {

using Slot = SlotIndex::Slot;

// The caller's table: slot -> hash, the way TokenStore and NonceStore keep theirs.
struct Table {
  std::map<Slot, std::uint64_t> hash_of_slot;

  static auto is(Slot wanted) {
    return [wanted](Slot s) { return s == wanted; };
  }
};

// Every slot of `table` is found under its hash, and a slot not in it is not.
void expect_every_slot_found(const SlotIndex& index, const Table& table, Slot absent) {
  for (const auto& [slot, hash] : table.hash_of_slot) {
    EXPECT_EQ(index.find(hash, Table::is(slot)), slot) << "slot " << slot << " hash " << hash;
  }
  for (std::uint64_t h = 0; h < index.buckets(); ++h) {
    EXPECT_EQ(index.find(h, Table::is(absent)), SlotIndex::kNone) << "hash " << h;
  }
}

TEST(SlotIndex, EraseInsideARunThatWrapsAroundKeepsTheRestFindable) {
  SlotIndex index(8);
  Table table;
  // Homes 6, 6, 7, 7, 6: one run 6,7,0,1,2 that wraps past the end.
  const std::uint64_t homes[] = {6, 6, 7, 7, 6};
  for (Slot s = 0; s < 5; ++s) {
    table.hash_of_slot[s] = homes[s];
    index.insert(s, homes[s]);
  }
  // Erase the run's first slot: each later one must move back as far as its home allows
  // (slot 2, home 7, may not move into bucket 6).
  index.erase(6, Table::is(0));
  table.hash_of_slot.erase(0);
  expect_every_slot_found(index, table, 99);
  // And the bucket freed at the run's tail is usable again.
  table.hash_of_slot[5] = 2;
  index.insert(5, 2);
  expect_every_slot_found(index, table, 99);
}

RC_GTEST_PROP(SlotIndexProperty, FindsExactlyTheSlotsFiledUnderCollidingHashes, ()) {
  // 64 buckets, hashes from a handful of homes (and far-apart values with the same low
  // bits), at most 48 slots: probe runs of tens of buckets, wrapping at 63 -> 0.
  SlotIndex index(64);
  Table table;
  Slot next_slot = 0;
  const auto steps = *rc::gen::inRange(1, 400);
  for (int step = 0; step < steps; ++step) {
    const bool erase = !table.hash_of_slot.empty() &&
                       (table.hash_of_slot.size() >= 48 || *rc::gen::inRange(0, 3) == 0);
    if (erase) {
      const auto pick = *rc::gen::inRange<std::size_t>(0, table.hash_of_slot.size());
      const auto it = std::next(table.hash_of_slot.begin(), static_cast<std::ptrdiff_t>(pick));
      const auto [slot, hash] = *it;
      index.erase(hash, Table::is(slot));
      table.hash_of_slot.erase(it);
    } else {
      const std::uint64_t home = *rc::gen::element<std::uint64_t>(0, 1, 2, 61, 62, 63);
      const std::uint64_t high = *rc::gen::inRange<std::uint64_t>(0, 4) << 32;
      table.hash_of_slot[next_slot] = home | high;
      index.insert(next_slot, home | high);
      ++next_slot;
    }
    for (const auto& [slot, hash] : table.hash_of_slot) {
      RC_ASSERT(index.find(hash, Table::is(slot)) == slot);
    }
  }
  // Rehashing into a larger table keeps them all.
  index.rehash(256);
  for (const auto& [slot, hash] : table.hash_of_slot) {
    RC_ASSERT(index.find(hash, Table::is(slot)) == slot);
  }
  RC_ASSERT(index.find(1, Table::is(next_slot)) == SlotIndex::kNone);
}

TEST(SlotIndex, AProbeAsksAboutASlotOnlyWhenTheLowHashBitsAgree) {
  // In a big table every record asked about is a cache miss; a miss on a long run must
  // not ask about every slot in it.
  SlotIndex index(64);
  for (Slot s = 0; s < 40; ++s) index.insert(s, 3 + 64 * std::uint64_t{s});  // one home, 40 different low bits
  int asked = 0;
  auto counting = [&](Slot) {
    ++asked;
    return false;
  };
  EXPECT_EQ(index.find(3 + 64 * 1000, counting), SlotIndex::kNone);
  EXPECT_EQ(asked, 0);
  // Same low 32 bits, different high bits: the slot is asked about, and is_key decides.
  EXPECT_EQ(index.find((std::uint64_t{7} << 32) | (3 + 64 * 5), counting), SlotIndex::kNone);
  EXPECT_EQ(asked, 1);
  EXPECT_EQ(index.find(3 + 64 * 5, Table::is(5)), 5u);
}

TEST(SlotIndex, ResetEmptiesAndRoundsUpToAPowerOfTwo) {
  SlotIndex index(5);
  EXPECT_EQ(index.buckets(), 8u);
  index.insert(3, 1);
  index.reset(100);
  EXPECT_EQ(index.buckets(), 128u);
  EXPECT_EQ(index.find(1, Table::is(3)), SlotIndex::kNone);
}

TEST(SlotIndex, PrefetchNeedsNoLockWhileAnotherThreadGrowsTheTable) {
  SlotIndex index(4);
  std::mutex owner;  // the store's lock: held for everything but prefetch
  Table table;
  std::atomic<bool> done{false};
  std::thread prefetcher([&] {
    std::uint64_t h = 0;
    while (!done.load(std::memory_order_relaxed)) index.prefetch(h++ * 0x9e3779b97f4a7c15ULL);
  });
  for (Slot slot = 0; slot < 3000; ++slot) {
    std::lock_guard lock(owner);
    const std::uint64_t hash = slot * 0x9e3779b97f4a7c15ULL;
    if ((table.hash_of_slot.size() + 1) * 4 > index.buckets() * 3) index.rehash(index.buckets() * 2);
    index.insert(slot, hash);
    table.hash_of_slot[slot] = hash;
  }
  done = true;
  prefetcher.join();
  // Prefetching changed nothing: every slot is still where it was filed.
  std::lock_guard lock(owner);
  EXPECT_GE(index.buckets(), 4096u);
  for (const auto& [slot, hash] : table.hash_of_slot) EXPECT_EQ(index.find(hash, Table::is(slot)), slot);
}

}  // namespace
}  // namespace ebsmock::mock
