#include "lexicon/lexicon.h"

#include <gtest/gtest.h>

#include <fstream>
#include <random>

#include "lexicon/sources.h"
#include "test_util.h"

namespace unspin {
namespace {

class LexiconTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    path_ = new std::string(testing::WriteTestLexicon());
    auto lex = Lexicon::Open(*path_);
    ASSERT_TRUE(lex.ok()) << lex.status().message();
    lex_ = new Lexicon(std::move(lex).value());
  }
  static void TearDownTestSuite() {
    delete lex_;
    std::remove(path_->c_str());
    delete path_;
  }
  std::vector<std::string> Keys(const std::vector<uint32_t>& ids) {
    std::vector<std::string> out;
    for (uint32_t id : ids) out.emplace_back(lex_->Key(id));
    return out;
  }
  static std::string* path_;
  static Lexicon* lex_;
};
std::string* LexiconTest::path_;
Lexicon* LexiconTest::lex_;

using V = std::vector<std::string>;

TEST_F(LexiconTest, FindsPhrasesAndForwardSubstitutes) {
  uint32_t id = lex_->Find("according to");
  ASSERT_NE(id, Lexicon::kNone);
  std::vector<uint32_t> ids;
  lex_->Substitutes(id, LexiconFilter{}, &ids);
  EXPECT_EQ(Keys(ids), V{"in accordance with"});
  EXPECT_EQ(lex_->TokenCount(id), 2);
  EXPECT_EQ(lex_->Find("no such phrase"), Lexicon::kNone);
  EXPECT_EQ(lex_->Find(""), Lexicon::kNone);
}

TEST_F(LexiconTest, ReverseIndexAnswersWhichOriginalsListASubstitute) {
  std::vector<uint32_t> ids;
  lex_->Originals(lex_->Find("lady"), LexiconFilter{}, &ids);
  EXPECT_EQ(Keys(ids), V{"woman"});
  lex_->Originals(lex_->Find("in accordance with"), LexiconFilter{}, &ids);
  EXPECT_EQ(Keys(ids), V{"according to"});
  // Directed senses are one-way: "woman" is not a substitute for "lady".
  lex_->Substitutes(lex_->Find("lady"), LexiconFilter{}, &ids);
  EXPECT_TRUE(ids.empty());
  // Symmetric senses work both ways.
  lex_->Substitutes(lex_->Find("kid"), LexiconFilter{}, &ids);
  EXPECT_EQ(Keys(ids), V{"child"});
}

TEST_F(LexiconTest, FiltersBySource) {
  std::vector<uint32_t> ids;
  LexiconFilter only_wordnet;
  only_wordnet.sources = MaskOf(Source::kWordNet);
  lex_->Substitutes(lex_->Find("according to"), only_wordnet, &ids);
  EXPECT_TRUE(ids.empty());
  lex_->Substitutes(lex_->Find("child"), only_wordnet, &ids);
  EXPECT_EQ(Keys(ids), V{"kid"});
}

TEST_F(LexiconTest, EverydayOnlyKeepsListedWords) {
  // The fixture's word list (tests/data/words.txt) has "spherical" but not
  // "lady".
  LexiconFilter everyday;
  everyday.everyday_only = true;
  std::vector<uint32_t> ids;
  lex_->Substitutes(lex_->Find("round"), everyday, &ids);
  EXPECT_EQ(Keys(ids), V{"spherical"});
  EXPECT_TRUE(lex_->HasSubstitutes(lex_->Find("round"), everyday));
  lex_->Substitutes(lex_->Find("woman"), everyday, &ids);
  EXPECT_TRUE(ids.empty());
  EXPECT_FALSE(lex_->HasSubstitutes(lex_->Find("woman"), everyday));
  EXPECT_TRUE(lex_->HasSubstitutes(lex_->Find("woman"), LexiconFilter{}));
}

TEST_F(LexiconTest, LemmatisesAndInflects) {
  std::vector<Lexicon::Analysis> a;
  lex_->Analyses(lex_->Find("women"), &a);
  ASSERT_EQ(a.size(), 1u);
  EXPECT_EQ(lex_->Key(a[0].lemma), "woman");
  EXPECT_EQ(a[0].tag, Inflection::kPlural);
  EXPECT_EQ(lex_->Key(lex_->Inflect(lex_->Find("lady"), Inflection::kPlural)), "ladies");
  EXPECT_EQ(lex_->Key(lex_->Inflect(lex_->Find("mention"), Inflection::kPast)), "mentioned");
  EXPECT_EQ(lex_->Key(lex_->Inflect(lex_->Find("kid"), Inflection::kPlural)), "kids");
  lex_->Analyses(lex_->Find("said"), &a);
  ASSERT_FALSE(a.empty());
  EXPECT_EQ(lex_->Key(a[0].lemma), "say");
}

