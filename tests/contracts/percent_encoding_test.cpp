// percent_encoding_test.cpp: pe() (RFC 3986 over UTF-8 bytes, sdk-wire.md §5) and the
// decoding of what SDKs put on the wire. Single-threaded test code.
#include "contracts/percent_encoding.h"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <algorithm>
#include <optional>
#include <string>
#include <vector>

namespace ebsmock::contracts {
namespace {

TEST(PercentEncodeTest, UnreservedCharactersStayLiteral) {
  const std::string unreserved =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.~";
  EXPECT_EQ(percent_encode(unreserved), unreserved);
}

TEST(PercentEncodeTest, ReservedAndSubDelimsAreEscapedUpperCase) {
  // sdk-wire.md §5: '*' -> %2A, '~' literal, '/' -> %2F, '+' -> %2B, !'() all escaped.
  EXPECT_EQ(percent_encode("*"), "%2A");
  EXPECT_EQ(percent_encode("~"), "~");
  EXPECT_EQ(percent_encode("/"), "%2F");
  EXPECT_EQ(percent_encode("+"), "%2B");
  EXPECT_EQ(percent_encode("!'()"), "%21%27%28%29");
  EXPECT_EQ(percent_encode(":=&%,"), "%3A%3D%26%25%2C");
  EXPECT_EQ(percent_encode("\x7f"), "%7F");
  EXPECT_EQ(percent_encode(std::string(1, '\0')), "%00");
}

TEST(PercentEncodeTest, SpaceIsPercent20NeverPlus) {
  EXPECT_EQ(percent_encode("a b"), "a%20b");
  EXPECT_EQ(percent_encode(" "), "%20");
}

TEST(PercentEncodeTest, MultibyteUtf8IsEscapedBytewise) {
  EXPECT_EQ(percent_encode("é"), "%C3%A9");
  EXPECT_EQ(percent_encode("中"), "%E4%B8%AD");
  EXPECT_EQ(percent_encode("😀"), "%F0%9F%98%80");
}

TEST(PercentEncodeTest, EmptyStringEncodesToEmpty) { EXPECT_EQ(percent_encode(""), ""); }

TEST(PercentEncodeTest, SdkWireEdgeCaseValue) {
  // The Description of the pop-core / openapi-core edge-case captures (sdk-wire.md §4/§5).
  EXPECT_EQ(percent_encode("a b*c~d/e+f!g'h(i)j=k&l%m é中😀"),
            "a%20b%2Ac~d%2Fe%2Bf%21g%27h%28i%29j%3Dk%26l%25m%20%C3%A9%E4%B8%AD%F0%9F%98%80");
}

TEST(PercentDecodeTest, DecodesEitherHexCase) {
  EXPECT_EQ(percent_decode("%2a%2A%c3%A9", false), "**é");
  EXPECT_EQ(percent_decode("%E4%B8%AD%F0%9F%98%80", false), "中😀");
}

TEST(PercentDecodeTest, PlusHandlingDependsOnFlag) {
  EXPECT_EQ(percent_decode("a+b", true), "a b");
  EXPECT_EQ(percent_decode("a+b", false), "a+b");
  // An escaped plus is always a plus.
  EXPECT_EQ(percent_decode("a%2Bb", true), "a+b");
  EXPECT_EQ(percent_decode("a%20b", true), "a b");
}

TEST(PercentDecodeTest, NodeQuerystringLiteralsPassThrough) {
  // openapi cores leave * ! ( ) ~ literal and url.parse may leave ' literal in bodies.
  EXPECT_EQ(percent_decode("b*c~d!g'h(i)j", true), "b*c~d!g'h(i)j");
}

TEST(PercentDecodeTest, RawHighBytesPassThroughVerbatim) {
  EXPECT_EQ(percent_decode("é中😀", true), "é中😀");
  EXPECT_EQ(percent_decode("\xff\x80", false), "\xff\x80");
}

TEST(PercentDecodeTest, MalformedEscapesAreRejected) {
  EXPECT_EQ(percent_decode("%zz", false), std::nullopt);
  EXPECT_EQ(percent_decode("%4", false), std::nullopt);
  EXPECT_EQ(percent_decode("%", false), std::nullopt);
  EXPECT_EQ(percent_decode("abc%", true), std::nullopt);
  EXPECT_EQ(percent_decode("abc%4", true), std::nullopt);
  EXPECT_EQ(percent_decode("%4g", true), std::nullopt);
  EXPECT_EQ(percent_decode("%g4", true), std::nullopt);
  EXPECT_EQ(percent_decode("%%41", true), std::nullopt);
  EXPECT_EQ(percent_decode("% 1", true), std::nullopt);
  EXPECT_EQ(percent_decode("%\xc3\xa9", true), std::nullopt);
}

TEST(PercentDecodeTest, EscapedPercentIsNotDecodedTwice) {
  EXPECT_EQ(percent_decode("%2541", false), "%41");
}

TEST(ParseUrlencodedTest, SplitsAndDecodesInWireOrder) {
  const auto params = parse_urlencoded("b=2&a=x+y&c=%2B&d=");
  ASSERT_TRUE(params.has_value());
  const ParamList expected = {{"b", "2"}, {"a", "x y"}, {"c", "+"}, {"d", ""}};
  EXPECT_EQ(*params, expected);
}

TEST(ParseUrlencodedTest, SegmentWithoutEqualsHasEmptyValue) {
  const auto params = parse_urlencoded("flag&x=1");
  ASSERT_TRUE(params.has_value());
  const ParamList expected = {{"flag", ""}, {"x", "1"}};
  EXPECT_EQ(*params, expected);
}

TEST(ParseUrlencodedTest, EmptySegmentsAreSkipped) {
  const auto params = parse_urlencoded("&&a=1&&b=2&");
  ASSERT_TRUE(params.has_value());
  const ParamList expected = {{"a", "1"}, {"b", "2"}};
  EXPECT_EQ(*params, expected);
  EXPECT_EQ(parse_urlencoded(""), ParamList{});
}

TEST(ParseUrlencodedTest, OnlyFirstEqualsSeparates) {
  const auto params = parse_urlencoded("a=b=c");
  ASSERT_TRUE(params.has_value());
  const ParamList expected = {{"a", "b=c"}};
  EXPECT_EQ(*params, expected);
}

TEST(ParseUrlencodedTest, RepeatedNamesAreKept) {
  const auto params = parse_urlencoded("a=1&a=2");
  ASSERT_TRUE(params.has_value());
  const ParamList expected = {{"a", "1"}, {"a", "2"}};
  EXPECT_EQ(*params, expected);
}

TEST(ParseUrlencodedTest, NamesAreDecodedToo) {
  const auto params = parse_urlencoded("Tag%2E1%2EKey=k%201");
  ASSERT_TRUE(params.has_value());
  const ParamList expected = {{"Tag.1.Key", "k 1"}};
  EXPECT_EQ(*params, expected);
}

TEST(ParseUrlencodedTest, MalformedEscapeInNameOrValueFailsTheWhole) {
  EXPECT_EQ(parse_urlencoded("a=1&b=%zz"), std::nullopt);
  EXPECT_EQ(parse_urlencoded("a%=1"), std::nullopt);
  EXPECT_EQ(parse_urlencoded("a=%4"), std::nullopt);
}

TEST(ParseUrlencodedTest, SdkWireOpenapiEdgeCaseQuery) {
  // Wire query of the openapi-core V3 edge-case capture (sdk-wire.md §4).
  const auto params = parse_urlencoded(
      "RegionId=cn-hangzhou&ReplicaPairId=pair-cn-abc123&ClientToken=tok-edge-0001&Description="
      "a%20b*c~d%2Fe%2Bf!g%27h(i)j%3Dk%26l%25m%20%C3%A9%E4%B8%AD%F0%9F%98%80&Tag.1.Key=k%201&"
      "Tag.1.Value=v*~%2F%C3%A9&Tag.2.Key=k2&Tag.2.Value=");
  ASSERT_TRUE(params.has_value());
  const ParamList expected = {{"RegionId", "cn-hangzhou"},
                              {"ReplicaPairId", "pair-cn-abc123"},
                              {"ClientToken", "tok-edge-0001"},
                              {"Description", "a b*c~d/e+f!g'h(i)j=k&l%m é中😀"},
                              {"Tag.1.Key", "k 1"},
                              {"Tag.1.Value", "v*~/é"},
                              {"Tag.2.Key", "k2"},
                              {"Tag.2.Value", ""}};
  EXPECT_EQ(*params, expected);
}

// The byte-at-a-time decoder percent_decode copies runs around: the two must agree on
// every input, malformed ones included.
std::optional<std::string> decode_byte_by_byte(std::string_view encoded, bool plus_is_space) {
  auto hex = [](char c) { return c >= '0' && c <= '9' ? c - '0' : c >= 'A' && c <= 'F' ? c - 'A' + 10 : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1; };
  std::string out;
  for (std::size_t i = 0; i < encoded.size(); ++i) {
    if (encoded[i] == '%') {
      if (i + 2 >= encoded.size() || hex(encoded[i + 1]) < 0 || hex(encoded[i + 2]) < 0) return std::nullopt;
      out.push_back(static_cast<char>(hex(encoded[i + 1]) * 16 + hex(encoded[i + 2])));
      i += 2;
    } else {
      out.push_back(encoded[i] == '+' && plus_is_space ? ' ' : encoded[i]);
    }
  }
  return out;
}

RC_GTEST_PROP(PercentEncodingProperty, DecodeAgreesWithTheByteByByteDecoder, ()) {
  // Mostly the bytes that matter ('%', '+', hex digits), so escapes and their damage are common.
  const auto text = *rc::gen::container<std::string>(rc::gen::oneOf(
      rc::gen::elementOf(std::string("%+aF0-~ ")), rc::gen::arbitrary<char>()));
  for (bool plus_is_space : {false, true}) {
    RC_ASSERT(percent_decode(text, plus_is_space) == decode_byte_by_byte(text, plus_is_space));
  }
}

RC_GTEST_PROP(PercentEncodingProperty, SortedQueryIsAStableSortByNameOfTheRest, ()) {
  // Few distinct names, so names repeat; lists on both sides of the 32 sorted on the stack.
  const auto names = rc::gen::elementOf(std::vector<std::string>{"A", "B", "Ba", "a", "Tag.1.Key", "Tag.10.Key", "x y"});
  const auto params = *rc::gen::resize(
      80, rc::gen::container<ParamList>(rc::gen::pair(names, rc::gen::string<std::string>())));
  const std::string skip = *rc::gen::oneOf(rc::gen::just(std::string()), names);
  ParamList expected;
  for (const auto& p : params) {
    if (skip.empty() || p.first != skip) expected.push_back(p);
  }
  std::stable_sort(expected.begin(), expected.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  std::string joined;
  for (const auto& [name, value] : expected) {
    if (!joined.empty()) joined += '&';
    joined += percent_encode(name) + "=" + percent_encode(value);
  }
  RC_ASSERT(sorted_encoded_query(params, skip) == joined);
}

TEST(SortedQueryTest, RepeatedNamesKeepWireOrderPastTheStackBuffer) {
  ParamList params;
  for (int i = 0; i < 40; ++i) params.emplace_back(i % 2 ? "b" : "a", std::to_string(i));
  std::string expected;
  for (int parity : {0, 1}) {
    for (int i = parity; i < 40; i += 2) expected += std::string(expected.empty() ? "" : "&") + (parity ? "b=" : "a=") + std::to_string(i);
  }
  EXPECT_EQ(sorted_encoded_query(params), expected);
  params.resize(10);
  EXPECT_EQ(sorted_encoded_query(params), "a=0&a=2&a=4&a=6&a=8&b=1&b=3&b=5&b=7&b=9");
}

RC_GTEST_PROP(PercentEncodingProperty, DecodeInvertsEncode, (const std::string& raw)) {
  RC_ASSERT(percent_decode(percent_encode(raw), false) == raw);
  RC_ASSERT(percent_decode(percent_encode(raw), true) == raw);
}

RC_GTEST_PROP(PercentEncodingProperty, EncodedOutputUsesOnlyUnreservedAndEscapes,
              (const std::string& raw)) {
  const std::string encoded = percent_encode(raw);
  for (size_t i = 0; i < encoded.size(); ++i) {
    const char c = encoded[i];
    const bool unreserved = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
                            (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.' ||
                            c == '~';
    if (c == '%') {
      RC_ASSERT(i + 2 < encoded.size());
      const std::string_view hex = std::string_view(encoded).substr(i + 1, 2);
      RC_ASSERT(hex.find_first_not_of("0123456789ABCDEF") == std::string_view::npos);
      i += 2;
    } else {
      RC_ASSERT(unreserved);
    }
  }
}

}  // namespace
}  // namespace ebsmock::contracts
