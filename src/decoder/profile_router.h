// Which learned spinner, if any, wrote a document: a quick test run before
// decoding, so that a spinner's learned pairs are used only where that
// spinner is at work.
//
// Why: a spinner's dictionary is peaked ("said" -> "mentioned" nearly every
// time, "in" -> "within" one time in three). Decoding clean text with those
// pairs turns every "within" back into "in"; decoding with them only for
// documents the spinner wrote keeps clean text as it is.
//
// The test is naive Bayes over the words, against a clean writer who uses
// each word as the language model says. A spinner that swaps u for v with
// rate rho(u) and q(v | u) makes v more likely by
//     r(v) = (1 - rho(v)) + sum_u rho(u) q(v | u) P(u) / P(v)
// and a word u that it swaps but which stands unswapped less likely by
// 1 - rho(u). Each match adds ln r, clipped to [kMinEvidence, kMaxEvidence]
// so that no one word decides. P(u) / P(v) is the language model's
// unconditioned ratio of the two phrases.
//
// Only profiles with swap rates (learned from document pairs, where rates
// can be counted) are routed; the others' pairs (phrase lists: tortured
// phrases, rare in clean text) are always used.
#ifndef UNSPIN_DECODER_PROFILE_ROUTER_H_
#define UNSPIN_DECODER_PROFILE_ROUTER_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "lexicon/learned_pairs.h"
#include "lexicon/lexicon.h"
#include "lm/language_model.h"
#include "util/flat_string_map.h"

namespace unspin {

struct ProfileGuess {
  std::string profile;     // the likeliest routed profile; empty if none
  double probability = 0;  // its posterior against clean text and the other profiles
  double log_ratio = 0;    // its summed evidence (ln)
  uint32_t matches = 0;    // words and phrases that gave evidence
};

class ProfileRouter {
 public:
  static constexpr double kMinEvidence = -2.5;
  static constexpr double kMaxEvidence = 4.0;
  // Prior probability that a document is spun by some routed profile.
  static constexpr double kPrior = 0.1;

  // `swap_rate` is the rate prior behind each word's learned rate, as in
  // LearnedChannel.
  ProfileRouter(const LearnedPairs& pairs, const Lexicon& lexicon, const LanguageModel& lm, double swap_rate);

  bool empty() const { return profiles_.empty(); }
  std::vector<std::string> profiles() const;
  ProfileGuess Guess(std::string_view text) const;

  // For tests and `model lookup`: the evidence (ln) one lower-case word or
  // phrase gives for `profile`, 0 if none.
  double Evidence(const std::string& profile, const std::string& phrase) const;

 private:
  static constexpr uint32_t kNoRow = 0xFFFFFFFFu;
  // Per lower-case phrase that gives evidence, or that is the first word of
  // one that does: its row of evidence_ (kNoRow if it gives none itself)
  // and the most words of a phrase starting with it. Guess looks up each
  // word once and builds a longer key only after a word that starts one.
  struct Entry {
    uint32_t row = kNoRow;
    uint32_t longest = 0;
  };
  // The evidence (ln r) of phrase row r for profile k is
  // evidence_[r * profiles_.size() + k]; NaN where the profile has none.
  Entry& EntryFor(const std::string& phrase);
  std::vector<std::string> profiles_;
  FlatStringMap<Entry> phrases_;
  std::vector<float> evidence_;
};

}  // namespace unspin

#endif  // UNSPIN_DECODER_PROFILE_ROUTER_H_
