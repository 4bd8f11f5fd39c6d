// Kernel benchmarks, each beside a named baseline measured in the same run.
// Input: $UNSPIN_BENCH_CORPUS (see bench/run.sh), else a built-in paragraph
// repeated.
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <cstring>

#include "lexicon/lexicon.h"
#include "spin/spinner.h"
#include "text/tokenizer.h"
#include "text/utf8.h"
#include "util/file_io.h"

namespace unspin {
namespace {

const std::string& Corpus() {
  static const std::string text = [] {
    const char* path = std::getenv("UNSPIN_BENCH_CORPUS");
    if (path) {
      auto t = ReadFileToString(path);
      if (t.ok()) return std::move(t).value();
    }
    std::string s;
    while (s.size() < (8u << 20)) {
      s += "The city council voted on Tuesday to approve a budget of $1,139 million, according "
           "to the Associated Press news agency. Council members said the plan would release "
           "funds for schools, and that at least two new parks will be built.\n\n";
    }
    return s;
  }();
  return text;
}

// Baseline: the cheapest split a tokeniser could do (ASCII spaces only).
void BM_Baseline_SplitOnSpaces(benchmark::State& state) {
  const std::string& text = Corpus();
  std::vector<std::pair<uint32_t, uint32_t>> spans;
  spans.reserve(text.size() / 4);
  for (auto _ : state) {
    spans.clear();
    size_t start = 0;
    for (;;) {
      const void* p = std::memchr(text.data() + start, ' ', text.size() - start);
      size_t end = p ? static_cast<size_t>(static_cast<const char*>(p) - text.data()) : text.size();
      if (end > start) spans.emplace_back(static_cast<uint32_t>(start), static_cast<uint32_t>(end));
      if (!p) break;
      start = end + 1;
    }
    benchmark::DoNotOptimize(spans.data());
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * text.size()));
}
BENCHMARK(BM_Baseline_SplitOnSpaces)->Unit(benchmark::kMillisecond);

void BM_ValidateUtf8(benchmark::State& state) {
  const std::string& text = Corpus();
  for (auto _ : state) benchmark::DoNotOptimize(FindInvalidUtf8(text));
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * text.size()));
}
BENCHMARK(BM_ValidateUtf8)->Unit(benchmark::kMillisecond);

void BM_Tokenize(benchmark::State& state) {
  const std::string& text = Corpus();
  std::vector<Token> tokens;
  tokens.reserve(text.size() / 4);
  for (auto _ : state) {
    Tokenize(text, &tokens);
    benchmark::DoNotOptimize(tokens.data());
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * text.size()));
  state.counters["tokens"] = static_cast<double>(tokens.size());
}
BENCHMARK(BM_Tokenize)->Unit(benchmark::kMillisecond);

const Lexicon* DefaultLexicon() {
  static Lexicon* lex = [] {
    auto l = Lexicon::Open(std::string(UNSPIN_DEFAULT_MODEL) + "/lexicon.bin");
    return l.ok() ? new Lexicon(std::move(l).value()) : nullptr;
  }();
  return lex;
}

void BM_LexiconLoad(benchmark::State& state) {
  for (auto _ : state) {
    auto l = Lexicon::Open(std::string(UNSPIN_DEFAULT_MODEL) + "/lexicon.bin");
    if (!l.ok()) state.SkipWithError(l.status().message().c_str());
    benchmark::DoNotOptimize(l);
  }
}
BENCHMARK(BM_LexiconLoad)->Unit(benchmark::kMillisecond);

void SpinBench(benchmark::State& state, const char* profile) {
  const Lexicon* lex = DefaultLexicon();
  if (!lex) {
    state.SkipWithError("default model missing: run unspin model build");
    return;
  }
  SpinOptions o;
  o.rate = 0.2;
  o.profile = std::move(FindProfile(profile)).value();
  Spinner spinner(*lex, o);
  // One 1 MiB window, as the CLI streams input.
  std::string text = Corpus().substr(0, 1 << 20);
  SpinResult r;
  for (auto _ : state) {
    Rng rng(1);
    spinner.Spin(text, &rng, &r);
    benchmark::DoNotOptimize(r.text.data());
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * text.size()));
}
void BM_Spin_Naive(benchmark::State& state) { SpinBench(state, "naive"); }
void BM_Spin_Phrase(benchmark::State& state) { SpinBench(state, "phrase"); }
BENCHMARK(BM_Spin_Naive)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Spin_Phrase)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace unspin

BENCHMARK_MAIN();
