// `unspin eval trace`: how well `trace` finds the source of a spun copy
// hidden among many other documents, beside a plain word-shingle MinHash
// index in the same run.
//
// For each spinner profile, an index of the sources and the distractors is
// built whose lexicon lacks the profile's synonym sources (so the spinner
// may change words the index takes for anchors), and one baseline index of
// plain word shingles. The first sources, spun by the profile at each
// rate, are the queries; unrelated documents, spun too, are queries that
// must match nothing.
#ifndef UNSPIN_EVAL_TRACE_EVAL_H_
#define UNSPIN_EVAL_TRACE_EVAL_H_

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "eval/quality.h"
#include "lexicon/lexicon.h"
#include "util/status.h"

namespace unspin {

struct TraceEvalOptions {
  std::vector<std::string> profiles = {"mythes", "wordnet", "moby"};
  std::vector<double> rates = {0.1, 0.2, 0.3, 0.4};
  size_t queries = 300;  // sources spun per cell (the first ones)
  double unrelated_rate = 0.3;  // unrelated queries are spun at this rate by the cell's profile
  double threshold = 0.3;       // trace's default reporting threshold
  uint64_t seed = 1;
  int threads = 1;
  std::string work_dir;  // one index directory per variant is made here (must not exist yet)
  std::function<void(const std::string&)> log;  // progress lines, optional
  // Called now and then with queries done and queries in all, optional.
  std::function<void(uint64_t done, uint64_t total)> progress;
};

struct TraceIndexReport {
  std::string name;       // "anchors, all-mythes", "words (baseline)"
  std::string shingles;   // anchors | words
  uint64_t documents = 0;
  double build_seconds = 0;
  uint64_t file_bytes = 0;
  // Over every query of this index (the cells' and the unrelated ones).
  double query_p50_ms = 0, query_p99_ms = 0;
  double mean_candidates = 0;  // documents sharing a band with a query, per query
  uint64_t unrelated_queries = 0;
  uint64_t unrelated_above_threshold = 0;  // queries with any document at or above the threshold
  double unrelated_max_similarity = 0;
  std::string unrelated_max_query, unrelated_max_match;  // the ids behind it
};

struct TraceCellReport {
  std::string profile;
  std::string index;  // the anchors index the profile was queried on
  double rate = 0;
  uint64_t queries = 0;
  double recall_at_1 = 0;       // the source is the best match, at or above the threshold
  double base_recall_at_1 = 0;  // the same on the baseline index
  double mean_similarity = 0, min_similarity = 0;  // of the true source, when found at all
};

struct TraceEvalReport {
  std::vector<TraceIndexReport> indexes;
  std::vector<TraceCellReport> cells;
  double threshold = 0;
  nlohmann::json ToJson() const;
  std::string ToMarkdown() const;
};

Result<TraceEvalReport> RunTraceEval(const Lexicon& lexicon, const std::vector<EvalDoc>& sources,
                                     const std::vector<EvalDoc>& distractors, const std::vector<EvalDoc>& unrelated,
                                     const TraceEvalOptions& options);

}  // namespace unspin

#endif  // UNSPIN_EVAL_TRACE_EVAL_H_
