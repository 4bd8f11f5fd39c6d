// Shared fixtures: a small lexicon compiled from hand-written senses and
// the fixture WordNet files in tests/data, so unit tests need no Debian data.
#ifndef UNSPIN_TESTS_TEST_UTIL_H_
#define UNSPIN_TESTS_TEST_UTIL_H_

#include <gtest/gtest.h>
#include <unistd.h>

#include <random>
#include <string>

#include "decoder/decoder.h"
#include "lexicon/lexicon.h"
#include "lexicon/lexicon_builder.h"
#include "util/file_io.h"

namespace unspin::testing {

inline std::string TempPath(const std::string& name) {
  return (::testing::TempDir().empty() ? std::string("/tmp/") : ::testing::TempDir()) + "unspin_" +
         std::to_string(::getpid()) + "_" + name;
}

inline RawSense Sense(Pos pos, Source source, std::string head,
                      std::vector<std::string> members) {
  RawSense s;
  s.pos = pos;
  s.source = source;
  s.head = std::move(head);
  for (auto& m : members) s.members.emplace_back(std::move(m), Relation::kSynonym);
  return s;
}

inline MorphologyBuilder TestMorphology() {
  MorphologyBuilder m;
  EXPECT_TRUE(m.LoadWordNet(std::string(UNSPIN_TEST_DATA) + "/wordnet").ok());
  EXPECT_TRUE(m.LoadIrregularVerbs(std::string(UNSPIN_DATA_DIR) + "/irregular_verbs.tsv").ok());
  EXPECT_TRUE(m.LoadWordList(std::string(UNSPIN_TEST_DATA) + "/words.txt", true).ok());
  return m;
}

// Bytes of the fixture lexicon.
inline std::string TestLexiconBytes() {
  LexiconBuilder b;
  b.AddSenses({
      Sense(Pos::kNoun, Source::kMythes, "woman", {"lady"}),
      RawSense{Pos::kNoun, Source::kMythes, "woman", {{"adult female", Relation::kBroader}}},
      Sense(Pos::kNoun, Source::kWordNet, "", {"child", "kid"}),
      Sense(Pos::kVerb, Source::kMythes, "say", {"mention"}),
      Sense(Pos::kAdj, Source::kWordNet, "", {"round", "spherical"}),
      Sense(Pos::kVerb, Source::kMythes, "release", {"launch"}),
      Sense(Pos::kNoun, Source::kMythes, "news agency", {"information company"}),
      Sense(Pos::kVerb, Source::kMythes, "take part", {"participate"}),
      Sense(Pos::kNoun, Source::kWordNet, "", {"The Hague", "Den Haag"}),
      Sense(Pos::kAdj, Source::kMythes, "happy", {"glad"}),
      Sense(Pos::kOther, Source::kTable, "according to", {"in accordance with"}),
      Sense(Pos::kOther, Source::kTable, "at least", {"a minimum of"}),
      Sense(Pos::kOther, Source::kTable, "in", {"within"}),
      Sense(Pos::kNoun, Source::kWordNet, "", {"in", "inch"}),
  });
  b.AddStopwords({"the", "a", "in", "of"});
  std::string bytes;
  LexiconBuildReport report;
  Status s = b.Build(TestMorphology(), "{\"kind\":\"test\"}", &bytes, &report);
  EXPECT_TRUE(s.ok()) << s.message();
  return bytes;
}

// Writes 60 damaged copies of `bytes` (truncated at random points, or with
// one byte flipped) to a temporary file and expects `open(path)` to refuse
// each with kDataLoss or kVersionMismatch.
template <typename Open>
void ExpectCorruptCopiesRefused(const std::string& bytes, Open open, uint32_t seed) {
  std::string path = TempPath("corrupt_copy.bin");
  std::mt19937 rng(seed);
  for (int trial = 0; trial < 60; ++trial) {
    std::string bad = bytes;
    if (trial % 2 == 0) {
      bad.resize(rng() % bytes.size());
    } else {
      size_t at = rng() % bytes.size();
      bad[at] = static_cast<char>(bad[at] ^ (1 + rng() % 255));
    }
    ASSERT_TRUE(WriteFileAtomically(path, bad).ok());
    auto opened = open(path);
    EXPECT_FALSE(opened.ok()) << "trial " << trial;
    if (!opened.ok()) {
      EXPECT_TRUE(opened.status().code() == StatusCode::kDataLoss ||
                  opened.status().code() == StatusCode::kVersionMismatch)
          << opened.status().message();
    }
  }
  std::remove(path.c_str());
}

inline std::string WriteTestLexicon() {
  std::string path = TempPath("lexicon.bin");
  EXPECT_TRUE(WriteFileAtomically(path, TestLexiconBytes()).ok());
  return path;
}

#ifdef UNSPIN_DEFAULT_MODEL
// The default model that test.sh builds before the tests (lexicon, LM,
// channel and candidate table), opened once per test binary.
inline const Model& DefaultModel() {
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

inline const Lexicon& DefaultLexicon() { return DefaultModel().lexicon(); }
#endif

#ifdef UNSPIN_DATA_DIR
// examples/news.txt, the clean news text many tests decode or spin; a
// missing file stops the test binary, as a missing default model does.
inline std::string NewsText() {
  auto text = ReadFileToString(std::string(UNSPIN_DATA_DIR) + "/../examples/news.txt");
  if (!text.ok()) {
    ADD_FAILURE() << text.status().message();
    std::abort();
  }
  return *text;
}
#endif

}  // namespace unspin::testing

#endif  // UNSPIN_TESTS_TEST_UTIL_H_
