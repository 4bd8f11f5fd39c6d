#include "lm/perplexity.h"

namespace unspin {

void AddToPerplexity(const LanguageModel& lm, std::span<const std::string_view> words, PerplexityTotals* totals) {
  LmState state = lm.BeginSentence();
  for (std::string_view w : words) {
    const uint32_t id = lm.Vocab(w);
    const float score = lm.Score(state, id, &state);
    if (id == lm.unk()) {
      ++totals->oovs;
    } else {
      totals->log10_prob += score;
    }
  }
  totals->log10_prob += lm.Score(state, lm.eos(), &state);
  totals->words += words.size();
  ++totals->sentences;
}

}  // namespace unspin