TEST_F(LexiconTest, KeepsNamesCasingAndMarksStopwords) {
  EXPECT_EQ(lex_->Display(lex_->Find("den haag")), "Den Haag");
  EXPECT_EQ(lex_->Display(lex_->Find("lady")), "lady");
  EXPECT_TRUE(lex_->IsStopword(lex_->Find("the")));
  EXPECT_FALSE(lex_->IsStopword(lex_->Find("lady")));
  EXPECT_TRUE(lex_->StartsPhrase(lex_->Find("according")));
}

TEST_F(LexiconTest, PhrasePrefixFilterPassesEveryPrefixOfEveryPhrase) {
  int multi_word = 0;
  for (uint32_t id = 0; id < lex_->size(); ++id) {
    std::string_view key = lex_->Key(id);
    if (!lex_->HasSenses(id) || lex_->TokenCount(id) < 2) continue;
    ++multi_word;
    // Prefixes of two or more whole tokens, the full key last.
    for (size_t end = key.find(' '); end != std::string_view::npos;) {
      end = key.find(' ', end + 1);
      EXPECT_TRUE(lex_->MayStartPhrase(key.substr(0, end))) << key;
    }
  }
  EXPECT_GE(multi_word, 3);
  EXPECT_TRUE(lex_->MayStartPhrase("in accordance"));
  EXPECT_FALSE(lex_->MayStartPhrase("accordance in"));
}

TEST_F(LexiconTest, HasSubstitutesAgreesWithSubstitutesUnderEverySourceFilter) {
  std::vector<uint32_t> ids;
  for (uint32_t id = 0; id < lex_->size(); ++id) {
    for (SourceMask sources = 0; sources <= kAllSources; ++sources) {
      LexiconFilter filter;
      filter.sources = sources;
      lex_->Substitutes(id, filter, &ids);
      EXPECT_EQ(lex_->HasSubstitutes(id, filter), !ids.empty()) << lex_->Key(id) << " " << int{sources};
    }
  }
}

TEST_F(LexiconTest, NormalizesPhrasesLikeTheTokenizer) {
  std::string key, display;
  int n = 0;
  ASSERT_TRUE(NormalizePhrase("In  Accordance with", &key, &display, &n));
  EXPECT_EQ(key, "in accordance with");
  EXPECT_EQ(display, "In Accordance with");
  EXPECT_EQ(n, 3);
  EXPECT_FALSE(NormalizePhrase("one two three four five", &key, &display, &n));
  EXPECT_FALSE(NormalizePhrase("(generic)", &key, &display, &n));
  EXPECT_FALSE(NormalizePhrase("", &key, &display, &n));
  EXPECT_FALSE(NormalizePhrase("bad\xFF", &key, &display, &n));
}

TEST(LexiconFile, RefusesCorruptTruncatedAndForeignFiles) {
  std::string bytes = testing::TestLexiconBytes();
  testing::ExpectCorruptCopiesRefused(bytes, [](const std::string& p) { return Lexicon::Open(p); }, 7);
  std::string path = testing::TempPath("corrupt.bin");
  ASSERT_TRUE(WriteFileAtomically(path, "hello, I am a text file\n").ok());
  auto lex = Lexicon::Open(path);
  ASSERT_FALSE(lex.ok());
  EXPECT_NE(lex.status().message().find("not an unspin lexicon file"), std::string::npos);
  std::remove(path.c_str());
}

TEST(Sources, ReadsMythesDroppingAntonymsAndKeepingRelations) {
  std::string path = testing::TempPath("th.dat");
  {
    std::ofstream out(path);
    out << "UTF-8\nround|2\n(adj)|circular|spherical (similar term)|square (antonym)\n"
           "(noun)|unit of ammunition|ammunition (generic term)\n";
  }
  std::vector<RawSense> senses;
  ASSERT_TRUE(ReadMythes(path, &senses).ok());
  ASSERT_EQ(senses.size(), 2u);
  EXPECT_EQ(senses[0].head, "round");
  EXPECT_EQ(senses[0].pos, Pos::kAdj);
  ASSERT_EQ(senses[0].members.size(), 2u);
  EXPECT_EQ(senses[0].members[1].first, "spherical");
  EXPECT_EQ(senses[0].members[1].second, Relation::kSimilar);
  EXPECT_EQ(senses[1].members[1].second, Relation::kBroader);
  {
    std::ofstream out(path);
    out << "UTF-8\nround|3\n(adj)|circular\n";
  }
  Status s = ReadMythes(path, &senses);
  EXPECT_EQ(s.code(), StatusCode::kDataLoss);
  EXPECT_NE(s.message().find("ends inside an entry"), std::string::npos) << s.message();
  std::remove(path.c_str());
  s = ReadMythes("/nonexistent/th.dat", &senses);
  EXPECT_NE(s.message().find("mythes-en-us"), std::string::npos) << s.message();
}

}  // namespace
}  // namespace unspin
