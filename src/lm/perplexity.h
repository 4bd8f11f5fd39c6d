// Perplexity of a language model on sentences, by the convention SRILM and
// KenLM report: each sentence is scored from <s> through </s>; words not in
// the vocabulary (OOVs) are left out of the sum and the count but still pass
// through the context as <unk>.
#ifndef UNSPIN_LM_PERPLEXITY_H_
#define UNSPIN_LM_PERPLEXITY_H_

#include <cmath>
#include <cstdint>
#include <span>
#include <string_view>

#include "lm/language_model.h"

namespace unspin {

struct PerplexityTotals {
  uint64_t sentences = 0;
  uint64_t words = 0;  // without </s>
  uint64_t oovs = 0;
  double log10_prob = 0;  // over scored tokens: in-vocabulary words and each </s>

  uint64_t scored() const { return words - oovs + sentences; }
  double Perplexity() const {
    return scored() == 0 ? 0.0 : std::pow(10.0, -log10_prob / static_cast<double>(scored()));
  }
};

// Adds one sentence (an empty one too: it scores </s> after <s>).
void AddToPerplexity(const LanguageModel& lm, std::span<const std::string_view> words, PerplexityTotals* totals);

}  // namespace unspin

#endif  // UNSPIN_LM_PERPLEXITY_H_
