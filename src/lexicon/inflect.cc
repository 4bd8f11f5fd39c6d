#include "lexicon/inflect.h"

#include <unordered_set>

#include "util/strings.h"

namespace unspin {

std::string InflectPhrase(const Lexicon& lexicon, uint32_t id, Inflection tag) {
  if (tag == Inflection::kBase) return std::string(lexicon.Display(id));
  std::vector<std::string> words = Split(lexicon.Key(id), ' ');
  const int n = static_cast<int>(words.size());
  int at = (tag == Inflection::kPlural) ? n - 1 : 0;
  if (tag == Inflection::kPlural) {
    for (int k = 1; k + 1 < n; ++k) {
      if (words[k] == "of" || words[k] == "in") {  // "times of day", "fathers in law"
        at = k - 1;
        break;
      }
    }
  }
  uint32_t lemma = lexicon.Find(words[at]);
  if (lemma != Lexicon::kNone) {
    // "60 minutes" is already plural: leave it.
    std::vector<Lexicon::Analysis> analyses;
    lexicon.Analyses(lemma, &analyses);
    for (const auto& a : analyses) {
      if (a.tag == tag) return Join(words, ' ');
    }
  }
  uint32_t form = lemma == Lexicon::kNone ? Lexicon::kNone : lexicon.Inflect(lemma, tag);
  if (form != Lexicon::kNone) {
    words[at] = std::string(lexicon.Key(form));
  } else if (tag == Inflection::kComparative || tag == Inflection::kSuperlative) {
    words[at] = (tag == Inflection::kComparative ? "more " : "most ") + words[at];
  } else {
    std::vector<std::string> forms = RuleInflections(words[at], tag);
    if (!forms.empty()) words[at] = forms.front();
  }
  return Join(words, ' ');
}

void OriginalReadings(const Lexicon& lexicon, const std::vector<std::string>& words, const LexiconFilter& filter,
                      std::vector<OriginalReading>* out) {
  out->clear();
  std::vector<uint32_t> originals;
  std::unordered_set<uint64_t> seen;  // ReadingKey
  auto add_all = [&](uint32_t observed, Inflection tag) {
    lexicon.Originals(observed, filter, &originals);
    for (uint32_t o : originals) {
      if (seen.insert(ReadingKey(o, tag)).second) out->push_back({o, tag});
    }
  };
  if (uint32_t id = lexicon.Find(Join(words, ' ')); id != Lexicon::kNone) add_all(id, Inflection::kBase);
  std::vector<Lexicon::Analysis> analyses;
  for (size_t j = 0; j < words.size(); ++j) {
    uint32_t form = lexicon.Find(words[j]);
    if (form == Lexicon::kNone) continue;
    lexicon.Analyses(form, &analyses);
    for (const auto& a : analyses) {
      std::vector<std::string> lemma_words = words;
      lemma_words[j] = std::string(lexicon.Key(a.lemma));
      if (uint32_t id = lexicon.Find(Join(lemma_words, ' ')); id != Lexicon::kNone) add_all(id, a.tag);
    }
  }
}

void OriginalCandidates(const Lexicon& lexicon, const std::vector<std::string>& words,
                        const LexiconFilter& filter, std::vector<OriginalCandidate>* out) {
  std::vector<OriginalReading> readings;
  OriginalReadings(lexicon, words, filter, &readings);
  out->clear();
  for (const OriginalReading& r : readings) {
    out->push_back({r.original, r.tag, InflectPhrase(lexicon, r.original, r.tag)});
  }
}

}  // namespace unspin
