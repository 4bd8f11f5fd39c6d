// `unspin eval`: the measured quality of detection and restoration, as a
// matrix of spinner profile x decoder lexicon x swap rate, beside a
// baseline that scores documents by plain language-model perplexity.
//
// Clean documents are spun with the project's spinner (spin/), decoded, and
// compared with the spinner's ground truth. Decoder lexicons that leave a
// source out make the cells where the spinner's synonyms are unknown to the
// decoder. Calibration is fitted on other documents (FitCalibration) than
// those measured.
#ifndef UNSPIN_EVAL_QUALITY_H_
#define UNSPIN_EVAL_QUALITY_H_

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "decoder/adapt.h"
#include "decoder/decoder.h"

namespace unspin {

struct EvalDoc {
  std::string id;
  std::string text;
};

// A decoder lexicon: the model's channel with only these sources.
struct DecoderLexicon {
  std::string name;
  SourceMask sources = kAllSources;
};

struct QualityEvalOptions {
  std::vector<std::string> profiles;
  std::vector<double> rates;
  std::vector<DecoderLexicon> decoders;
  size_t spun_docs = 300;  // documents spun per cell (the first ones)
  uint64_t seed = 1;
  int threads = 1;
  // Called now and then with work done and work in all (documents).
  std::function<void(uint64_t done, uint64_t total)> progress;
  // If not empty: in every cell, also adapt the decoder (unspin adapt) on
  // these documents spun by the cell's spinner (unlabelled; they must not
  // be test documents) and measure the adapted decoder on the same spun
  // test documents.
  std::vector<EvalDoc> adapt_docs;
};

struct CellReport {
  std::string decoder, profile;
  double rate = 0;
  uint64_t docs = 0, swaps = 0, reachable = 0;
  double auroc = 0, tpr_at_1 = 0, tpr_at_01 = 0;                 // the decoder's document score
  double base_auroc = 0, base_tpr_at_1 = 0, base_tpr_at_01 = 0;  // perplexity baseline
  double span_precision = 0, span_recall = 0;
  double restored = 0;               // share of swaps restored exactly
  double restored_of_reachable = 0;  // share of reachable swaps restored exactly
  // Share of reachable swaps that Decoder::BestOriginals restores exactly:
  // what restoration could reach with this language model and channel if
  // detection were perfect.
  double restorable_of_reachable = 0;
  double unswapped_changed = 0;      // share of unswapped words of spun documents changed
  double flagged_docs = 0;           // share called spun at the model's threshold
  // The screen (decoder/screen.h): of the documents called spun, how many
  // it passes on (its recall is screen_passed_flagged / flagged).
  uint64_t flagged = 0, screen_passed_flagged = 0;
  // ROC curves (RocCurve) of the document score and of the baseline.
  std::vector<std::pair<double, double>> roc, base_roc;
};

// A cell measured before and after adaptation. AUROC here ranks against
// the first `negatives` clean test documents, decoded by each decoder.
struct AdaptationCell {
  std::string decoder, profile;
  double rate = 0;
  uint64_t adapt_docs = 0, negatives = 0;
  double learnt_rate = 0;
  double restored_before = 0, restored_after = 0;
  double precision_before = 0, precision_after = 0;
  double recall_before = 0, recall_after = 0;
  double auroc_before = 0, auroc_after = 0;
};

struct DecoderReport {
  std::string name;
  uint64_t clean_docs = 0, clean_words = 0;
  double clean_words_changed = 0;  // share of words of clean documents changed
  double clean_flagged_docs = 0;   // share of clean documents called spun
  // The screen on the clean documents: how many it clears, and of those
  // called spun how many it passes on.
  uint64_t clean_screen_cleared = 0, clean_flagged = 0, clean_screen_passed_flagged = 0;
  double screen_seconds = 0;  // screening time of the clean documents (all threads)
  double seconds = 0;              // decoding time of the clean documents (all threads)
  uint64_t clean_bytes = 0;
};

struct QualityReport {
  std::vector<DecoderReport> decoders;
  std::vector<CellReport> cells;
  std::vector<AdaptationCell> adaptation;
  nlohmann::json ToJson() const;
  std::string ToMarkdown() const;
  // A self-contained page: the Markdown's tables, and each cell's ROC
  // curves beside the baseline's.
  std::string ToHtml() const;
};

QualityReport RunQualityEval(const Model& model, const std::vector<EvalDoc>& test, const QualityEvalOptions& options);

// The model's channel with its span model and document calibration fitted
// on `docs`: each clean, and spun with the profiles and rates in turn.
// `description` goes into fitted_on.
ChannelParams FitCalibration(const Model& model, const std::vector<EvalDoc>& docs,
                           const std::vector<std::string>& profiles, const std::vector<double>& rates, uint64_t seed,
                           int threads, const std::string& description);

}  // namespace unspin

#endif  // UNSPIN_EVAL_QUALITY_H_
