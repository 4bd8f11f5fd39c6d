// The channel half of the noisy-channel model, P(observed | original), and
// the calibration that turns a decoding into a document probability.
//
// A spinner keeps each phrase that has synonyms with probability 1 - rho,
// or swaps it with probability rho for one of its substitutes v, chosen with
// probability q(v | u). Without knowing the spinner, q is taken as
// proportional to n(u)^-beta, where n(u) is how many substitutes the
// decoder's lexicon lists for u (beta = 1: uniform over the lexicon's
// list). `unspin adapt` replaces the guesses by what EM learns from the
// spinner's own output: rho, and q for the pairs it saw.
//
// Stored as channel.json in the model directory (small; read once).
#ifndef UNSPIN_DECODER_CHANNEL_H_
#define UNSPIN_DECODER_CHANNEL_H_

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>

#include <nlohmann/json.hpp>

#include "lexicon/lexicon.h"
#include "util/status.h"

namespace unspin {

// Logistic calibration of the document score:
// P(spun) = 1 / (1 + exp(-(bias + gain * g + density * d + length * ln(words)
//                          + ratio * r)))
// where g is the decoder's log-likelihood gain per word (natural log) over
// the path that keeps every word, d the expected number of swapped spans
// (the span model's probabilities, summed) per word, and r the log
// likelihood ratio per word of the best spun explanation against the text
// as written, unspun (the language model alone): unlike g it counts what
// keeping the words costs a spinner that would have swapped them (a learned
// channel's keep_log). Calibrations fitted on synthetic spins leave ratio 0.
struct Calibration {
  double bias = -4.0;
  double gain = 40.0;
  double density = 20.0;
  double length = 0.0;
  double ratio = 0.0;
  std::string fitted_on;  // what data the weights were fitted on
  // The linear part, z; Probability is its logistic. Rankings use z.
  double LogOdds(double gain_per_word, double spans_per_word, uint64_t words, double ratio_per_word) const;
  double Probability(double gain_per_word, double spans_per_word, uint64_t words, double ratio_per_word) const;
};

// Which candidate spans are swaps: a logistic model over what the lattice
// says of a span. Features, in order:
//   0 logit of the span's posterior of having been swapped
//   1 logit of the chosen original's share of that posterior
//   2 ln unigram probability of the observed words (mean per word)
//   3 ln unigram probability of the original's words (mean per word)
//   4 ln q(observed | original)
//   5 1 if the span starts with a capital inside a sentence (a name?)
//   6 words in the span, less one
// The unfitted model uses the posterior alone.
constexpr int kSpanFeatures = 7;
// pair_log_q at or below this rules a pair out (see ChannelParams).
constexpr float kExcludedLogQ = -1000.0f;
using SpanFeatures = std::array<float, kSpanFeatures>;
struct SpanModel {
  std::array<double, kSpanFeatures + 1> weights = {0, 1, 0, 0, 0, 0, 0, 0};  // bias first
  std::string fitted_on;
  double Probability(const SpanFeatures& f) const;
};

// A string -> ln value table shared between copies until one of them is
// changed (copy on write). Channels are copied for every decoder, request
// and plain variant, and a learned channel's tables hold tens of thousands
// of entries. A copy may be read from any thread; changing one is as
// thread-safe as changing any value.
class SharedLogTable {
 public:
  using Map = std::unordered_map<std::string, float>;
  using const_iterator = Map::const_iterator;

  const_iterator begin() const { return map().begin(); }
  const_iterator end() const { return map().end(); }
  const_iterator find(const std::string& key) const { return map().find(key); }
  bool contains(const std::string& key) const { return map().contains(key); }
  float at(const std::string& key) const { return map().at(key); }
  size_t size() const { return map().size(); }
  bool empty() const { return map().empty(); }

  float& operator[](const std::string& key) { return Mutable()[key]; }
  std::pair<Map::iterator, bool> try_emplace(const std::string& key, float value) {
    return Mutable().try_emplace(key, value);
  }
  template <typename Predicate>
  size_t erase_if(Predicate predicate) {
    return empty() ? 0 : std::erase_if(Mutable(), predicate);
  }
  void clear() { map_.reset(); }

  bool operator==(const SharedLogTable& other) const { return map_ == other.map_ || map() == other.map(); }

