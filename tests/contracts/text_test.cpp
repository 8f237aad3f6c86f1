// text_test.cpp: contracts/text.h. UTF-8 validity against known vectors (overlongs,
// surrogates, beyond U+10FFFF, truncated and stray bytes), repair with U+FFFD, display
// of client bytes, comma lists. Single-threaded test code.
#include "contracts/text.h"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <cstdint>
#include <ostream>
#include <string>

namespace ebsmock::contracts {
namespace {

using namespace std::string_literals;

struct Utf8Case {
  const char* name;
  std::string bytes;
  bool valid;
};

const Utf8Case kUtf8Cases[] = {
    {"empty", "", true},
    {"ascii", "abc", true},
    {"nul_is_a_character", "a\0b"s, true},
    {"two_bytes_lowest", "\xC2\x80", true},
    {"two_bytes_e_acute", "caf\xC3\xA9", true},
    {"three_bytes_cjk", "\xE4\xB8\xAD\xE6\x96\x87", true},
    {"three_bytes_lowest", "\xE0\xA0\x80", true},
    {"last_before_surrogates", "\xED\x9F\xBF", true},
    {"first_after_surrogates", "\xEE\x80\x80", true},
    {"replacement_character", "\xEF\xBF\xBD", true},
    {"noncharacter_fffe_is_valid_utf8", "\xEF\xBF\xBE", true},
    {"four_bytes_emoji", "\xF0\x9F\x98\x80", true},
    {"four_bytes_lowest", "\xF0\x90\x80\x80", true},
    {"highest_code_point", "\xF4\x8F\xBF\xBF", true},
    // Overlong forms: a shorter sequence could say the same.
    {"overlong_nul_c0", "\xC0\x80", false},
    {"overlong_c1", "\xC1\xBF", false},
    {"overlong_three_bytes", "\xE0\x80\x80", false},
    {"overlong_three_bytes_high", "\xE0\x9F\xBF", false},
    {"overlong_four_bytes", "\xF0\x80\x80\x80", false},
    {"overlong_four_bytes_high", "\xF0\x8F\xBF\xBF", false},
    // Surrogates are UTF-16 halves, not characters.
    {"surrogate_first", "\xED\xA0\x80", false},
    {"surrogate_last", "\xED\xBF\xBF", false},
    // Beyond U+10FFFF.
    {"above_max_f4_90", "\xF4\x90\x80\x80", false},
    {"lead_f5", "\xF5\x80\x80\x80", false},
    {"lead_f8_five_bytes", "\xF8\x88\x80\x80\x80", false},
    {"byte_fe", "\xFE", false},
    {"byte_ff", "bad\xFF", false},
    // Truncated and stray.
    {"truncated_two", "\xC3", false},
    {"truncated_three", "\xE4\xB8", false},
    {"truncated_four", "\xF0\x9F\x98", false},
    {"truncated_then_ascii", "\xE4\xB8" "a", false},
    {"stray_continuation", "\x80", false},
    {"stray_continuation_after_ascii", "a\xBF", false},
};

void PrintTo(const Utf8Case& c, std::ostream* os) { *os << c.name; }

class Utf8Vectors : public ::testing::TestWithParam<Utf8Case> {};

TEST_P(Utf8Vectors, ValidityMatchesTheVector) {
  const Utf8Case& c = GetParam();
  EXPECT_EQ(is_valid_utf8(c.bytes), c.valid);
  // Repair leaves valid text alone and makes anything else valid.
  const std::string repaired = sanitize_utf8(c.bytes);
  EXPECT_TRUE(is_valid_utf8(repaired));
  if (c.valid) {
    EXPECT_EQ(repaired, c.bytes);
  } else {
    EXPECT_NE(repaired.find("\xEF\xBF\xBD"), std::string::npos);
  }
}

TEST_P(Utf8Vectors, ValidityIsTheSameAfterAndBeforeAsciiOfEveryLength) {
  // is_valid_utf8 skips ASCII eight bytes at a time: the vector must be judged the same
  // wherever it falls against those words, and whatever ASCII follows it.
  const Utf8Case& c = GetParam();
  for (std::size_t before = 0; before <= 17; ++before) {
    for (std::size_t after : {0, 1, 7, 8, 9}) {
      const std::string text = std::string(before, 'a') + c.bytes + std::string(after, 'z');
      EXPECT_EQ(is_valid_utf8(text), c.valid) << before << " bytes before, " << after << " after";
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Text, Utf8Vectors, ::testing::ValuesIn(kUtf8Cases),
                         [](const auto& info) { return std::string(info.param.name); });

TEST(Utf8SequenceLength, CountsTheBytesOfOneCharacter) {
  EXPECT_EQ(utf8_sequence_length("a", 0), 1u);
  EXPECT_EQ(utf8_sequence_length("\xC3\xA9", 0), 2u);
  EXPECT_EQ(utf8_sequence_length("\xE4\xB8\xAD", 0), 3u);
  EXPECT_EQ(utf8_sequence_length("\xF0\x9F\x98\x80", 0), 4u);
  EXPECT_EQ(utf8_sequence_length("a\xF0\x9F\x98\x80", 1), 4u);
  EXPECT_EQ(utf8_sequence_length("\xF0\x9F\x98", 0), 0u);  // cut short by the end
  EXPECT_EQ(utf8_sequence_length("\xC3\xA9", 1), 0u);      // a continuation byte
}

TEST(EncodeUtf8, KnownCodePoints) {
  EXPECT_EQ(encode_utf8(U'A'), "A");
  EXPECT_EQ(encode_utf8(0x7F), "\x7F");
  EXPECT_EQ(encode_utf8(0x80), "\xC2\x80");
  EXPECT_EQ(encode_utf8(0xE9), "\xC3\xA9");
  EXPECT_EQ(encode_utf8(0x7FF), "\xDF\xBF");
  EXPECT_EQ(encode_utf8(0x800), "\xE0\xA0\x80");
  EXPECT_EQ(encode_utf8(0x4E2D), "\xE4\xB8\xAD");
  EXPECT_EQ(encode_utf8(0xFFFD), "\xEF\xBF\xBD");
  EXPECT_EQ(encode_utf8(0x10000), "\xF0\x90\x80\x80");
  EXPECT_EQ(encode_utf8(0x1F600), "\xF0\x9F\x98\x80");
  EXPECT_EQ(encode_utf8(0x10FFFF), "\xF4\x8F\xBF\xBF");
}

RC_GTEST_PROP(EncodeUtf8, EveryScalarValueIsOneValidCharacter, (std::uint32_t pick)) {
  char32_t cp = pick % 0x110000;
  if (cp >= 0xD800 && cp <= 0xDFFF) cp -= 0x800;
  const std::string bytes = encode_utf8(cp);
  RC_ASSERT(is_valid_utf8(bytes));
  RC_ASSERT(utf8_sequence_length(bytes, 0) == bytes.size());
}

TEST(SanitizeUtf8, OneReplacementPerBadByte) {
  EXPECT_EQ(sanitize_utf8("bad\xFF"), "bad\xEF\xBF\xBD");
  EXPECT_EQ(sanitize_utf8("\xE4\xB8" "a"), "\xEF\xBF\xBD\xEF\xBF\xBD" "a");
  EXPECT_EQ(sanitize_utf8("\xED\xA0\x80"), "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");
  EXPECT_EQ(sanitize_utf8("\xC0\x80x\xC3\xA9"), "\xEF\xBF\xBD\xEF\xBF\xBDx\xC3\xA9");
}

RC_GTEST_PROP(SanitizeUtf8, AlwaysValidAndIdempotent, (const std::string& bytes)) {
  const std::string once = sanitize_utf8(bytes);
  RC_ASSERT(is_valid_utf8(once));
  RC_ASSERT(sanitize_utf8(once) == once);
  RC_ASSERT(is_valid_utf8(bytes) == (once == bytes));
}

TEST(Printable, KeepsUtf8AndEscapesTheRest) {
  EXPECT_EQ(printable("pair-1"), "pair-1");
  EXPECT_EQ(printable("\xE7\x8A\xB6\xE6\x80\x81"), "\xE7\x8A\xB6\xE6\x80\x81");
  EXPECT_EQ(printable("a\nb\tc\rd"), "a\\nb\\tc\\rd");
  EXPECT_EQ(printable("\x01\x7F"), "\\x01\\x7F");
  EXPECT_EQ(printable("x\xFF" "y"), "x\\xFFy");
  EXPECT_EQ(printable("\xED\xA0\x80"), "\\xED\\xA0\\x80");  // a surrogate, byte by byte
  EXPECT_EQ(printable("a\0b"s), "a\\x00b");
}

TEST(Printable, CutsAfterMaxCharacters) {
  EXPECT_EQ(printable(std::string(120, 'a')), std::string(120, 'a'));
  EXPECT_EQ(printable(std::string(121, 'a')), std::string(120, 'a') + "...");
  EXPECT_EQ(printable("abcdef", 3), "abc...");
  // Characters, not bytes: three CJK characters are nine bytes.
  EXPECT_EQ(printable("\xE4\xB8\xAD\xE4\xB8\xAD\xE4\xB8\xAD\xE4\xB8\xAD", 3),
            "\xE4\xB8\xAD\xE4\xB8\xAD\xE4\xB8\xAD...");
  // An escaped byte counts as one character.
  EXPECT_EQ(printable("\x01\x02\x03\x04", 2), "\\x01\\x02...");
}

RC_GTEST_PROP(Printable, ValidUtf8OnOneLine, (const std::string& bytes)) {
  const std::string shown = printable(bytes, 40);
  RC_ASSERT(is_valid_utf8(shown));
  RC_ASSERT(shown.find('\n') == std::string::npos);
  RC_ASSERT(shown.find('\r') == std::string::npos);
}

TEST(SplitCsv, TrimsSpacesAndDropsEmptyItems) {
  EXPECT_EQ(split_csv(""), std::vector<std::string>{});
  EXPECT_EQ(split_csv("pair-1"), std::vector<std::string>{"pair-1"});
  EXPECT_EQ(split_csv(" a , b,,c ,"), (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_EQ(split_csv(" , "), std::vector<std::string>{});
  EXPECT_EQ(split_csv("a b,c"), (std::vector<std::string>{"a b", "c"}));
}

TEST(Is2xx, OnlyTwoHundreds) {
  EXPECT_FALSE(is_2xx(199));
  EXPECT_TRUE(is_2xx(200));
  EXPECT_TRUE(is_2xx(204));
  EXPECT_TRUE(is_2xx(299));
  EXPECT_FALSE(is_2xx(300));
  EXPECT_FALSE(is_2xx(504));
}

}  // namespace
}  // namespace ebsmock::contracts
