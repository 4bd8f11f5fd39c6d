// Decoder tests over the default model (test.sh builds it first).
#include "decoder/decoder.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "decoder/adapt.h"
#include "spin/profile.h"
#include "spin/spinner.h"
#include "util/file_io.h"
#include "util/string_index.h"
#include "util/strings.h"
#include "test_util.h"

namespace unspin {
namespace {

using testing::DefaultModel;

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

// Tortured phrases of spun science papers: two words swapped together,
// which only the rewrite table pairs, come back as the term.
TEST(Decoder, RestoresTorturedPhrases) {
  const std::string spun =
      "In recent years, counterfeit consciousness and profound learning have changed how researchers study "
      "bosom peril. The neural organization outperforms the choice tree, with a higher flag to commotion ratio "
      "and fewer bogus positive cases.";
  const DecodeResult r = DecodeWithDefaultModel(spun);
  EXPECT_TRUE(r.spun);
  for (const char* restored : {"artificial intelligence and deep learning", "study breast cancer",
                               "The neural network outperforms the decision tree", "signal to noise ratio",
                               "false positive cases"}) {
    EXPECT_NE(r.restored.find(restored), std::string::npos) << restored << " not in: " << r.restored;
  }
  // The same terms written plainly stay as they are.
  const std::string clean =
      "In recent years, artificial intelligence and deep learning have changed how researchers study breast "
      "cancer. The neural network outperforms the decision tree.";
  const DecodeResult c = DecodeWithDefaultModel(clean);
  EXPECT_EQ(c.restored, clean);
}

TEST(Decoder, BestOriginalsGivenTheSpans) {
  // Told where the swaps are, the decoder names each one's likeliest
  // original in context, cased like the span, possessive ending kept.
  const std::string text =
      "Reporters of the Related Press's office said it. Counterfeit consciousness is here; the flag to "
      "commotion ratio fell.";
  auto range = [&](std::string_view part) {
    const size_t at = text.find(part);
    return std::pair<uint64_t, uint64_t>(at, at + part.size());
  };
  const std::vector<std::pair<uint64_t, uint64_t>> ranges = {
      range("Related"), range("Press's"), range("Counterfeit consciousness"), range("flag to commotion"),
      range("; "),            // no word
      range("Reporters of"),  // words, but no phrase with candidates
  };
  Decoder decoder(DefaultModel());
  std::vector<std::string> best;
  decoder.BestOriginals(text, ranges, &best);
  ASSERT_EQ(best.size(), ranges.size());
  EXPECT_EQ(best[0], "Associated");
  // Told that "Press's" was swapped, it names some other word, keeping the
  // possessive ending.
  EXPECT_TRUE(best[1].ends_with("'s") && best[1] != "Press's") << best[1];
  EXPECT_EQ(best[2], "Artificial intelligence");
  EXPECT_EQ(best[3], "signal to noise");
  EXPECT_EQ(best[4], "");
  EXPECT_EQ(best[5], "");
}

TEST(Decoder, LeavesCleanTextByteIdentical) {
  const std::string text = testing::NewsText();
  Decoder decoder(DefaultModel());
  DecodeResult r;
  decoder.Decode(text, &r);
  EXPECT_FALSE(r.spun);
  EXPECT_LT(r.probability, 0.5);
  EXPECT_TRUE(r.spans.empty());
  EXPECT_EQ(r.restored, text);
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

// set_flag_threshold reports as a decoder made with that threshold does,
// and only changes what is reported.
TEST(Decoder, FlagThresholdChangesOnlyTheReport) {
  const std::string spun = "The most recent spherical of talks left principally ladies and youngsters.";
  for (double threshold : {0.0, 0.9, 1.0}) {
    Decoder cheap(DefaultModel()), remade(DefaultModel());
    DecodeResult before, flagged, expected, after;
    cheap.Decode(spun, &before);
    cheap.set_flag_threshold(threshold);
    cheap.Decode(spun, &flagged);
    ChannelParams channel = DefaultModel().channel();
    channel.flag_threshold = threshold;
    remade.set_channel(channel);
    remade.Decode(spun, &expected);
    EXPECT_EQ(flagged.restored, expected.restored) << threshold;
    ASSERT_EQ(flagged.spans.size(), expected.spans.size()) << threshold;
    EXPECT_DOUBLE_EQ(flagged.probability, before.probability);
    EXPECT_EQ(cheap.channel().flag_threshold, threshold);
    if (threshold == 0.0) {
      EXPECT_GE(flagged.spans.size(), before.spans.size());
      EXPECT_FALSE(flagged.spans.empty());
    }
    if (threshold == 1.0) {
      EXPECT_TRUE(flagged.spans.empty());
    }
    cheap.set_flag_threshold(DefaultModel().channel().flag_threshold);
    cheap.Decode(spun, &after);
    EXPECT_EQ(after.restored, before.restored);
    EXPECT_EQ(after.spans.size(), before.spans.size());
  }
}

// EM on a bag of one spinner's output moves the swap rate towards the
// spinner's and learns its pairs; the adapted channel still decodes.
// The screen passes on what the decoder calls spun, at every rate the
// phrase spinner is run at here, and clears the clean original; read in
// small windows it sums the same figures as read whole.
TEST(Screen, PassesSpunTextAndClearsTheOriginal) {
  const std::string text = testing::NewsText();
  Decoder decoder(DefaultModel());
  ScreenResult clean;
  decoder.Screen(text, &clean);
  EXPECT_FALSE(clean.pass) << clean.score;
  EXPECT_GT(clean.words, 100u);
  EXPECT_GT(clean.runs_seen, clean.runs_tested);
  SpinOptions so;
  so.profile = *FindProfile("phrase");
  for (double rate : {0.1, 0.2, 0.3}) {
    so.rate = rate;
    Spinner spinner(DefaultModel().lexicon(), so);
    Rng rng(7);
    SpinResult spun;
    spinner.Spin(text, &rng, &spun);
    DecodeResult decoded;
    decoder.DecodeDocument(spun.text, &decoded);
    ScreenResult s;
    decoder.Screen(spun.text, &s);
    EXPECT_GT(s.score, clean.score) << rate;
    EXPECT_TRUE(decoded.spun) << rate;
    EXPECT_TRUE(s.pass) << rate << ": score " << s.score;
    ScreenResult windows;
    decoder.ScreenDocument(spun.text, &windows, 300);
    EXPECT_EQ(windows.words, s.words);
    EXPECT_NEAR(windows.gain, s.gain, 0.25 * s.gain + 1.0);  // runs at window edges lose their right context
  }
}

// A long document is read one sentence in two, and its gain per word from
// those: spun, it still passes; clean, it is still cleared.
TEST(Screen, SamplesLongDocuments) {
  const std::string text = testing::NewsText();
  std::string clean;
  while (clean.size() <= ScreenOptions().sample_above_bytes) clean += text + "\n\n";
  SpinOptions so;
  so.profile = *FindProfile("phrase");
  so.rate = 0.2;
  Spinner spinner(DefaultModel().lexicon(), so);
  Rng rng(3);
  SpinResult spun;
  spinner.Spin(clean, &rng, &spun);
  Decoder decoder(DefaultModel());
  ScreenResult c, s;
  decoder.Screen(clean, &c);
  decoder.Screen(spun.text, &s);
  EXPECT_FALSE(c.pass) << c.score;
  EXPECT_TRUE(s.pass) << s.score;
  EXPECT_GT(s.screened_words, s.words / 3);
  EXPECT_LT(s.screened_words, 2 * s.words / 3);
  // Unsampled, every word is read.
  ScreenOptions all;
  all.sample_above_bytes = 0;
  decoder.set_screen_options(all);
  decoder.Screen(spun.text, &s);
  EXPECT_EQ(s.screened_words, s.words);
  EXPECT_TRUE(s.pass);
}

TEST(Decoder, AdaptationLearnsRateAndPairs) {
  const std::string text = testing::NewsText();
  SpinOptions so;
  so.rate = 0.5;
  so.profile = *FindProfile("phrase");
  Spinner spinner(DefaultModel().lexicon(), so);
  std::vector<std::string> bag;
  for (uint64_t seed = 1; seed <= 6; ++seed) {
    Rng rng(seed);
    SpinResult r;
    spinner.Spin(text, &rng, &r);
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

namespace unspin {
namespace {

// The default model carries a candidate table compiled for its own channel.
TEST(CandidateTable, DefaultModelHasOneForItsChannel) {
  const CandidateTable* table = DefaultModel().candidate_table();
  ASSERT_NE(table, nullptr) << "model build compiles candidates.bin";
  EXPECT_EQ(table->fingerprint(), CandidateFingerprint(DefaultModel().channel()));
  EXPECT_GT(table->keys(), 100000u);
}

// Compiled lists are exactly what the builder works out, entry for entry,
// and a multi-word phrase's leading words are a key too.
TEST(CandidateTable, ListsEqualTheBuilders) {
  const Model& model = DefaultModel();
  const CandidateTable* table = model.candidate_table();
  ASSERT_NE(table, nullptr);
  CandidateBuilder builder(model.lexicon(), model.lm(), model.channel());
  size_t compared = 0;
  for (const std::string key : {"related press", "information company", "spherical", "principally", "ladies",
                                "youngsters", "took part", "a minimum of", "counterfeit", "consciousness",
                                "outlive", "meals", "most recent", "in accordance with", "running", "houses"}) {
    std::vector<Candidate> built, compiled;
    builder.Build(key, Split(key, ' '), &built);
    const uint32_t k = table->FindKey(key);
    if (k != CandidateTable::kNone) table->AppendList(k, &compiled);
    ASSERT_EQ(built.size(), compiled.size()) << key;
    for (size_t c = 0; c < built.size(); ++c) {
      EXPECT_EQ(built[c].text, compiled[c].text) << key;
      EXPECT_TRUE(std::equal(built[c].lm.begin(), built[c].lm.end(), compiled[c].lm.begin(), compiled[c].lm.end()));
      EXPECT_EQ(built[c].original, compiled[c].original);
      EXPECT_EQ(built[c].log_q, compiled[c].log_q);
      EXPECT_EQ(built[c].weight, compiled[c].weight);
      EXPECT_EQ(built[c].unigram, compiled[c].unigram);
      EXPECT_EQ(built[c].observed_unigram, compiled[c].observed_unigram);
    }
    compared += built.size();
    if (!built.empty() && key.find(' ') != std::string::npos) {
      const uint32_t first_word = table->FindKey(key.substr(0, key.find(' ')));
      ASSERT_NE(first_word, CandidateTable::kNone) << key;
      EXPECT_TRUE(table->Extends(first_word)) << key;
    }
  }
  EXPECT_GT(compared, 50u);
}

// Decoding with the table and without it (the builder) is identical.
TEST(CandidateTable, DecodingIsTheSameWithoutIt) {
  auto bare = Model::Open(UNSPIN_DEFAULT_MODEL);
  ASSERT_TRUE(bare.ok());
  (*bare)->set_candidate_table(nullptr);
  SpinOptions so;
  so.rate = 0.3;
  so.profile = *FindProfile("mythes");
  Spinner spinner(DefaultModel().lexicon(), so);
  Rng rng(7);
  std::string text;
  for (const std::string& line : Split(ReadFileToString(std::string(UNSPIN_TEST_DATA) + "/eval_small.jsonl").value(), '\n')) {
    if (!line.empty()) text += nlohmann::json::parse(line)["text"].get<std::string>() + "\n";
  }
  SpinResult spun;
  spinner.Spin(text, &rng, &spun);
  Decoder with_table(DefaultModel()), without(**bare);
  DecodeResult a, b;
  with_table.Decode(spun.text, &a);
  without.Decode(spun.text, &b);
  EXPECT_EQ(a.restored, b.restored);
  ASSERT_EQ(a.spans.size(), b.spans.size());
  EXPECT_GT(a.spans.size(), 10u);
  for (size_t i = 0; i < a.spans.size(); ++i) {
    EXPECT_EQ(a.spans[i].original, b.spans[i].original);
    EXPECT_EQ(a.spans[i].confidence, b.spans[i].confidence);
  }
  EXPECT_EQ(a.probability, b.probability);
  // Another channel (an adapted one, say) ignores the table and still works.
  ChannelParams other = DefaultModel().channel();
  other.max_candidates = 16;
  ASSERT_NE(CandidateFingerprint(other), CandidateFingerprint(DefaultModel().channel()));
  with_table.set_channel(other);
  without.set_channel(other);
  with_table.Decode(spun.text, &a);
  without.Decode(spun.text, &b);
  EXPECT_EQ(a.restored, b.restored);
}

TEST(CandidateTable, FingerprintCoversListFieldsOnly) {
  const ChannelParams base = DefaultModel().channel();
  ChannelParams c = base;
  c.calibration.bias += 1;
  c.span_model.weights[0] += 1;
  c.beam = 3;
  c.swap_rate = 0.3;
  EXPECT_EQ(CandidateFingerprint(c), CandidateFingerprint(base));
  c = base;
  c.filter.sources = MaskOf(Source::kWordNet);
  EXPECT_NE(CandidateFingerprint(c), CandidateFingerprint(base));
  c = base;
  c.pair_log_q["big\tlarge"] = -1;
  EXPECT_NE(CandidateFingerprint(c), CandidateFingerprint(base));
  c = base;
  c.substitute_exponent = 0.5;
  EXPECT_NE(CandidateFingerprint(c), CandidateFingerprint(base));
}

// A table is refused beside files it was not compiled from, and when corrupt.
TEST(CandidateTable, RefusesForeignAndCorruptFiles) {
  const Model& model = DefaultModel();
  const std::string dir = ::testing::TempDir();
  auto write_table = [&](const std::string& name, const nlohmann::json& meta) {
    BinaryFileWriter w("UNSPCAND", CandidateTable::kVersion);
    w.AddSection(SectionTag("META"), meta.dump());
    EXPECT_TRUE(WriteStringIndex({}, {SectionTag("KBLB"), SectionTag("KOFF"), SectionTag("HASH")}, &w).ok());
    w.AddSection(SectionTag("KFLG"), "");
    w.AddArray<uint32_t>(SectionTag("LOFF"), {0});
    w.AddSection(SectionTag("RECS"), "");
    w.AddSection(SectionTag("TBLB"), "");
    w.AddSection(SectionTag("LMID"), "");
    const std::string path = dir + "/" + name;
    EXPECT_TRUE(w.WriteAtomically(path).ok());
    return path;
  };
  const nlohmann::json good = {{"lexicon_checksum", Hex64(model.lexicon().file().info().checksum)},
                               {"lm_checksum", Hex64(model.lm().file().info().checksum)},
                               {"channel_fingerprint", "0"}};
  auto empty = CandidateTable::Open(write_table("empty.bin", good), model.lexicon(), model.lm());
  ASSERT_TRUE(empty.ok()) << empty.status().message();
  EXPECT_EQ(empty->keys(), 0u);
  nlohmann::json foreign = good;
  foreign["lexicon_checksum"] = "0123456789abcdef";
  auto refused = CandidateTable::Open(write_table("foreign.bin", foreign), model.lexicon(), model.lm());
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), StatusCode::kDataLoss);
  EXPECT_NE(refused.status().message().find("another lexicon"), std::string::npos);
  auto no_meta = CandidateTable::Open(write_table("meta.bin", nlohmann::json::array()), model.lexicon(), model.lm());
  EXPECT_EQ(no_meta.status().code(), StatusCode::kDataLoss);
  EXPECT_EQ(CandidateTable::Open(dir + "/none.bin", model.lexicon(), model.lm()).status().code(),
            StatusCode::kNotFound);
}

}  // namespace
}  // namespace unspin