 private:
  const Map& map() const {
    static const Map kEmpty;
    return map_ != nullptr ? *map_ : kEmpty;
  }
  Map& Mutable() {
    if (map_ == nullptr) {
      map_ = std::make_shared<Map>();
    } else if (map_.use_count() > 1) {
      map_ = std::make_shared<Map>(*map_);
    }
    return *map_;
  }

  std::shared_ptr<Map> map_;
};

struct ChannelParams {
  static constexpr int kVersion = 1;

  double swap_rate = 0.15;           // rho
  // Re-estimations of rho for each document (EM steps, each one more
  // decoding), with swap_rate as a prior worth rate_prior_words eligible
  // words; 0 decodes every document with swap_rate.
  int rate_iterations = 0;
  double rate_prior_words = 20;
  double substitute_exponent = 1.0;  // beta
  // gamma: a swap's weight is multiplied by (P(observed) / P(original))^gamma
  // on unigram probabilities, to temper the LM's preference for frequent
  // words (0 = none).
  double frequency_exponent = 0.0;
  // log10 probability given to a word the language model does not know
  // (numbers, rare names); its context is reset after it.
  double oov_log10 = -6.5;
  // ln of the style cost of a lone digit 1-9 where edited prose would
  // write the word ("2 new parks"): what lets "two" be restored.
  double digit_log_penalty = -6.0;
  // A span is reported (and restored) when the posterior that it was
  // swapped is at least this.
  double flag_threshold = 0.5;
  // A document is called spun when P(spun) is at least this.
  double spun_threshold = 0.5;
  int beam = 12;
  // Lattice nodes whose best path is this much (natural log) below the
  // best node at their position are not expanded.
  double beam_delta = 12;
  // The likeliest originals kept per observed span.
  int max_candidates = 12;
  // Of those, how many are scored in their full local context (the rest are
  // ranked by their first word's LM score alone).
  int scored_candidates = 8;
  // Candidates whose local gain over keeping the words (ln, judged in the
  // plain context) is below -prefilter_delta are left out of the lattice.
  double prefilter_delta = 6;
  int max_span_tokens = 3;
  LexiconFilter filter;  // the senses the decoder draws originals from
  // Sources whose originals are used only where `filter`'s offer nothing
  // the same, with ln q lowered by secondary_log_q (Moby's groups are
  // topical: offering all of them beside the others costs accuracy).
  SourceMask secondary_sources = 0;
  double secondary_log_q = 0;
  Calibration calibration;
  SpanModel span_model;
  // For documents routed to a learned spinner profile (decoder.h), whose
  // channel is peaked on that spinner's pairs: their own scores, fitted by
  // `unspin eval real` on such spinners' output. Without them the scores
  // above serve every document.
  bool has_routed_scores = false;
  Calibration routed_calibration;
  SpanModel routed_span_model;
  // Learnt ln q(substitute | original), keyed "original lemma\tsubstitute
  // as observed" (lower case). For the other substitutes of an original EM
  // saw, the default ln q plus the entry "original lemma\t*"; for originals
  // EM never saw, the default ln q plus unseen_pair_log_q. Empty for an
  // unadapted channel. An entry of kExcludedLogQ or less rules the pair out:
  // the original is not offered for that phrase at all (PlainChannel).
  SharedLogTable pair_log_q;
  float unseen_pair_log_q = 0;
  // ln P(kept | original = word) for words whose swap rate was learned
  // (LearnedChannel), keyed by the lower-case word as written; every other
  // word with substitutes is kept with probability 1 - swap_rate.
  SharedLogTable keep_log;
  std::string adapted_on;  // empty unless learnt by `unspin adapt`

  nlohmann::json ToJson() const;
  // ToJson without pair_log_q and keep_log, the two large maps.
  nlohmann::json ScalarJson() const;
  // Errors: kDataLoss (not a channel file, or a field of the wrong type or
  // range), kVersionMismatch.
  static Result<ChannelParams> FromJson(const nlohmann::json& j);
  static Result<ChannelParams> Load(const std::string& path);
  Status Save(const std::string& path) const;
};

}  // namespace unspin

#endif  // UNSPIN_DECODER_CHANNEL_H_
