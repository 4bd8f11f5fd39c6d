#include "text/utf8.h"

#include <gtest/gtest.h>

namespace unspin {
namespace {

TEST(Utf8, AcceptsValidText) {
  EXPECT_EQ(FindInvalidUtf8(""), std::string_view::npos);
  EXPECT_EQ(FindInvalidUtf8("plain ascii text, long enough for the fast path"), std::string_view::npos);
  EXPECT_EQ(FindInvalidUtf8("caf\xC3\xA9 \xE2\x80\x99 \xF0\x9F\x98\x80 \xF4\x8F\xBF\xBF"), std::string_view::npos);
}

TEST(Utf8, NamesTheOffsetOfTheFirstBadByte) {
  EXPECT_EQ(FindInvalidUtf8("abc\xFF"), 3u);
  EXPECT_EQ(FindInvalidUtf8("abcdefghij\x80"), 10u);   // stray continuation after fast path
  EXPECT_EQ(FindInvalidUtf8("\xC0\xAF"), 0u);          // overlong '/'
  EXPECT_EQ(FindInvalidUtf8("\xE0\x80\xAF"), 0u);      // overlong 3-byte
  EXPECT_EQ(FindInvalidUtf8("x\xED\xA0\x80"), 1u);     // surrogate U+D800
  EXPECT_EQ(FindInvalidUtf8("\xF4\x90\x80\x80"), 0u);  // above U+10FFFF
  EXPECT_EQ(FindInvalidUtf8("ok\xE2\x82"), 2u);        // truncated at end
  Status s = ValidateUtf8("abc\xFF", 100);
  EXPECT_EQ(s.code(), StatusCode::kInvalidInput);
  EXPECT_NE(s.message().find("byte offset 103"), std::string::npos) << s.message();
  EXPECT_NE(s.message().find("0xFF"), std::string::npos) << s.message();
}

TEST(Utf8, ReplacesMaximalSubparts) {
  size_t n = 0;
  EXPECT_EQ(ReplaceInvalidUtf8("a\xFF" "b", &n), "a\xEF\xBF\xBD" "b");
  EXPECT_EQ(n, 1u);
  // A truncated 3-byte sequence is one maximal subpart: one replacement.
  EXPECT_EQ(ReplaceInvalidUtf8("a\xE2\x82" "b", &n), "a\xEF\xBF\xBD" "b");
  EXPECT_EQ(n, 1u);
  EXPECT_EQ(ReplaceInvalidUtf8("\xC0\xAF", &n), "\xEF\xBF\xBD\xEF\xBF\xBD");
  EXPECT_EQ(n, 2u);
  std::string repaired = ReplaceInvalidUtf8("\xFF\xFE mixed \xE2\x80\x99 ok \xF0\x9F", &n);
  EXPECT_EQ(FindInvalidUtf8(repaired), std::string_view::npos);
}

TEST(Utf8, DecodeAndEncodeRoundTrip) {
  for (char32_t cp : {U'a', U'\u00e9', U'\u2019', U'\U0001F600', U'\U0010FFFF'}) {
    std::string s;
    AppendUtf8(cp, &s);
    char32_t back;
    EXPECT_EQ(DecodeUtf8(s, 0, &back), static_cast<int>(s.size()));
    EXPECT_EQ(back, cp);
  }
}

TEST(Utf8, FindsNul) {
  EXPECT_EQ(FindNul(std::string_view("ab\0c", 4)), 2u);
  EXPECT_EQ(FindNul("abc"), std::string_view::npos);
}

}  // namespace
}  // namespace unspin
