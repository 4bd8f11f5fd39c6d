// Learning real spinners: the learned pair table's format, the alignment
// key, the learner, the learned channel, the real data readers and the
// suggester.
#include <gtest/gtest.h>

#include <algorithm>

#include "decoder/learn.h"
#include "decoder/suggest.h"
#include "io/real_data.h"
#include "lexicon/learned_pairs.h"
#include "lexicon/lexicon_builder.h"
#include "test_util.h"
#include "util/file_io.h"

namespace unspin {
namespace {

LearnedPairs SmallTable() {
  LearnedPairs t;
  t.Add("autoblog-common", "level", "stage", 3, LearnedKind::kSwap);
  t.Add("autoblog-common", "say", "mention", 2, LearnedKind::kSwap);
  t.Add("tortured-phrases", "random forest", "irregular woodland", 1, LearnedKind::kPhrase);
  t.Add("tortured-phrases", "forest", "woodland", 1, LearnedKind::kWord);
  t.AddRate("autoblog-common", "level", 4, 3);
  t.AddFrom({"doc", LearnedFromKey("doc", "the original"), "https://example.org/spun"});
  return t;
}

TEST(LearnedPairs, RoundTripsAndCounts) {
  const LearnedPairs t = SmallTable();
  auto back = LearnedPairs::Parse(t.Serialize({"a test"}), "t.tsv");
  ASSERT_TRUE(back.ok()) << back.status().message();
  EXPECT_EQ(back->Serialize({"a test"}), t.Serialize({"a test"}));
  EXPECT_EQ(back->Count("level", "stage"), 3u);
  EXPECT_EQ(back->Count("stage", "level"), 0u);
  EXPECT_EQ(back->Rate("level"), (std::pair<uint32_t, uint32_t>{4, 3}));
  EXPECT_TRUE(back->LearnedFromUnit("doc", LearnedFromKey("doc", "the original")));
  EXPECT_FALSE(back->LearnedFromUnit("doc", LearnedFromKey("doc", "another")));
  EXPECT_EQ(back->Profiles(), (std::vector<std::string>{"autoblog-common", "tortured-phrases"}));
  EXPECT_EQ(back->Select({"tortured-phrases"}).size(), 2u);
}

TEST(LearnedPairs, RefusesDamagedForeignAndOtherVersions) {
  const std::string good = SmallTable().Serialize({});
  auto code_of = [](const std::string& text) { return LearnedPairs::Parse(text, "t.tsv").status().code(); };
  // A changed count, a dropped line, a line added: the checksum says so.
  std::string changed = good;
  changed.replace(changed.find("stage\t3"), 7, "stage\t4");
  EXPECT_EQ(code_of(changed), StatusCode::kDataLoss);
  std::string added = good + "pair\tautoblog-common\tnear\tclose to\t1\tswap\n";
  EXPECT_EQ(code_of(added), StatusCode::kDataLoss);
  EXPECT_NE(LearnedPairs::Parse(added, "t.tsv").status().message().find("checksum"), std::string::npos);
  std::string other_version = good;
  other_version.replace(0, other_version.find('\n'), "#unspin-learned-pairs\t2");
  EXPECT_EQ(code_of(other_version), StatusCode::kVersionMismatch);
  EXPECT_EQ(code_of("spun\toriginal\n"), StatusCode::kDataLoss);
  EXPECT_EQ(code_of(""), StatusCode::kDataLoss);
  // Malformed lines are named by number, before the checksum is checked.
  const std::string head = "#unspin-learned-pairs\t1\n#checksum\t0000000000000000\n";
  auto message_of = [](const std::string& text) { return LearnedPairs::Parse(text, "t.tsv").status().message(); };
  EXPECT_NE(message_of(head + "pair\tp\tlevel\tstage\t0\tswap\n").find("t.tsv:3: count"), std::string::npos);
  EXPECT_NE(message_of(head + "# c\npair\tp\tlevel\tstage\t1\tguess\n").find("t.tsv:4: kind"), std::string::npos);
  EXPECT_NE(message_of(head + "pair\tp\tLevel\tstage\t1\tswap\n").find("t.tsv:3:"), std::string::npos);
  EXPECT_NE(message_of(head + "pair\tp\tlevel\tlevel\t1\tswap\n").find("the same"), std::string::npos);
  EXPECT_NE(message_of(head + "rate\tp\tlevel\t2\t3\n").find("t.tsv:3:"), std::string::npos);
  EXPECT_NE(message_of(head + "from\tdoc\tzz\tx\n").find("t.tsv:3:"), std::string::npos);
  EXPECT_NE(message_of(head + "word\tp\n").find("t.tsv:3: a line starts with"), std::string::npos);
  // The file itself, by name.
  const std::string path = testing::TempPath("learned.tsv");
  ASSERT_TRUE(WriteFileAtomically(path, changed).ok());
  auto loaded = LearnedPairs::Load(path);
  ASSERT_FALSE(loaded.ok());
  EXPECT_NE(loaded.status().message().find(path), std::string::npos);
  std::remove(path.c_str());
  EXPECT_EQ(LearnedPairs::Load(path).status().code(), StatusCode::kNotFound);
}

TEST(AlignedSwaps, FindsSwapsInsertionsAndDeletions) {
  const std::string original = "The price rose near the level, officials said today.";
  const std::string spun = "The worth rose close to the stage, officials brand mentioned.";
  const std::vector<DocumentSwap> swaps = AlignedSwaps(original, spun);
  std::vector<std::string> seen;
  for (const DocumentSwap& s : swaps) {
    seen.push_back(std::to_string(s.kind) + ":" + s.original + ">" + s.spun);
    if (s.kind != DocumentSwap::kDeletion) {
      EXPECT_EQ(spun.substr(s.spun_begin, s.spun_end - s.spun_begin).size(), s.spun.size()) << s.spun;
    }
  }
  EXPECT_EQ(seen, (std::vector<std::string>{"0:price>worth", "0:near>close to", "0:level>stage",
                                            "0:said today>brand mentioned"}));
  const std::vector<DocumentSwap> inserted = AlignedSwaps("a new car", "a brand new car");
  ASSERT_EQ(inserted.size(), 1u);
  EXPECT_EQ(inserted[0].kind, DocumentSwap::kInsertion);
  EXPECT_EQ(inserted[0].spun, "brand");
  const std::vector<DocumentSwap> deleted = AlignedSwaps("a very new car", "a new car");
  ASSERT_EQ(deleted.size(), 1u);
  EXPECT_EQ(deleted[0].kind, DocumentSwap::kDeletion);
  EXPECT_EQ(deleted[0].original, "very");
  EXPECT_EQ(deleted[0].spun_begin, deleted[0].spun_end);
}

TEST(Learner, LearnsLemmaPairsWordPairsRatesAndUnits) {
  const Lexicon& lex = testing::DefaultLexicon();
  Learner learner(lex);
  learner.AddDocuments({{"d1", "Many organizations said the level rose.", "Many networks mentioned the stage rose.",
                         "autoblog-common", "https://example.org/1", ""}},
                       "unknown");
  learner.AddPhrases({{"irregular woodland", "random forest", 1}, {"profound learning of", "deep learning for", 2}},
                     "tortured-phrases");
  const LearnedPairs& t = learner.pairs();
  EXPECT_EQ(t.Count("organization", "network"), 1u);  // lemmas, not the plural forms
  EXPECT_EQ(t.Count("say", "mention"), 1u);
  EXPECT_EQ(t.Count("level", "stage"), 1u);
  EXPECT_EQ(t.Count("random forest", "irregular woodland"), 1u);
  EXPECT_EQ(t.Count("random", "irregular"), 1u);
  EXPECT_EQ(t.Count("forest", "woodland"), 1u);
  EXPECT_EQ(t.Count("deep", "profound"), 1u);
  EXPECT_EQ(t.Count("for", "of"), 0u);  // function words of a phrase are not its swaps
  EXPECT_EQ(t.Rate("level"), (std::pair<uint32_t, uint32_t>{1, 1}));
  EXPECT_EQ(t.Rate("rise"), (std::pair<uint32_t, uint32_t>{1, 0}));
  EXPECT_EQ(t.from().size(), 3u);
  EXPECT_TRUE(t.LearnedFromUnit("phrase", PhraseSplitKey({"Irregular Woodland", "x", 0})));
  EXPECT_EQ(learner.report().documents, 1u);
  EXPECT_EQ(learner.report().phrases, 2u);
}

// The keys a pair is stored under are the keys `eval real --swaps` looks
// it up by: any form of a learned pair finds its entry.
TEST(Learner, PairKeyIsTheKeyAPairIsLearnedUnder) {
  const Lexicon& lex = testing::DefaultLexicon();
  Learner learner(lex);
  learner.AddPhrases({{"neural associations", "neural networks", 1}}, "tortured-phrases");
  const Learner::WordPair word = learner.PairKey("Organizations", "networks");
  EXPECT_EQ(word.original, "organization");
  EXPECT_EQ(word.substitute, "network");
  const Learner::WordPair phrase = learner.PairKey("neural networks", "neural associations");
  EXPECT_EQ(learner.pairs().Count(phrase.original, phrase.substitute), 1u);
  const Learner::WordPair same = learner.PairKey("Level", "level");
  EXPECT_TRUE(same.original.empty() && same.substitute.empty());
  EXPECT_TRUE(learner.PairKey("", "level").original.empty());
}

TEST(LearnedChannel, PeaksQOnLearnedPairsAndLearnsKeepRates) {
  const Model& model = testing::DefaultModel();
  LearnedPairs t;
  t.Add("p", "level", "stage", 9, LearnedKind::kSwap);
  t.AddRate("p", "level", 10, 9);
  t.AddRate("p", "rise", 10, 0);
  const ChannelParams c = LearnedChannel(model.channel(), t, model.lexicon(), model.lm());
  EXPECT_TRUE(c.filter.sources & MaskOf(Source::kLearned));
  // q(stage | level) near 1, scaled by rho(level) / rho, for every form.
  const double rho_level = (9 + 2 * model.channel().swap_rate) / 12;
  EXPECT_NEAR(c.pair_log_q.at("level\tstage"), std::log(rho_level / model.channel().swap_rate) + std::log(0.82), 0.1);
  EXPECT_EQ(c.pair_log_q.at("level\tstages"), c.pair_log_q.at("level\tstage"));
  EXPECT_LT(c.pair_log_q.at("level\t*"), 0.0f);
  // A word met and never swapped is kept, and seldom stood for anything.
  EXPECT_GT(c.keep_log.at("rises"), std::log1p(-model.channel().swap_rate));
  EXPECT_LT(c.keep_log.at("level"), std::log(0.5));
  EXPECT_LT(c.pair_log_q.at("rise\t*"), -1.0f);
  // It survives the channel file.
  auto back = ChannelParams::FromJson(c.ToJson());
  ASSERT_TRUE(back.ok()) << back.status().message();
  EXPECT_EQ(back->keep_log, c.keep_log);
}

TEST(RealData, ReadsPairsAndPhrasesAndNamesBadLines) {
  const std::string pairs = testing::TempPath("pairs.jsonl");
  ASSERT_TRUE(WriteFileAtomically(pairs, "{\"id\":\"a\",\"original\":\"x y\",\"spun\":\"x z\",\"spinner\":\"s\","
                                         "\"spun_url\":\"https://e.org/a\"}\n\n{\"id\":7,\"original\":\"p\",\"spun\":\"q\"}\n")
                  .ok());
  auto docs = ReadDocumentPairs(pairs);
  ASSERT_TRUE(docs.ok()) << docs.status().message();
  ASSERT_EQ(docs->size(), 2u);
  EXPECT_EQ((*docs)[0].profile, "s");
  EXPECT_EQ((*docs)[0].label, "https://e.org/a");
  EXPECT_EQ((*docs)[1].id, "7");
  EXPECT_EQ((*docs)[1].label, "7");
  for (const auto& [text, where] : std::vector<std::pair<std::string, std::string>>{
           {"{\"id\":\"a\",\"original\":\"x\",\"spun\":\"y\"}\n{\"id\":\"b\",\"original\":\"x\"}\n", ":2: record has no \"spun\""},
           {"{\"id\":\"a\",\"original\":\"x\",\"spun\":\"y\"}\nnot json\n", ":2: not valid JSON"},
           {"{\"original\":\"x\",\"spun\":\"y\"}\n", ":1: record has no \"id\""},
           {"{\"id\":\"a\",\"original\":\" \",\"spun\":\"y\"}\n", ":1: \"original\" and \"spun\" must not be empty"},
           {"{\"id\":\"a\",\"original\":\"x\",\"spun\":\"y\",\"spinner\":3}\n", ":1: \"spinner\" must be a string"},
           {"{\"id\":\"a\",\"original\":\"x\",\"spun\":\"\xff\"}\n", ":1: invalid UTF-8"},
           {"\n", ": no document pairs"}}) {
    ASSERT_TRUE(WriteFileAtomically(pairs, text).ok());
    auto bad = ReadDocumentPairs(pairs);
    ASSERT_FALSE(bad.ok()) << text;
    EXPECT_EQ(bad.status().code(), StatusCode::kInvalidInput);
    EXPECT_NE(bad.status().message().find(pairs + where), std::string::npos) << bad.status().message();
  }
  const std::string phrases = testing::TempPath("phrases.tsv");
  ASSERT_TRUE(WriteFileAtomically(phrases, "spun\toriginal\tn\n bosom peril \tbreast cancer\t3\nflag to commotion\tsignal to noise\n").ok());
  auto list = ReadPhrasePairs(phrases);
  ASSERT_TRUE(list.ok()) << list.status().message();
  ASSERT_EQ(list->size(), 2u);
  EXPECT_EQ((*list)[0].spun, "bosom peril");
  EXPECT_EQ((*list)[0].line, 2u);
  for (const auto& [text, where] : std::vector<std::pair<std::string, std::string>>{
           {"a\tb\nno tab here\n", ":2: expected spun<TAB>original"},
           {"a\tb\n\tb\n", ":2: an empty phrase"},
           {"a\t\xc3\n", ":1: invalid UTF-8"}}) {
    ASSERT_TRUE(WriteFileAtomically(phrases, text).ok());
    auto bad = ReadPhrasePairs(phrases);
    ASSERT_FALSE(bad.ok());
    EXPECT_NE(bad.status().message().find(phrases + where), std::string::npos) << bad.status().message();
  }
  EXPECT_EQ(ReadPhrasePairs("/nonexistent/p.tsv").status().code(), StatusCode::kNotFound);
  std::remove(pairs.c_str());
  std::remove(phrases.c_str());
}

TEST(Suggester, RanksLikelyOriginalsOfATorturedPhrase) {
  const Model& model = testing::DefaultModel();
  Suggester suggester(model);
  std::vector<Suggestion> out;
  ASSERT_TRUE(suggester.Suggest("counterfeit consciousness", "", 5, &out).ok());
  ASSERT_FALSE(out.empty());
  EXPECT_TRUE(std::any_of(out.begin(), out.end(), [](const Suggestion& s) {
    return s.original == "artificial intelligence";
  })) << out[0].original;
  double total = 0;
  for (size_t k = 0; k < out.size(); ++k) {
    total += out[k].score;
    EXPECT_NE(out[k].original, "counterfeit consciousness");
    EXPECT_FALSE(out[k].sources.empty());
    if (k > 0) {
      EXPECT_LE(out[k].score, out[k - 1].score);
    }
  }
  EXPECT_LE(total, 1.0 + 1e-9);
  EXPECT_EQ(suggester.Suggest("", "", 5, &out).code(), StatusCode::kInvalidInput);
  EXPECT_EQ(suggester.Suggest("a b c d e f g h i j k l m", "", 5, &out).code(), StatusCode::kInvalidInput);
  EXPECT_EQ(suggester.Suggest("bad \xff", "", 5, &out).code(), StatusCode::kInvalidInput);
}

}  // namespace
}  // namespace unspin

