// Spin-invariant fingerprints of documents, for finding the source a spun
// copy was made from.
//
// A spinner swaps words that have synonyms and leaves the rest alone:
// names, numbers, rare words, most function words. Those "anchor" words
// keep their order in the copy, so shingles of consecutive anchors (the
// words between them skipped) survive spinning where plain word shingles
// do not. A word is an anchor when the lexicon neither offers substitutes
// for it nor lists it as anybody's substitute, in any of its readings:
// then no spinner drawing on the same synonym sources can have put it
// there or taken it away. The words of a multi-word phrase that has
// synonyms ("at least", "more or less") are not anchors either: spinners
// swap such phrases whole. Nor are a spinner's own inflections of words
// with synonyms ("paranymphed"), though the lexicon does not know them.
//
// A document's shingle set is summarised by a MinHash signature (the
// share of equal positions of two signatures estimates the Jaccard
// similarity of the sets), cut into bands for locality-sensitive hashing:
// two documents are candidates when any band agrees.
#ifndef UNSPIN_TRACE_FINGERPRINT_H_
#define UNSPIN_TRACE_FINGERPRINT_H_

#include <cstdint>
#include <string_view>
#include <vector>

#include "lexicon/lexicon.h"
#include "text/tokenizer.h"

namespace unspin {

// Changes whenever a fingerprint of the same text under the same options
// would change (word normalisation, shingle or signature hashing), so
// that an index refuses queries it would answer wrongly.
constexpr int kFingerprintVersion = 1;

enum class ShingleKind : uint8_t {
  kAnchors,  // consecutive anchor words (spin-invariant)
  kWords,    // consecutive words, all of them: plain near-duplicate shingles
};

struct FingerprintOptions {
  ShingleKind kind = ShingleKind::kAnchors;
  int shingle_words = 3;  // words per shingle
  int bands = 64;
  int rows = 4;  // signature values per band
  // Which synonym sources make a word mutable; a spinner drawing on others
  // may change "anchors", which costs some shingles. Not the learned
  // source: its thousands of science word pairs from tortured-phrase lists
  // would leave ordinary prose with too few anchors to tell unrelated
  // documents apart.
  LexiconFilter filter = ThesauriOnly();

  static LexiconFilter ThesauriOnly() {
    LexiconFilter f;
    f.sources = static_cast<SourceMask>(kAllSources & ~MaskOf(Source::kLearned));
    return f;
  }

  int signature_size() const { return bands * rows; }
};

// Plain near-duplicate fingerprints, the baseline trace is measured
// against: shingles of five consecutive words, the same bands.
FingerprintOptions WordShingleOptions();

// The word tokens of a text as fingerprints see them: lower case,
// apostrophes straight.
struct FingerprintWord {
  uint32_t begin = 0, end = 0;  // bytes of the text
  uint64_t hash = 0;            // of the normalised word
  bool anchor = false;
};

class Fingerprinter {
 public:
  // `lexicon` must outlive the fingerprinter. Not thread-safe (it caches
  // verdicts per word); use one per thread.
  Fingerprinter(const Lexicon& lexicon, FingerprintOptions options);

  const FingerprintOptions& options() const { return options_; }

  // The words of `text` (valid UTF-8), each marked anchor or not.
  void Words(std::string_view text, std::vector<FingerprintWord>* out);
  // The distinct shingle hashes of `text`, sorted.
  void Shingles(std::string_view text, std::vector<uint64_t>* out);
  // The same from the text's Words, for a caller that needs those too.
  void Shingles(const std::vector<FingerprintWord>& words, std::vector<uint64_t>* out) const;
  // The MinHash signature (signature_size() values) of a shingle set. An
  // empty set gives all-ones (it matches nothing: see BandKeys).
  void Signature(const std::vector<uint64_t>& shingles, std::vector<uint32_t>* out) const;
  // One key per band of `signature` (its band number mixed in), for LSH
  // look-up. None for the signature of an empty set.
  void BandKeys(const std::vector<uint32_t>& signature, std::vector<uint64_t>* out) const;

  // Whether a single lower-case word is an anchor wherever it stands
  // (Words also takes the words of swappable phrases out).
  bool IsAnchor(std::string_view lower_word);

 private:
  // Whether lexicon string `id` (a word or phrase) has substitutes or is
  // one, in any reading. Cached.
  bool Mutable(uint32_t id);

  const Lexicon& lexicon_;
  FingerprintOptions options_;
  std::vector<uint64_t> multipliers_, addends_;  // one hash function per signature value
  std::vector<uint8_t> verdict_;                 // per lexicon id: 0 unknown, 1 anchor, 2 mutable
  std::vector<Token> tokens_;
  std::vector<FingerprintWord> words_;
  std::vector<std::string> lower_;
  std::vector<Lexicon::Analysis> analyses_;
  std::vector<uint32_t> scratch_;
};

// Estimated Jaccard similarity: the share of equal positions.
double SignatureSimilarity(const std::vector<uint32_t>& a, const std::vector<uint32_t>& b);

}  // namespace unspin

#endif  // UNSPIN_TRACE_FINGERPRINT_H_
