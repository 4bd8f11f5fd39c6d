#include "lm/language_model.h"

#include <cstring>

namespace unspin {

namespace fmt = lm_format;

Result<LanguageModel> LanguageModel::Open(const std::string& path) {
  LanguageModel lm;
  auto file = BinaryFile::Open(path, fmt::kMagic, fmt::kVersion, "language model");
  if (!file.ok()) return file.status();
  lm.file_ = std::move(file).value();
  RETURN_IF_ERROR(lm.Init());
  lm.file_.ReleasePages();
  return lm;
}

Status LanguageModel::Init() {
  const BinaryFile& f = file_;
  auto corrupt = [&](const std::string& why) {
    return DataLossError(f.path() + ": language model is inconsistent: " + why);
  };
  ASSIGN_OR_RETURN(std::string_view head, f.Section(fmt::kHeader));
  if (head.size() != sizeof header_) return corrupt("header has the wrong size");
  std::memcpy(&header_, head.data(), sizeof header_);
  const int order = static_cast<int>(header_.order);
  if (order < 1 || order > kMaxLmOrder) return corrupt("order " + std::to_string(header_.order));
  ASSIGN_OR_RETURN(meta_, f.Section(fmt::kMeta));
  RETURN_IF_ERROR(vocab_.Init(f, fmt::kVocab, "vocabulary"));
  const uint32_t v = header_.vocab_size;
  if (vocab_.size() != v || v == 0) return corrupt("vocabulary size");
  if (header_.bos >= v || header_.eos >= v || header_.unk >= v) return corrupt("special word ids");
  tables_.order = order;
  tables_.top = order;
  tables_.vocab_size = v;
  tables_.unk = header_.unk;
  ASSIGN_OR_RETURN(tables_.unigram_probs, f.Array<float>(fmt::kUnigramProbs));
  ASSIGN_OR_RETURN(tables_.unigram_backoffs, f.Array<float>(fmt::kUnigramBackoffs));
  if (tables_.unigram_probs.size() != v || tables_.unigram_backoffs.size() != v) {
    return corrupt("unigram arrays differ from the vocabulary");
  }
  for (int n = 2; n <= order; ++n) {
    NgramTables::Order& o = tables_.orders[n];
    const fmt::OrderInfo& info = header_.orders[n - 1];
    ASSIGN_OR_RETURN(o.table, f.Array<uint64_t>(fmt::TableTag(n)));
    ASSIGN_OR_RETURN(o.probs, f.Array<float>(fmt::ProbTag(n)));
    if (n < order) {
      ASSIGN_OR_RETURN(o.backoffs, f.Array<float>(fmt::BackoffTag(n)));
    }
    o.salt = info.salt;
    const std::string name = std::to_string(n) + "-gram";
    if (o.table.size() != info.slots || info.ngrams + info.blanks >= info.slots) {
      return corrupt(name + " table size");
    }
    if (o.probs.size() != fmt::kCodes || (n < order && o.backoffs.size() != fmt::kCodes)) {
      return corrupt(name + " value tables must have " + std::to_string(fmt::kCodes) + " entries");
    }
  }
  return OkStatus();
}

uint32_t LanguageModel::Vocab(std::string_view word) const {
  uint32_t id = vocab_.Find(word);
  return id == StringIndex::kNone ? header_.unk : id;
}

LmState LanguageModel::BeginSentence() const {
  LmState s;
  if (order() > 1) {
    s.words[0] = header_.bos;
    s.backoffs[0] = tables_.unigram_backoffs[header_.bos];
    s.length = 1;
  }
  return s;
}

float LanguageModel::ScoreSentence(std::span<const std::string_view> words, bool bos, bool eos) const {
  LmState state = bos ? BeginSentence() : NullContext();
  float total = 0;
  for (std::string_view w : words) total += Score(state, Vocab(w), &state);
  if (eos) total += Score(state, header_.eos, &state);
  return total;
}

}  // namespace unspin
