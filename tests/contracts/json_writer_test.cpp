// json_writer_test.cpp: the answers written as JSON text (contracts/json_writer.h, and a
// BodyForm::Page Describe's PairPage::write) are byte for byte what dumping the DOM form
// gives: strings with escapes, control bytes, UTF-8 and invalid UTF-8; whole
// DescribeDiskReplicaPairs bodies over random pairs and paging; a member added later at a
// kept slot (the RequestId).
#include <map>

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include "contracts/json_writer.h"
#include "contracts/world.h"

namespace ebsmock::contracts {
namespace {

const Instant kT0 = Instant{std::chrono::seconds(1704067200)};

std::string dom_dump(const nlohmann::json& j) {
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string text_of(std::string_view s) {
  std::string out;
  append_json_string(out, s);
  return out;
}

TEST(JsonWriterTest, StringsAreEscapedAsTheDomDumpsThem) {
  for (std::string s : {std::string(""), std::string("plain"), std::string("quote \" back \\ slash /"),
                        std::string("\b\f\n\r\t"), std::string("\x01\x1f\x7f", 3), std::string("\0x", 2),
                        std::string("h\xc3\xa9llo \xe4\xb8\xad"), std::string("bad \xff\xc3 utf8")}) {
    EXPECT_EQ(text_of(s), dom_dump(nlohmann::json(s))) << s;
  }
}

RC_GTEST_PROP(JsonWriterTest, AnyStringIsEscapedAsTheDomDumpsIt, (const std::string& s)) {
  RC_ASSERT(text_of(s) == dom_dump(nlohmann::json(s)));
}

RC_GTEST_PROP(JsonWriterTest, AnyMembersAreWrittenAsTheDomDumpsThem,
              (const std::string& k1, const std::string& v1, const std::string& k2)) {
  // Keys and values take a shortcut when they need no escape; both paths, in any mix, and
  // the commas between members must give the DOM's bytes.
  RC_PRE(k1 < k2);  // a DOM keeps members in name order
  JsonWriter w;
  w.begin_object();
  w.computed_key(k1);
  w.value(v1);
  w.computed_key(k2);
  w.begin_array();
  w.value(v1);
  w.value(k1);
  w.end_array();
  w.end_object();
  RC_ASSERT(w.text() == dom_dump(nlohmann::json{{k1, v1}, {k2, nlohmann::json::array({v1, k1})}}));
}

TEST(JsonWriterTest, EveryByteThatNeedsEscapingIsFoundAtEveryPlaceInAWord) {
  // The no-escape test reads eight bytes at a time: each kind of byte at each offset of
  // two words and a tail.
  for (const char special : {'\x00', '\x1f', '"', '\\', '\x7f', '\x80', '\xff', ' ', '~'}) {
    for (std::size_t at = 0; at < 19; ++at) {
      std::string s(19, 'a');
      s[at] = special;
      EXPECT_EQ(text_of(s), dom_dump(nlohmann::json(s))) << "byte " << int(static_cast<unsigned char>(special)) << " at " << at;
    }
  }
}

TEST(JsonWriterTest, AFixedNameIsWrittenAsTheSameNameComputed) {
  JsonWriter fixed, computed;
  fixed.begin_object();
  computed.begin_object();
  fixed.key("Status");
  computed.computed_key("Status");
  fixed.value("Normal");
  computed.value("Normal");
  fixed.key("Tags");
  computed.computed_key("Tags");
  fixed.begin_array();
  computed.begin_array();
  fixed.end_array();
  computed.end_array();
  fixed.end_object();
  computed.end_object();
  EXPECT_EQ(fixed.text(), R"({"Status":"Normal","Tags":[]})");
  EXPECT_EQ(fixed.text(), computed.text());
}

RC_GTEST_PROP(JsonWriterTest, AMemberIsItsKeyThenItsValue,
              (const std::string& s, std::int64_t n, bool b)) {
  // member() writes both in one append when the value needs no escape: the same bytes as
  // key() then value(), first in an object or after another member, for any string.
  JsonWriter one, two;
  for (JsonWriter* w : {&one, &two}) w->begin_object();
  one.member("A", std::string_view(s));
  two.key("A");
  two.value(std::string_view(s));
  one.member("B", n);
  two.key("B");
  two.value(n);
  one.member("C", b);
  two.key("C");
  two.value(b);
  one.member("D", std::string_view(s));
  two.key("D");
  two.value(std::string_view(s));
  for (JsonWriter* w : {&one, &two}) w->end_object();
  RC_ASSERT(one.text() == two.text());
  RC_ASSERT(one.text() == dom_dump(nlohmann::json{{"A", s}, {"B", n}, {"C", b}, {"D", s}}));
}

RC_GTEST_PROP(JsonWriterTest, AMemberAddedAtTheSlotLandsWhereTheDomWouldPutIt,
              (const std::map<std::string, std::string>& members, const std::string& slot_name,
               const std::string& value)) {
  // Any object (none, one or many members), the slot before, between or after them: the
  // member added later makes the bytes of a DOM that had it all along.
  RC_PRE(members.count(slot_name) == 0);
  JsonWriter w;
  w.begin_object();
  bool marked = false;
  for (const auto& [name, v] : members) {
    if (!marked && slot_name < name) {
      w.mark_slot();
      marked = true;
    }
    w.computed_key(name);
    w.value(std::string_view(v));
  }
  if (!marked) w.mark_slot();
  w.end_object();
  nlohmann::json dom(members);
  RC_ASSERT(w.text() == dom_dump(dom));
  dom[slot_name] = value;
  RC_ASSERT(w.take_object().with_member(slot_name, text_of(value)) == dom_dump(dom));
}

TEST(JsonWriterTest, AMemberAddedToNoObjectMakesOne) {
  EXPECT_EQ(JsonObjectText{}.with_member("RequestId", "\"r\""), R"({"RequestId":"r"})");
}

TEST(JsonWriterTest, AnObjectTakenWithoutASlotIsRefused) {
  // Its slot would have been before the opening brace: the member would land outside it.
  JsonWriter w;
  w.begin_object();
  w.member("Code", std::string_view("x"));
  w.end_object();
  EXPECT_THROW(w.take_object(), std::logic_error);
}

TEST(JsonWriterTest, NumbersAndBooleans) {
  JsonWriter w;
  w.begin_array();
  w.value(std::int64_t{-9223372036854775807 - 1});
  w.value(std::uint64_t{18446744073709551615ULL});
  w.value(std::int64_t{0});
  w.value(true);
  w.value(false);
  w.begin_object();
  w.end_object();
  w.begin_array();
  w.end_array();
  w.end_array();
  EXPECT_EQ(w.text(), dom_dump(nlohmann::json::array({INT64_MIN, UINT64_MAX, 0, true, false,
                                                      nlohmann::json::object(), nlohmann::json::array()})));
}

// The Describe body in both forms, as the mock sends it (RequestId joined in).
void expect_same_describe(const World& w, const Params& params) {
  World copy = w;
  Outcome dom = copy.execute(Operation::DescribeDiskReplicaPairs, params, kT0, {}, BodyForm::Dom);
  Outcome paged = copy.execute(Operation::DescribeDiskReplicaPairs, params, kT0, {}, BodyForm::Page);
  ASSERT_EQ(dom.ok(), paged.ok());
  if (!dom.ok()) return;
  ASSERT_TRUE(paged.page);
  // Written after the world has moved on: the page is a copy.
  copy = World{};
  JsonObjectText text = paged.page->write(kRequestIdMember);
  EXPECT_EQ(text.text, dom_dump(dom.body));
  // The envelope's RequestId fills the slot the text kept for it.
  nlohmann::json with_id = dom.body;
  with_id[std::string(kRequestIdMember)] = "id-1";
  EXPECT_EQ(std::move(text).with_member(kRequestIdMember, "\"id-1\""), dom_dump(with_id));
}

Pair sample_pair(std::string id) {
  Pair p;
  p.id = std::move(id);
  p.status = Status::Normal;
  p.source_region = "cn-hangzhou";
  p.destination_region = "cn-shanghai";
  p.create_time = 1704067200;
  return p;
}

TEST(JsonWriterTest, DescribePairsPageTextEqualsTheDomDump) {
  World w;
  Pair a = sample_pair("pair-cn-a");
  a.pair_name = "na\"me\n\xe4\xb8\xad";
  a.description = "bad \xff";
  a.tags = {{"k1", "v1"}, {"k\t2", ""}};
  a.last_recover_point = 1704067300;
  a.bandwidth = 10240;
  a.enable_rtc = true;
  w.add_pair(a, kT0);
  w.add_pair(sample_pair("pair-cn-b"), kT0);
  expect_same_describe(w, {{"RegionId", "cn-hangzhou"}});
  expect_same_describe(w, {{"RegionId", "cn-hangzhou"}, {"PairIds", "pair-cn-a"}});
  expect_same_describe(w, {{"RegionId", "cn-hangzhou"}, {"MaxResults", "1"}});
  expect_same_describe(w, {{"RegionId", "cn-hangzhou"}, {"PageNumber", "2"}, {"PageSize", "1"}});
  expect_same_describe(w, {{"RegionId", "cn-beijing"}});
}

RC_GTEST_PROP(JsonWriterTest, DescribePairsPageTextEqualsTheDomDumpForRandomPairs, ()) {
  World w;
  const auto n = *rc::gen::inRange(0, 5);
  for (int i = 0; i < n; ++i) {
    Pair p = sample_pair("pair-cn-" + std::to_string(i));
    p.pair_name = *rc::gen::arbitrary<std::string>();
    p.description = *rc::gen::arbitrary<std::string>();
    p.rpo = *rc::gen::arbitrary<std::int64_t>();
    p.expired_time = *rc::gen::arbitrary<std::int64_t>();
    if (*rc::gen::arbitrary<bool>()) p.last_recover_point = *rc::gen::arbitrary<std::int64_t>();
    const auto tags = *rc::gen::inRange(0, 3);
    for (int t = 0; t < tags; ++t) p.tags.push_back({*rc::gen::arbitrary<std::string>(), *rc::gen::arbitrary<std::string>()});
    w.add_pair(p, kT0);
  }
  World copy = w;
  Params params{{"RegionId", "cn-hangzhou"}, {"MaxResults", std::to_string(*rc::gen::inRange(1, 6))}};
  Outcome dom = copy.execute(Operation::DescribeDiskReplicaPairs, params, kT0, {}, BodyForm::Dom);
  Outcome paged = copy.execute(Operation::DescribeDiskReplicaPairs, params, kT0, {}, BodyForm::Page);
  RC_ASSERT(dom.ok());
  RC_ASSERT(paged.page.has_value());
  RC_ASSERT(paged.page->write(kRequestIdMember).text == dom_dump(dom.body));
}

}  // namespace
}  // namespace ebsmock::contracts
