// The noisy-channel decoder: finds the most likely original of a spun text
// under an n-gram language model P(w) and the channel P(o | w), marks the
// spans that were swapped, and scores the document.
//
//   auto model = Model::Open("model");          // shared, thread-safe
//   Decoder decoder(*model);                    // one per thread
//   DecodeResult r;
//   decoder.Decode(text, &r);
//   r.restored, r.spans, r.probability
//
// For each sentence the decoder builds a lattice over its words: every word
// may be kept, and every run of 1..3 words joined by spaces may stand for
// an original the reverse lexicon proposes (lemmatised and re-inflected).
// A beam search with language-model state gives the best path (Viterbi);
// forward-backward over the same lattice gives each span's posterior
// probability of having been swapped.
#ifndef UNSPIN_DECODER_DECODER_H_
#define UNSPIN_DECODER_DECODER_H_

#include <chrono>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "decoder/candidates.h"
#include "decoder/channel.h"
#include "decoder/profile_router.h"
#include "decoder/screen.h"
#include "lexicon/learned_pairs.h"
#include "lexicon/lexicon.h"
#include "lm/language_model.h"
#include "util/status.h"

namespace unspin {

// The parts of a model directory: lexicon.bin, lm.bin, channel.json, and
// optionally candidates.bin and candidates-plain.bin (decoder/candidates.h:
// the lists of the model's channel and of its plain channel) and
// learned_pairs.tsv (lexicon/learned_pairs.h: the pairs compiled into the
// lexicon's learned source, kept for their counts, the evidence of a
// flagged span, and for routing).
//
// Routing: when the learned table has profiles with swap rates (document
// spinners, decoder/profile_router.h), a document is decoded with the full
// learned channel only if the router finds one of them at work; any other
// is decoded with the plain channel (PlainChannel in decoder/learn.h), in
// which those spinners' own pairs are ruled out.
class Model {
 public:
  // Errors from the parts, each naming its file. A candidate table that is
  // present must be valid and compiled from this lexicon and LM.
  static Result<std::unique_ptr<Model>> Open(const std::string& dir);
  Model(Lexicon lexicon, LanguageModel lm, ChannelParams channel);
  ~Model();

  const Lexicon& lexicon() const { return lexicon_; }
  const LanguageModel& lm() const { return lm_; }
  const ChannelParams& channel() const { return channel_; }
  // For `adapt` and evaluation: decode with other channel parameters.
  void set_channel(ChannelParams channel);
  // The learned pair table, or null.
  const LearnedPairs* learned() const { return learned_.get(); }
  // Also sets up routing, for the channel set at the time and after.
  void set_learned(std::unique_ptr<LearnedPairs> learned);
  // The router and the plain channel, or null when there is no routing:
  // no learned table, no routed profile in it, or a channel without the
  // learned source.
  const ProfileRouter* router() const { return router_.get(); }
  const ChannelParams* plain_channel() const { return plain_channel_.get(); }
  // `channel` with the plain channel's learned tables (pair_log_q,
  // keep_log) in place of its own, every other field kept, the lexicon
  // filter included. Precondition: plain_channel() is not null.
  ChannelParams PlainChannelFor(const ChannelParams& channel) const;

  // The compiled candidate lists of the model's channel, or null.
  const CandidateTable* candidate_table() const;
  // The compiled lists for `channel`, or null if none was compiled for it.
  const CandidateTable* CandidateTableFor(const ChannelParams& channel) const;
  // Replaces every table (null: none).
  void set_candidate_table(std::unique_ptr<CandidateTable> table);
  void add_candidate_table(std::unique_ptr<CandidateTable> table);

 private:
  void SetUpRouting();

