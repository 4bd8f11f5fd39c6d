// Document scores for tortured phrases: listed phrases counted per 1,000
// words (ListedPhraseEvidence), and quoted mentions, which are marked but
// neither restored nor held against the document.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "decoder/decoder.h"
#include "lexicon/learned_pairs.h"
#include "test_util.h"

namespace unspin {
namespace {

// About 5,700 words of clean nineteenth-century prose: the test excerpts,
// twice, as paragraphs.
std::vector<std::string> CleanPaperParagraphs() {
  std::ifstream in(std::string(UNSPIN_TEST_DATA) + "/sotu_excerpts.jsonl");
  std::vector<std::string> paragraphs;
  for (std::string line; std::getline(in, line);) paragraphs.push_back(nlohmann::json::parse(line)["text"]);
  const size_t n = paragraphs.size();
  for (size_t k = 0; k < n; ++k) paragraphs.push_back(paragraphs[k]);
  return paragraphs;
}

// The paper with `sentences` appended to paragraphs spread through it.
std::string Paper(const std::vector<std::string>& sentences) {
  std::vector<std::string> paragraphs = CleanPaperParagraphs();
  for (size_t k = 0; k < sentences.size(); ++k) {
    paragraphs[(k + 1) * paragraphs.size() / (sentences.size() + 1)] += " " + sentences[k];
  }
  std::string text;
  for (const std::string& p : paragraphs) text += (text.empty() ? "" : "\n\n") + p;
  return text;
}

const std::vector<std::string> kTortured = {"counterfeit consciousness", "bosom peril", "irregular woodland",
                                            "flag to commotion"};

std::vector<std::string> InSentences(const std::vector<std::string>& phrases, bool quoted) {
  std::vector<std::string> out;
  for (const std::string& p : phrases) {
    out.push_back("The committee also discussed the " + (quoted ? "\"" + p + "\"" : p) + " at length.");
  }
  return out;
}

TEST(ListedPhraseEvidence, CountsPhrasesPerWordsAndNeverLowersAScore) {
  EXPECT_EQ(ListedPhraseEvidence(0, 0, 6000), 0);
  EXPECT_EQ(ListedPhraseEvidence(0, 0, 100), 0);
  // One phrase alone is not enough, in a paper or in a paragraph.
  EXPECT_EQ(ListedPhraseEvidence(1, 0, 6000), 0);
  EXPECT_EQ(ListedPhraseEvidence(1, 0, 200), 0);
  // Four in 6,000 words are.
  EXPECT_GT(ListedPhraseEvidence(4, 0, 6000), 5);
  // More phrases, more evidence; the same phrases in more words, less.
  EXPECT_GT(ListedPhraseEvidence(5, 0, 6000), ListedPhraseEvidence(4, 0, 6000));
  EXPECT_LT(ListedPhraseEvidence(4, 0, 9000), ListedPhraseEvidence(4, 0, 6000));
  // A phrase only its term vouches for is weaker evidence than a listed one.
  EXPECT_LT(ListedPhraseEvidence(5, 2, 6000), ListedPhraseEvidence(5, 0, 6000));
  EXPECT_GT(ListedPhraseEvidence(5, 2, 6000), ListedPhraseEvidence(3, 0, 6000));
}

TEST(LearnedPairs, ListsOnlyWhatPhraseListsShowed) {
  LearnedPairs t;
  t.Add("tortured-phrases", "random forest", "irregular woodland", 2, LearnedKind::kPhrase);
  t.Add("tortured-phrases", "forest", "woodland", 3, LearnedKind::kWord);
  t.Add("autoblog-common", "forest", "woodland", 5, LearnedKind::kSwap);
  t.Add("autoblog-common", "software", "software program", 4, LearnedKind::kSwap);
  EXPECT_EQ(t.Count("forest", "woodland"), 8u);
  EXPECT_EQ(t.ListedCount("forest", "woodland"), 3u);
  EXPECT_EQ(t.ListedCount("random forest", "irregular woodland"), 2u);
  EXPECT_EQ(t.ListedCount("software", "software program"), 0u);
  EXPECT_TRUE(t.IsListedPhrase("irregular woodland"));
  EXPECT_FALSE(t.IsListedPhrase("woodland"));          // a word pair, not a phrase
  EXPECT_FALSE(t.IsListedPhrase("software program"));  // a document spinner's swap
  // Running text is read word by word: a run is extended only while some
  // listed phrase starts with it.
  t.Add("tortured-phrases", "signal to noise", "flag to commotion", 1, LearnedKind::kPhrase);
  EXPECT_EQ(t.ListedRun("irregular"), LearnedPairs::kListedPrefix);
  EXPECT_EQ(t.ListedRun("irregular woodland"), LearnedPairs::kListedPhrase);
  EXPECT_EQ(t.ListedRun("flag to"), LearnedPairs::kListedPrefix);
  EXPECT_EQ(t.ListedRun("flag to commotion"), LearnedPairs::kListedPhrase);
  EXPECT_EQ(t.ListedRun("woodland"), 0);
  EXPECT_EQ(t.ListedRun("software"), 0);
  EXPECT_EQ(t.ListedRun("flag"), LearnedPairs::kListedPrefix);
  EXPECT_EQ(t.ListedRun("flag commotion"), 0);
  EXPECT_TRUE(t.IsListedTerm("random forest"));
  EXPECT_FALSE(t.IsListedTerm("forest"));
  EXPECT_FALSE(t.IsListedTerm("software"));
  // Kept through a round trip and a merge.
  auto parsed = LearnedPairs::Parse(t.Serialize({}), "t.tsv");
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  EXPECT_EQ(parsed->ListedCount("forest", "woodland"), 3u);
  LearnedPairs merged;
  merged.Merge(*parsed);
  EXPECT_TRUE(merged.IsListedPhrase("irregular woodland"));
}

TEST(Decoder, FlagsALongPaperByItsListedPhrasesPerThousandWords) {
  const Model& model = testing::DefaultModel();
  ASSERT_NE(model.learned(), nullptr);
  Decoder decoder(model);
  DecodeResult clean, tortured;
  decoder.Decode(Paper({}), &clean);
  decoder.Decode(Paper(InSentences(kTortured, false)), &tortured);
  ASSERT_GT(clean.words, 5000u);
  EXPECT_EQ(clean.listed_phrases, 0u);
  EXPECT_FALSE(clean.spun) << clean.probability;
  EXPECT_EQ(tortured.listed_phrases, 4u);
  EXPECT_NEAR(tortured.ListedPhrasesPer1000Words(), 4000.0 / static_cast<double>(tortured.words), 1e-9);
  EXPECT_TRUE(tortured.spun) << tortured.probability;
  // The phrases are flagged and restored, and the clean text's own spans
  // are gated as they were without them (at most one more a sentence
  // added).
  for (const std::string& p : kTortured) EXPECT_EQ(tortured.restored.find(p), std::string::npos) << p;
  EXPECT_NE(tortured.restored.find("artificial intelligence"), std::string::npos);
  size_t unlisted = 0;
  for (const RestoredSpan& span : tortured.spans) unlisted += span.listed_count == 0;
  EXPECT_LE(unlisted, clean.spans.size() + kTortured.size());

  // One listed phrase in a paper is not enough to call it spun.
  DecodeResult one;
  decoder.Decode(Paper(InSentences({kTortured[0]}, false)), &one);
  EXPECT_EQ(one.listed_phrases, 1u);
  EXPECT_FALSE(one.spun) << one.probability;

  // The same phrase twice is one phrase.
  DecodeResult twice;
  decoder.Decode(Paper(InSentences({kTortured[1], kTortured[1]}, false)), &twice);
  EXPECT_EQ(twice.listed_phrases, 1u);
}

TEST(Decoder, CountsANewPhraseThatRestoresToAListedTerm) {
  const Model& model = testing::DefaultModel();
  ASSERT_TRUE(model.learned()->IsListedTerm("artificial intelligence"));
  ASSERT_FALSE(model.learned()->IsListedPhrase("synthetic brainpower"));
  Decoder decoder(model);
  DecodeResult r;
  // Two spans, "synthetic" -> "artificial" and "brainpower" ->
  // "intelligence", read together: one phrase, vouched for by its term.
  decoder.Decode("The synthetic brainpower field grew quickly in recent years.", &r);
  EXPECT_EQ(r.listed_phrases, 1u);
  EXPECT_EQ(r.listed_by_term, 1u);
  // The term as written is no phrase at all.
  decoder.Decode("The artificial intelligence field grew quickly in recent years.", &r);
  EXPECT_EQ(r.listed_phrases, 0u);
}

TEST(Decoder, MarksQuotedMentionsWithoutHoldingThemAgainstTheText) {
  const Model& model = testing::DefaultModel();
  Decoder decoder(model);
  const std::string text = Paper(InSentences(kTortured, true));
  DecodeResult r;
  decoder.Decode(text, &r);
  EXPECT_EQ(r.listed_phrases, 0u);
  EXPECT_FALSE(r.spun) << r.probability;
  size_t quoted = 0;
  for (const RestoredSpan& span : r.spans) {
    if (!span.quoted) continue;
    ++quoted;
    EXPECT_EQ(text[span.begin - 1], '"');
    EXPECT_EQ(text[span.end], '"');
    EXPECT_GT(span.confidence, 0);
  }
  EXPECT_EQ(quoted, kTortured.size());
  // Quoted mentions stay as written in the restoration.
  for (const std::string& p : kTortured) EXPECT_NE(r.restored.find("\"" + p + "\""), std::string::npos) << p;
  // Spans are in text order, quoted ones among the others.
  for (size_t k = 1; k < r.spans.size(); ++k) EXPECT_LE(r.spans[k - 1].end, r.spans[k].begin);

  // Curly quotation marks too; a long quotation is speech, not a mention.
  DecodeResult curly;
  decoder.Decode("Critics of the paper pointed to \u201cbosom peril\u201d in its abstract.", &curly);
  ASSERT_FALSE(curly.spans.empty());
  EXPECT_TRUE(curly.spans[0].quoted);
  // A quoted phrase no list knows is the writer's own: not marked.
  DecodeResult own;
  decoder.Decode("He said he had asked for 3's, but \"I requisitioned 22,000\".", &own);
  for (const RestoredSpan& span : own.spans) EXPECT_FALSE(span.quoted) << span.text;
  DecodeResult speech;
  decoder.Decode(
      "\"We found that the bosom peril rate fell sharply in every region we studied,\" the authors wrote.",
      &speech);
  for (const RestoredSpan& span : speech.spans) EXPECT_FALSE(span.quoted) << span.text;
}

}  // namespace
}  // namespace unspin
