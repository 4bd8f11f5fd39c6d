// The sphinx trie reader on Debian's CMU US-English model
// (pocketsphinx-en-us, installed by scripts/install-deps.sh).
#include "lm/sphinx_trie.h"

#include <gtest/gtest.h>

#include <random>

#include "lm/language_model.h"
#include "lm/lm_builder.h"
#include "test_util.h"
#include "util/file_io.h"

namespace unspin {
namespace {


const std::string& CmuBytes() {
  static std::string* bytes = [] {
    auto b = ReadFileToString(kDebianCmuModel);
    if (!b.ok()) {
      ADD_FAILURE() << b.status().message() << " (install pocketsphinx-en-us: scripts/install-deps.sh)";
      return new std::string;
    }
    return new std::string(std::move(b).value());
  }();
  return *bytes;
}

TEST(SphinxTrie, ReadsTheCmuModelWhole) {
  auto model = ParseSphinxTrie(CmuBytes(), kDebianCmuModel);
  ASSERT_TRUE(model.ok()) << model.status().message();
  ASSERT_EQ(model->order(), 3);
  EXPECT_EQ(model->vocab.size(), 72547u);
  EXPECT_EQ(model->orders[1].size(), 2051541u);
  EXPECT_EQ(model->orders[2].size(), 1669625u);

  std::string bytes;
  LmBuildReport report;
  ASSERT_TRUE(BuildLanguageModel(*model, "{}", &bytes, &report).ok());
  EXPECT_EQ(report.blanks[1] + report.blanks[2], 0u);  // sphinx stores every suffix
  EXPECT_FALSE(report.quantized[1]);  // its own 16-bit tables carry over exactly
  EXPECT_LE(bytes.size(), 60u * 1000 * 1000);
  std::string path = testing::TempPath("cmu.lm");
  ASSERT_TRUE(WriteFileAtomically(path, bytes).ok());
  auto lm = LanguageModel::Open(path);
  std::remove(path.c_str());
  ASSERT_TRUE(lm.ok()) << lm.status().message();
  auto score = [&](std::vector<std::string_view> words) { return lm->ScoreSentence(words, false, false); };
  // The originals of spun phrases are far likelier than the spun forms.
  EXPECT_GT(score({"according", "to", "the", "associated", "press"}),
            score({"in", "accordance", "with", "the", "related", "press"}) + 5);
  EXPECT_GT(score({"artificial", "intelligence"}), score({"counterfeit", "consciousness"}) + 3);
}

TEST(SphinxTrie, RefusesDamagedFilesWithoutCrashing) {
  const std::string& good = CmuBytes();
  ASSERT_FALSE(good.empty());
  EXPECT_FALSE(ParseSphinxTrie("", "x").ok());
  EXPECT_FALSE(ParseSphinxTrie("Darpa Trigram LM", "x").ok());
  std::mt19937 rng(9);
  for (int trial = 0; trial < 12; ++trial) {
    std::string bad = good.substr(0, rng() % good.size());
    auto model = ParseSphinxTrie(bad, "truncated");
    ASSERT_FALSE(model.ok());
    EXPECT_EQ(model.status().code(), StatusCode::kInvalidInput);
  }
  // Flipped bytes in the counts or pointers must give an error, not a crash
  // (values flipped elsewhere may still read as a model).
  // Offsets: the order byte, two count bytes, and the end pointer of the
  // unigrams' children (header 36 bytes, 3 quantiser tables, 12-byte
  // unigram records, `next` at +8).
  const size_t last_next = 36 + 3 * 65536 * 4 + 12 * 72547 + 8;
  for (size_t at : {size_t{19}, size_t{22}, size_t{26}, last_next + 2}) {
    std::string bad = good;
    bad[at] = static_cast<char>(bad[at] ^ 0x5A);
    auto model = ParseSphinxTrie(bad, "flipped");
    EXPECT_FALSE(model.ok()) << "byte " << at;
  }
}

}  // namespace
}  // namespace unspin
