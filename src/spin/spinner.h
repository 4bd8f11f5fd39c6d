// The spinner: rewrites text the way article spinners do, and records the
// ground truth of every swap. This is how unspin makes labelled data.
//
// Each eligible position (a word, or a phrase of up to the profile's length,
// that has a substitute under the profile) is swapped with probability
// `rate`, scanning left to right; the substitute is drawn uniformly from all
// the profile's substitutes of the matched lemma, re-inflected to the
// original's inflection, with the original's casing. Numbers, words with
// digits, mixed-case words ("iPhone") and capitalised words inside a
// sentence (names) are left alone unless `swap_names` is set.
#ifndef UNSPIN_SPIN_SPINNER_H_
#define UNSPIN_SPIN_SPINNER_H_

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "lexicon/lexicon.h"
#include "spin/profile.h"
#include "text/tokenizer.h"
#include "util/random.h"

namespace unspin {

struct SpinOptions {
  double rate = 0.2;  // in [0, 1]
  SpinProfile profile;
  bool swap_names = false;
};

struct SpinSwap {
  uint32_t original_begin = 0, original_end = 0;  // bytes in the input
  uint32_t spun_begin = 0, spun_end = 0;          // bytes in the output
  std::string original, spun;
  Source source = Source::kMythes;
};

struct SpinResult {
  std::string text;
  std::vector<SpinSwap> swaps;
  uint32_t words = 0;     // word tokens seen
  uint32_t eligible = 0;  // positions that could have been swapped
};

class Spinner {
 public:
  Spinner(const Lexicon& lexicon, SpinOptions options);

  // `text` must be valid UTF-8 shorter than 4 GiB.
  void Spin(std::string_view text, Rng* rng, SpinResult* out) const;

  const SpinOptions& options() const { return options_; }

 private:
  struct Match {
    uint32_t lemma = Lexicon::kNone;  // the phrase whose substitutes apply
    Inflection tag = Inflection::kBase;
    int tokens = 0;
    LexiconFilter filter;  // what the match was checked under
  };
  // Draws one substitute for a match (only for positions that are actually
  // swapped: most eligible positions are not). False if there is none.
  bool PickSubstitute(const Match& match, Rng* rng, uint32_t* substitute, Source* source) const;
  // Whether lexicon string `id`, read as `tokens` tokens in inflection
  // `tag`, has substitutes under the profile; if so, fills `match`.
  bool TryId(uint32_t id, Inflection tag, int tokens, Match* match) const;

  const Lexicon& lexicon_;
  SpinOptions options_;
  // TryId's verdict per (string, inflection), two bits each (known, yes),
  // filled lazily: the verdict depends on nothing else, and the same words
  // recur. Atomic so that one Spinner may serve several threads.
  std::unique_ptr<std::atomic<uint16_t>[]> eligible_memo_;
};

}  // namespace unspin

#endif  // UNSPIN_SPIN_SPINNER_H_
