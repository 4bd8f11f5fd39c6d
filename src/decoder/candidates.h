// The originals the decoder considers for an observed phrase: what the
// reverse lexicon proposes (lemmatised, re-inflected), known to the
// language model, weighed by the channel and pruned to the likeliest few.
//
// Two sources give the same lists:
//  * CandidateBuilder works them out from the lexicon on demand (tens of
//    microseconds per new phrase: the reverse look-up, inflection and LM
//    look-ups of every original);
//  * CandidateTable reads them from candidates.bin, compiled into the model
//    directory by `unspin model build` for the model's own channel, so that
//    a fresh process decodes at full speed from the first word.
// A table applies only to the channel it was compiled for
// (CandidateFingerprint); a decoder running with another channel (an
// adapted one, another lexicon filter) builds its lists itself.
#ifndef UNSPIN_DECODER_CANDIDATES_H_
#define UNSPIN_DECODER_CANDIDATES_H_

#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "decoder/channel.h"
#include "lexicon/inflect.h"
#include "lexicon/lexicon.h"
#include "lm/language_model.h"
#include "util/binary_file.h"
#include "util/bloom.h"
#include "util/string_index.h"
#include "util/status.h"

namespace unspin {

// An original proposed for an observed phrase. The views point into the
// CandidateBuilder or CandidateTable that produced it.
struct Candidate {
  std::string_view text;          // re-inflected, lower case (or the lexicon's display casing)
  std::span<const uint32_t> lm;   // its words' LM ids: at least one, all known to the LM
  uint32_t original = 0;          // lexicon id of the original's lemma phrase
  float unigram = 0;              // ln unigram probability of its words, mean per word
  float observed_unigram = 0;     // the same of the observed phrase
  float log_q = 0;                // ln q(observed | original)
  float weight = 0;               // ln P(observed | original) as the lattice uses it, less ln rho
};

// Identifies the channel fields a candidate list depends on (the lexicon
// filter, q and its adaptations, the frequency correction, the pruning),
// and none of the others (calibration, search widths, thresholds).
uint64_t CandidateFingerprint(const ChannelParams& channel);

class CandidateBuilder {
 public:
  CandidateBuilder(const Lexicon& lexicon, const LanguageModel& lm, const ChannelParams& channel);

  // The candidates for the observed lower-case phrase `key`, whose words
  // are `words` (key == words joined by single spaces), best first by
  // context-free prior, at most channel.max_candidates. The views stay
  // valid until Clear().
  void Build(std::string_view key, const std::vector<std::string>& words, std::vector<Candidate>* out);
  // ln q(observed | original) of the unadapted channel: -beta ln n(original).
  float DefaultLogQ(uint32_t original);
  // Forgets the cached realisations (invalidating all views handed out).
  void Clear() { realized_.clear(); }
  size_t cached() const { return realized_.size(); }

 private:
  struct Realized {
    std::string text;           // lower case
    std::vector<uint32_t> lm;   // empty if some word is unknown to the LM
    double unigram = 0;         // ln of the words' unigram probabilities
  };
  const Realized& Realize(uint32_t original, Inflection tag);
  float QFor(uint32_t original, std::string_view key);
  double Unigram(uint32_t lm_id) const;

  const Lexicon& lexicon_;
  const LanguageModel& lm_;
  ChannelParams channel_;
  // The filter with the secondary sources instead of the primary ones, and
  // with both (what counts for q's denominator).
  LexiconFilter secondary_, all_sources_;
  std::unordered_map<uint64_t, Realized> realized_;  // by original * kInflectionCount + tag
  std::vector<float> default_log_q_;                 // by original; NaN until computed
  std::vector<OriginalReading> readings_, secondary_readings_;
};

class CandidateTable {
 public:
  static constexpr uint32_t kVersion = 2;

