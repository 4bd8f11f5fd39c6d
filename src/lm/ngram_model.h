// A backoff n-gram model held in memory: the one interchange form between
// the readers (ARPA, sphinx trie), the trainer, the binary builder and the
// ARPA writer. Probabilities and backoffs are log10, as in ARPA files.
#ifndef UNSPIN_LM_NGRAM_MODEL_H_
#define UNSPIN_LM_NGRAM_MODEL_H_

#include <cstdint>
#include <string>
#include <vector>

#include "util/status.h"

namespace unspin {

inline constexpr int kMaxLmOrder = 6;

struct NgramModel {
  // Entries of one order n, in the order they were read or made. Entry i
  // has words[i*n .. i*n+n) (oldest word first, as ARPA writes them),
  // probs[i] and backoffs[i] (0 when absent; always 0 for the top order).
  struct Order {
    std::vector<uint32_t> words;
    std::vector<float> probs;
    std::vector<float> backoffs;
    size_t size() const { return probs.size(); }
  };

  std::vector<std::string> vocab;  // word id -> word: unigram i is word i
  std::vector<Order> orders;       // orders[n - 1] holds the n-grams

  int order() const { return static_cast<int>(orders.size()); }
  // Structural checks every producer's output must pass: an order in
  // 1..kMaxLmOrder, unigrams exactly the vocabulary (entry i is word i),
  // parallel arrays of matching length, word ids in range, finite values
  // (probabilities <= 0 except -inf-like sentinels are refused too).
  Status Validate() const;
};

}  // namespace unspin

#endif  // UNSPIN_LM_NGRAM_MODEL_H_
