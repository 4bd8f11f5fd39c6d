// The first pass of two-stage screening: a score, far cheaper than
// decoding, that says which documents the decoder need not see.
//
//   Decoder decoder(*model);
//   ScreenResult s;
//   decoder.Screen(text, &s);
//   if (s.pass) decoder.DecodeDocument(text, &r);   // else: clear
//
// The decoder calls a document spun by its Viterbi gain: how much better
// the text reads with some runs of words swapped back than as written.
// Nearly all of that gain is the sum of local gains, each swap judged
// alone over its span and the words after it that see it (the test the
// decoder's lattice already applies to every candidate). The screen sums
// such local gains, cheaply:
//   - a run of words is tested only if its best candidate by the channel
//     and unigram frequencies alone (no context) comes within
//     ScreenOptions::static_cut of being worth a swap;
//   - only its ScreenOptions::candidates best candidates by that measure
//     are tested in context, a handful of language-model queries each, and
//     the words as written are scored only around the runs tested;
//   - in a long document, one sentence in two (ScreenOptions::sample_every);
//   - no lattice, no forward-backward, no restoration.
// The sum, read by the decoder's own calibration of gain and length, plus
// the listed tortured phrases the document holds, is a score on the
// decoder's log-odds scale, and a document is passed on when it comes
// within ScreenOptions::margin of the decoder's spun threshold. A document routed
// to a learned spinner (decoder/profile_router.h) is always passed on.
// The constants were set on calibration documents for 99 % recall of the
// documents the decoder calls spun (docs/DECISIONS.md, "Screening").
#ifndef UNSPIN_DECODER_SCREEN_H_
#define UNSPIN_DECODER_SCREEN_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "decoder/channel.h"

namespace unspin {

// The screen's dials. The defaults were set on calibration documents
// (docs/DECISIONS.md, "Screening"); eval and the tuning benchmark change
// them to measure the trade-off.
struct ScreenOptions {
  // A run of words is tested in context when its static gain (ln) is at
  // least -static_cut.
  double static_cut = 4.0;
  // Candidates of a run tested in context, best by static gain (at most
  // kMaxScreenCandidates).
  int candidates = 6;
  // A document is passed on when its score is at least the log-odds of
  // the channel's spun threshold less this.
  double margin = 0.6;
  // Documents longer than this many bytes are sampled: one sentence in
  // sample_every is screened, and the gain per word is read from those.
  // 0: never.
  size_t sample_above_bytes = 32768;  // about 5,000 words
  int sample_every = 2;
};
constexpr int kMaxScreenCandidates = 8;

struct ScreenResult {
  uint64_t words = 0;
  uint64_t screened_words = 0;  // of those, in the sentences screened (all unless sampled)
  uint64_t sentences = 0;       // sentences read, screened or not
  uint64_t runs_seen = 0;       // runs of words with candidates
  uint64_t runs_tested = 0;  // of those, tested in context
  double gain = 0;           // ln: the positive local gains, summed
  // Distinct unquoted runs of words a phrase list showed whole (see
  // DecodeResult::listed_phrases, which also counts those the lattice finds).
  uint64_t listed_phrases = 0;
  // Routing, as DecodeResult has it.
  std::string profile;
  double profile_probability = 0;
  bool routed = false;
  double score = 0;   // on the decoder's log-odds scale
  bool pass = false;  // worth decoding

  // Whether only some of the document's sentences were read.
  bool sampled() const { return screened_words < words; }
};

// The score of `r` (its gain, words and listed phrases) by `channel`'s
// calibration, and whether it passes by `options`; sets r->score and r->pass.
void ScoreScreen(const ChannelParams& channel, const ScreenOptions& options, ScreenResult* r);

class Decoder;
struct DecodeResult;

// The two-stage pipeline for one document of any size: the screen, then
// the full decoder (DecodeDocument) if the screen passes it. Returns
// whether it decoded; *result is left empty when it did not.
bool ScreenThenDecode(Decoder& decoder, std::string_view text, ScreenResult* screen, DecodeResult* result);

// Adds a window's figures to the whole document's (not its score).
void AddScreenFigures(const ScreenResult& part, ScreenResult* total);

}  // namespace unspin

#endif  // UNSPIN_DECODER_SCREEN_H_
