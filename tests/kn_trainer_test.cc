// The Kneser-Ney trainer: a hand-checked toy model, normalisation of every
// context, spilled counting equal to in-memory counting, pruning that keeps
// the model well formed, and its errors.
#include "lm/kn_trainer.h"

#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <random>

#include "lm/arpa.h"
#include "lm/language_model.h"
#include "lm/lm_builder.h"
#include "lm/lm_text.h"
#include "test_util.h"

namespace unspin {
namespace {

using Corpus = std::vector<std::vector<std::string>>;

KnTrainOptions Options(int order, std::vector<uint64_t> prune = {}) {
  KnTrainOptions o;
  o.order = order;
  o.prune = std::move(prune);
  return o;
}

Result<NgramModel> Train(const Corpus& corpus, KnTrainOptions options, KnTrainReport* report = nullptr) {
  ASSIGN_OR_RETURN(auto trainer, KnTrainer::Create(options));
  for (const auto& sentence : corpus) {
    std::vector<std::string_view> views(sentence.begin(), sentence.end());
    RETURN_IF_ERROR(trainer->AddSentence(views));
  }
  KnTrainReport unused;
  return trainer->Finish(report ? report : &unused);
}

// n-gram (words oldest first, space-joined) -> {log10 prob, log10 backoff}.
std::map<std::string, std::pair<float, float>> Entries(const NgramModel& m) {
  std::map<std::string, std::pair<float, float>> out;
  for (int n = 1; n <= m.order(); ++n) {
    const auto& o = m.orders[n - 1];
    for (size_t i = 0; i < o.size(); ++i) {
      std::string key;
      for (int j = 0; j < n; ++j) key += (j ? " " : "") + m.vocab[o.words[i * n + j]];
      out[key] = {o.probs[i], o.backoffs[i]};
    }
  }
  return out;
}

LanguageModel Compile(const NgramModel& model, const std::string& name) {
  std::string bytes;
  EXPECT_TRUE(BuildLanguageModel(model, "{}", &bytes).ok());
  const std::string path = testing::TempPath(name);
  EXPECT_TRUE(WriteFileAtomically(path, bytes).ok());
  auto lm = LanguageModel::Open(path);
  std::remove(path.c_str());
  EXPECT_TRUE(lm.ok()) << lm.status().message();
  return std::move(lm).value();
}

Corpus RandomCorpus(uint64_t seed, int sentences, int vocab) {
  std::mt19937_64 rng(seed);
  Corpus corpus;
  for (int s = 0; s < sentences; ++s) {
    std::vector<std::string> words;
    const int length = 1 + static_cast<int>(rng() % 9);
    // Zipf-like: low word numbers are far more frequent, so counts of
    // counts 1..4 all occur and the discounts are estimated, not fallbacks.
    for (int i = 0; i < length; ++i) {
      const double u = std::uniform_real_distribution<double>(0, 1)(rng);
      words.push_back("w" + std::to_string(static_cast<int>(std::pow(vocab, u)) - 1));
    }
    corpus.push_back(std::move(words));
  }
  return corpus;
}

// Corpus "a b", "a b", "b a", order 2. Every count of counts has a gap, so
// the fallback discounts 0.5, 1, 1.5 apply. By hand:
//   unigram adjusted counts (distinct left words): a 2, b 2, </s> 2; total 6
//   u(w) = (2 - 1) / 6 for each; gamma = 1/2 spread over 4 words (<unk>,
//   </s>, a, b): P(a) = P(b) = P(</s>) = 1/6 + 1/8 = 7/24, P(<unk>) = 1/8
//   context <s>: a 2, b 1; gamma = 1 - ((2-1) + (1-0.5)) / 3 = 1/2
//   P(a | <s>) = 1/3 + 1/2 * 7/24 = 23/48; P(b | <s>) = 0.5/3 + 7/48 = 15/48
//   contexts a and b alike: P(b|a) = P(</s>|b) = 23/48, P(</s>|a) = P(a|b) = 15/48
TEST(KnTrainer, ToyBigramModelMatchesHandComputation) {
  KnTrainReport report;
  auto model = Train({{"a", "b"}, {"a", "b"}, {"b", "a"}}, Options(2), &report);
  ASSERT_TRUE(model.ok()) << model.status().message();
  EXPECT_TRUE(report.fallback_discounts[0]);
  EXPECT_TRUE(report.fallback_discounts[1]);
  auto e = Entries(*model);
  auto near = [](float log10_value, double expected) { return std::fabs(std::pow(10.0, log10_value) - expected) < 1e-6; };
  EXPECT_TRUE(near(e["a"].first, 7.0 / 24));
  EXPECT_TRUE(near(e["b"].first, 7.0 / 24));
  EXPECT_TRUE(near(e["</s>"].first, 7.0 / 24));
  EXPECT_TRUE(near(e["<unk>"].first, 1.0 / 8));
  EXPECT_EQ(e["<s>"].first, -99);
  EXPECT_TRUE(near(e["<s>"].second, 0.5));
  EXPECT_TRUE(near(e["a"].second, 0.5));
  EXPECT_TRUE(near(e["<s> a"].first, 23.0 / 48));
  EXPECT_TRUE(near(e["<s> b"].first, 15.0 / 48));
  EXPECT_TRUE(near(e["a b"].first, 23.0 / 48));
  EXPECT_TRUE(near(e["a </s>"].first, 15.0 / 48));
  EXPECT_TRUE(near(e["b </s>"].first, 23.0 / 48));
  EXPECT_TRUE(near(e["b a"].first, 15.0 / 48));
  EXPECT_EQ(model->orders[1].size(), 6u);
}

// In a trigram model a bigram starting with <s> keeps its raw count, while
// other bigrams count distinct left words. Corpus "x y" x3 and "z x y":
//   "<s> x" raw count 3, "<s> z" 1; "x y" has left words <s> and z: 2
// so with the fallback D1 = 0.5, D2 = 1, D3+ = 1.5, context <s> has total 4,
//   gamma(<s>) = 1 - ((3 - 1.5) + (1 - 0.5)) / 4 = 1/2
//   P(x | <s>) = (3 - 1.5) / 4 + 1/2 * P(x)
// and P(y | x) = (2 - 1) / 2 + 1/2 * P(y). (Were "<s> x" given its
// continuation count 1, P(x | <s>) would be (1 - 0.5) / 2 + ...)
TEST(KnTrainer, SentenceInitialNgramsKeepRawCounts) {
  auto model = Train({{"x", "y"}, {"x", "y"}, {"x", "y"}, {"z", "x", "y"}}, Options(3));
  ASSERT_TRUE(model.ok()) << model.status().message();
  auto e = Entries(*model);
  auto p = [&](const std::string& k) { return std::pow(10.0, e.at(k).first); };
  EXPECT_NEAR(p("<s> x"), 0.375 + 0.5 * p("x"), 1e-6);
  EXPECT_NEAR(p("x y"), 0.5 + 0.5 * p("y"), 1e-6);
  EXPECT_TRUE(e.count("<s> x y"));
  EXPECT_FALSE(e.count("<s> <s> x")) << "padding is not a model entry";
}

// Every context's distribution over the words that can follow sums to one,
// pruned or not: the interpolated estimate moves pruned mass to gamma.
void ExpectNormalised(const NgramModel& model, const std::string& name) {
  LanguageModel lm = Compile(model, name);
  std::vector<uint32_t> predictable;
  for (uint32_t w = 0; w < lm.vocab_size(); ++w) {
    if (w != lm.bos()) predictable.push_back(w);
  }
  std::vector<LmState> contexts{lm.NullContext(), lm.BeginSentence()};
  for (uint32_t a : predictable) {
    LmState s = lm.BeginSentence();
    lm.Score(s, a, &s);
    contexts.push_back(s);
    for (uint32_t b : predictable) {
      LmState t = lm.NullContext();
      lm.Score(t, a, &t);
      lm.Score(t, b, &t);
      contexts.push_back(t);
    }
  }
  for (const LmState& context : contexts) {
    double sum = 0;
    LmState unused;
    for (uint32_t w : predictable) sum += std::pow(10.0, lm.Score(context, w, &unused));
    ASSERT_NEAR(sum, 1.0, 2e-4) << "context of length " << int(context.length);
  }
}

TEST(KnTrainer, EveryContextSumsToOne) {
  for (int order : {2, 3, 4}) {
    KnTrainReport report;
    auto model = Train(RandomCorpus(order, 3000, 40), Options(order), &report);
    ASSERT_TRUE(model.ok()) << model.status().message();
    // Estimated discounts above unigrams (40 words in 3,000 sentences each
    // follow many others, so unigram counts of counts 1..4 are empty).
    for (int n = 2; n <= order; ++n) EXPECT_FALSE(report.fallback_discounts[n - 1]) << n;
    ExpectNormalised(*model, "norm" + std::to_string(order));
  }
}

TEST(KnTrainer, PruningKeepsPrefixesAndSuffixesAndNormalisation) {
  const Corpus corpus = RandomCorpus(7, 3000, 14);
  KnTrainReport full_report, pruned_report;
  auto full = Train(corpus, Options(4), &full_report);
  auto pruned = Train(corpus, Options(4, {0, 1, 1, 2}), &pruned_report);
  ASSERT_TRUE(full.ok() && pruned.ok());
  EXPECT_GT(pruned_report.pruned[2] + pruned_report.pruned[3], 0u);
  EXPECT_LT(pruned->orders[3].size(), full->orders[3].size());
  EXPECT_EQ(pruned->orders[0].size(), full->orders[0].size());
  auto e = Entries(*pruned);
  for (const auto& [key, value] : e) {
    const size_t first = key.find(' '), last = key.rfind(' ');
    if (first == std::string::npos) continue;
    EXPECT_TRUE(e.count(key.substr(0, last))) << "prefix of " << key;
    EXPECT_TRUE(e.count(key.substr(first + 1))) << "suffix of " << key;
  }
  ExpectNormalised(*pruned, "pruned");
}

TEST(KnTrainer, SpilledCountingGivesTheSameModel) {
  const Corpus corpus = RandomCorpus(11, 4000, 40);
  KnTrainReport in_memory, spilled;
  auto a = Train(corpus, Options(3), &in_memory);
  KnTrainOptions small = Options(3);
  small.memory_bytes = 64 << 10;
  small.temp_dir = ::testing::TempDir();
  auto b = Train(corpus, small, &spilled);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(in_memory.spill_runs, 0);
  EXPECT_GE(spilled.spill_runs, 2);
  EXPECT_EQ(FormatArpa(*a), FormatArpa(*b));
}

TEST(KnTrainer, ArpaRoundTripOfATrainedModelIsExact) {
  auto model = Train(RandomCorpus(3, 500, 20), Options(3));
  ASSERT_TRUE(model.ok());
  const std::string arpa = FormatArpa(*model);
  auto back = ParseArpa(arpa, "trained.arpa");
  ASSERT_TRUE(back.ok()) << back.status().message();
  EXPECT_EQ(FormatArpa(*back), arpa);
}

TEST(KnTrainer, RefusesBadOptionsAndEmptyCorpora) {
  EXPECT_EQ(KnTrainer::Create(Options(1)).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(KnTrainer::Create(Options(7)).status().code(), StatusCode::kInvalidArgument);
  EXPECT_FALSE(KnTrainer::Create(Options(3, {1, 1, 1})).ok());     // unigrams
  EXPECT_FALSE(KnTrainer::Create(Options(3, {0, 2, 1})).ok());     // decreasing
  EXPECT_FALSE(KnTrainer::Create(Options(2, {0, 1, 1})).ok());     // too many
  auto empty = Train({}, Options(3));
  ASSERT_FALSE(empty.ok());
  EXPECT_EQ(empty.status().code(), StatusCode::kInvalidInput);
  auto blank = Train({{}, {}}, Options(3));
  EXPECT_EQ(blank.status().code(), StatusCode::kInvalidInput);
  auto tiny = Train({{"one"}}, Options(5));  // fallback discounts, still a model
  ASSERT_TRUE(tiny.ok()) << tiny.status().message();
  ExpectNormalised(*tiny, "tiny");
}

TEST(LmText, WordsModeLowercasesAndDropsPunctuation) {
  LmLineTokenizer words(LmTokens::kWords);
  auto& t = words.Tokens("The U.S. said, \"It's 3.5% — fine.\"");
  std::vector<std::string> got(t.begin(), t.end());
  EXPECT_EQ(got, (std::vector<std::string>{"the", "u.s.", "said", "it's", "3.5", "fine"}));
  LmLineTokenizer space(LmTokens::kWhitespace);
  auto& s = space.Tokens("<s>  The\tcat </s>");
  EXPECT_EQ(std::vector<std::string>(s.begin(), s.end()), (std::vector<std::string>{"The", "cat"}));
  EXPECT_FALSE(ParseLmTokens("chars").ok());
}

}  // namespace
}  // namespace unspin
