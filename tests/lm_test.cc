#include "lm/language_model.h"

#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <random>

#include "lm/arpa.h"
#include "lm/lm_builder.h"
#include "test_util.h"

namespace unspin {
namespace {

constexpr char kToyArpa[] = R"(Header text before \data\ is ignored.
\data\
ngram 1=5
ngram 2=4
ngram 3=2

\1-grams:
-1.0	<s>	-0.5
-0.7	the	-0.3
-0.9	cat	-0.2
-1.2	sat
-0.6	</s>

\2-grams:
-0.3	<s> the	-0.1
-0.4	the cat	-0.2
-0.5	cat sat
-0.2	sat </s>

\3-grams:
-0.1	<s> the cat
-0.05	the cat sat

\end\
)";

LanguageModel Build(const NgramModel& model, LmBuildReport* report = nullptr) {
  std::string bytes;
  Status s = BuildLanguageModel(model, "{}", &bytes, report);
  EXPECT_TRUE(s.ok()) << s.message();
  std::string path = testing::TempPath("lm.bin");
  EXPECT_TRUE(WriteFileAtomically(path, bytes).ok());
  auto lm = LanguageModel::Open(path);
  EXPECT_TRUE(lm.ok()) << lm.status().message();
  std::remove(path.c_str());
  return std::move(lm).value();
}

LanguageModel BuildArpa(const std::string& text, LmBuildReport* report = nullptr) {
  auto model = ParseArpa(text, "toy.arpa");
  EXPECT_TRUE(model.ok()) << model.status().message();
  return Build(*model, report);
}

// log10 P(w | context...) for context given oldest first.
float Prob(const LanguageModel& lm, std::vector<std::string_view> context, std::string_view word) {
  LmState state = lm.NullContext();
  for (std::string_view w : context) lm.Score(state, lm.Vocab(w), &state);
  return lm.Score(state, lm.Vocab(word), &state);
}

TEST(LanguageModel, ScoresAToyModelAsCheckedByHand) {
  LmBuildReport report;
  LanguageModel lm = BuildArpa(kToyArpa, &report);
  EXPECT_EQ(lm.order(), 3);
  EXPECT_TRUE(report.added_unk);
  EXPECT_FALSE(report.quantized[1]);
  EXPECT_FLOAT_EQ(Prob(lm, {"<s>"}, "the"), -0.3f);
  EXPECT_FLOAT_EQ(Prob(lm, {"<s>", "the"}, "cat"), -0.1f);
  EXPECT_FLOAT_EQ(Prob(lm, {"the", "cat"}, "sat"), -0.05f);
  // Back-offs: b(<s>) + p(cat); b(<s> the) + b(the) + p(sat).
  EXPECT_FLOAT_EQ(Prob(lm, {"<s>"}, "cat"), -0.5f + -0.9f);
  EXPECT_FLOAT_EQ(Prob(lm, {"<s>", "the"}, "sat"), -0.1f + -0.3f + -1.2f);
  // "cat sat" is no context (no backoff): p(</s> | cat sat) = p(</s> | sat).
  EXPECT_FLOAT_EQ(Prob(lm, {"cat", "sat"}, "</s>"), -0.2f);
  // Whole sentence: -0.3 - 0.1 - 0.05 - 0.2.
  std::vector<std::string_view> words = {"the", "cat", "sat"};
  EXPECT_NEAR(lm.ScoreSentence(words), -0.65, 1e-6);
  // Unknown words cost the added <unk>'s -100 plus back-offs.
  EXPECT_EQ(lm.Vocab("zebra"), lm.unk());
  EXPECT_FALSE(lm.Known("zebra"));
  EXPECT_FLOAT_EQ(Prob(lm, {"the"}, "zebra"), -0.3f + -100.0f);
  EXPECT_EQ(lm.Word(lm.Vocab("cat")), "cat");
}

TEST(LanguageModel, StoresMissingSuffixesSoLongerNgramsAreFound) {
  // "a b c" exists but "b c" does not: the builder adds "b c" as a blank.
  constexpr char kArpa[] = R"(\data\
ngram 1=5
ngram 2=2
ngram 3=1

\1-grams:
-1	<s>
-1	</s>
-1	a	-0.25
-0.5	b	-0.125
-2	c

\2-grams:
-0.5	a b	-0.0625
-0.5	<s> a

\3-grams:
-0.01	a b c

\end\
)";
  LmBuildReport report;
  LanguageModel lm = BuildArpa(kArpa, &report);
  EXPECT_EQ(report.blanks[1], 1u);
  EXPECT_FLOAT_EQ(Prob(lm, {"a", "b"}, "c"), -0.01f);
  // The blank prices "b c" by backing off: b(b) + p(c).
  EXPECT_FLOAT_EQ(Prob(lm, {"b"}, "c"), -0.125f + -2.0f);
  EXPECT_FLOAT_EQ(Prob(lm, {"<s>", "b"}, "c"), -0.125f + -2.0f);
}

