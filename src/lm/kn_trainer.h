// Trains an interpolated modified Kneser-Ney language model (Chen and
// Goodman 1998) from tokenised sentences, written out in backoff form so
// the store (lm/lm_builder.h) and ARPA files hold it.
//
//   ASSIGN_OR_RETURN(auto trainer, KnTrainer::Create(options));
//   for each sentence: RETURN_IF_ERROR(trainer->AddSentence(tokens));
//   ASSIGN_OR_RETURN(NgramModel model, trainer->Finish(&report));
//
// Counting is bounded by KnTrainOptions::memory_bytes (sorted runs spill to
// disk, lm/ngram_counter.h). Estimation then holds the distinct n-grams of
// every order in memory: about 12 + 4n bytes per n-gram of order n, before
// pruning.
#ifndef UNSPIN_LM_KN_TRAINER_H_
#define UNSPIN_LM_KN_TRAINER_H_

#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "lm/ngram_model.h"
#include "util/status.h"

namespace unspin {

struct KnTrainOptions {
  int order = 4;  // 2..kMaxLmOrder
  // Count pruning: n-grams of order n >= 2 whose adjusted count is at most
  // prune[n - 1] are dropped (their mass goes to the backoff); the last value
  // applies to the higher orders. Unigrams are never pruned; values must not
  // decrease with the order. Empty: no pruning.
  std::vector<uint64_t> prune;
  uint64_t memory_bytes = uint64_t{1} << 30;  // counting buffer
  std::string temp_dir = "/tmp";              // where counting runs spill
};

struct KnTrainReport {
  int order = 0;
  uint64_t sentences = 0;
  uint64_t tokens = 0;  // words, without the sentence markers
  uint64_t vocab = 0;   // including <unk>, <s>, </s>
  uint64_t ngrams[kMaxLmOrder] = {};  // kept, per order
  uint64_t pruned[kMaxLmOrder] = {};
  // D1, D2, D3+ per order; fallback when the count-of-counts of an order
  // cannot give valid discounts (a tiny corpus): then 0.5, 1, 1.5.
  double discounts[kMaxLmOrder][3] = {};
  bool fallback_discounts[kMaxLmOrder] = {};
  int spill_runs = 0;
  uint64_t spilled_bytes = 0;
};

class KnTrainer {
 public:
  // Errors: kInvalidArgument (order or pruning out of range).
  static Result<std::unique_ptr<KnTrainer>> Create(const KnTrainOptions& options);
  ~KnTrainer();

  // Adds one sentence; an empty one is skipped. Tokens are the words as the
  // model will know them; "<unk>" is the unknown word.
  Status AddSentence(std::span<const std::string_view> tokens);

  // Estimates the model. Errors: kInvalidInput (no sentences), kIo.
  Result<NgramModel> Finish(KnTrainReport* report);

 private:
  struct Impl;
  explicit KnTrainer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace unspin

#endif  // UNSPIN_LM_KN_TRAINER_H_
