// Decoder tests over the default model (test.sh builds it first).
#include "decoder/decoder.h"

#include <gtest/gtest.h>

#include "decoder/adapt.h"
#include "spin/profile.h"
#include "spin/spinner.h"
#include "util/file_io.h"

namespace unspin {
namespace {

const Model& DefaultModel() {
  static Model* model = [] {
    auto m = Model::Open(UNSPIN_DEFAULT_MODEL);
    if (!m.ok()) {
      ADD_FAILURE() << m.status().message() << " (run: unspin model build)";
      std::abort();
    }
    return m->release();
  }();
  return *model;
}

DecodeResult DecodeWithDefaultModel(const std::string& text) {
  Decoder decoder(DefaultModel());
  DecodeResult r;
  decoder.Decode(text, &r);
  return r;
}

// The real specimen of ../shared/DESIGN.md: the originals of the clearest
// swaps come back, in place, with the text's casing.
TEST(Decoder, RestoresSpunNews) {
  const std::string spun =
      "The talks were held in Cairo, in accordance with the Related Press information company. "
      "The most recent spherical of talks left principally ladies and youngsters without meals to outlive.";
  const DecodeResult r = DecodeWithDefaultModel(spun);
  EXPECT_TRUE(r.spun);
  EXPECT_GT(r.probability, 0.9);
  for (const char* restored : {"the Associated Press", "recent round of talks", "women and children", "to survive"}) {
    EXPECT_NE(r.restored.find(restored), std::string::npos) << restored << " not in: " << r.restored;
  }
  // Every span names the bytes it replaces.
  for (const RestoredSpan& s : r.spans) {
    ASSERT_LE(s.end, spun.size());
    EXPECT_EQ(spun.substr(s.begin, s.end - s.begin), s.text);
    EXPECT_NE(s.original, s.text);
    EXPECT_GT(s.confidence, 0.0);
    EXPECT_LE(s.confidence, 1.0);
    EXPECT_LE(s.original_confidence, s.confidence + 1e-9);
  }
}

TEST(Decoder, LeavesCleanTextByteIdentical) {
  auto text = ReadFileToString(std::string(UNSPIN_DATA_DIR) + "/../examples/news.txt");
  ASSERT_TRUE(text.ok());
  Decoder decoder(DefaultModel());
  DecodeResult r;
  decoder.Decode(*text, &r);
  EXPECT_FALSE(r.spun);
  EXPECT_LT(r.probability, 0.5);
  EXPECT_TRUE(r.spans.empty());
  EXPECT_EQ(r.restored, *text);
  EXPECT_GT(r.words, 100u);
}

TEST(Decoder, KeepsCasingAndPossessives) {
  // A swapped word at a sentence start keeps its capital; a possessive
  // ending is carried over to the original.
  const std::string spun =
      "Spherical of talks ended. He said the functionaries' report was wrong and the metropolis's "
      "budget was late.";
  Decoder decoder(DefaultModel());
  DecodeResult r;
  decoder.Decode(spun, &r);
  EXPECT_EQ(r.restored.rfind("Round of talks", 0), 0u) << r.restored;
  bool possessive_seen = false;
  for (const RestoredSpan& s : r.spans) {
    if (s.text.ends_with("'s")) {
      possessive_seen = true;
      EXPECT_TRUE(s.original.ends_with("'s")) << s.text << " -> " << s.original;
    }
  }
  EXPECT_TRUE(possessive_seen) << r.restored;
}

// A spinner's digit for a number word ("two" -> "2") comes back where
// edited prose would spell it out, and stays where prose writes digits;
// abbreviations the LM does not know are never "restored".
TEST(Decoder, DigitsAndAbbreviations) {
  const std::string spun =
      "The most recent spherical of talks left principally ladies and youngsters without meals to outlive. "
      "The council said 2 new parks will be built. It will cost 2 million dollars and open at 2 p.m. on May 2.\n"
      "3 children were hurt.";
  const DecodeResult r = DecodeWithDefaultModel(spun);
  ASSERT_TRUE(r.spun);
  EXPECT_NE(r.restored.find("said two new parks"), std::string::npos) << r.restored;
  EXPECT_NE(r.restored.find("\nThree children"), std::string::npos) << r.restored;
  EXPECT_NE(r.restored.find("cost 2 million dollars and open at 2 p.m. on May 2."), std::string::npos) << r.restored;
}

TEST(Decoder, EmptyAndWordlessText) {
  Decoder decoder(DefaultModel());
  DecodeResult r;
  for (const std::string text : {"", "   \n\n", "... !!! 123 456"}) {
    decoder.Decode(text, &r);
    EXPECT_EQ(r.restored, text);
    EXPECT_TRUE(r.spans.empty());
    EXPECT_FALSE(r.spun);
  }
}

TEST(Decoder, WindowsGiveDocumentOffsets) {
  std::string text;
  for (int i = 0; i < 40; ++i) {
    text += "The most recent spherical of talks left principally ladies and youngsters without meals to outlive.\n";
  }
  Decoder decoder(DefaultModel());
  DecodeResult whole, windowed;
  decoder.Decode(text, &whole);
  decoder.DecodeDocument(text, &windowed, 500);  // about five lines a window
  EXPECT_EQ(windowed.restored, whole.restored);
  ASSERT_EQ(windowed.spans.size(), whole.spans.size());
  for (size_t i = 0; i < whole.spans.size(); ++i) {
    EXPECT_EQ(windowed.spans[i].begin, whole.spans[i].begin);
    EXPECT_EQ(windowed.spans[i].original, whole.spans[i].original);
  }
  EXPECT_EQ(windowed.words, whole.words);
}

TEST(Decoder, DecodingIsDeterministic) {
  const std::string spun = "The most recent spherical of talks left principally ladies and youngsters.";
  Decoder a(DefaultModel()), b(DefaultModel());
  DecodeResult ra, rb;
  a.Decode(spun, &ra);
  a.Decode(spun, &ra);  // warm caches give the same answer as cold ones
  b.Decode(spun, &rb);
  EXPECT_EQ(ra.restored, rb.restored);
  EXPECT_DOUBLE_EQ(ra.probability, rb.probability);
}

// EM on a bag of one spinner's output moves the swap rate towards the
// spinner's and learns its pairs; the adapted channel still decodes.
TEST(Decoder, AdaptationLearnsRateAndPairs) {
  auto text = ReadFileToString(std::string(UNSPIN_DATA_DIR) + "/../examples/news.txt");
  ASSERT_TRUE(text.ok());
  SpinOptions so;
  so.rate = 0.5;
  so.profile = *FindProfile("phrase");
  Spinner spinner(DefaultModel().lexicon(), so);
  std::vector<std::string> bag;
  for (uint64_t seed = 1; seed <= 6; ++seed) {
    Rng rng(seed);
    SpinResult r;
    spinner.Spin(*text, &rng, &r);
    bag.push_back(r.text);
  }
  AdaptOptions options;
  options.iterations = 2;
  AdaptReport report;
  ChannelParams adapted = AdaptChannel(DefaultModel(), bag, options, "test bag", &report);
  ASSERT_EQ(report.rates.size(), 2u);
  EXPECT_GT(adapted.swap_rate, DefaultModel().channel().swap_rate);
  EXPECT_GT(report.pairs, 10u);
  EXPECT_EQ(adapted.adapted_on, "test bag");
  Decoder decoder(DefaultModel());
  decoder.set_channel(adapted);
  DecodeResult r;
  decoder.Decode(bag[0], &r);
  EXPECT_TRUE(r.spun);
  EXPECT_FALSE(r.spans.empty());
}

}  // namespace
}  // namespace unspin
