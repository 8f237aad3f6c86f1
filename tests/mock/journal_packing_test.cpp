// journal_packing_test.cpp: a packed journal entry unpacks to the entry it was packed
// from, whatever its members hold (texts across the one-byte length's limit, NUL and
// non-UTF-8 bytes, absent and present optionals), and its keys read in place agree.
// Single-threaded.
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <optional>
#include <string>

#include "mock/journal_packing.h"

namespace ebsmock::mock {
namespace {

// Any bytes, short or long: 255 is where a text's length takes five bytes instead of one.
rc::Gen<std::string> any_text() {
  return rc::gen::oneOf(rc::gen::string<std::string>(),
                        rc::gen::map(rc::gen::pair(rc::gen::inRange<std::size_t>(250, 300), rc::gen::arbitrary<char>()),
                                     [](const auto& p) { return std::string(p.first, p.second); }),
                        rc::gen::map(rc::gen::inRange<std::size_t>(60'000, 70'000), [](std::size_t n) { return std::string(n, '\xff'); }));
}

template <class T>
rc::Gen<std::optional<T>> optional_of(rc::Gen<T> gen) {
  return rc::gen::oneOf(rc::gen::just(std::optional<T>()), rc::gen::map(std::move(gen), [](T v) { return std::optional<T>(std::move(v)); }));
}

rc::Gen<contracts::Status> any_status() {
  return rc::gen::map(rc::gen::inRange<int>(0, static_cast<int>(contracts::Status::ClearFailed) + 1),
                      [](int s) { return static_cast<contracts::Status>(s); });
}

rc::Gen<contracts::Transition> any_transition() {
  return rc::gen::build<contracts::Transition>(
      rc::gen::set(&contracts::Transition::id, any_text()), rc::gen::set(&contracts::Transition::from, optional_of(any_status())),
      rc::gen::set(&contracts::Transition::to, any_status()),
      rc::gen::set(&contracts::Transition::kind, rc::gen::element(contracts::ResourceKind::Pair, contracts::ResourceKind::Group,
                                                                  contracts::ResourceKind::Drill)));
}

rc::Gen<FaultSummary> any_fault() {
  return rc::gen::build<FaultSummary>(rc::gen::set(&FaultSummary::rule, any_text()), rc::gen::set(&FaultSummary::delay_ms),
                                      rc::gen::set(&FaultSummary::commit, any_text()), rc::gen::set(&FaultSummary::transport, any_text()),
                                      rc::gen::set(&FaultSummary::error, any_text()), rc::gen::set(&FaultSummary::status, optional_of(rc::gen::arbitrary<int>())));
}

rc::Gen<contracts::NewIds> any_new_ids() {
  return rc::gen::build<contracts::NewIds>(
      rc::gen::set(&contracts::NewIds::pair_id, any_text()), rc::gen::set(&contracts::NewIds::order_id, any_text()),
      rc::gen::set(&contracts::NewIds::group_id, any_text()), rc::gen::set(&contracts::NewIds::drill_id, any_text()),
      rc::gen::set(&contracts::NewIds::drill_disk_ids, rc::gen::container<std::vector<std::string>>(any_text())));
}

// Every member set, independently of the others: the packing must not rely on which
// members go together in entries the Service writes.
rc::Gen<JournalEntry> any_entry() {
  using E = JournalEntry;
  using namespace contracts;
  return rc::gen::build<E>(
      rc::gen::set(&E::kind, rc::gen::element(JournalKind::Request, JournalKind::Progress)), rc::gen::set(&E::time, any_text()),
      rc::gen::set(&E::method, any_text()), rc::gen::set(&E::action, any_text()),
      rc::gen::set(&E::params, rc::gen::container<Params>(any_text(), any_text())), rc::gen::set(&E::client_token, any_text()),
      rc::gen::set(&E::call_id, any_text()), rc::gen::set(&E::access_key_id, any_text()),
      rc::gen::set(&E::signature_scheme, rc::gen::element(SignatureScheme::None, SignatureScheme::V1, SignatureScheme::V3)),
      rc::gen::set(&E::signature_verdict, rc::gen::element(SignatureVerdict::Ok, SignatureVerdict::BadSignature, SignatureVerdict::NotChecked)),
      rc::gen::set(&E::status), rc::gen::set(&E::code, any_text()), rc::gen::set(&E::request_id, any_text()),
      rc::gen::set(&E::idempotence, optional_of(rc::gen::element(TokenDecision::Execute, TokenDecision::Replay, TokenDecision::Mismatch,
                                                                    TokenDecision::InFlight))),
      rc::gen::set(&E::effect_applied),
      rc::gen::set(&E::answer_source, rc::gen::element(AnswerSource::Model, AnswerSource::Fault, AnswerSource::Replay, AnswerSource::Http)),
      rc::gen::set(&E::transition, optional_of(any_transition())),
      rc::gen::set(&E::member_transitions, rc::gen::container<std::vector<Transition>>(any_transition())),
      rc::gen::set(&E::new_ids, any_new_ids()), rc::gen::set(&E::fault, optional_of(any_fault())),
      rc::gen::set(&E::replay_mismatch, any_text()), rc::gen::set(&E::held_ms, optional_of(rc::gen::arbitrary<long long>())), rc::gen::set(&E::released_by, optional_of(rc::gen::arbitrary<std::uint64_t>())),
      rc::gen::set(&E::hold_end, any_text()), rc::gen::set(&E::vanished), rc::gen::set(&E::event, any_text()));
}

RC_GTEST_PROP(JournalPacking, AnEntryUnpacksToTheEntryItWasPackedFrom, ()) {
  JournalEntry entry = *any_entry();
  const auto seq = *rc::gen::arbitrary<std::uint64_t>();
  PackedEntry packed(entry);
  packed.stamp_seq(seq);
  entry.seq = seq;
  RC_ASSERT(packed.unpack() == entry);
  RC_ASSERT(packed.copy().unpack() == entry);
  RC_ASSERT(packed.seq() == seq);
  RC_ASSERT(packed.kind() == entry.kind);
  RC_ASSERT(packed.call_id() == entry.call_id);
  RC_ASSERT(packed.client_token() == entry.client_token);
}

TEST(JournalPacking, ACopyIsItsOwnBlock) {
  JournalEntry entry;
  entry.action = "DescribeDiskReplicaPairs";
  PackedEntry packed(entry);
  packed.stamp_seq(7);
  const PackedEntry copy = packed.copy();
  packed.stamp_seq(8);
  EXPECT_EQ(copy.seq(), 7u);
  EXPECT_EQ(packed.seq(), 8u);
  EXPECT_EQ(copy.unpack().action, "DescribeDiskReplicaPairs");
}

}  // namespace
}  // namespace ebsmock::mock
