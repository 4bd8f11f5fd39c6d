// Compiles an in-memory NgramModel into the binary language model format
// (lm/format.h): vocabulary index, unigram arrays, one hash table per
// higher order, values coded through 65,536-entry tables (exact when an
// order has no more distinct values than that, else bins that minimise the
// largest coding error).
#ifndef UNSPIN_LM_LM_BUILDER_H_
#define UNSPIN_LM_LM_BUILDER_H_

#include <string>

#include "lm/ngram_model.h"
#include "util/status.h"

namespace unspin {

struct LmBuildReport {
  int order = 0;
  uint64_t ngrams[kMaxLmOrder] = {};
  uint64_t blanks[kMaxLmOrder] = {};
  bool quantized[kMaxLmOrder] = {};
  bool added_unk = false;  // the source had no <unk>; one was added at -100
};

// `meta_json` is stored verbatim (where the model came from). Errors:
// kInvalidInput (the model fails NgramModel::Validate, or lacks <s>/</s>),
// kResourceExhausted.
Status BuildLanguageModel(const NgramModel& model, const std::string& meta_json, std::string* bytes,
                          LmBuildReport* report = nullptr);

}  // namespace unspin

#endif  // UNSPIN_LM_LM_BUILDER_H_
