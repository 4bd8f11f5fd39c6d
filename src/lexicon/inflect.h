// Phrase-level inflection and its inverse over a compiled lexicon: the one
// place that knows which word of a phrase carries the inflection. The
// spinner uses InflectPhrase to realise substitutes; the decoder uses
// OriginalCandidates to propose originals for an observed phrase.
#ifndef UNSPIN_LEXICON_INFLECT_H_
#define UNSPIN_LEXICON_INFLECT_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "lexicon/lexicon.h"

namespace unspin {

// The phrase `id` in inflection `tag` (lower case; kBase gives its display
// form). Nouns inflect at the head ("news agencies", "times of day"), verbs
// and adjectives at the first word ("took part"); a comparative with no
// stored form becomes "more X".
std::string InflectPhrase(const Lexicon& lexicon, uint32_t id, Inflection tag);

struct OriginalReading {
  uint32_t original;  // lexicon id of the original's lemma phrase
  Inflection tag;     // inflection carried from the observed phrase
};

// A number unique to each (original, tag), for sets and maps of readings.
inline uint64_t ReadingKey(uint32_t original, Inflection tag) {
  return uint64_t{original} * kInflectionCount + static_cast<uint64_t>(tag);
}

// Originals whose substitutes include the observed lower-case phrase
// `words` (as is, or with one word lemmatised), each with the inflection
// to give it; unique, in the order found.
void OriginalReadings(const Lexicon& lexicon, const std::vector<std::string>& words, const LexiconFilter& filter,
                      std::vector<OriginalReading>* out);

struct OriginalCandidate {
  uint32_t original;  // lexicon id of the original's lemma phrase
  Inflection tag;     // inflection carried from the observed phrase
  std::string text;   // the original, re-inflected (lower case)
};

// OriginalReadings, each re-inflected to match the observed phrase.
void OriginalCandidates(const Lexicon& lexicon, const std::vector<std::string>& words,
                        const LexiconFilter& filter, std::vector<OriginalCandidate>* out);

}  // namespace unspin

#endif  // UNSPIN_LEXICON_INFLECT_H_
