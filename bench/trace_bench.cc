// Trace benchmarks beside their baselines in the same run: fingerprinting
// a document (anchor shingles against plain word shingles), aligning a
// spun copy with its source (patience + Myers against the textbook O(nm)
// LCS table), and querying an index of 100,000+ documents (anchors against
// word shingles; the indexes are made by bench/run_trace.sh and named by
// UNSPIN_TRACE_INDEX and UNSPIN_TRACE_BASELINE_INDEX). Sources are Brown
// test documents, copies spun by the moby profile at rate 0.3.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "lexicon/lexicon.h"
#include "spin/profile.h"
#include "spin/spinner.h"
#include "trace/align.h"
#include "trace/fingerprint.h"
#include "trace/index.h"

namespace unspin {
namespace {

const Lexicon& DefaultLexicon() {
  static Lexicon* lexicon = [] {
    auto l = Lexicon::Open(std::string(UNSPIN_DEFAULT_MODEL) + "/lexicon.bin");
    if (!l.ok()) {
      std::fprintf(stderr, "%s (run ./build.sh first)\n", l.status().message().c_str());
      std::exit(1);
    }
    return new Lexicon(std::move(*l));
  }();
  return *lexicon;
}

struct Pair {
  std::string source, spun;
};

const std::vector<Pair>& Pairs() {
  static std::vector<Pair>* pairs = [] {
    auto* out = new std::vector<Pair>();
    std::ifstream in(std::string(UNSPIN_EVAL_DIR) + "/brown-test.jsonl");
    if (!in) {
      std::fprintf(stderr, "no %s/brown-test.jsonl (run scripts/eval-data.sh)\n", UNSPIN_EVAL_DIR);
      std::exit(1);
    }
    SpinOptions so;
    so.rate = 0.3;
    so.profile = *FindProfile("moby");
    Spinner spinner(DefaultLexicon(), so);
    std::string line;
    uint64_t seed = 1;
    while (std::getline(in, line) && out->size() < 500) {
      Pair p;
      p.source = nlohmann::json::parse(line)["text"].get<std::string>();
      Rng rng(seed++);
      SpinResult spun;
      spinner.Spin(p.source, &rng, &spun);
      p.spun = std::move(spun.text);
      out->push_back(std::move(p));
    }
    return out;
  }();
  return *pairs;
}

void Fingerprint(benchmark::State& state, const FingerprintOptions& options) {
  Fingerprinter fp(DefaultLexicon(), options);
  std::vector<uint64_t> shingles, keys;
  std::vector<uint32_t> signature;
  size_t i = 0, bytes = 0;
  for (auto _ : state) {
    const std::string& doc = Pairs()[i++ % Pairs().size()].source;
    fp.Shingles(doc, &shingles);
    fp.Signature(shingles, &signature);
    fp.BandKeys(signature, &keys);
    benchmark::DoNotOptimize(keys.data());
    bytes += doc.size();
  }
  state.SetBytesProcessed(static_cast<int64_t>(bytes));
  state.SetItemsProcessed(static_cast<int64_t>(i));
}
void BM_FingerprintAnchors(benchmark::State& state) { Fingerprint(state, FingerprintOptions()); }
void BM_BaselineFingerprintWords(benchmark::State& state) { Fingerprint(state, WordShingleOptions()); }
BENCHMARK(BM_FingerprintAnchors);
BENCHMARK(BM_BaselineFingerprintWords);

std::vector<std::pair<std::vector<uint64_t>, std::vector<uint64_t>>> WordPairs() {
  Fingerprinter fp(DefaultLexicon(), {});
  std::vector<std::pair<std::vector<uint64_t>, std::vector<uint64_t>>> out;
  std::vector<FingerprintWord> words;
  for (const Pair& p : Pairs()) {
    std::vector<uint64_t> a, b;
    fp.Words(p.spun, &words);
    for (const auto& w : words) a.push_back(w.hash);
    fp.Words(p.source, &words);
    for (const auto& w : words) b.push_back(w.hash);
    out.push_back({std::move(a), std::move(b)});
  }
  return out;
}

void BM_AlignWords(benchmark::State& state) {
  const auto pairs = WordPairs();
  size_t i = 0;
  for (auto _ : state) {
    const auto& [a, b] = pairs[i++ % pairs.size()];
    benchmark::DoNotOptimize(AlignWords(a, b).shared_words);
  }
  state.SetItemsProcessed(static_cast<int64_t>(i));
}
BENCHMARK(BM_AlignWords);

// The textbook longest common subsequence: a full (n+1) x (m+1) table.
void BM_BaselineLcsTable(benchmark::State& state) {
  const auto pairs = WordPairs();
  size_t i = 0;
  std::vector<uint32_t> table;
  for (auto _ : state) {
    const auto& [a, b] = pairs[i++ % pairs.size()];
    const size_t n = a.size(), m = b.size();
    table.assign((n + 1) * (m + 1), 0);
    for (size_t x = 1; x <= n; ++x) {
      for (size_t y = 1; y <= m; ++y) {
        table[x * (m + 1) + y] = a[x - 1] == b[y - 1] ? table[(x - 1) * (m + 1) + y - 1] + 1
                                                      : std::max(table[(x - 1) * (m + 1) + y], table[x * (m + 1) + y - 1]);
      }
    }
    benchmark::DoNotOptimize(table.back());
  }
  state.SetItemsProcessed(static_cast<int64_t>(i));
}
BENCHMARK(BM_BaselineLcsTable);

// One query per iteration, timed: p50 and p99 counters.
void Query(benchmark::State& state, const char* env) {
  const char* dir = std::getenv(env);
  if (dir == nullptr) {
    state.SkipWithError((std::string(env) + " is not set (bench/run_trace.sh builds the indexes)").c_str());
    return;
  }
  auto index = TraceIndex::Open(dir, DefaultLexicon(), TraceIndex::kReadOnly);
  if (!index.ok()) {
    state.SkipWithError(index.status().message().c_str());
    return;
  }
  std::vector<double> ms;
  size_t i = 0, found = 0;
  for (auto _ : state) {
    const Pair& p = Pairs()[i++ % Pairs().size()];
    const auto start = std::chrono::steady_clock::now();
    auto matches = (*index)->Query(p.spun, {});
    ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count());
    found += matches.ok() && !matches->empty();
  }
  std::sort(ms.begin(), ms.end());
  state.counters["p50_ms"] = ms[ms.size() / 2];
  state.counters["p99_ms"] = ms[std::min(ms.size() - 1, ms.size() * 99 / 100)];
  state.counters["found"] = static_cast<double>(found) / static_cast<double>(ms.size());
  state.SetItemsProcessed(static_cast<int64_t>(ms.size()));
}
void BM_QueryAnchorsIndex(benchmark::State& state) { Query(state, "UNSPIN_TRACE_INDEX"); }
void BM_BaselineQueryWordsIndex(benchmark::State& state) { Query(state, "UNSPIN_TRACE_BASELINE_INDEX"); }
BENCHMARK(BM_QueryAnchorsIndex)->Iterations(1000)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_BaselineQueryWordsIndex)->Iterations(1000)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace unspin

BENCHMARK_MAIN();
