// Learning a real spinner's dictionary from what it wrote: the trainer
// beside the channel it feeds (decoder/channel.h) and the table it writes
// (lexicon/learned_pairs.h).
//
//  * From aligned document pairs (an original and its spun copy), the
//    swaps the word alignment finds: each differing run is one swap or,
//    when it splits word by word into pairs seen elsewhere or in a
//    thesaurus, several.
//  * From phrase pairs (a tortured phrase and the phrase it stands for),
//    the pair itself and, for phrases of equal length, the word pairs
//    inside it ("irregular woodland" / "random forest" teaches random ->
//    irregular and forest -> woodland).
//
// Word pairs are learned as lemma pairs when both words carry the same
// inflection ("organizations" / "networks" teaches organization ->
// network), so that the lexicon's morphology carries them to every form.
#ifndef UNSPIN_DECODER_LEARN_H_
#define UNSPIN_DECODER_LEARN_H_

#include <cstdint>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "io/real_data.h"
#include "lexicon/learned_pairs.h"
#include "decoder/channel.h"
#include "lexicon/lexicon.h"
#include "lm/language_model.h"

namespace unspin {

// One differing run of a spun document aligned with its original: the
// spun bytes [spun_begin, spun_end) stand where the original had
// `original` (bytes [original_begin, original_end) of it).
//  * A swap has words on both sides.
//  * An insertion has no original words: the spinner added words, most
//    often by writing a longer phrase for a word beside them ("new" ->
//    "brand new"), so that the swap is the run with a neighbour.
//  * A deletion has no spun words (a dropped phrase); nothing in the spun
//    text marks it.
struct DocumentSwap {
  enum Kind : uint8_t { kSwap, kInsertion, kDeletion };
  Kind kind = kSwap;
  uint32_t spun_begin = 0, spun_end = 0;
  uint32_t original_begin = 0, original_end = 0;
  std::string spun, original;  // as written, tokens joined by single spaces
  uint32_t spun_words = 0, original_words = 0;  // word and number tokens
  bool punctuation = false;  // either side has a punctuation or symbol token
};

// The differing runs of `spun` aligned with `original`, in text order.
// Tokens are compared lower-cased with plain apostrophes. Both must be
// valid UTF-8 shorter than 4 GiB.
std::vector<DocumentSwap> AlignedSwaps(std::string_view original, std::string_view spun);

struct LearnReport {
  uint64_t documents = 0, swaps = 0, insertions = 0, deletions = 0;
  uint64_t swaps_learned = 0;     // swaps that gave one or more pairs
  uint64_t phrases = 0, phrases_learned = 0;
  uint64_t word_pairs = 0;        // pairs learned word by word
};

// The split key of a unit, as learned tables record it (LearnedFromKey):
// a document by its original's text, so that copies of one original fall
// on one side; a phrase by its spun side, lower case.
uint64_t DocumentSplitKey(const DocumentPair& pair);
uint64_t PhraseSplitKey(const PhrasePair& pair);
// The fold of a unit among `folds` (>= 1).
inline uint32_t FoldOf(uint64_t split_key, uint32_t folds) { return static_cast<uint32_t>(split_key % folds); }

class Learner {
 public:
  // `lexicon` is used for lemmas and to judge word-by-word splits; it must
  // outlive the learner.
  explicit Learner(const Lexicon& lexicon) : lexicon_(lexicon) {}

  // Learns from aligned documents; a pair's own profile wins over
  // `default_profile`.
  void AddDocuments(const std::vector<DocumentPair>& docs, const std::string& default_profile);
  void AddPhrases(const std::vector<PhrasePair>& phrases, const std::string& profile);

  const LearnedPairs& pairs() const { return pairs_; }
  const LearnReport& report() const { return report_; }

  struct WordPair {
    std::string original, substitute;
  };
  // The keys a pair as written is learned under: lemma keys, so that every
  // form is one entry; both empty if it teaches nothing (an empty side, or
  // the same words).
  WordPair PairKey(const std::string& original, const std::string& substitute) const;

 private:
  // Lemma keys of a word pair, or the pair as given when the two words
  // share no inflection.
  WordPair Lemmas(const std::string& original, const std::string& substitute) const;
  bool IsStopword(const std::string& lower_word) const;
  // The key a word's swap rate is counted under: its first lemma, or itself.
  std::string RateKey(const std::string& lower_word) const;
  // Whether a thesaurus links the two words (either way, as lemmas too),
  // or the spinner was seen making the swap alone.
  // The noun's singular if `lower_word` is only a plural, else itself.
  std::string Singular(const std::string& lower_word) const;
  bool Plausible(const std::string& original, const std::string& substitute) const;
  bool Linked(const std::string& a, const std::string& b) const;
  // Counts how often each word of the original was met and swapped.
  void CountRates(const DocumentPair& doc, const std::vector<DocumentSwap>& swaps, const std::string& profile);
  // False if either side is no phrase of 1..4 words, or both are the same.
  bool AddPair(const std::string& profile, const std::string& original, const std::string& substitute,
               LearnedKind kind);
  bool AddOnePair(const std::string& profile, const std::string& original, const std::string& substitute,
                  LearnedKind kind);

  const Lexicon& lexicon_;
  LearnedPairs pairs_;
  LearnReport report_;
  std::set<std::pair<std::string, std::string>> seen_alone_;  // one-word swaps, lower case
};

// `phrase` and every inflected form of it the lexicon knows, lower case.
std::set<std::string> LexiconForms(const Lexicon& lexicon, const std::string& phrase);

// The channel that decodes with a learned table: `base` with the learned
// source added to its lexicon filter (the table must be compiled into
// `lexicon`, as `unspin model build` does) and q peaked on what the
// spinner was seen to do. For an original u seen swapped c(u) times, c(u, v)
// of them as v: q(v | u) = (c(u, v) + a q0(v | u)) / (c(u) + a), and every
// other substitute keeps q0 scaled by a / (c(u) + a); originals never seen
// keep the thesaurus prior q0 (CandidateBuilder::DefaultLogQ). Entries are
// made for every inflected form of v the lexicon knows, since q is looked up
// by the phrase as observed. Replaces any adapted q of `base`.
ChannelParams LearnedChannel(const ChannelParams& base, const LearnedPairs& pairs, const Lexicon& lexicon,
                             const LanguageModel& lm, double smoothing = 2.0);

// The channel with learned pairs switched off: the thesaurus-only channel.
ChannelParams WithoutLearned(const ChannelParams& channel);

// The profiles a router chooses between: those with swap rates, which only
// document pairs give. The others (phrase lists) apply to every document.
std::vector<std::string> RoutedProfiles(const LearnedPairs& pairs);

// The channel for documents that no routed profile explains: the learned
// channel of the unrouted profiles' pairs alone (the other fields as in
// `channel`), with every pair that only a routed profile has ruled out
// (kExcludedLogQ), so that "within" is not read back as "in" in clean text.
// A pair a thesaurus of the lexicon also has keeps its thesaurus q.
ChannelParams PlainChannel(const ChannelParams& channel, const LearnedPairs& pairs, const Lexicon& lexicon,
                           const LanguageModel& lm);

}  // namespace unspin

#endif  // UNSPIN_DECODER_LEARN_H_