TEST(Arpa, WriteReadWriteIsExact) {
  auto model = ParseArpa(kToyArpa, "toy.arpa");
  ASSERT_TRUE(model.ok()) << model.status().message();
  std::string once = FormatArpa(*model);
  auto again = ParseArpa(once, "once.arpa");
  ASSERT_TRUE(again.ok()) << again.status().message();
  EXPECT_EQ(FormatArpa(*again), once);
  EXPECT_EQ(again->vocab, model->vocab);
  for (int n = 0; n < 3; ++n) {
    EXPECT_EQ(again->orders[static_cast<size_t>(n)].probs, model->orders[static_cast<size_t>(n)].probs);
    EXPECT_EQ(again->orders[static_cast<size_t>(n)].backoffs, model->orders[static_cast<size_t>(n)].backoffs);
    EXPECT_EQ(again->orders[static_cast<size_t>(n)].words, model->orders[static_cast<size_t>(n)].words);
  }
}

TEST(Arpa, RefusesMalformedFilesNamingTheLine) {
  struct Case {
    std::string text, message;
  };
  const std::string head = "\\data\\\nngram 1=2\nngram 2=1\n\n\\1-grams:\n-1\t<s>\n-1\t</s>\n\n\\2-grams:\n";
  const std::vector<Case> cases = {
      {"", "no \\data\\ line"},
      {"just some text\n", "no \\data\\ line"},
      {"\\data\\\nngram 1=x\n", "malformed count"},
      {"\\data\\\nngram 2=1\n", "orders 1, 2"},
      {"\\data\\\nngram 1=0\n\n\\1-grams:\n\\end\\\n", "no unigrams"},
      {"\\data\\\nngram 1=2\n\n\\2-grams:\n", "expected '\\1-grams:'"},
      {head + "-0.5\t<s> </s>\n", "no \\end\\ line"},
      {head + "-0.5\t<s> </s>\n-0.5\t</s> <s>\n\\end\\\n", "is a count in \\data\\ too small"},
      {head + "\n\\end\\\n", "has 0 entries, but its count says 1"},
      {head + "abc\t<s> </s>\n\\end\\\n", "bad probability 'abc'"},
      {head + "0.5\t<s> </s>\n\\end\\\n", "above 0"},
      {head + "-0.5\t<s>\n\\end\\\n", "needs a probability, 2 words"},
      {head + "-0.5\t<s> </s> -0.1\n\\end\\\n", "highest order cannot have a backoff"},
      {head + "-0.5\t<s> dog\n\\end\\\n", "'dog' is not among the unigrams"},
      {"\\data\\\nngram 1=2\n\n\\1-grams:\n-1\tx\n-1\tx\n\\end\\\n", "'x' repeated"},
      {"\\data\\\nngram 1=1\n\n\\1-grams:\n-1\tbad\xFF\n\\end\\\n", "invalid UTF-8"},
      {"\\data\\\nngram 7=1\n", "orders 1, 2"},
      {head + "-0.5\t<s> </s>\n", "toy.arpa:"},
      // Found by the arpa fuzz target: a count that sized a 89 TB
      // allocation before a line was read.
      {"\\data\\\nngram 1=22222222222223\n\n\\1-grams:\n-1\t<s>\n", "more than its"},
  };
  for (const Case& c : cases) {
    auto model = ParseArpa(c.text, "toy.arpa");
    ASSERT_FALSE(model.ok()) << c.text;
    EXPECT_EQ(model.status().code(), StatusCode::kInvalidInput);
    EXPECT_NE(model.status().message().find(c.message), std::string::npos)
        << "got: " << model.status().message() << "\nwanted: " << c.message;
  }
  // Line numbers point at the bad line.
  auto model = ParseArpa(head + "abc\t<s> </s>\n\\end\\\n", "toy.arpa");
  EXPECT_NE(model.status().message().find("toy.arpa:10:"), std::string::npos) << model.status().message();
}

