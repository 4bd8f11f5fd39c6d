// Trace: word alignment, spin-invariant fingerprints, and the SQLite index.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "spin/profile.h"
#include "spin/spinner.h"
#include "test_util.h"
#include "text/case.h"
#include "trace/align.h"
#include "trace/fingerprint.h"
#include "trace/index.h"
#include "trace/restored_query.h"
#include "util/file_io.h"
#include "util/random.h"
#include "util/strings.h"

namespace unspin {
namespace {

using testing::DefaultLexicon;
using testing::NewsText;

std::vector<uint64_t> Seq(std::initializer_list<uint64_t> v) { return v; }

// Every position of both sequences is in exactly one run, in order, and
// the runs marked same hold equal words.
void ExpectConsistent(const Alignment& a, const std::vector<uint64_t>& q, const std::vector<uint64_t>& s) {
  uint32_t qi = 0, si = 0;
  for (const AlignedRun& r : a.runs) {
    ASSERT_EQ(r.query.begin, qi);
    ASSERT_EQ(r.source.begin, si);
    if (r.same) {
      ASSERT_EQ(r.query.size(), r.source.size());
      for (uint32_t k = 0; k < r.query.size(); ++k) ASSERT_EQ(q[r.query.begin + k], s[r.source.begin + k]);
    }
    qi = r.query.end;
    si = r.source.end;
  }
  EXPECT_EQ(qi, q.size());
  EXPECT_EQ(si, s.size());
}

TEST(AlignWords, IdenticalEmptyAndDisjoint) {
  const auto text = Seq({1, 2, 3, 4, 5});
  Alignment a = AlignWords(text, text);
  ASSERT_EQ(a.runs.size(), 1u);
  EXPECT_TRUE(a.runs[0].same);
  EXPECT_EQ(a.shared_words, 5u);
  a = AlignWords({}, {});
  EXPECT_TRUE(a.runs.empty());
  EXPECT_EQ(a.shared_words, 0u);
  a = AlignWords(Seq({1, 2}), {});
  ASSERT_EQ(a.runs.size(), 1u);
  EXPECT_FALSE(a.runs[0].same);
  a = AlignWords(Seq({1, 2, 3}), Seq({7, 8, 9, 10}));
  ASSERT_EQ(a.runs.size(), 1u);
  EXPECT_FALSE(a.runs[0].same);
  EXPECT_EQ(a.runs[0].source.size(), 4u);
}

TEST(AlignWords, SwapsBecomeDifferingRuns) {
  // "a b X c d e Y Z f g" against "a b x c d e y f g": two swaps, one of
  // them a word for two.
  const auto q = Seq({1, 2, 100, 3, 4, 5, 200, 201, 6, 7});
  const auto s = Seq({1, 2, 10, 3, 4, 5, 20, 6, 7});
  const Alignment a = AlignWords(q, s);
  ExpectConsistent(a, q, s);
  std::vector<std::pair<uint32_t, uint32_t>> differing;
  for (const AlignedRun& r : a.runs) {
    if (!r.same) differing.push_back({r.query.size(), r.source.size()});
  }
  EXPECT_EQ(differing, (std::vector<std::pair<uint32_t, uint32_t>>{{1, 1}, {2, 1}}));
  EXPECT_EQ(a.shared_words, 7u);
}

TEST(AlignWords, ShortCommonRunsDoNotCount) {
  // Only "1 2" and "5 6" are shared runs of two; lone common words are not.
  const auto q = Seq({1, 2, 50, 3, 51, 4, 52, 5, 6});
  const auto s = Seq({1, 2, 60, 3, 61, 4, 62, 5, 6});
  EXPECT_EQ(AlignWords(q, s).shared_words, 4u);
  EXPECT_EQ(AlignWords(q, s, 1).shared_words, 6u);
}

TEST(AlignWords, RandomEditsAreAlignedConsistently) {
  Rng rng(42);
  for (int trial = 0; trial < 200; ++trial) {
    std::vector<uint64_t> s;
    const size_t n = rng.Below(300);
    for (size_t i = 0; i < n; ++i) s.push_back(rng.Below(40));  // many repeats: few unique anchors
    std::vector<uint64_t> q;
    size_t kept = 0;
    for (uint64_t w : s) {
      const uint64_t r = rng.Below(10);
      if (r == 0) continue;                       // deleted
      if (r == 1) q.push_back(1000 + rng.Below(5));  // replaced
      else q.push_back(w), ++kept;
      if (rng.Below(20) == 0) q.push_back(2000);     // inserted
    }
    const Alignment a = AlignWords(q, s, 1);
    ExpectConsistent(a, q, s);
    // The alignment is a longest common subsequence: at least the words
    // left in place.
    EXPECT_GE(a.shared_words, kept) << "trial " << trial;
  }
}

TEST(AlignWords, GapsBeyondTheEditLimitStayUnaligned) {
  std::vector<uint64_t> q, s;
  for (uint64_t i = 0; i < 100; ++i) {
    q.push_back(i % 2);  // no unique words on either side: Myers only
    s.push_back((i + 1) % 3);
  }
  const Alignment a = AlignWords(q, s, 1, 4);
  ExpectConsistent(a, q, s);
  const Alignment b = AlignWords(q, s, 1);
  ExpectConsistent(b, q, s);
  EXPECT_GT(b.shared_words, a.shared_words);
}

TEST(Fingerprint, AnchorsAreWordsNoSpinnerChanges) {
  FingerprintOptions o;
  Fingerprinter fp(DefaultLexicon(), o);
  EXPECT_TRUE(fp.IsAnchor("the"));
  EXPECT_TRUE(fp.IsAnchor("zyxwvut"));  // unknown to every thesaurus
  EXPECT_FALSE(fp.IsAnchor("big"));
  EXPECT_FALSE(fp.IsAnchor("women"));   // through its lemma
  EXPECT_FALSE(fp.IsAnchor("within"));  // a substitute (of "in", in the rewrite table)
  EXPECT_TRUE(fp.IsAnchor("and"));
  // A spinner's inflection of an adjective, unknown to the lexicon.
  EXPECT_FALSE(fp.IsAnchor("uncompelleds"));
  std::vector<FingerprintWord> words;
  fp.Words("Quixley said 2 of 1,139 were big.", &words);
  ASSERT_EQ(words.size(), 7u);
  EXPECT_TRUE(words[0].anchor);   // a name no thesaurus has
  EXPECT_FALSE(words[2].anchor);  // "2" may stand for "two"
  EXPECT_TRUE(words[3].anchor);
  EXPECT_TRUE(words[4].anchor);   // "1,139"
  EXPECT_FALSE(words[6].anchor);
  // "and" inside a phrase with synonyms, which a spinner swaps whole, and
  // alone.
  fp.Words("Quixley and so forth; Quixley and the like.", &words);
  ASSERT_EQ(words.size(), 8u);
  EXPECT_FALSE(words[1].anchor);
  EXPECT_TRUE(words[5].anchor);
}

std::vector<std::string> TestDocs(size_t n) {
  std::vector<std::string> docs;
  auto text = ReadFileToString(std::string(UNSPIN_TEST_DATA) + "/eval_small.jsonl");
  EXPECT_TRUE(text.ok());
  for (const std::string& line : Split(*text, '\n')) {
    if (line.empty() || docs.size() == n) continue;
    docs.push_back(nlohmann::json::parse(line)["text"].get<std::string>());
  }
  return docs;
}

std::string Spin(const std::string& text, const std::string& profile, double rate, uint64_t seed) {
  SpinOptions so;
  so.rate = rate;
  so.profile = FindProfile(profile).value();
  Spinner spinner(DefaultLexicon(), so);
  Rng rng(seed);
  SpinResult r;
  spinner.Spin(text, &rng, &r);
  return r.text;
}

TEST(Fingerprint, SpunCopiesKeepTheirAnchorShingles) {
  // Two unrelated texts of about 160 words: the fixture's documents 1-4
  // and 5-8.
  const std::vector<std::string> docs = TestDocs(8);
  ASSERT_EQ(docs.size(), 8u);
  const std::string a_text = docs[0] + docs[1] + docs[2] + docs[3], b_text = docs[4] + docs[5] + docs[6] + docs[7];
  Fingerprinter a(DefaultLexicon(), {}), w(DefaultLexicon(), WordShingleOptions());
  auto signature = [](Fingerprinter& fp, const std::string& text) {
    std::vector<uint64_t> shingles;
    std::vector<uint32_t> sig;
    fp.Shingles(text, &shingles);
    fp.Signature(shingles, &sig);
    return sig;
  };
  for (uint64_t seed = 1; seed <= 5; ++seed) {
    const std::string spun = Spin(a_text, "naive", 0.3, seed);
    ASSERT_NE(spun, a_text);
    const double anchors_similarity = SignatureSimilarity(signature(a, a_text), signature(a, spun));
    EXPECT_GT(anchors_similarity, 0.6) << seed;
    EXPECT_GT(anchors_similarity, SignatureSimilarity(signature(w, a_text), signature(w, spun)) + 0.2) << seed;
    EXPECT_LT(SignatureSimilarity(signature(a, b_text), signature(a, spun)), 0.2) << seed;
  }
}

TEST(Fingerprint, SignaturesAndBandsAreStable) {
  Fingerprinter fp(DefaultLexicon(), {});
  std::vector<uint64_t> shingles;
  std::vector<uint32_t> sig, again;
  std::vector<uint64_t> keys;
  fp.Shingles("", &shingles);
  EXPECT_TRUE(shingles.empty());
  fp.Signature(shingles, &sig);
  fp.BandKeys(sig, &keys);
  EXPECT_TRUE(keys.empty());  // an empty text matches nothing
  fp.Shingles(NewsText(), &shingles);
  EXPECT_GT(shingles.size(), 10u);
  fp.Signature(shingles, &sig);
  fp.BandKeys(sig, &keys);
  EXPECT_EQ(sig.size(), 256u);
  EXPECT_EQ(keys.size(), 64u);
  fp.Signature(shingles, &again);
  EXPECT_EQ(sig, again);
  // A text of fewer anchors than a shingle still has one shingle.
  fp.Shingles("Quixley of Zanzibar.", &shingles);
  EXPECT_EQ(shingles.size(), 1u);
}

// The texts as index documents "doc0", "doc1", ...
std::vector<IndexDoc> NumberedDocs(const std::vector<std::string>& texts) {
  std::vector<IndexDoc> docs;
  for (size_t i = 0; i < texts.size(); ++i) docs.push_back({"doc" + std::to_string(i), texts[i]});
  return docs;
}

class TraceIndexTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = testing::TempPath("trace_index");
    std::filesystem::remove_all(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string dir_;
};

TEST_F(TraceIndexTest, FindsTheSourceOfASpunCopyWithEvidence) {
  std::vector<std::string> texts = TestDocs(8);
  texts.push_back(NewsText());
  const std::vector<IndexDoc> docs = NumberedDocs(texts);
  {
    auto index = TraceIndex::Open(dir_, DefaultLexicon(), TraceIndex::kCreate);
    ASSERT_TRUE(index.ok()) << index.status().message();
    AddReport report;
    ASSERT_TRUE((*index)->Add(docs, &report).ok());
    EXPECT_EQ(report.added, docs.size());
    // The same ids again: refused one by one, the index unchanged.
    ASSERT_TRUE((*index)->Add(std::span(docs).subspan(0, 2), &report).ok());
    EXPECT_EQ(report.added, 0u);
    ASSERT_EQ(report.refused.size(), 2u);
    EXPECT_NE(report.refused[1].second.find("doc1"), std::string::npos);
  }
  auto index = TraceIndex::Open(dir_, DefaultLexicon(), TraceIndex::kReadOnly);
  ASSERT_TRUE(index.ok()) << index.status().message();
  EXPECT_EQ((*index)->Info()->documents, docs.size());
  EXPECT_TRUE((*index)->Check().ok());
  for (size_t i : {2u, 8u}) {
    const std::string spun = Spin(texts[i], "moby", 0.3, i);
    auto matches = (*index)->Query(spun, {});
    ASSERT_TRUE(matches.ok());
    ASSERT_FALSE(matches->empty());
    const TraceMatch& best = (*matches)[0];
    EXPECT_EQ(best.id, docs[i].id);
    EXPECT_GT(best.similarity, 0.6);
    ASSERT_FALSE(best.evidence.empty());
    for (const TraceEvidence& e : best.evidence) {
      EXPECT_EQ(spun.substr(e.query_begin, e.query_end - e.query_begin), e.query_text);
      EXPECT_EQ(texts[i].substr(e.source_begin, e.source_end - e.source_begin), e.source_text);
      EXPECT_NE(ToLower(e.query_text), ToLower(e.source_text));
    }
  }
  // Text written afresh matches nothing above the threshold.
  auto none = (*index)->Query("Completely unrelated words about quantum chromodynamics and lattice gauge theory "
                              "simulations on graphics processors, written for this test alone.",
                              {});
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->empty());
}

// Every anchor word of `text` replaced by a word of no lexicon, as a
// spinner that swaps names would leave it: no anchor shingle survives.
std::string WithAnchorsReplaced(const std::string& text) {
  Fingerprinter fp(DefaultLexicon(), {});
  std::vector<FingerprintWord> words;
  fp.Words(text, &words);
  std::string out;
  size_t at = 0;
  int n = 0;
  for (const FingerprintWord& w : words) {
    if (!w.anchor) continue;
    out += text.substr(at, w.begin - at) + "zqx" + std::to_string(n++) + "v";
    at = w.end;
  }
  return out + text.substr(at);
}

TEST_F(TraceIndexTest, TheRestorationFindsWhatTheWordingAsWrittenMisses) {
  std::vector<std::string> texts = TestDocs(8);
  texts.push_back(NewsText());
  const std::vector<IndexDoc> docs = NumberedDocs(texts);
  auto index = TraceIndex::Open(dir_, DefaultLexicon(), TraceIndex::kCreate);
  ASSERT_TRUE(index.ok()) << index.status().message();
  AddReport report;
  ASSERT_TRUE((*index)->Add(docs, &report).ok());
  const std::string copy = WithAnchorsReplaced(texts.back());
  TraceQueryOptions options;
  options.threshold = 0.3;
  auto as_written = (*index)->Query(copy, options);
  ASSERT_TRUE(as_written.ok());
  EXPECT_TRUE(as_written->empty());
  // The restoration (here: the source itself) brings the anchors back.
  options.restored = texts.back();
  auto restored = (*index)->Query(copy, options);
  ASSERT_TRUE(restored.ok());
  ASSERT_FALSE(restored->empty());
  const TraceMatch& best = (*restored)[0];
  EXPECT_EQ(best.id, "doc8");
  EXPECT_DOUBLE_EQ(best.restored_similarity, 1.0);
  EXPECT_LT(best.similarity, best.restored_similarity);  // aligned, but no band of the copy met the source
  // Evidence is of the copy as written.
  ASSERT_FALSE(best.evidence.empty());
  for (const TraceEvidence& e : best.evidence) {
    EXPECT_EQ(copy.substr(e.query_begin, e.query_end - e.query_begin), e.query_text);
  }
}

TEST_F(TraceIndexTest, QueriesWithTheDecodersRestorationUnlessItRunsOutOfTime) {
  const std::string text = NewsText();
  auto index = TraceIndex::Open(dir_, DefaultLexicon(), TraceIndex::kCreate);
  ASSERT_TRUE(index.ok());
  AddReport report;
  ASSERT_TRUE((*index)->Add(NumberedDocs({text}), &report).ok());
  Decoder decoder(testing::DefaultModel());
  const std::string copy = Spin(text, "moby", 0.2, 3);
  auto with = QueryWithRestoration(**index, &decoder, copy, {});
  ASSERT_TRUE(with.ok()) << with.status().message();
  ASSERT_FALSE(with->empty());
  EXPECT_GT((*with)[0].restored_similarity, 0);
  auto without = QueryWithRestoration(**index, nullptr, copy, {});
  ASSERT_TRUE(without.ok());
  ASSERT_FALSE(without->empty());
  EXPECT_EQ((*without)[0].restored_similarity, 0);
  // A deadline already passed: nothing is queried.
  auto late = QueryWithRestoration(**index, &decoder, copy, {}, std::chrono::steady_clock::now());
  EXPECT_EQ(late.status().code(), StatusCode::kResourceExhausted);
  EXPECT_TRUE(QueryWithRestoration(**index, nullptr, copy, {}, std::chrono::steady_clock::now()).ok());
}

TEST_F(TraceIndexTest, OfSourcesExplainingTheCopyAlikeTheTighterRanksFirst) {
  const std::string text = NewsText();
  std::vector<IndexDoc> docs = {{"a-with-dateline", "LAS VEGAS (AP) — Fifty more words of a dateline and a "
                                                   "preamble that the copy dropped. " + text},
                                {"b-plain", text}};
  auto index = TraceIndex::Open(dir_, DefaultLexicon(), TraceIndex::kCreate);
  ASSERT_TRUE(index.ok());
  AddReport report;
  ASSERT_TRUE((*index)->Add(docs, &report).ok());
  auto matches = (*index)->Query(Spin(text, "moby", 0.2, 3), {});
  ASSERT_TRUE(matches.ok());
  ASSERT_EQ(matches->size(), 2u);
  EXPECT_DOUBLE_EQ((*matches)[0].similarity, (*matches)[1].similarity);
  EXPECT_EQ((*matches)[0].id, "b-plain");
  EXPECT_GT((*matches)[0].source_coverage, (*matches)[1].source_coverage);
}

TEST_F(TraceIndexTest, AnIndexKeepsTheBandsItWasMadeWith) {
  FingerprintOptions older;
  older.bands = 32;
  older.rows = 4;
  std::vector<std::string> texts = TestDocs(4);
  const std::vector<IndexDoc> docs = NumberedDocs(texts);
  {
    auto index = TraceIndex::Open(dir_, DefaultLexicon(), TraceIndex::kCreate, older);
    ASSERT_TRUE(index.ok());
    AddReport report;
    ASSERT_TRUE((*index)->Add(docs, &report).ok());
  }
  auto index = TraceIndex::Open(dir_, DefaultLexicon(), TraceIndex::kReadOnly);
  ASSERT_TRUE(index.ok());
  EXPECT_EQ((*index)->fingerprint_options().bands, 32);
  EXPECT_EQ((*index)->fingerprint_options().rows, 4);
  TraceQueryStats stats;
  auto matches = (*index)->Query(Spin(texts[1], "moby", 0.2, 1), {}, &stats);
  ASSERT_TRUE(matches.ok());
  ASSERT_FALSE(matches->empty());
  EXPECT_EQ((*matches)[0].id, "doc1");
  EXPECT_GE(stats.candidates, stats.verified);
}

// Opens the index's SQLite file directly, to damage it in a precise way.
void ExecSql(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  char* error = nullptr;
  EXPECT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &error), SQLITE_OK) << (error ? error : "");
  sqlite3_free(error);
  sqlite3_close(db);
}

