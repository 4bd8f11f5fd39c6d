#include "lm/ngram_model.h"

#include <cmath>

namespace unspin {

Status NgramModel::Validate() const {
  const int n_max = order();
  if (n_max < 1 || n_max > kMaxLmOrder) {
    return InvalidInputError("language model order " + std::to_string(n_max) + " is outside 1.." +
                             std::to_string(kMaxLmOrder));
  }
  if (orders[0].size() != vocab.size()) {
    return InvalidInputError("the unigrams (" + std::to_string(orders[0].size()) +
                             ") are not the vocabulary (" + std::to_string(vocab.size()) + ")");
  }
  for (int n = 1; n <= n_max; ++n) {
    const Order& o = orders[static_cast<size_t>(n - 1)];
    const std::string name = std::to_string(n) + "-grams";
    if (o.backoffs.size() != o.size() || o.words.size() != o.size() * static_cast<size_t>(n)) {
      return InvalidInputError(name + ": arrays of different lengths");
    }
    for (uint32_t w : o.words) {
      if (w >= vocab.size()) return InvalidInputError(name + ": word id out of range");
    }
    for (size_t i = 0; i < o.size(); ++i) {
      if (!std::isfinite(o.probs[i]) || o.probs[i] > 0) {
        return InvalidInputError(name + ": entry " + std::to_string(i) + " has probability " +
                                 std::to_string(o.probs[i]) + " (log10 must be finite and <= 0)");
      }
      if (!std::isfinite(o.backoffs[i])) {
        return InvalidInputError(name + ": entry " + std::to_string(i) + " has a non-finite backoff");
      }
      if (n == n_max && o.backoffs[i] != 0) {
        return InvalidInputError(name + ": the highest order cannot have backoffs");
      }
    }
  }
  for (size_t i = 0; i < vocab.size(); ++i) {
    if (orders[0].words[i] != i) return InvalidInputError("unigram " + std::to_string(i) + " is not word " + std::to_string(i));
  }
  return OkStatus();
}

}  // namespace unspin
