#include "spin/spinner.h"

#include <gtest/gtest.h>

#include <thread>

#include "test_util.h"

namespace unspin {
namespace {

class SpinnerTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    path_ = new std::string(testing::WriteTestLexicon());
    lex_ = new Lexicon(std::move(Lexicon::Open(*path_)).value());
  }
  static void TearDownTestSuite() {
    delete lex_;
    std::remove(path_->c_str());
    delete path_;
  }
  SpinResult Spin(const std::string& text, double rate, const std::string& profile = "phrase",
                  uint64_t seed = 1, bool swap_names = false) {
    SpinOptions o;
    o.rate = rate;
    o.profile = std::move(FindProfile(profile)).value();
    o.profile.filter.everyday_only = false;  // the fixture has no word frequencies
    o.swap_names = swap_names;
    Spinner spinner(*lex_, o);
    Rng rng(seed);
    SpinResult r;
    spinner.Spin(text, &rng, &r);
    return r;
  }
  static std::string* path_;
  static Lexicon* lex_;
};
std::string* SpinnerTest::path_;
Lexicon* SpinnerTest::lex_;

TEST_F(SpinnerTest, RateZeroChangesNothing) {
  std::string text = "According to the news agency, women said so.";
  SpinResult r = Spin(text, 0.0);
  EXPECT_EQ(r.text, text);
  EXPECT_TRUE(r.swaps.empty());
  EXPECT_GT(r.eligible, 0u);
}

TEST_F(SpinnerTest, SwapsPhrasesWithCasingAndInflection) {
  SpinResult r = Spin("According to the news agency, women and children said so.", 1.0);
  EXPECT_EQ(r.text, "In accordance with the information company, ladies and kids mentioned so.");
  ASSERT_EQ(r.swaps.size(), 5u);
  EXPECT_EQ(r.swaps[0].original, "According to");
  EXPECT_EQ(r.swaps[0].spun, "In accordance with");
  EXPECT_EQ(r.swaps[0].source, Source::kTable);
}

TEST_F(SpinnerTest, InflectsInsidePhrases) {
  EXPECT_EQ(Spin("they took part", 1.0).text, "they participated");
  EXPECT_EQ(Spin("news agencies", 1.0).text, "information companies");
  EXPECT_EQ(Spin("the happier child", 1.0).text, "the gladder kid");
}

TEST_F(SpinnerTest, LeavesNumbersNamesAndMixedCaseAlone) {
  SpinResult r = Spin("Yesterday Child and iPhone met 2 Women", 1.0);
  EXPECT_EQ(r.text, "Yesterday Child and iPhone met 2 Women");
  r = Spin("Yesterday Child met", 1.0, "phrase", 1, /*swap_names=*/true);
  EXPECT_EQ(r.text, "Yesterday Kid met");
}

TEST_F(SpinnerTest, CarriesUpperCaseAndPossessives) {
  EXPECT_EQ(Spin("WOMEN", 1.0).text, "LADIES");
  EXPECT_EQ(Spin("the child's toy", 1.0).text, "the kid's toy");
  EXPECT_EQ(Spin("the child\xE2\x80\x99s toy", 1.0).text, "the kid\xE2\x80\x99s toy");
}

TEST_F(SpinnerTest, StopwordsChangeOnlyThroughTheTable) {
  // "in" has a WordNet sense in the fixture and a table rule; only the
  // table may be used.
  EXPECT_EQ(Spin("in", 1.0, "phrase").text, "within");
  EXPECT_EQ(Spin("in", 1.0, "wordnet").text, "in");
}

TEST_F(SpinnerTest, NaiveProfileIsWordLevel) {
  SpinResult r = Spin("according to the news agency", 1.0, "naive");
  EXPECT_EQ(r.text, "according to the news agency");
}

TEST_F(SpinnerTest, AlignmentPointsAtTheSwappedBytes) {
  std::string text = "Women said: at least the news agency released round kids.";
  SpinResult r = Spin(text, 1.0);
  ASSERT_FALSE(r.swaps.empty());
  for (const SpinSwap& s : r.swaps) {
    EXPECT_EQ(text.substr(s.original_begin, s.original_end - s.original_begin), s.original);
    EXPECT_EQ(r.text.substr(s.spun_begin, s.spun_end - s.spun_begin), s.spun);
  }
}

TEST_F(SpinnerTest, SameSeedSameOutputAndRateIsRespected) {
  std::string text;
  for (int i = 0; i < 200; ++i) text += "The child said the women released round kids. ";
  SpinResult a = Spin(text, 0.3, "phrase", 42), b = Spin(text, 0.3, "phrase", 42);
  EXPECT_EQ(a.text, b.text);
  SpinResult c = Spin(text, 0.3, "phrase", 43);
  EXPECT_NE(a.text, c.text);
  double share = static_cast<double>(a.swaps.size()) / a.eligible;
  EXPECT_GT(share, 0.2);
  EXPECT_LT(share, 0.4);
}

TEST_F(SpinnerTest, OneSpinnerServesThreadsWithTheSameResults) {
  std::string text;
  for (int i = 0; i < 50; ++i) text += "The child said the women released round kids and took part. ";
  SpinOptions o;
  o.rate = 0.5;
  o.profile = std::move(FindProfile("phrase")).value();
  o.profile.filter.everyday_only = false;
  const Spinner spinner(*lex_, o);
  std::vector<SpinResult> alone(4), together(4);
  for (int t = 0; t < 4; ++t) {
    Rng rng(static_cast<uint64_t>(t));
    spinner.Spin(text, &rng, &alone[static_cast<size_t>(t)]);
  }
  const Spinner fresh(*lex_, o);  // its memo starts empty, filled by all threads at once
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      Rng rng(static_cast<uint64_t>(t));
      fresh.Spin(text, &rng, &together[static_cast<size_t>(t)]);
    });
  }
  for (auto& th : threads) th.join();
  for (int t = 0; t < 4; ++t) EXPECT_EQ(alone[static_cast<size_t>(t)].text, together[static_cast<size_t>(t)].text);
}

TEST_F(SpinnerTest, HandlesEmptyAndPunctuationOnlyText) {
  EXPECT_EQ(Spin("", 1.0).text, "");
  EXPECT_EQ(Spin("  ...!!  ", 1.0).text, "  ...!!  ");
}

}  // namespace
}  // namespace unspin
