// The imported CMU model against libsphinxbase's own `ngram_score` on the
// same file (Debian libsphinxbase-dev, linked into this test only).
//
// sphinxbase scores in integer logarithms to base 1.0001 (language weight 1,
// no insertion penalty when read without a config), so its own rounding is
// at most half a unit: 2.2e-5 in log10. The agreement bound is 1e-3.
#include <gtest/gtest.h>

#include <cctype>
#include <cmath>
#include <fstream>
#include <random>
#include <string>
#include <vector>

extern "C" {
#include <sphinxbase/err.h>
#include <sphinxbase/logmath.h>
#include <sphinxbase/ngram_model.h>
}

#include "lm/language_model.h"
#include "lm/lm_builder.h"
#include "lm/sphinx_trie.h"
#include "test_util.h"
#include "util/file_io.h"

namespace unspin {
namespace {

constexpr double kSphinxLog10 = 4.3427276862669e-05;  // log10(1.0001)

// Both models of the same file, loaded once for the suite.
struct Models {
  NgramModel source;
  std::optional<LanguageModel> ours;
  ngram_model_t* sphinx = nullptr;
};

Models& Cmu() {
  static Models* models = [] {
    auto* m = new Models;
    auto source = ReadSphinxTrieFile(kDebianCmuModel);
    if (!source.ok()) {
      ADD_FAILURE() << source.status().message();
      return m;
    }
    m->source = std::move(source).value();
    std::string bytes;
    LmBuildReport report;
    EXPECT_TRUE(BuildLanguageModel(m->source, "{}", &bytes, &report).ok());
    const std::string path = testing::TempPath("oracle.lm");
    EXPECT_TRUE(WriteFileAtomically(path, bytes).ok());
    auto lm = LanguageModel::Open(path);
    std::remove(path.c_str());
    if (!lm.ok()) {
      ADD_FAILURE() << lm.status().message();
      return m;
    }
    m->ours.emplace(std::move(lm).value());
    err_set_logfp(nullptr);  // its INFO lines would bury the test output
    m->sphinx = ngram_model_read(nullptr, kDebianCmuModel, NGRAM_BIN, logmath_init(1.0001, 0, 0));
    EXPECT_NE(m->sphinx, nullptr);
    return m;
  }();
  return *models;
}

// Scores the n-gram `words` (oldest first, the last one predicted) both ways,
// in log10. Ours builds its state by feeding the history from no context,
// as a decoder would.
std::pair<double, double> BothScores(const std::vector<uint32_t>& words) {
  Models& m = Cmu();
  const LanguageModel& lm = *m.ours;
  LmState state = lm.NullContext();
  for (size_t i = 0; i + 1 < words.size(); ++i) lm.Score(state, words[i], &state);
  const double ours = lm.Score(state, words.back(), &state);

  int32_t history[kMaxLmOrder];
  const int32_t n_hist = static_cast<int32_t>(words.size()) - 1;
  for (int32_t i = 0; i < n_hist; ++i) {
    // sphinx wants the history newest first, by its own ids.
    history[i] = ngram_wid(m.sphinx, m.source.vocab[words[words.size() - 2 - i]].c_str());
  }
  int32_t n_used = 0;
  const int32_t wid = ngram_wid(m.sphinx, m.source.vocab[words.back()].c_str());
  const double theirs = ngram_ng_score(m.sphinx, wid, history, n_hist, &n_used) * kSphinxLog10;
  return {ours, theirs};
}

// Word ids of lowercase letter runs (with apostrophes) in the glosses of
// Debian's WordNet nouns: real text the model was not built from.
std::vector<std::vector<uint32_t>> GlossSentences(const LanguageModel& lm, size_t max_sentences) {
  std::vector<std::vector<uint32_t>> sentences;
  std::ifstream in("/usr/share/wordnet/data.noun");
  std::string line;
  while (sentences.size() < max_sentences && std::getline(in, line)) {
    const size_t bar = line.find('|');
    if (line.starts_with("  ") || bar == std::string::npos) continue;
    std::vector<uint32_t> ids;
    std::string word;
    for (size_t i = bar + 1; i <= line.size(); ++i) {
      const char c = i < line.size() ? line[i] : ' ';
      if (std::isalpha(static_cast<unsigned char>(c)) || (c == '\'' && !word.empty())) {
        word += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      } else if (!word.empty()) {
        if (lm.Known(word)) ids.push_back(lm.Vocab(word));
        word.clear();
      }
    }
    if (ids.size() >= 3) sentences.push_back(std::move(ids));
  }
  return sentences;
}

struct Agreement {
  size_t compared = 0;
  double worst = 0;
  std::string worst_ngram;

  void Add(const std::vector<uint32_t>& words) {
    auto [ours, theirs] = BothScores(words);
    ++compared;
    const double gap = std::fabs(ours - theirs);
    if (gap > worst) {
      worst = gap;
      worst_ngram.clear();
      for (uint32_t w : words) worst_ngram += Cmu().source.vocab[w] + " ";
      worst_ngram += "ours " + std::to_string(ours) + " sphinx " + std::to_string(theirs);
    }
  }
};

TEST(SphinxOracle, AgreesWithNgramScoreOnRandomAndRealNgrams) {
  Models& m = Cmu();
  ASSERT_TRUE(m.ours.has_value());
  ASSERT_NE(m.sphinx, nullptr);
  const NgramModel& src = m.source;
  const uint32_t vocab = static_cast<uint32_t>(src.vocab.size());
  std::mt19937_64 rng(20261124);
  auto any_word = [&] { return static_cast<uint32_t>(rng() % vocab); };
  Agreement agree;

  // Stored trigrams and bigrams, each as stored and with the predicted word
  // replaced (a stored context, an unseen continuation: the backoff path).
  for (int n : {2, 3}) {
    const NgramModel::Order& o = src.orders[n - 1];
    for (int i = 0; i < 20000; ++i) {
      const size_t at = rng() % o.size();
      std::vector<uint32_t> words(o.words.begin() + at * n, o.words.begin() + (at + 1) * n);
      agree.Add(words);
      words.back() = any_word();
      agree.Add(words);
    }
  }
  // Uniformly random unigrams, bigrams and trigrams: mostly backoffs.
  for (int i = 0; i < 10000; ++i) {
    agree.Add({any_word()});
    agree.Add({any_word(), any_word()});
    agree.Add({any_word(), any_word(), any_word()});
  }
  // Every trigram, bigram and unigram of real sentences.
  const auto sentences = GlossSentences(*m.ours, 12000);
  ASSERT_GT(sentences.size(), 5000u);
  for (const auto& s : sentences) {
    for (size_t i = 0; i < s.size(); ++i) {
      for (size_t n = 1; n <= 3 && n <= i + 1; ++n) {
        agree.Add(std::vector<uint32_t>(s.begin() + (i + 1 - n), s.begin() + i + 1));
      }
    }
  }
  EXPECT_GE(agree.compared, 100000u);
  EXPECT_LE(agree.worst, 1e-3) << "worst: " << agree.worst_ngram;
  RecordProperty("compared", static_cast<int>(agree.compared));
  RecordProperty("worst_gap_1e9", static_cast<int>(agree.worst * 1e9));
  std::printf("compared %zu n-grams with libsphinxbase; largest gap %.3g log10 (%s)\n", agree.compared,
              agree.worst, agree.worst_ngram.c_str());
}

}  // namespace
}  // namespace unspin
