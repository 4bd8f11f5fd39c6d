// `unspin eval real`: quality measured on what real spinners wrote, never
// on what the model learned from.
//
// Two kinds of data:
//  * aligned document pairs (an original and its spun copy): the key is the
//    word alignment (AlignedSwaps); each differing run is a swap and every
//    other word is clean;
//  * phrase pairs (a tortured phrase and the phrase it stands for).
//
// By default the units are cross-validated: split into folds by the hash
// of their split key (decoder/learn.h), and each fold is measured with a
// model whose learned pairs come only from the other folds (its lexicon
// rebuilt with them). Every unit is measured once, by a model that never
// saw it. With folds = 0 the model is measured as it is, and units it
// learned from are refused.
//
// Baselines in the same run: the decoder with learned pairs switched off
// (the thesaurus-only channel), and for phrases the list lookup that the
// Problematic Paper Screener and its re-implementations use (an exact match
// against the list learned from).
#ifndef UNSPIN_EVAL_REAL_EVAL_H_
#define UNSPIN_EVAL_REAL_EVAL_H_

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "decoder/decoder.h"
#include "eval/quality.h"
#include "io/real_data.h"
#include "lexicon/lexicon_builder.h"

namespace unspin {

struct RealEvalOptions {
  uint32_t folds = 5;  // 0: the model as it is
  int threads = 1;
  // For the folds' models: the lexicon's sources (paths.learned is set per
  // fold) and a directory for their files.
  DefaultLexiconPaths paths;
  std::string work_dir;
  // What a document pair without a "spinner" is labelled.
  std::string default_profile = "unknown";
  std::string phrase_profile = "tortured-phrases";
  // Documents of at least this many words make the "long" AUROC.
  uint64_t long_words = 150;
  // With folds: fit each fold's routed scores (the span model and document
  // score of documents decoded with learned pairs; FitScores) on the other
  // folds' pairs, each decoded by its own fold's model with its learned
  // pairs, and on `synthetic_docs` clean and spun with the synthetic
  // profiles and rates, decoded the same way. The scores of documents
  // decoded with the plain channel stay the model's (`unspin eval
  // --calibrate` fits them). The report then also carries the channel with
  // the routed scores fitted on every fold (fitted_channel).
  bool fit_calibration = true;
  std::vector<EvalDoc> synthetic_docs;
  std::string synthetic_description;  // "clean documents of FILE spun with ..."
  std::vector<std::string> synthetic_profiles = {"phrase", "naive", "loose"};
  std::vector<double> synthetic_rates = {0.1, 0.2, 0.3};
  uint64_t seed = 2;
  double real_share = 0.5;  // ScoreFitOptions::real_share
  // Trace of the real copies: when given, each fold indexes these
  // documents and the distinct originals of the pairs (with its own
  // model's lexicon, in work_dir), then traces its spun copies, as written
  // and with their restoration (what `trace` does by default).
  std::vector<EvalDoc> trace_distractors;
  double trace_threshold = 0.3;  // trace's reporting threshold
  // Papers with tortured phrases: when given with phrase pairs, these
  // clean documents are joined into papers of about paper_words words, and
  // each fold plants phrases_per_paper of its measured phrases into each
  // paper (in sentences of their own), in three versions: the tortured
  // phrases as written, the same in quotation marks (an article about
  // them), and the phrases they stand for (the clean control). At most
  // max_papers papers a fold.
  std::vector<EvalDoc> paper_docs;
  uint64_t paper_words = 6000;
  uint32_t phrases_per_paper = 4;
  uint32_t max_papers = 40;
  // Keep RealEvalReport::swaps (the learned decoder's outcome per swap).
  bool keep_swaps = false;
  std::function<void(const std::string&)> log;
};

// Document figures of one decoder on one group of spinners.
struct RealDocFigures {
  std::string decoder, spinner;
  uint64_t docs = 0, long_docs = 0, words = 0;
  uint64_t swaps = 0, detected = 0, restored = 0, deletions = 0;
  uint64_t clean_words = 0, clean_changed = 0;
  uint64_t predicted = 0, predicted_true = 0;
  double auroc = 0, auroc_long = 0;
  double originals_flagged = 0, spun_flagged = 0;
  // The screen: documents (spun or original) the decoder calls spun, those
  // of them it passes on, and the originals it clears.
  uint64_t flagged = 0, screen_passed_flagged = 0, originals_cleared = 0;
  double Restored() const { return swaps ? static_cast<double>(restored) / static_cast<double>(swaps) : 0; }
  double CleanChanged() const {
    return clean_words ? static_cast<double>(clean_changed) / static_cast<double>(clean_words) : 0;
  }
  double Precision() const {
    return predicted ? static_cast<double>(predicted_true) / static_cast<double>(predicted) : 0;
  }
  double Recall() const { return swaps ? static_cast<double>(detected) / static_cast<double>(swaps) : 0; }
};

struct RealPhraseFigures {
  std::string method;
  uint64_t phrases = 0, top1 = 0, top5 = 0, flagged = 0;
};

// Trace figures of one way of querying on one group of spinners.
struct RealTraceFigures {
  std::string method;  // "as written" | "with restoration"
  std::string spinner;
  uint64_t copies = 0;
  uint64_t found = 0;      // the original (or one of the same text) is the best match, at or above the threshold
  uint64_t unmatched = 0;  // no indexed document reaches the threshold
  uint64_t indexed = 0;    // documents in the index: distractors and distinct originals
  double similarity_sum = 0;  // of the original's match, where found
};

// Papers with planted tortured phrases (RealEvalOptions::paper_docs), by
// decoder: how many are called spun in each version.
struct RealPaperFigures {
  std::string decoder;
  uint64_t papers = 0, words = 0, planted = 0;
  uint64_t spun_flagged = 0;      // the tortured phrases as written
  uint64_t quoted_flagged = 0;    // the same in quotation marks
  uint64_t original_flagged = 0;  // the phrases they stand for
  uint64_t listed_found = 0;      // DecodeResult::listed_phrases, summed, as written
  uint64_t quoted_marked = 0;     // planted phrases with a span marked quoted, quoted version
};

// What the learned decoder made of one measured document's swap, or of a
// span it changed where the spinner changed nothing.
struct RealSwapOutcome {
  std::string id;        // the document pair's
  std::string spun;      // the spun text of the swap, or the span
  std::string original;  // what the spinner replaced; empty for a span on clean words
  std::string restored;  // the decoder's originals of the spans touching it, space-joined; empty if none
  enum Kind : uint8_t { kRestored, kDetected, kMissed, kCleanChanged } kind = kMissed;
  // Times the measuring model's table saw this pair (under the keys it
  // learns it by, LearnedPairs::Count): 0 for a pair it never saw, and for
  // a span on clean words.
  uint32_t learned = 0;
  static const char* KindName(Kind kind);
  // {"id","outcome","spun"[,"original","learned"][,"restored"]}: a span on
  // clean words has no original, and a missed swap no restoration.
  nlohmann::json ToJson() const;
};

struct RealEvalReport {
  std::string measured;  // which part was measured, in words
  // With keep_swaps: every measured document's swaps and wrong spans, by
  // document in input order, then text order.
  std::vector<RealSwapOutcome> swaps;
  std::vector<RealDocFigures> docs;
  std::vector<RealPhraseFigures> phrases;
  std::vector<RealTraceFigures> traces;
  std::vector<RealPaperFigures> papers;
  // With folds and fit_calibration: the model's channel without learned
  // pairs (as data/channel.json holds it) and with the scores fitted on
  // every fold.
  bool has_fitted_channel = false;
  ChannelParams fitted_channel;
  nlohmann::json ToJson() const;
  std::string ToMarkdown() const;
};

// `model_dir`'s LM and channel serve every fold. Errors: kInvalidInput
// (with folds = 0: units the model learned from), and the lexicon build's.
Result<RealEvalReport> RunRealEval(const Model& model, const std::string& model_dir,
                                   const std::vector<DocumentPair>& docs, const std::vector<PhrasePair>& phrases,
                                   const RealEvalOptions& options);

}  // namespace unspin

#endif  // UNSPIN_EVAL_REAL_EVAL_H_
