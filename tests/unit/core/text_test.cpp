#define BOOST_TEST_MODULE core_text
#include "core/text.h"

#include <boost/test/unit_test.hpp>

#include <string>
#include <string_view>
#include <vector>

BOOST_AUTO_TEST_SUITE(text_test)

BOOST_AUTO_TEST_CASE(numbers_are_grouped_by_thousands) {
  BOOST_TEST(mxh::groupedNumber(0) == "0");
  BOOST_TEST(mxh::groupedNumber(999) == "999");
  BOOST_TEST(mxh::groupedNumber(1000) == "1,000");
  BOOST_TEST(mxh::groupedNumber(65535) == "65,535");
  BOOST_TEST(mxh::groupedNumber(123456789) == "123,456,789");
}

BOOST_AUTO_TEST_CASE(printable_text_passes_unchanged) {
  BOOST_TEST(mxh::sanitizeForDisplay("220 mx.example.com ESMTP", 100) == "220 mx.example.com ESMTP");
}

BOOST_AUTO_TEST_CASE(control_and_invalid_bytes_are_escaped) {
  const std::string hostile = std::string("a\x1b[31mb\r\n") + '\0' + "\xff";
  BOOST_TEST(mxh::sanitizeForDisplay(hostile, 100) == "a\\x1b[31mb\\x0d\\x0a\\x00\\xff");
}

BOOST_AUTO_TEST_CASE(valid_utf8_is_kept) {
  BOOST_TEST(mxh::sanitizeForDisplay("jürgen@bücher.test ✓", 100) == "jürgen@bücher.test ✓");
}

BOOST_AUTO_TEST_CASE(direction_overrides_and_c1_controls_are_escaped) {
  BOOST_TEST(mxh::sanitizeForDisplay("a\u202eb", 100) == "a\\u202eb");
  BOOST_TEST(mxh::sanitizeForDisplay("a\u0085b", 100) == "a\\u0085b");
}

BOOST_AUTO_TEST_CASE(invisible_characters_and_line_separators_are_escaped) {
  BOOST_TEST(mxh::sanitizeForDisplay("a\u200bb\u2028c\ufeffd\u00ade", 100) == "a\\u200bb\\u2028c\\ufeffd\\u00ade");
}

BOOST_AUTO_TEST_CASE(overlong_and_surrogate_encodings_are_invalid) {
  BOOST_TEST(mxh::sanitizeForDisplay("\xc0\xaf", 100) == "\\xc0\\xaf");
  BOOST_TEST(mxh::sanitizeForDisplay("\xed\xa0\x80", 100) == "\\xed\\xa0\\x80");
  BOOST_TEST(mxh::sanitizeForDisplay("\xe2\x82", 100) == "\\xe2\\x82");
}

BOOST_AUTO_TEST_CASE(a_character_is_never_split_by_the_cut) {
  BOOST_TEST(mxh::sanitizeForDisplay("abcüx", 5) == "ab\u2026");
  BOOST_TEST(mxh::sanitizeForDisplay("abcüx", 2).empty());
}

BOOST_AUTO_TEST_CASE(long_text_is_cut_with_an_ellipsis) {
  const std::string cut = mxh::sanitizeForDisplay(std::string(1000, 'x'), 10);
  BOOST_TEST(cut == std::string(7, 'x') + "\u2026");
  BOOST_TEST(cut.size() == 10U);
}

BOOST_AUTO_TEST_CASE(an_escape_is_never_split_by_the_cut) {
  BOOST_TEST(mxh::sanitizeForDisplay("abc\x01", 5) == "ab\u2026");
  BOOST_TEST(mxh::sanitizeForDisplay("abc\x01", 7) == "abc\\x01");
}

BOOST_AUTO_TEST_CASE(case_helpers_are_ascii_only) {
  BOOST_TEST(mxh::toLowerAscii("MX1.Example.COM") == "mx1.example.com");
  BOOST_TEST(mxh::equalsIgnoreCaseAscii("MX.Example", "mx.example"));
  BOOST_TEST(!mxh::equalsIgnoreCaseAscii("mx.example", "mx.example."));
}

BOOST_AUTO_TEST_CASE(trimmed_and_split) {
  BOOST_TEST(mxh::trimmed(" \tv=spf1 -all\t ") == "v=spf1 -all");
  BOOST_TEST(mxh::trimmed(" \r\n x \n ") == "\r\n x \n");  // only space and tab by default
  BOOST_TEST(mxh::trimmed("\r\n x \n", " \t\r\n") == "x");
  BOOST_TEST(mxh::trimmed("   ").empty());
  const std::vector<std::string_view> parts = mxh::splitOn("a;;b", ';');
  BOOST_TEST(parts == (std::vector<std::string_view>{"a", "", "b"}), boost::test_tools::per_element());
  BOOST_TEST(mxh::splitOn("", ';').size() == 1U);
}

BOOST_AUTO_TEST_CASE(unsafe_bytes_are_found_by_kind) {
  using namespace std::string_literals;
  BOOST_TEST(!mxh::findUnsafeBytes("220 mx.example.test ESMTP\tready, caf\u00e9").any());
  const auto all = mxh::findUnsafeBytes("a\0b\x1b[31mc\ad\xff\u202ee"s);
  BOOST_TEST(all.nul);
  BOOST_TEST(all.escapeSequence);
  BOOST_TEST(all.control);
  BOOST_TEST(all.invalidUtf8);
  BOOST_TEST(all.invisible);
  BOOST_TEST((all.kinds() == std::vector<std::string_view>{"nul", "escape", "control", "invalid_utf8", "invisible"}));
  const auto cr = mxh::findUnsafeBytes("one\rtwo");
  BOOST_TEST((cr.kinds() == std::vector<std::string_view>{"control"}));
  mxh::UnsafeBytes merged;
  merged.merge(mxh::findUnsafeBytes("\xc3"));
  merged.merge(mxh::findUnsafeBytes("x"));
  BOOST_TEST((merged.kinds() == std::vector<std::string_view>{"invalid_utf8"}));
}

BOOST_AUTO_TEST_SUITE_END()