  Lexicon lexicon_;
  LanguageModel lm_;
  ChannelParams channel_;
  std::vector<std::unique_ptr<CandidateTable>> candidate_tables_;
  std::unique_ptr<LearnedPairs> learned_;
  std::unique_ptr<ProfileRouter> router_;
  std::unique_ptr<ChannelParams> plain_channel_;
};

struct RestoredSpan {
  uint64_t begin = 0, end = 0;  // bytes of the observed text
  std::string text;             // the observed text of the span
  std::string original;         // the most likely original, cased as the text
  // P(the span was swapped) by the span model, times the document's P(spun).
  double confidence = 0;
  double original_confidence = 0;  // the same for this very original
  SpanFeatures features = {};      // what the span model saw
  // Times the learned table saw a spinner write this text for this
  // original (0: no learned pair explains the span).
  uint32_t learned_count = 0;
  // Times phrase lists showed this pair, whole or word by word (see
  // DecodeResult::listed_phrases); 0 if none did.
  uint32_t listed_count = 0;
  // Inside a short quotation: a mention ("articles call it "counterfeit
  // consciousness""). Reported only if a phrase list knows it, confidence
  // by the span model alone, but not restored and no evidence about the
  // document.
  bool quoted = false;
};

// Tortured-phrase evidence. Screeners count listed phrases per 1,000
// words, not the share of words swapped: four in a 6,000-word paper
// condemn it, though 99.9 % of its words are clean. A document's distinct
// unquoted listed phrases are read as a Poisson count, at
// kListedPhrasesPerWordSpun in a paper a paraphrasing tool wrote, and in
// clean prose at kListedPhrasesPerWordClean for phrases a list showed
// (whole or word by word) and kTermPhrasesPerWordClean for those only a
// listed term vouches for (a flagged span that restores to one: a new
// phrase for a known term), both measured on Brown (docs/DECISIONS.md,
// "Tortured phrases in long documents"). Their log-likelihood ratio, plus
// kListedPhrasePriorLogOdds (few documents are tortured, so one phrase
// alone is not enough), is added to the document's log-odds when
// positive: absent phrases never lower the score, since most spinners
// write none.
constexpr double kListedPhrasesPerWordSpun = 1.0 / 1000;
constexpr double kListedPhrasesPerWordClean = 1.0 / 53000;
constexpr double kTermPhrasesPerWordClean = 1.0 / 23000;
constexpr double kListedPhrasePriorLogOdds = -4.6;  // ln(1/100)
// A listed span counts when the span model gives it at least this.
constexpr double kListedPhraseMinProbability = 0.1;
// `by_term` of the `listed_phrases` are vouched for by their term only.
double ListedPhraseEvidence(uint64_t listed_phrases, uint64_t by_term, uint64_t words);

struct DecodeResult {
  std::vector<RestoredSpan> spans;  // flagged spans, in text order
  std::string restored;             // the text with each span replaced
  uint64_t words = 0;               // word and number tokens
  uint64_t eligible_words = 0;      // words the lexicon has substitutes for
  uint64_t span_count = 0;          // spans.size(), or the sum over windows
  // Distinct unquoted listed phrases: runs of words a phrase list showed
  // whole, and flagged spans (span model >= kListedPhraseMinProbability)
  // that a list explains word by word (RestoredSpan::listed_count > 0) or
  // that restore to a listed term; summed over windows.
  uint64_t listed_phrases = 0;
  uint64_t listed_by_term = 0;  // of those, vouched for by a listed term only
  // The span model's probabilities of the candidate spans, summed, before
  // the document's own probability is taken into account: a feature of the
  // document score.
  double span_mass = 0;
  // With Decoder::set_keep_candidates, every candidate span (the best path's
  // swaps with some posterior), before the document's probability gates them.
  std::vector<RestoredSpan> candidate_spans;
  // Natural-log likelihoods: the best explanation with swaps allowed
  // (Viterbi), and the best with every word kept.
  double best_log_likelihood = 0;
  // The path that keeps every word, under the same channel (so the gain
  // best - plain is never negative unless the beam lost that path).
  double plain_log_likelihood = 0;
  // The language model's own log-likelihood of the text (no channel): what
  // a perplexity detector sees.
  double lm_log_likelihood = 0;
  double expected_swaps = 0;  // sum of the span posteriors over the lattice
  double probability = 0;     // calibrated P(spun)
  double log_odds = 0;        // its linear part, the score rankings use
  bool spun = false;
  // With routing (see Model): the likeliest learned spinner profile, its
  // probability, and whether the document was decoded with its pairs
  // (probability >= kRouteThreshold). Empty profile without routing.
  std::string profile;
  double profile_probability = 0;
  bool routed = false;

  double GainPerWord() const {
    return words == 0 ? 0 : std::max(0.0, best_log_likelihood - plain_log_likelihood) / words;
  }
  double SpansPerWord() const { return words == 0 ? 0 : span_mass / static_cast<double>(words); }
  // ln P(best spun explanation) - ln P_LM(text as written), per word.
  double RatioPerWord() const {
    return words == 0 ? 0 : (best_log_likelihood - lm_log_likelihood) / static_cast<double>(words);
  }
  // The calibrated document score's linear part.
  double LogOdds(const Calibration& c) const {
    return c.LogOdds(GainPerWord(), SpansPerWord(), words, RatioPerWord()) +
           ListedPhraseEvidence(listed_phrases, listed_by_term, words);
  }
  double ListedPhrasesPer1000Words() const {
    return words == 0 ? 0 : 1000.0 * static_cast<double>(listed_phrases) / static_cast<double>(words);
  }
};

// Evidence of a channel's use, for EM: each candidate swap with its
// posterior. Filled only when asked (Decode's `swaps` argument).
struct SwapEvidence {
  std::string original;  // lemma phrase of the original (lower case)
  std::string observed;  // the observed phrase (lower case)
  double posterior = 0;
  double default_log_q = 0;  // the unadapted channel's ln q(observed | original)
};

// A document whose likeliest profile has at least this probability is
// decoded with the learned channel.
constexpr double kRouteThreshold = 0.5;

class Decoder {
 public:
  explicit Decoder(const Model& model);
  ~Decoder();
  Decoder(const Decoder&) = delete;
  Decoder& operator=(const Decoder&) = delete;

