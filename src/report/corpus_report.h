// `unspin report`: a one-page picture of a screened corpus, from the
// records `unspin screen --jsonl` or `unspin detect --jsonl` writes. Streaming: memory grows with the
// number of distinct flagged phrases (bounded, see kMaxPhrases) and the
// worst documents kept, not with the corpus.
#ifndef UNSPIN_REPORT_CORPUS_REPORT_H_
#define UNSPIN_REPORT_CORPUS_REPORT_H_

#include <array>
#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "util/status.h"

namespace unspin::report {

struct CorpusReportOptions {
  size_t worst = 25;    // documents listed, highest score first
  size_t phrases = 50;  // tortured phrases listed, most frequent first
};

class CorpusReport {
 public:
  // Distinct phrases tracked at most; beyond it, phrases seen once are
  // forgotten, so the counts of rare phrases are lower bounds.
  static constexpr size_t kMaxPhrases = 1'000'000;

  explicit CorpusReport(const CorpusReportOptions& options = {});

  // One record of `screen --jsonl` or `detect --jsonl` output. Error
  // records ({"error": ...}) and records the screen cleared ({"screened":
  // "clear"}) are counted; anything else without a numeric "score" is
  // kInvalidInput.
  Status Add(const nlohmann::json& record);

  uint64_t documents() const { return documents_; }
  uint64_t errors() const { return errors_; }
  uint64_t flagged() const { return flagged_; }
  // Documents of `unspin screen --jsonl` that the screen cleared.
  uint64_t cleared() const { return cleared_; }

  // The page. `source` names the input (shown, escaped).
  std::string ToHtml(std::string_view title, std::string_view source) const;

 private:
  struct PhraseStats {
    uint64_t count = 0;
    std::map<std::string, uint64_t> originals;
  };
  struct Document {
    double score = 0;
    std::string id;
    uint64_t words = 0, spans = 0;
    std::vector<std::pair<std::string, std::string>> examples;  // (phrase, original)
  };

  CorpusReportOptions options_;
  uint64_t documents_ = 0, errors_ = 0, flagged_ = 0, words_ = 0, spans_ = 0, cleared_ = 0;
  double score_sum_ = 0;
  std::array<uint64_t, 20> histogram_{};  // scores in twentieths
  std::unordered_map<std::string, PhraseStats> phrases_;
  std::vector<Document> worst_;  // a min-heap on score, at most options_.worst
};

}  // namespace unspin::report

#endif  // UNSPIN_REPORT_CORPUS_REPORT_H_
