// Decoder benchmarks on Brown test documents of about 1,000 words, spun
// with the phrase profile at rate 0.2, beside the perplexity baseline
// (the language model scoring the same documents' sentences) in the same
// run. Per-document latencies give p50 and p99 counters.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "decoder/decoder.h"
#include "lm/lm_text.h"
#include "spin/profile.h"
#include "spin/spinner.h"

namespace unspin {
namespace {

const Model& DefaultModel() {
  static Model* model = [] {
    auto m = Model::Open(UNSPIN_DEFAULT_MODEL);
    if (!m.ok()) {
      std::fprintf(stderr, "%s (run ./build.sh first)\n", m.status().message().c_str());
      std::exit(1);
    }
    return m->release();
  }();
  return *model;
}

// Brown test documents joined to about 1,000 words each, spun or clean.
std::vector<std::string>* ReadDocuments(bool spin) {
  auto* out = new std::vector<std::string>();
  std::ifstream in(std::string(UNSPIN_EVAL_DIR) + "/brown-test.jsonl");
  if (!in) {
    std::fprintf(stderr, "no %s/brown-test.jsonl (run scripts/eval-data.sh)\n", UNSPIN_EVAL_DIR);
    std::exit(1);
  }
  SpinOptions so;
  so.rate = 0.2;
  so.profile = *FindProfile("phrase");
  Spinner spinner(DefaultModel().lexicon(), so);
  std::string line, doc;
  size_t words = 0;
  uint64_t seed = 1;
  while (std::getline(in, line) && out->size() < 200) {
    std::string text = nlohmann::json::parse(line)["text"].get<std::string>();
    words += static_cast<size_t>(std::count(text.begin(), text.end(), ' ')) + 1;
    doc += text;
    if (words < 1000) continue;
    Rng rng(seed++);
    SpinResult spun;
    if (spin) spinner.Spin(doc, &rng, &spun);
    out->push_back(spin ? spun.text : doc);
    doc.clear();
    words = 0;
  }
  return out;
}

const std::vector<std::string>& Documents() {
  static std::vector<std::string>* docs = ReadDocuments(true);
  return *docs;
}

const std::vector<std::string>& CleanDocuments() {
  static std::vector<std::string>* docs = ReadDocuments(false);
  return *docs;
}

// Runs `process(doc)` on the documents in turn, one per iteration, timing
// each: p50 and p99 counters, bytes and documents per second.
template <typename Process>
void TimeEachDocument(benchmark::State& state, Process process, const std::vector<std::string>& docs = Documents()) {
  std::vector<double> ms;
  size_t i = 0, bytes = 0;
  for (auto _ : state) {
    const std::string& doc = docs[i++ % docs.size()];
    const auto start = std::chrono::steady_clock::now();
    process(doc);
    ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count());
    bytes += doc.size();
  }
  std::sort(ms.begin(), ms.end());
  state.counters["p50_ms"] = ms[ms.size() / 2];
  state.counters["p99_ms"] = ms[std::min(ms.size() - 1, ms.size() * 99 / 100)];
  state.SetBytesProcessed(static_cast<int64_t>(bytes));
  state.SetItemsProcessed(static_cast<int64_t>(ms.size()));
}

// detect + restore of one document, a decoder reused across documents (as
// a batch job or server thread uses it).
void BM_DetectRestore1000Words(benchmark::State& state) {
  Decoder decoder(DefaultModel());
  DecodeResult r;
  TimeEachDocument(state, [&](const std::string& doc) {
    decoder.Decode(doc, &r);
    benchmark::DoNotOptimize(r.probability);
  });
}
BENCHMARK(BM_DetectRestore1000Words)->Iterations(600)->Unit(benchmark::kMillisecond);

// The same with a new decoder per document: nothing cached from earlier
// documents (the first document a process sees).
void BM_DetectRestore1000WordsColdDecoder(benchmark::State& state) {
  DecodeResult r;
  TimeEachDocument(state, [&](const std::string& doc) {
    Decoder decoder(DefaultModel());
    decoder.Decode(doc, &r);
    benchmark::DoNotOptimize(r.probability);
  });
}
BENCHMARK(BM_DetectRestore1000WordsColdDecoder)->Iterations(100)->Unit(benchmark::kMillisecond);

// The first pass of two-stage screening (decoder/screen.h), on clean and
// on spun documents.
void BM_Screen1000WordsClean(benchmark::State& state) {
  Decoder decoder(DefaultModel());
  ScreenResult r;
  TimeEachDocument(
      state,
      [&](const std::string& doc) {
        decoder.Screen(doc, &r);
        benchmark::DoNotOptimize(r.score);
      },
      CleanDocuments());
}
BENCHMARK(BM_Screen1000WordsClean)->Iterations(2000)->Unit(benchmark::kMillisecond);

void BM_Screen1000WordsSpun(benchmark::State& state) {
  Decoder decoder(DefaultModel());
  ScreenResult r;
  TimeEachDocument(state, [&](const std::string& doc) {
    decoder.Screen(doc, &r);
    benchmark::DoNotOptimize(r.score);
  });
}
BENCHMARK(BM_Screen1000WordsSpun)->Iterations(2000)->Unit(benchmark::kMillisecond);

// Baseline: the perplexity detector, which scores each sentence with the
// same language model and nothing else.
void BM_PerplexityBaseline1000Words(benchmark::State& state) {
  const LanguageModel& lm = DefaultModel().lm();
  LmLineTokenizer tokenizer(LmTokens::kWords);
  TimeEachDocument(state, [&](const std::string& doc) {
    double total = 0;
    size_t begin = 0;
    // One sentence per line or full stop, as the baseline reads it.
    for (size_t k = 0; k <= doc.size(); ++k) {
      if (k == doc.size() || doc[k] == '\n' || doc[k] == '.') {
        const auto& words = tokenizer.Tokens(std::string_view(doc).substr(begin, k - begin));
        if (!words.empty()) total += lm.ScoreSentence(words);
        begin = k + 1;
      }
    }
    benchmark::DoNotOptimize(total);
  });
}
BENCHMARK(BM_PerplexityBaseline1000Words)->Iterations(600)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace unspin

BENCHMARK_MAIN();