  // `text` must be valid UTF-8 shorter than 4 GiB. Documents larger than a
  // few MB should be fed window by window (text/chunker.h) and their
  // figures summed with AddDocumentFigures.
  void Decode(std::string_view text, DecodeResult* out, std::vector<SwapEvidence>* swaps = nullptr);
  // Decode for text of any size held in memory: windows of about
  // `window_bytes`, cut at line breaks where possible (ChooseCut), decoded
  // one by one so that the lattice's memory stays bounded. Spans are in
  // offsets of `text`.
  void DecodeDocument(std::string_view text, DecodeResult* out, size_t window_bytes = size_t{1} << 20,
                      std::vector<SwapEvidence>* swaps = nullptr);
  // DecodeDocument with a time limit, for servers: checks `deadline`
  // before each window and, once it has passed, stops and returns false
  // with `out` covering only the windows decoded. The limit's granularity
  // is one window's decoding time (about 0.15 s for 64 KiB).
  bool DecodeDocumentUntil(std::string_view text, std::chrono::steady_clock::time_point deadline,
                           DecodeResult* out, size_t window_bytes);

  // The first pass of two-stage screening (decoder/screen.h), routed as
  // Decode routes. Same preconditions as Decode.
  void Screen(std::string_view text, ScreenResult* out);
  // Screen for text of any size: windows as DecodeDocument cuts them (one
  // window for text of at most window_bytes), the document routed once,
  // its figures summed and scored whole.
  void ScreenDocument(std::string_view text, ScreenResult* out, size_t window_bytes = size_t{1} << 20);

  // For evaluation: what restoration could reach if detection were perfect.
  // For each byte range of `text` that is known to have been swapped, the
  // original this decoder's language model and channel prefer, told only
  // that: the best of the span's candidate list (none of it set aside by
  // the search's quicker tests) in the context of the observed words around
  // it, judged over the span and the words after it that see it in their
  // n-gram context.
  // Cased like the span, possessive ending kept, as a restored span's
  // original is. Empty for a range that covers no word or has no candidate.
  void BestOriginals(std::string_view text, std::span<const std::pair<uint64_t, uint64_t>> ranges,
                     std::vector<std::string>* originals);

  // The channel in use (the model's, unless replaced).
  const ChannelParams& channel() const;
  // The channel whose scores `r`, a result of this decoder, was scored by:
  // with routing, the channel's routed scores or its plain channel.
  const ChannelParams& ScoringChannel(const DecodeResult& r) const;
  // Routing on (the default, where the model routes) or off (every
  // document decoded with the channel set, with its routed scores if it
  // has them): for fitting those scores.
  void set_routing(bool on);
  void set_channel(const ChannelParams& channel);
  // The channel's flag_threshold (the posterior at which a span is
  // reported), changed without remaking anything: it only filters what is
  // reported, so a per-request threshold costs nothing, where set_channel
  // copies the channel's tables and empties the caches.
  void set_flag_threshold(double threshold);
  // Also report every candidate span (DecodeResult::candidate_spans), as
  // fitting the span model needs.
  void set_keep_candidates(bool keep);
  // The screen's dials (decoder/screen.h).
  const ScreenOptions& screen_options() const { return screen_options_; }
  void set_screen_options(const ScreenOptions& options);

 private:
  struct Impl;
  bool DecodeWindows(std::string_view text, std::chrono::steady_clock::time_point deadline, DecodeResult* out,
                     size_t window_bytes, std::vector<SwapEvidence>* swaps);
  void DecodeWith(Impl& d, std::string_view text, DecodeResult* out, std::vector<SwapEvidence>* swaps);
  // The decoder state for `text` under routing (the channel set, or the
  // plain one), and the router's guess in *guess.
  Impl& Route(std::string_view text, ProfileGuess* guess);
  static void SetProfile(const ProfileGuess& guess, bool routed, DecodeResult* out);
  // One sentence in how many the screen reads in a document of `bytes`.
  int SampleEvery(size_t bytes) const;

  const Model& model_;
  std::unique_ptr<Impl> impl_;   // the channel set (the model's, unless replaced)
  std::unique_ptr<Impl> plain_;  // the plain channel's, made on first use
  bool routing_ = false;          // the model routes for the channel set
  bool routing_allowed_ = true;   // set_routing
  bool keep_candidates_ = false;
  ScreenOptions screen_options_;
  ChannelParams channel_;         // as set
  ChannelParams plain_channel_;   // the channel set, with the plain channel's pairs
};

// Adds the document figures of a window (`part`) to those of the whole
// document (`total`: words, likelihoods, expected swaps, span count) and
// recomputes its probability from the sums by `channel`'s scores (the
// decoder's ScoringChannel of the whole). Spans and restored text are
// left to the caller, which streams them.
void AddDocumentFigures(const DecodeResult& part, const ChannelParams& channel, DecodeResult* total);

}  // namespace unspin

#endif  // UNSPIN_DECODER_DECODER_H_
