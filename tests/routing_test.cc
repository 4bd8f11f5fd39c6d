// Routing: which learned spinner profile wrote a document (ProfileRouter),
// the plain channel for the others (PlainChannel), and the decoder's use of
// both.
#include <gtest/gtest.h>

#include <cmath>

#include "decoder/decoder.h"
#include "decoder/learn.h"
#include "decoder/profile_router.h"
#include "eval/metrics.h"
#include "lexicon/learned_pairs.h"
#include "test_util.h"

namespace unspin {
namespace {

// A spinner that writes "mentioned" for "said" nine times in ten and "folks"
// for "people", beside a phrase list.
LearnedPairs AutoblogTable() {
  LearnedPairs t;
  t.Add("autoblog-common", "say", "mention", 9, LearnedKind::kSwap);
  t.Add("autoblog-common", "people", "folks", 8, LearnedKind::kSwap);
  t.Add("autoblog-common", "software", "software program", 6, LearnedKind::kSwap);
  t.Add("autoblog-common", "health", "well being", 5, LearnedKind::kSwap);
  t.AddRate("autoblog-common", "say", 10, 9);
  t.AddRate("autoblog-common", "people", 10, 8);
  t.AddRate("autoblog-common", "software", 6, 6);
  t.AddRate("autoblog-common", "health", 5, 5);
  t.Add("autoblog-common", "river", "banana", 2, LearnedKind::kSwap);
  t.Add("autoblog-common", "good", "well", 2, LearnedKind::kSwap);
  t.AddRate("autoblog-common", "the", 200, 0);
  t.Add("tortured-phrases", "random forest", "irregular woodland", 1, LearnedKind::kPhrase);
  t.Add("tortured-phrases", "forest", "woodland", 1, LearnedKind::kWord);
  return t;
}

TEST(ProfileRouter, RoutesOnlyProfilesWithRatesAndFindsTheSpinner) {
  const Model& model = testing::DefaultModel();
  const LearnedPairs t = AutoblogTable();
  EXPECT_EQ(RoutedProfiles(t), std::vector<std::string>{"autoblog-common"});
  ProfileRouter router(t, model.lexicon(), model.lm(), model.channel().swap_rate);
  ASSERT_FALSE(router.empty());
  EXPECT_EQ(router.profiles(), std::vector<std::string>{"autoblog-common"});
  // The spinner's substitutes speak for it; its originals, left standing,
  // against it; a word it never touches says nothing.
  EXPECT_GT(router.Evidence("autoblog-common", "mentioned"), 0.5);
  EXPECT_GT(router.Evidence("autoblog-common", "software program"), 0.5);
  EXPECT_LT(router.Evidence("autoblog-common", "said"), 0.0);
  EXPECT_EQ(router.Evidence("autoblog-common", "woodland"), 0.0);
  EXPECT_EQ(router.Evidence("tortured-phrases", "woodland"), 0.0);
  for (const char* phrase : {"mentioned", "folks", "said", "people"}) {
    EXPECT_GE(router.Evidence("autoblog-common", phrase), ProfileRouter::kMinEvidence) << phrase;
    EXPECT_LE(router.Evidence("autoblog-common", phrase), ProfileRouter::kMaxEvidence) << phrase;
  }

  const ProfileGuess spun = router.Guess(
      "Officials mentioned the software program helps folks, and folks mentioned their well being improved. "
      "The firm mentioned more software program is coming.");
  EXPECT_EQ(spun.profile, "autoblog-common");
  EXPECT_GE(spun.probability, kRouteThreshold);
  EXPECT_GE(spun.matches, 6u);
  const ProfileGuess clean = router.Guess(
      "Officials said the software helps people, and people said their health improved. The firm said more "
      "software is coming.");
  EXPECT_LT(clean.probability, 0.05);
  const ProfileGuess nothing = router.Guess("A river runs through the valley below the hills.");
  EXPECT_NEAR(nothing.probability, ProfileRouter::kPrior, 1e-9);
  EXPECT_EQ(nothing.matches, 0u);
}

TEST(PlainChannel, RulesOutTheRoutedProfilesOwnPairsAndKeepsPhraseLists) {
  const Model& model = testing::DefaultModel();
  const LearnedPairs t = AutoblogTable();
  const ChannelParams learned = LearnedChannel(WithoutLearned(model.channel()), t, model.lexicon(), model.lm());
  const ChannelParams plain = PlainChannel(learned, t, model.lexicon(), model.lm());
  // A routed pair that no thesaurus has is ruled out, in every form...
  ASSERT_TRUE(plain.pair_log_q.contains("river\tbanana"));
  EXPECT_LE(plain.pair_log_q.at("river\tbanana"), kExcludedLogQ);
  ASSERT_TRUE(plain.pair_log_q.contains("river\tbananas"));
  EXPECT_LE(plain.pair_log_q.at("river\tbananas"), kExcludedLogQ);
  // ...one the thesauri offer too keeps their q ("well" for "good" is in
  // every thesaurus)...
  EXPECT_FALSE(plain.pair_log_q.contains("good\twell"));
  // ...its swap rates are not used, nor its peaked q for other words...
  EXPECT_TRUE(plain.keep_log.empty());
  EXPECT_FALSE(plain.pair_log_q.contains("say\t*"));
  // ...and the phrase list's phrases stay, peaked, with the learned source.
  EXPECT_TRUE(plain.filter.sources & MaskOf(Source::kLearned));
  ASSERT_TRUE(plain.pair_log_q.contains("random forest\tirregular woodland"));
  EXPECT_GT(plain.pair_log_q.at("random forest\tirregular woodland"), -1.0f);
  // Word for word, the list's pairs take the thesaurus's q.
  EXPECT_FALSE(plain.pair_log_q.contains("forest\twoodland"));
  EXPECT_FALSE(plain.pair_log_q.contains("forest\t*"));
  // The fields that are no pairs are the channel's.
  EXPECT_EQ(plain.swap_rate, learned.swap_rate);
  EXPECT_EQ(plain.calibration.bias, learned.calibration.bias);
}

// With the default model (its learned table has the common autoblog
// spinner), a page that spinner wrote is decoded with its pairs, and clean
// prose is not.
TEST(Decoder, RoutesAutoblogTextAndLeavesCleanProseAlone) {
  const Model& model = testing::DefaultModel();
  ASSERT_NE(model.router(), nullptr);
  ASSERT_NE(model.plain_channel(), nullptr);
  Decoder decoder(model);
  DecodeResult spun;
  decoder.Decode(
      "The corporate mentioned on Tuesday that its new software program will assist folks monitor their well "
      "being, and specialists count on the launch to spice up gross sales throughout the nation. Officers "
      "mentioned the know-how is utilized by hundreds of individuals.",
      &spun);
  EXPECT_EQ(spun.profile, "autoblog-common");
  EXPECT_TRUE(spun.routed);
  EXPECT_TRUE(spun.spun);
  EXPECT_NE(spun.restored.find("software will"), std::string::npos) << spun.restored;
  EXPECT_NE(spun.restored.find("said"), std::string::npos) << spun.restored;
  // The spans a learned pair explains carry its evidence.
  bool mentioned = false;
  for (const RestoredSpan& span : spun.spans) {
    if (span.text != "mentioned") continue;
    mentioned = true;
    EXPECT_GT(span.learned_count, 0u);
  }
  EXPECT_TRUE(mentioned);

  // (Formal prose full of the spinner's favourite substitutes, "however",
  // "within", "had been", can be routed: they are its evidence.)
  const std::string clean =
      "The city council said on Monday that it would repair the bridge before winter. Residents have asked for "
      "the work for years, and the mayor said the money was in the budget.";
  DecodeResult plain;
  decoder.Decode(clean, &plain);
  EXPECT_FALSE(plain.routed);
  EXPECT_LT(plain.profile_probability, kRouteThreshold);
  EXPECT_EQ(plain.restored, clean);
  EXPECT_FALSE(plain.spun);
  // The scores each was given are those of its channel.
  EXPECT_NEAR(spun.probability, 1 / (1 + std::exp(-spun.log_odds)), 1e-12);
  EXPECT_NE(&decoder.ScoringChannel(plain), &decoder.ScoringChannel(spun));
  if (model.channel().has_routed_scores) {
    EXPECT_EQ(decoder.ScoringChannel(spun).calibration.bias, model.channel().routed_calibration.bias);
  }
  EXPECT_EQ(decoder.ScoringChannel(plain).calibration.bias, model.channel().calibration.bias);
  EXPECT_NEAR(plain.log_odds, plain.LogOdds(model.channel().calibration), 1e-9);

  // A channel with a source left out (as eval's decoder lexicons) keeps
  // it out on the plain path too.
  ChannelParams without_mythes = model.channel();
  without_mythes.filter.sources = static_cast<SourceMask>(without_mythes.filter.sources & ~MaskOf(Source::kMythes));
  decoder.set_channel(without_mythes);
  DecodeResult narrowed;
  decoder.Decode(clean, &narrowed);
  EXPECT_FALSE(narrowed.routed);
  EXPECT_EQ(decoder.ScoringChannel(narrowed).filter.sources, without_mythes.filter.sources);
  decoder.set_channel(model.channel());

  // Routing off: every document decoded with the learned pairs.
  decoder.set_routing(false);
  DecodeResult forced;
  decoder.Decode(clean, &forced);
  EXPECT_FALSE(forced.routed);
  EXPECT_TRUE(forced.profile.empty());
}

TEST(FitLogistic, AWeightCountsARowThatManyTimes) {
  std::vector<std::vector<double>> x = {{0.0}, {0.2}, {0.4}, {0.6}, {0.8}, {1.0}, {0.3}, {0.7}};
  std::vector<int> y = {0, 0, 1, 0, 1, 1, 1, 0};
  std::vector<std::vector<double>> repeated = x;
  std::vector<int> repeated_y = y;
  std::vector<double> weights(x.size(), 1.0);
  // Row 2 three times over, row 7 twice.
  for (int k = 0; k < 2; ++k) repeated.push_back(x[2]), repeated_y.push_back(y[2]);
  repeated.push_back(x[7]);
  repeated_y.push_back(y[7]);
  weights[2] = 3;
  weights[7] = 2;
  const std::vector<double> a = FitLogistic(repeated, repeated_y, 1e-3);
  const std::vector<double> b = FitLogistic(x, y, 1e-3, &weights);
  ASSERT_EQ(a.size(), b.size());
  for (size_t i = 0; i < a.size(); ++i) EXPECT_NEAR(a[i], b[i], 1e-3) << i;
  EXPECT_GT(std::abs(a[1] - FitLogistic(x, y, 1e-3)[1]), 1e-3);  // the weights do something
}

}  // namespace
}  // namespace unspin