  // Maps and validates candidates.bin, and checks that it was compiled
  // from this very lexicon and language model. Errors: kNotFound,
  // kDataLoss (corrupt, or compiled from other files), kVersionMismatch.
  static Result<CandidateTable> Open(const std::string& path, const Lexicon& lexicon, const LanguageModel& lm);

  // One list entry in the file, self-contained so that reading a list
  // touches one run of records: where its text and its words' LM ids are.
  struct Record {
    uint32_t text_begin;  // into the text blob
    uint32_t lm_begin;    // into the LM ids
    uint16_t text_size;
    uint8_t lm_count;     // >= 1
    uint8_t reserved;     // 0
    uint32_t original;
    float unigram, observed_unigram, log_q, weight;
  };
  static_assert(sizeof(Record) == 32);

  uint64_t fingerprint() const { return fingerprint_; }
  uint64_t file_size() const { return file_.info().file_size; }
  size_t keys() const { return keys_.size(); }
  // The number of an observed lower-case phrase, or kNone. Invariant: every
  // phrase with candidates is a key, and so is each of its leading word
  // runs (with an empty list if it has none itself); so kNone means that
  // neither the phrase nor any longer one starting with it has candidates.
  static constexpr uint32_t kNone = StringIndex::kNone;
  uint32_t FindKey(std::string_view key) const { return keys_.Find(key); }
  // Whether some longer key starts with key `k` and a space.
  bool Extends(uint32_t k) const { return (key_flags_[k] & kExtends) != 0; }
  // Whether some key may start with the two words whose StringHash are
  // `first` and `second` (false: certainly none; true: about 2 % of absent
  // pairs too). Running text asks it before it builds and looks up a
  // two-word key: most word pairs start none, and their look-ups miss the
  // cache.
  bool MayStartWith(uint64_t first, uint64_t second) const {
    return bloom::MayContain(pair_filter_, WordPairHash(first, second));
  }
  static uint64_t WordPairHash(uint64_t first, uint64_t second);
  // Appends key `k`'s list, as CandidateBuilder::Build gives it, to `out`.
  // Views stay valid while the table lives.
  void AppendList(uint32_t k, std::vector<Candidate>* out) const;
  // The length of key `k`'s list, and its candidate `i` (< ListSize(k)) as
  // AppendList gives it: for readers that need a few of a long list.
  size_t ListSize(uint32_t k) const { return list_offsets_[k + 1] - list_offsets_[k]; }
  Candidate Get(uint32_t k, size_t i) const;

 private:
  static constexpr uint8_t kExtends = 1;
  Status Init(const Lexicon& lexicon, const LanguageModel& lm);

  BinaryFile file_;
  uint64_t fingerprint_ = 0;
  StringIndex keys_;
  std::span<const uint32_t> list_offsets_;  // per key, into records_
  std::span<const Record> records_;
  std::string_view text_blob_;
  std::span<const uint8_t> key_flags_;
  std::span<const uint32_t> lm_ids_;
  // The first two words of every key of two or more words (MayStartWith),
  // made when the table is opened.
  std::vector<uint64_t> pair_filter_;
};

struct CandidateCompileReport {
  uint64_t phrases = 0;     // observed phrases with at least one candidate
  uint64_t keys = 0;        // those and their leading word runs
  uint64_t text_bytes = 0;  // distinct original texts, bytes
  uint64_t candidates = 0;  // list entries
  uint64_t bytes = 0;
};

// Compiles candidates.bin for `channel`: the list of every observed phrase
// of 1..max_span_tokens words that can have candidates (every substitute
// of the lexicon, as written and in each inflection the lexicon knows).
// `progress` (optional) gets (done, total) phrases.
Status CompileCandidateTable(const Lexicon& lexicon, const LanguageModel& lm, const ChannelParams& channel,
                             int threads, const std::string& path, CandidateCompileReport* report,
                             const std::function<void(uint64_t, uint64_t)>& progress = nullptr);

}  // namespace unspin

#endif  // UNSPIN_DECODER_CANDIDATES_H_