namespace unspin {
namespace {

// A model of a small thesaurus (glad for happy, joyful for glad, lady for
// woman), the default LM, and a learned table of one listed term.
std::unique_ptr<Model> ModelWithOneTerm(const std::string& term) {
  LexiconBuilder b;
  b.AddSenses({testing::Sense(Pos::kAdj, Source::kMythes, "happy", {"glad"}),
               testing::Sense(Pos::kAdj, Source::kMythes, "glad", {"joyful"}),
               testing::Sense(Pos::kNoun, Source::kMythes, "woman", {"lady"})});
  std::string bytes;
  LexiconBuildReport report;
  EXPECT_TRUE(b.Build(testing::TestMorphology(), "{\"kind\":\"test\"}", &bytes, &report).ok());
  const std::string path = testing::TempPath("one_term_lexicon.bin");
  EXPECT_TRUE(WriteFileAtomically(path, bytes).ok());
  auto lexicon = Lexicon::Open(path);
  auto lm = LanguageModel::Open(std::string(UNSPIN_DEFAULT_MODEL) + "/lm.bin");
  EXPECT_TRUE(lexicon.ok() && lm.ok());
  auto model = std::make_unique<Model>(std::move(*lexicon), std::move(*lm), ChannelParams());
  std::remove(path.c_str());
  auto table = std::make_unique<LearnedPairs>();
  table->Add("tortured-phrases", term, "listed as", 1, LearnedKind::kPhrase);
  model->set_learned(std::move(table));
  return model;
}

TEST(Suggester, ReachesAKnownTermTwoStepsOfSynonymyAway) {
  auto model = ModelWithOneTerm("happy woman");
  Suggester suggester(*model);
  std::vector<Suggestion> out;
  // "lady" -> "woman" is a thesaurus pair; "joyful" reaches "happy" only
  // through "glad", a synonym of a synonym.
  ASSERT_TRUE(suggester.Suggest("joyful lady", "", 5, &out).ok());
  ASSERT_FALSE(out.empty());
  EXPECT_EQ(out[0].original, "happy woman");
  EXPECT_EQ(out[0].MainSource(), "learned");
  // Not when most of the term's words are reached so.
  auto wider = ModelWithOneTerm("happy happy woman");
  Suggester strict(*wider);
  ASSERT_TRUE(strict.Suggest("joyful joyful lady", "", 10, &out).ok());
  for (const Suggestion& s : out) EXPECT_NE(s.original, "happy happy woman");
}

}  // namespace
}  // namespace unspin
