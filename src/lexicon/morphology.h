// English inflection: rules, plus the build-time knowledge (WordNet
// exception lists, the project's irregular-verb table, the SCOWL word list
// used to choose between rule outputs such as "visited" / "visitted").
//
// The lexicon precomputes every lemma's forms at build time with
// MorphologyBuilder and stores them, so lemmatising and re-inflecting at run
// time are table look-ups; RuleInflection is the run-time fallback for words
// the tables do not cover.
#ifndef UNSPIN_LEXICON_MORPHOLOGY_H_
#define UNSPIN_LEXICON_MORPHOLOGY_H_

#include <array>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "lexicon/types.h"
#include "util/status.h"

namespace unspin {

// Candidate forms of a lower-case single-word `lemma` by rule, most likely
// first. Empty for kBase. Comparatives get synthetic forms only by rule;
// callers that cannot validate them should prefer "more X".
std::vector<std::string> RuleInflections(std::string_view lemma, Inflection tag);

// Bit mask over Pos values.
using PosMask = uint8_t;
constexpr PosMask PosBit(Pos p) { return static_cast<PosMask>(1u << static_cast<int>(p)); }

class MorphologyBuilder {
 public:
  // WordNet's *.exc exception lists and index.* lemma lists in `dir`.
  Status LoadWordNet(const std::string& dir);
  // Lines "base past participle", alternatives separated by '/'.
  Status LoadIrregularVerbs(const std::string& path);
  // One word per line; used to prefer attested rule outputs. Words of a
  // `common` list also mark phrases made only of everyday words.
  Status LoadWordList(const std::string& path, bool common);
  bool IsCommon(const std::string& word) const { return common_.count(word) != 0; }

  // Parts of speech WordNet gives for a single-word lemma.
  PosMask WordNetPos(const std::string& lemma) const;

  // The forms of `lemma` for the parts of speech in `pos`; forms[kBase] is
  // the lemma, an empty string means "no such form".
  std::array<std::string, kInflectionCount> Inflect(const std::string& lemma,
                                                    PosMask pos) const;

  size_t word_list_size() const { return words_.size(); }

 private:
  bool Attested(const std::string& w) const { return words_.count(w) != 0; }
  std::string Choose(const std::vector<std::string>& candidates, bool require_attested) const;

  std::unordered_set<std::string> words_, common_;
  std::unordered_map<std::string, PosMask> wordnet_pos_;
  // lemma -> irregular forms from WordNet's exception lists, per POS.
  std::unordered_map<std::string, std::vector<std::string>> noun_exc_, verb_exc_, adj_exc_;
  struct Irregular {
    std::vector<std::string> past, participle;
  };
  std::unordered_map<std::string, Irregular> irregular_;
};

}  // namespace unspin

#endif  // UNSPIN_LEXICON_MORPHOLOGY_H_