TEST(LanguageModel, BuilderRefusesModelsWithoutSentenceMarks) {
  auto model = ParseArpa("\\data\\\nngram 1=1\n\n\\1-grams:\n-1\tword\n\n\\end\\\n", "x.arpa");
  ASSERT_TRUE(model.ok()) << model.status().message();
  std::string bytes;
  Status s = BuildLanguageModel(*model, "{}", &bytes);
  EXPECT_EQ(s.code(), StatusCode::kInvalidInput);
  EXPECT_NE(s.message().find("<s>"), std::string::npos);
}

// A random backoff model whose every n-gram's context is stored (as ARPA
// requires) but whose suffixes often are not, plus the textbook backoff
// rule to check the binary model against.
struct RandomModel {
  NgramModel model;
  std::map<std::vector<uint32_t>, std::pair<float, float>> entries;

  float Reference(std::vector<uint32_t> context, uint32_t w) const {
    const size_t keep = static_cast<size_t>(model.order() - 1);
    if (context.size() > keep) context.erase(context.begin(), context.end() - static_cast<std::ptrdiff_t>(keep));
    std::vector<uint32_t> ngram = context;
    ngram.push_back(w);
    auto it = entries.find(ngram);
    if (it != entries.end()) return it->second.first;
    auto ctx = entries.find(context);
    float bo = ctx == entries.end() ? 0.0f : ctx->second.second;
    context.erase(context.begin());
    return bo + Reference(context, w);
  }
};

RandomModel MakeRandomModel(int order, uint32_t vocab, size_t per_order, bool many_values, uint32_t seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> value(-6.0f, -0.01f);
  auto draw = [&] { return many_values ? value(rng) : -static_cast<float>(rng() % 200) / 50.0f - 0.01f; };
  RandomModel r;
  r.model.orders.resize(static_cast<size_t>(order));
  for (uint32_t i = 0; i < vocab; ++i) {
    r.model.vocab.push_back(i == 0 ? "<s>" : i == 1 ? "</s>" : "w" + std::to_string(i));
    float p = draw(), b = order > 1 ? draw() / 4 : 0.0f;
    r.model.orders[0].words.push_back(i);
    r.model.orders[0].probs.push_back(p);
    r.model.orders[0].backoffs.push_back(b);
    r.entries[{i}] = {p, b};
  }
  std::vector<std::vector<uint32_t>> previous;
  for (uint32_t i = 0; i < vocab; ++i) previous.push_back({i});
  for (int n = 2; n <= order; ++n) {
    std::vector<std::vector<uint32_t>> made;
    NgramModel::Order& o = r.model.orders[static_cast<size_t>(n - 1)];
    for (size_t k = 0; k < per_order; ++k) {
      std::vector<uint32_t> ngram = previous[rng() % previous.size()];  // a stored context
      ngram.push_back(static_cast<uint32_t>(rng() % vocab));
      if (r.entries.count(ngram)) continue;
      float p = draw(), b = n < order ? draw() / 4 : 0.0f;
      r.entries[ngram] = {p, b};
      o.words.insert(o.words.end(), ngram.begin(), ngram.end());
      o.probs.push_back(p);
      o.backoffs.push_back(b);
      made.push_back(ngram);
    }
    previous = made;
  }
  return r;
}

