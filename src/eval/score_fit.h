// Fitting the decoder's two scores, the span model (is a candidate span a
// swap?) and the document calibration (is this document spun?), on
// labelled examples from either world: text spun by unspin's own spinner,
// where the spinner says what it swapped, and real document pairs, where
// the word alignment with the original says it (AlignedSwaps).
//
// Both kinds go into one fit, so the shipped channel scores both: a fit on
// synthetic text alone calls the originals of real spun pages spun, and one
// on a few dozen real pairs alone does not know the synthetic profiles.
#ifndef UNSPIN_EVAL_SCORE_FIT_H_
#define UNSPIN_EVAL_SCORE_FIT_H_

#include <cstdint>
#include <string>
#include <vector>

#include "decoder/decoder.h"
#include "eval/quality.h"
#include "io/real_data.h"

namespace unspin {

// One decoded document: its document features, its candidate spans with
// their labels, and whether it is spun.
struct ScoreExample {
  double gain = 0, ratio = 0;
  uint64_t words = 0;
  std::vector<SpanFeatures> spans;
  std::vector<int> span_labels;  // 1: the span overlaps a swap
  int label = 0;                 // 1: spun
};

// Each document twice, clean and spun with one (profile, rate) in turn,
// decoded with `channel`. Both kinds of example are decoded without
// routing: the scores fitted are those of documents decoded with `channel`.
std::vector<ScoreExample> SyntheticScoreExamples(const Model& model, const ChannelParams& channel,
                                                 const std::vector<EvalDoc>& docs,
                                                 const std::vector<std::string>& profiles,
                                                 const std::vector<double>& rates, uint64_t seed, int threads);

// Each pair twice, the spun copy (spun) and its original (clean), decoded
// with `channel`. A candidate span is a swap when it overlaps a differing
// run of the alignment that has words on the spun side.
std::vector<ScoreExample> RealScoreExamples(const Model& model, const ChannelParams& channel,
                                            const std::vector<DocumentPair>& docs, int threads);

struct ScoreFitOptions {
  // The share of the total weight that real examples carry when both kinds
  // are given (each kind's examples weigh alike within it).
  double real_share = 0.5;
  // L2 penalty of the document calibration: a few dozen real documents
  // separate easily, and a firmer penalty keeps the weights from running
  // off to fit them exactly.
  double calibration_l2 = 1e-3;
  bool use_ratio = true;  // fit Calibration::ratio (else it stays 0)
};

// `channel` with span_model and calibration fitted on the examples;
// `description` goes into both fitted_on fields. Either list may be empty;
// with both empty the channel comes back as it was.
ChannelParams FitScores(const ChannelParams& channel, const std::vector<ScoreExample>& synthetic,
                        const std::vector<ScoreExample>& real, const ScoreFitOptions& options,
                        const std::string& description);

}  // namespace unspin

#endif  // UNSPIN_EVAL_SCORE_FIT_H_
