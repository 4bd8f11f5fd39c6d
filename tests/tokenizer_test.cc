#include "text/tokenizer.h"

#include <gtest/gtest.h>

#include <random>

#include "text/chunker.h"
#include "text/utf8.h"

namespace unspin {
namespace {

std::vector<std::string> Texts(std::string_view text) {
  std::vector<Token> toks;
  Tokenize(text, &toks);
  std::vector<std::string> out;
  for (const Token& t : toks) out.emplace_back(t.Text(text));
  return out;
}

using V = std::vector<std::string>;

TEST(Tokenizer, KeepsWordsNumbersAndPunctuation) {
  EXPECT_EQ(Texts("Hamas would release Israeli captives."),
            (V{"Hamas", "would", "release", "Israeli", "captives", "."}));
  EXPECT_EQ(Texts("a six-week ceasefire, 1,139 people and 3.5%"),
            (V{"a", "six-week", "ceasefire", ",", "1,139", "people", "and", "3.5", "%"}));
  EXPECT_EQ(Texts("don't Israel's Israel\xE2\x80\x99s parents' COVID-19"),
            (V{"don't", "Israel's", "Israel\xE2\x80\x99s", "parents", "'", "COVID-19"}));
  EXPECT_EQ(Texts("the U.S. and e.g. this"), (V{"the", "U.S.", "and", "e.g.", "this"}));
  EXPECT_EQ(Texts("\"Quote\" (paren) -- dash"),
            (V{"\"", "Quote", "\"", "(", "paren", ")", "-", "-", "dash"}));
  EXPECT_EQ(Texts("caf\xC3\xA9 na\xC3\xAFve \xF0\x9F\x98\x80!"),
            (V{"caf\xC3\xA9", "na\xC3\xAFve", "\xF0\x9F\x98\x80", "!"}));
}

TEST(Tokenizer, ClassifiesTokens) {
  std::string text = "In 2024, G7 leaders met.";
  std::vector<Token> toks;
  Tokenize(text, &toks);
  ASSERT_EQ(toks.size(), 7u);
  EXPECT_EQ(toks[1].kind, TokenKind::kNumber);
  EXPECT_EQ(toks[2].kind, TokenKind::kPunct);
  EXPECT_EQ(toks[3].kind, TokenKind::kWord);
  EXPECT_TRUE(toks[3].Has(kHasDigit));
  EXPECT_TRUE(toks[0].Has(kFirstUpper));
}

TEST(Tokenizer, MarksSentenceStarts) {
  std::string text = "Mr. Smith said so. Then he left! Did he? \"Yes,\" said Dr. Jones.\n\nNew para";
  std::vector<Token> toks;
  Tokenize(text, &toks);
  std::vector<std::string> starts;
  for (const Token& t : toks) {
    if (t.Has(kSentenceStart)) starts.emplace_back(t.Text(text));
  }
  EXPECT_EQ(starts, (V{"Mr", "Then", "Did", "Yes", "New"}));
  const Token& new_word = toks[toks.size() - 2];  // "New", after the blank line
  EXPECT_TRUE(new_word.Has(kParagraphStart));
  EXPECT_TRUE(new_word.Has(kLineStart));
  EXPECT_FALSE(toks.back().Has(kLineStart));
  EXPECT_FALSE(toks.back().Has(kSentenceStart));
}

TEST(Tokenizer, HardWrappedLinesDoNotStartSentences) {
  std::string text = "the talks with\nPresident Biden ended.\nThe end";
  std::vector<Token> toks;
  Tokenize(text, &toks);
  for (const Token& t : toks) {
    std::string_view w = t.Text(text);
    if (w == "President") {
      EXPECT_FALSE(t.Has(kSentenceStart));
    }
    if (w == "The") {
      EXPECT_TRUE(t.Has(kSentenceStart));
    }
  }
}

// Property: tokens are ordered, do not overlap, lie in the text, and every
// byte outside them is white space; so text == ApplyEdits(text, {}) and
// the tokens plus gaps rebuild the input byte for byte.
TEST(Tokenizer, RebuildsAnyInputExactly) {
  const std::vector<std::string> pieces = {
      "word", "Word", "WORD", " ", "  ", "\n", "\n\n", "\t", ",", ".", "!", "?", "'", "\xE2\x80\x99",
      "-", "1", "1,139", "3.5", "U.S.", "e.g.", "don't", "six-week", "\xC3\xA9", "\xE2\x80\x9C",
      "\xF0\x9F\x98\x80", "\xC2\xA0", "\xE2\x80\xA8", "(", ")", "\"", "$", "%", "-", "a", "I", "\r\n",
      "\xCC\x81", "\xE2\x80\x94", "\x01", "..."};
  std::mt19937 rng(12345);
  std::vector<Token> toks;
  for (int iter = 0; iter < 3000; ++iter) {
    std::string text;
    int n = static_cast<int>(rng() % 40);
    for (int i = 0; i < n; ++i) text += pieces[rng() % pieces.size()];
    ASSERT_EQ(FindInvalidUtf8(text), std::string_view::npos);
    Tokenize(text, &toks);
    std::string rebuilt;
    uint32_t at = 0;
    for (const Token& t : toks) {
      ASSERT_LE(at, t.begin) << text;
      ASSERT_LT(t.begin, t.end) << text;
      ASSERT_LE(t.end, text.size()) << text;
      for (uint32_t k = at; k < t.begin; ++k) {
        unsigned char c = static_cast<unsigned char>(text[k]);
        ASSERT_TRUE(c == ' ' || c == '\n' || c == '\t' || c == '\r' || c >= 0x80) << text;
      }
      rebuilt.append(text, at, t.end - at);
      at = t.end;
    }
    rebuilt.append(text, at);
    ASSERT_EQ(rebuilt, text);
    ASSERT_EQ(ApplyEdits(text, {}), text);
  }
}

TEST(Tokenizer, ApplyEditsReplacesSpans) {
  std::string text = "at least two";
  EXPECT_EQ(ApplyEdits(text, {{0, 8, "a minimum of"}, {9, 12, "2"}}), "a minimum of 2");
}

TEST(Chunker, CutsAtWhiteSpaceAndNeverInsideACharacter) {
  std::string text(100, 'a');
  text[60] = '\n';
  EXPECT_EQ(ChooseCut(text, 80), 61u);
  std::string no_space;
  for (int i = 0; i < 50; ++i) no_space += "\xC3\xA9";
  size_t cut = ChooseCut(no_space, 51);
  EXPECT_EQ(cut % 2, 0u);
  EXPECT_EQ(ChooseCut("short", 80), 5u);
}

}  // namespace
}  // namespace unspin
