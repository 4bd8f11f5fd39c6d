#include "eval/trace_eval.h"

#include <sys/stat.h>

#include <algorithm>
#include <chrono>
#include <cerrno>
#include <cstring>
#include <memory>
#include <mutex>

#include "eval/metrics.h"
#include "spin/profile.h"
#include "spin/spinner.h"
#include "trace/index.h"
#include "util/parallel.h"
#include "util/random.h"

namespace unspin {

namespace {

struct Variant {
  std::string name, dir;
  FingerprintOptions options;
};

std::string SourceNames(SourceMask mask) {
  std::string out;
  for (int s = 0; s < kSourceCount; ++s) {
    if (mask & (1u << s)) out += (out.empty() ? "" : "+") + std::string(SourceName(static_cast<Source>(s)));
  }
  return out;
}

Status BuildIndex(const Lexicon& lexicon, const Variant& v, const std::vector<EvalDoc>& distractors,
                  const std::vector<EvalDoc>& sources, TraceIndexReport* report) {
  const auto start = std::chrono::steady_clock::now();
  auto index = TraceIndex::Open(v.dir, lexicon, TraceIndex::kCreate, v.options);
  if (!index.ok()) return index.status();
  constexpr size_t kBatch = 5000;
  std::vector<IndexDoc> batch;
  AddReport added;
  for (const std::vector<EvalDoc>* docs : {&distractors, &sources}) {
    for (size_t i = 0; i < docs->size(); ++i) {
      batch.push_back({(*docs)[i].id, (*docs)[i].text});
      if (batch.size() == kBatch || i + 1 == docs->size()) {
        RETURN_IF_ERROR((*index)->Add(batch, &added));
        if (!added.refused.empty()) {
          return InvalidInputError("document id " + batch[added.refused[0].first].id +
                                   " occurs twice among the sources and distractors");
        }
        report->documents += added.added;
        batch.clear();
      }
    }
  }
  report->build_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  auto info = (*index)->Info();
  if (!info.ok()) return info.status();
  report->file_bytes = info->file_bytes;
  return Status();
}

// One read-only handle per thread: a TraceIndex is not thread-safe.
Result<std::vector<std::unique_ptr<TraceIndex>>> OpenHandles(const Lexicon& lexicon, const Variant& v, int threads) {
  std::vector<std::unique_ptr<TraceIndex>> handles;
  for (int t = 0; t < threads; ++t) {
    auto index = TraceIndex::Open(v.dir, lexicon, TraceIndex::kReadOnly);
    if (!index.ok()) return index.status();
    handles.push_back(std::move(*index));
  }
  return handles;
}

}  // namespace

Result<TraceEvalReport> RunTraceEval(const Lexicon& lexicon, const std::vector<EvalDoc>& sources,
                                     const std::vector<EvalDoc>& distractors, const std::vector<EvalDoc>& unrelated,
                                     const TraceEvalOptions& o) {
  const int threads = std::max(1, o.threads);
  auto log = [&](const std::string& line) {
    if (o.log) o.log(line);
  };
  if (::mkdir(o.work_dir.c_str(), 0777) != 0) {
    return IoError(o.work_dir + ": cannot create the evaluation's work directory: " + std::strerror(errno) +
                   (errno == EEXIST ? " (it must not exist yet)" : ""));
  }
  std::vector<Variant> variants;
  std::vector<SpinProfile> profiles;
  for (const std::string& name : o.profiles) {
    auto profile = FindProfile(name);
    if (!profile.ok()) return profile.status();
    profiles.push_back(*profile);
    Variant v;
    v.options.filter.sources = static_cast<SourceMask>(kAllSources & ~profile->filter.sources);
    v.name = "anchors, all-" + SourceNames(profile->filter.sources);
    v.dir = o.work_dir + "/anchors-" + name;
    variants.push_back(v);
  }
  variants.push_back({"words (baseline)", o.work_dir + "/words", WordShingleOptions()});
  const size_t baseline = variants.size() - 1;

  TraceEvalReport report;
  report.threshold = o.threshold;
  report.indexes.resize(variants.size());
  std::vector<Status> build_status(variants.size());
  log("building " + std::to_string(variants.size()) + " indexes of " +
      std::to_string(sources.size() + distractors.size()) + " documents each");
  // One index per thread: each has its own file, so they build side by side.
  ParallelFor(variants.size(), threads, nullptr, [&](int, size_t v) {
    report.indexes[v].name = variants[v].name;
    report.indexes[v].shingles = variants[v].options.kind == ShingleKind::kAnchors ? "anchors" : "words";
    build_status[v] = BuildIndex(lexicon, variants[v], distractors, sources, &report.indexes[v]);
  });
  for (const Status& s : build_status) RETURN_IF_ERROR(s);

  auto base_handles = OpenHandles(lexicon, variants[baseline], threads);
  if (!base_handles.ok()) return base_handles.status();
  std::vector<std::vector<double>> latencies(variants.size());
  std::vector<uint64_t> candidate_sum(variants.size(), 0);
  std::mutex latency_mutex;
  TraceQueryOptions query_options;
  query_options.threshold = 0;  // every verified candidate, to see similarities below the threshold too
  query_options.max_results = 1;
  query_options.max_evidence = 0;
  const size_t queries = std::min(o.queries, sources.size());
  // Queries `index`, counting its time and candidates in variant p's figures.
  auto timed_query = [&](TraceIndex& index, size_t p, const std::string& text) {
    const auto start = std::chrono::steady_clock::now();
    TraceQueryStats stats;
    auto matches = index.Query(text, query_options, &stats);
    const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    if (matches.ok()) {
      std::lock_guard<std::mutex> lock(latency_mutex);
      latencies[p].push_back(ms);
      candidate_sum[p] += stats.candidates;
    }
    return matches;
  };

  // Queries of every cell and every unrelated text, counted across phases.
  const uint64_t total_queries = profiles.size() * (o.rates.size() * queries + unrelated.size());
  uint64_t queries_before = 0;
  const std::function<void(uint64_t, uint64_t)> query_progress = [&](uint64_t done, uint64_t) {
    if (o.progress) o.progress(queries_before + done, total_queries);
  };
  for (size_t p = 0; p < profiles.size(); ++p) {
    auto handles = OpenHandles(lexicon, variants[p], threads);
    if (!handles.ok()) return handles.status();
    for (double rate : o.rates) {
      SpinOptions spin_options;
      spin_options.rate = rate;
      spin_options.profile = profiles[p];
      Spinner spinner(lexicon, spin_options);
      const uint64_t cell_seed = Rng::ForRecord(o.seed, profiles[p].name + "@" + std::to_string(rate)).Next();
      std::vector<uint8_t> hit(queries, 0), base_hit(queries, 0);
      std::vector<double> similarity(queries, -1);
      std::vector<Status> failures(queries);
      ParallelFor(queries, threads, query_progress, [&](int t, size_t i) {
        Rng rng = Rng::ForRecord(cell_seed, sources[i].id);
        SpinResult spun;
        spinner.Spin(sources[i].text, &rng, &spun);
        auto matches = timed_query(*(*handles)[static_cast<size_t>(t)], p, spun.text);
        auto base = (*base_handles)[static_cast<size_t>(t)]->Query(spun.text, query_options);
        if (!matches.ok() || !base.ok()) {
          failures[i] = !matches.ok() ? matches.status() : base.status();
          return;
        }
        if (!matches->empty() && (*matches)[0].id == sources[i].id) {
          similarity[i] = (*matches)[0].similarity;
          hit[i] = (*matches)[0].similarity >= o.threshold;
        }
        base_hit[i] = !base->empty() && (*base)[0].id == sources[i].id && (*base)[0].similarity >= o.threshold;
      });
      queries_before += queries;
      for (const Status& s : failures) RETURN_IF_ERROR(s);
      TraceCellReport cell;
      cell.profile = profiles[p].name;
      cell.index = variants[p].name;
      cell.rate = rate;
      cell.queries = queries;
      uint64_t hits = 0, base_hits = 0, found = 0;
      double sum = 0;
      cell.min_similarity = 1;
      for (size_t i = 0; i < queries; ++i) {
        hits += hit[i];
        base_hits += base_hit[i];
        if (similarity[i] >= 0) {
          ++found;
          sum += similarity[i];
          cell.min_similarity = std::min(cell.min_similarity, similarity[i]);
        }
      }
      cell.recall_at_1 = queries == 0 ? 0 : static_cast<double>(hits) / static_cast<double>(queries);
      cell.base_recall_at_1 = queries == 0 ? 0 : static_cast<double>(base_hits) / static_cast<double>(queries);
      cell.mean_similarity = found == 0 ? 0 : sum / static_cast<double>(found);
      if (found == 0) cell.min_similarity = 0;
      report.cells.push_back(cell);
      log(profiles[p].name + " at " + Fixed(rate, 2) + ": recall@1 " + Fixed(cell.recall_at_1, 3) +
          ", baseline " + Fixed(cell.base_recall_at_1, 3));
    }

    // Unrelated spun documents: nothing may reach the threshold.
    SpinOptions spin_options;
    spin_options.rate = o.unrelated_rate;
    spin_options.profile = profiles[p];
    Spinner spinner(lexicon, spin_options);
    const uint64_t cell_seed = Rng::ForRecord(o.seed, profiles[p].name + "@unrelated").Next();
    std::vector<double> best(unrelated.size(), 0);
    std::vector<std::string> best_id(unrelated.size());
    std::vector<Status> failures(unrelated.size());
    ParallelFor(unrelated.size(), threads, query_progress, [&](int t, size_t i) {
      Rng rng = Rng::ForRecord(cell_seed, unrelated[i].id);
      SpinResult spun;
      spinner.Spin(unrelated[i].text, &rng, &spun);
      auto matches = timed_query(*(*handles)[static_cast<size_t>(t)], p, spun.text);
      if (!matches.ok()) {
        failures[i] = matches.status();
        return;
      }
      if (!matches->empty()) {
        best[i] = (*matches)[0].similarity;
        best_id[i] = (*matches)[0].id;
      }
    });
    queries_before += unrelated.size();
    for (const Status& s : failures) RETURN_IF_ERROR(s);
    TraceIndexReport& r = report.indexes[p];
    r.unrelated_queries = unrelated.size();
    for (size_t i = 0; i < best.size(); ++i) {
      r.unrelated_above_threshold += best[i] >= o.threshold;
      if (best[i] > r.unrelated_max_similarity) {
        r.unrelated_max_similarity = best[i];
        r.unrelated_max_query = unrelated[i].id;
        r.unrelated_max_match = best_id[i];
      }
    }
    r.query_p50_ms = Quantile(latencies[p], 0.5);
    r.query_p99_ms = Quantile(latencies[p], 0.99);
    r.mean_candidates =
        latencies[p].empty() ? 0 : static_cast<double>(candidate_sum[p]) / static_cast<double>(latencies[p].size());
    log(variants[p].name + ": " + std::to_string(r.unrelated_above_threshold) + " of " +
        std::to_string(unrelated.size()) + " unrelated queries at or above the threshold");
  }
  return report;
}

nlohmann::json TraceEvalReport::ToJson() const {
  nlohmann::json j;
  j["threshold"] = threshold;
  for (const TraceIndexReport& r : indexes) {
    j["indexes"].push_back({{"name", r.name},
                            {"shingles", r.shingles},
                            {"documents", r.documents},
                            {"build_seconds", r.build_seconds},
                            {"file_bytes", r.file_bytes},
                            {"query_p50_ms", r.query_p50_ms},
                            {"query_p99_ms", r.query_p99_ms},
                            {"mean_candidates", r.mean_candidates},
                            {"unrelated_queries", r.unrelated_queries},
                            {"unrelated_above_threshold", r.unrelated_above_threshold},
                            {"unrelated_max_similarity", r.unrelated_max_similarity},
                            {"unrelated_max_query", r.unrelated_max_query},
                            {"unrelated_max_match", r.unrelated_max_match}});
  }
  for (const TraceCellReport& c : cells) {
    j["cells"].push_back({{"profile", c.profile},
                          {"index", c.index},
                          {"rate", c.rate},
                          {"queries", c.queries},
                          {"recall_at_1", c.recall_at_1},
                          {"baseline_recall_at_1", c.base_recall_at_1},
                          {"mean_similarity", c.mean_similarity},
                          {"min_similarity", c.min_similarity}});
  }
  return j;
}

std::string TraceEvalReport::ToMarkdown() const {
  std::string out = "Indexes (build time with the evaluation's other indexes building beside it):\n\n";
  out += "| index | documents | build s | docs/s | bytes/doc | query p50 ms | query p99 ms | candidates/query | "
         "unrelated queries | "
         "at or above " + Fixed(threshold, 2) + " | highest unrelated similarity |\n";
  out += "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n";
  for (const TraceIndexReport& r : indexes) {
    const bool measured = r.unrelated_queries > 0;
    out += "| " + r.name + " | " + std::to_string(r.documents) + " | " + Fixed(r.build_seconds, 1) + " | " +
           Fixed(r.build_seconds > 0 ? r.documents / r.build_seconds : 0, 0) + " | " +
           Fixed(r.documents > 0 ? static_cast<double>(r.file_bytes) / r.documents : 0, 0) + " | " +
           (measured ? Fixed(r.query_p50_ms, 2) : "-") + " | " + (measured ? Fixed(r.query_p99_ms, 2) : "-") + " | " +
           (measured ? Fixed(r.mean_candidates, 1) : "-") + " | " +
           (measured ? std::to_string(r.unrelated_queries) : "-") + " | " +
           (measured ? std::to_string(r.unrelated_above_threshold) : "-") + " | " +
           (measured ? Fixed(r.unrelated_max_similarity, 3) + " (" + r.unrelated_max_query + " ~ " +
                           r.unrelated_max_match + ")"
                     : "-") +
           " |\n";
  }
  out += "\nSpun copies of indexed sources (recall@1: the source is the best match, similarity at least " +
         Fixed(threshold, 2) + "):\n\n";
  out += "| spinner profile | anchors index | rate | queries | recall@1 | word-shingle baseline recall@1 | "
         "source similarity mean | min |\n";
  out += "|---|---|---:|---:|---:|---:|---:|---:|\n";
  for (const TraceCellReport& c : cells) {
    out += "| " + c.profile + " | " + c.index + " | " + Fixed(c.rate, 2) + " | " + std::to_string(c.queries) + " | " +
           Fixed(c.recall_at_1, 3) + " | " + Fixed(c.base_recall_at_1, 3) + " | " + Fixed(c.mean_similarity, 3) +
           " | " + Fixed(c.min_similarity, 3) + " |\n";
  }
  return out;
}

}  // namespace unspin