TEST_F(TraceIndexTest, RefusesForeignDamagedAndMismatchedIndexes) {
  const Lexicon& lex = DefaultLexicon();
  EXPECT_EQ(TraceIndex::Open(dir_, lex, TraceIndex::kReadOnly).status().code(), StatusCode::kNotFound);
  {
    auto index = TraceIndex::Open(dir_, lex, TraceIndex::kCreate);
    ASSERT_TRUE(index.ok());
    AddReport report;
    ASSERT_TRUE((*index)->Add(std::vector<IndexDoc>{{"a", "Some text to index, of no consequence."}}, &report).ok());
  }
  const std::string file = dir_ + "/index.sqlite";
  auto code_after = [&](const std::string& sql) {
    const std::string backup = file + ".backup";
    std::filesystem::copy_file(file, backup, std::filesystem::copy_options::overwrite_existing);
    ExecSql(file, sql);
    const StatusCode code = TraceIndex::Open(dir_, lex, TraceIndex::kReadOnly).status().code();
    std::filesystem::copy_file(backup, file, std::filesystem::copy_options::overwrite_existing);
    return code;
  };
  EXPECT_EQ(code_after("UPDATE meta SET value = '0123456789abcdef' WHERE key = 'lexicon_checksum'"),
            StatusCode::kDataLoss);
  EXPECT_EQ(code_after("PRAGMA user_version = 99"), StatusCode::kVersionMismatch);
  EXPECT_EQ(code_after("PRAGMA application_id = 7"), StatusCode::kDataLoss);
  EXPECT_EQ(code_after("UPDATE meta SET value = '{\"fingerprint_version\":99,\"kind\":\"anchors\"}' "
                       "WHERE key = 'fingerprint'"),
            StatusCode::kVersionMismatch);
  EXPECT_EQ(code_after("UPDATE meta SET value = 'not json' WHERE key = 'fingerprint'"), StatusCode::kDataLoss);
  EXPECT_EQ(code_after("DELETE FROM meta WHERE key = 'fingerprint'"), StatusCode::kDataLoss);
  EXPECT_TRUE(TraceIndex::Open(dir_, lex, TraceIndex::kReadOnly).ok());
  // Not SQLite at all, and a truncated file.
  const std::string bytes = ReadFileToString(file).value();
  ASSERT_TRUE(WriteFileAtomically(file, std::string(4096, 'x')).ok());
  EXPECT_EQ(TraceIndex::Open(dir_, lex, TraceIndex::kReadOnly).status().code(), StatusCode::kDataLoss);
  ASSERT_TRUE(WriteFileAtomically(file, bytes.substr(0, 1000)).ok());
  EXPECT_EQ(TraceIndex::Open(dir_, lex, TraceIndex::kReadOnly).status().code(), StatusCode::kDataLoss);
  // A plain file where the directory should be.
  std::filesystem::remove_all(dir_);
  ASSERT_TRUE(WriteFileAtomically(dir_, "x").ok());
  EXPECT_EQ(TraceIndex::Open(dir_, lex, TraceIndex::kCreate).status().code(), StatusCode::kInvalidArgument);
  std::filesystem::remove(dir_);
}

}  // namespace
}  // namespace unspin
