// Compiles RawSense groups from the sources plus morphology into a lexicon
// file. The output is deterministic: the same inputs give the same bytes.
#ifndef UNSPIN_LEXICON_LEXICON_BUILDER_H_
#define UNSPIN_LEXICON_LEXICON_BUILDER_H_

#include <string>
#include <unordered_map>
#include <vector>

#include "lexicon/morphology.h"
#include "lexicon/sources.h"
#include "util/status.h"

namespace unspin {

struct LexiconBuildReport {
  size_t senses_read = 0;
  size_t senses_kept = 0;
  size_t phrases_rejected = 0;  // not 1..4 word tokens
};

class LexiconBuilder {
 public:
  void AddSenses(std::vector<RawSense> senses);
  void AddStopwords(const std::vector<std::string>& words);

  // Serialises the lexicon file into `bytes`. `meta_json` is stored verbatim
  // (build facts for `unspin model info`).
  Status Build(const MorphologyBuilder& morphology, const std::string& meta_json,
               std::string* bytes, LexiconBuildReport* report);

 private:
  // `case_evidence` says whether `display`'s casing is meaningful (mythes
  // writes every head word in lower case, so its heads are no evidence).
  uint32_t Intern(const std::string& key, const std::string& display, int tokens,
                  bool case_evidence = true);

  std::vector<RawSense> raw_;
  std::vector<std::string> stopwords_;
  std::unordered_map<std::string, uint32_t> ids_;
  std::vector<std::string> keys_, displays_;
  std::vector<uint8_t> token_counts_;
  std::vector<bool> lower_seen_;  // some source writes the key in lower case
};

// Builds the default lexicon from the Debian files and the project's data
// directory; the one place that knows where those live.
struct DefaultLexiconPaths {
  std::string mythes = "/usr/share/mythes/th_en_US_v2.dat";
  std::string wordnet_dir = "/usr/share/wordnet";
  std::string aiksaurus_dir = "/usr/share/aiksaurus";
  std::string scowl_dir = "/usr/share/dict/scowl";
  std::string data_dir;  // rewrites.tsv, irregular_verbs.tsv, stopwords.txt
  // A learned pair table (data/learned_pairs.tsv); empty: none.
  std::string learned;
};
Status BuildDefaultLexicon(const DefaultLexiconPaths& paths, const std::string& out_path,
                           LexiconBuildReport* report);

}  // namespace unspin

#endif  // UNSPIN_LEXICON_LEXICON_BUILDER_H_
