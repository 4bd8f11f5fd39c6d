// A backoff n-gram language model, memory-mapped from the binary format
// (lm/format.h) and validated on load. Scores are log10 probabilities.
//
//   auto lm = LanguageModel::Open("model/lm.bin");
//   LmState state = lm->BeginSentence(), next;
//   float s = lm->Score(state, lm->Vocab("the"), &next);
//
// Thread-safe for concurrent queries (all methods are const, no caches).
#ifndef UNSPIN_LM_LANGUAGE_MODEL_H_
#define UNSPIN_LM_LANGUAGE_MODEL_H_

#include <span>
#include <string>
#include <string_view>

#include "lm/format.h"
#include "lm/ngram_tables.h"
#include "util/binary_file.h"
#include "util/status.h"
#include "util/string_index.h"

namespace unspin {

class LanguageModel {
 public:
  // Errors: kNotFound, kDataLoss (corrupt or not a language model),
  // kVersionMismatch.
  static Result<LanguageModel> Open(const std::string& path);

  int order() const { return tables_.order; }
  uint32_t vocab_size() const { return tables_.vocab_size; }
  // Id of a word; the id of <unk> if the word is not in the vocabulary.
  uint32_t Vocab(std::string_view word) const;
  bool Known(std::string_view word) const { return vocab_.Find(word) != StringIndex::kNone; }
  std::string_view Word(uint32_t id) const { return vocab_.Get(id); }
  uint32_t bos() const { return header_.bos; }
  uint32_t eos() const { return header_.eos; }
  uint32_t unk() const { return header_.unk; }

  // The state after <s>, and the empty state (no context).
  LmState BeginSentence() const;
  LmState NullContext() const { return LmState(); }
  // log10 P(word | in); `out` may be `&in`. `ngram_length`, if given, gets
  // the length of the n-gram that priced the word (1 = unigram).
  float Score(const LmState& in, uint32_t word, LmState* out, int* ngram_length = nullptr) const {
    return tables_.Score(in, word, out, ngram_length);
  }
  // Score of `count` independent queries (say, every candidate word for one
  // slot of a decoder): scores[i] = Score(in[i], words[i], &out[i]), with
  // the queries' memory fetches overlapped. `out` must not alias `in`.
  void ScoreBatch(const LmState* in, const uint32_t* words, size_t count, float* scores, LmState* out) const {
    tables_.ScoreBatch(in, words, count, scores, out);
  }
  // log10 P of the words, as one sentence from <s> (if `bos`), with </s>
  // at the end (if `eos`).
  float ScoreSentence(std::span<const std::string_view> words, bool bos = true, bool eos = true) const;

  const lm_format::Header& header() const { return header_; }
  std::string_view MetaJson() const { return meta_; }
  const BinaryFile& file() const { return file_; }

 private:
  Status Init();

  BinaryFile file_;
  lm_format::Header header_;
  std::string_view meta_;
  StringIndex vocab_;
  NgramTables tables_;
};

}  // namespace unspin

#endif  // UNSPIN_LM_LANGUAGE_MODEL_H_