void CheckAgainstReference(const RandomModel& r, const LanguageModel& lm, float tolerance, uint32_t seed) {
  std::mt19937 rng(seed);
  const uint32_t vocab = static_cast<uint32_t>(r.model.vocab.size());
  int checked = 0;
  for (const auto& [ngram, values] : r.entries) {
    // Every stored n-gram, and the same context with a random word.
    std::vector<uint32_t> context(ngram.begin(), ngram.end() - 1);
    for (uint32_t w : {ngram.back(), static_cast<uint32_t>(rng() % vocab)}) {
      LmState state = lm.NullContext();
      for (uint32_t c : context) lm.Score(state, c, &state);
      float got = lm.Score(state, w, &state);
      ASSERT_NEAR(got, r.Reference(context, w), tolerance) << "n-gram of order " << ngram.size();
      ++checked;
    }
  }
  EXPECT_GT(checked, 1000);
}

TEST(LanguageModel, AgreesWithTheBackoffRuleOnRandomModels) {
  for (int order = 2; order <= kMaxLmOrder; ++order) {
    RandomModel r = MakeRandomModel(order, 300, 3000, false, static_cast<uint32_t>(order));
    LmBuildReport report;
    LanguageModel lm = Build(r.model, &report);
    for (int n = 0; n < order; ++n) EXPECT_FALSE(report.quantized[n]);
    CheckAgainstReference(r, lm, 1e-5f, 11);
  }
}

TEST(LanguageModel, ScoreBatchEqualsOneQueryAtATime) {
  RandomModel r = MakeRandomModel(4, 300, 3000, false, 21);
  LanguageModel lm = Build(r.model);
  std::mt19937 rng(4);
  std::vector<LmState> in;
  std::vector<uint32_t> words;
  for (int i = 0; i < 1001; ++i) {  // not a multiple of the pipeline depth
    LmState s = i % 7 == 0 ? lm.NullContext() : lm.BeginSentence();
    for (int k = static_cast<int>(rng() % 4); k > 0; --k) lm.Score(s, rng() % 300, &s);
    in.push_back(s);
    words.push_back(i % 50 == 0 ? 100000 : static_cast<uint32_t>(rng() % 300));  // some out of range: <unk>
  }
  std::vector<float> scores(in.size());
  std::vector<LmState> out(in.size());
  lm.ScoreBatch(in.data(), words.data(), in.size(), scores.data(), out.data());
  for (size_t i = 0; i < in.size(); ++i) {
    LmState expected_state;
    const float expected = lm.Score(in[i], words[i], &expected_state);
    ASSERT_EQ(scores[i], expected) << i;
    ASSERT_TRUE(out[i] == expected_state) << i;
  }
  lm.ScoreBatch(in.data(), words.data(), 0, scores.data(), out.data());  // empty batch: nothing read
}

TEST(LanguageModel, QuantizedScoresStayWithin3e4OfExact) {
  // More distinct values than codes, with sparse tails (blanks priced
  // below every real value): each coded value is within about 6e-5, and a
  // score sums at most three of them.
  RandomModel r = MakeRandomModel(3, 2000, 80000, true, 5);
  LmBuildReport report;
  LanguageModel lm = Build(r.model, &report);
  EXPECT_TRUE(report.quantized[1]);
  EXPECT_GT(report.blanks[1], 0u);
  CheckAgainstReference(r, lm, 3e-4f, 12);
}

TEST(LanguageModel, RefusesCorruptTruncatedAndForeignFiles) {
  auto model = ParseArpa(kToyArpa, "toy.arpa");
  ASSERT_TRUE(model.ok());
  std::string bytes;
  ASSERT_TRUE(BuildLanguageModel(*model, "{}", &bytes).ok());
  testing::ExpectCorruptCopiesRefused(bytes, [](const std::string& p) { return LanguageModel::Open(p); }, 3);
  std::string path = testing::TempPath("corrupt_lm.bin");
  ASSERT_TRUE(WriteFileAtomically(path, testing::TestLexiconBytes()).ok());
  auto lm = LanguageModel::Open(path);
  ASSERT_FALSE(lm.ok());
  EXPECT_NE(lm.status().message().find("not an unspin language model"), std::string::npos) << lm.status().message();
  std::remove(path.c_str());
}

}  // namespace
}  // namespace unspin
