// Language-model query and load benchmarks on the default model's lm.bin
// (Debian's CMU US-English model, imported), each beside libsphinxbase
// reading and scoring the same en-us.lm.bin: the same queries, in the same
// order, through its own API.
#include <benchmark/benchmark.h>

#include <cctype>
#include <fstream>
#include <random>
#include <string>
#include <vector>

extern "C" {
#include <sphinxbase/err.h>
#include <sphinxbase/logmath.h>
#include <sphinxbase/ngram_model.h>
}

#include "lm/language_model.h"
#include "lm/sphinx_trie.h"

namespace unspin {
namespace {

const std::string kOurModel = std::string(UNSPIN_DEFAULT_MODEL) + "/lm.bin";

const LanguageModel& Ours() {
  static LanguageModel* lm = [] {
    auto m = LanguageModel::Open(kOurModel);
    if (!m.ok()) {
      std::fprintf(stderr, "%s (run ./build.sh first)\n", m.status().message().c_str());
      std::exit(1);
    }
    return new LanguageModel(std::move(m).value());
  }();
  return *lm;
}

ngram_model_t* Sphinx() {
  static ngram_model_t* model = [] {
    err_set_logfp(nullptr);
    return ngram_model_read(nullptr, kDebianCmuModel, NGRAM_BIN, logmath_init(1.0001, 0, 0));
  }();
  return model;
}

// Queries as word strings, so each side maps them to its own ids.
struct Trigram {
  std::string w1, w2, w3;  // oldest first
};

// Stored trigrams of the CMU model, sampled uniformly: every query is an
// in-vocabulary trigram found at the top order.
const std::vector<Trigram>& StoredTrigrams() {
  static std::vector<Trigram> out = [] {
    std::vector<Trigram> v;
    auto model = ReadSphinxTrieFile(kDebianCmuModel);
    if (!model.ok()) std::exit(1);
    const auto& o = model->orders[2];
    std::mt19937_64 rng(1);
    for (int i = 0; i < 1000000; ++i) {
      const size_t at = rng() % o.size();
      v.push_back({model->vocab[o.words[at * 3]], model->vocab[o.words[at * 3 + 1]], model->vocab[o.words[at * 3 + 2]]});
    }
    return v;
  }();
  return out;
}

// Running text: the in-vocabulary words of WordNet's noun glosses, in order.
const std::vector<std::string>& TextWords() {
  static std::vector<std::string> out = [] {
    std::vector<std::string> v;
    std::ifstream in("/usr/share/wordnet/data.noun");
    std::string line, word;
    while (v.size() < 1000000 && std::getline(in, line)) {
      const size_t bar = line.find('|');
      if (line.starts_with("  ") || bar == std::string::npos) continue;
      for (size_t i = bar + 1; i <= line.size(); ++i) {
        const char c = i < line.size() ? line[i] : ' ';
        if (std::isalpha(static_cast<unsigned char>(c))) {
          word += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        } else if (!word.empty()) {
          if (Ours().Known(word)) v.push_back(word);
          word.clear();
        }
      }
    }
    return v;
  }();
  return out;
}

struct IdTrigram {
  uint32_t w1, w2, w3;
};

// The stored trigrams as unspin queries: the state each context gives (what
// a decoder would carry in, made once) and the predicted word's id.
const std::pair<std::vector<LmState>, std::vector<uint32_t>>& StoredTrigramQueries() {
  static const auto queries = [] {
    const LanguageModel& lm = Ours();
    std::pair<std::vector<LmState>, std::vector<uint32_t>> q;
    for (const Trigram& t : StoredTrigrams()) {
      LmState s = lm.NullContext();
      lm.Score(s, lm.Vocab(t.w1), &s);
      lm.Score(s, lm.Vocab(t.w2), &s);
      q.first.push_back(s);
      q.second.push_back(lm.Vocab(t.w3));
    }
    return q;
  }();
  return queries;
}

void BM_Unspin_StoredTrigram_WithState(benchmark::State& state) {
  const LanguageModel& lm = Ours();
  const auto& [contexts, words] = StoredTrigramQueries();
  double sum = 0;
  for (auto _ : state) {
    LmState out;
    for (size_t i = 0; i < words.size(); ++i) sum += lm.Score(contexts[i], words[i], &out);
    benchmark::DoNotOptimize(sum);
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * words.size()));
}
BENCHMARK(BM_Unspin_StoredTrigram_WithState)->Unit(benchmark::kMillisecond);

// The same queries through ScoreBatch, as a decoder scores all candidates
// for a slot: 64 at a time.
void BM_Unspin_StoredTrigram_WithState_Batch64(benchmark::State& state) {
  const LanguageModel& lm = Ours();
  const auto& [contexts, words] = StoredTrigramQueries();
  std::vector<LmState> outs(64);
  float scores[64];
  double sum = 0;
  for (auto _ : state) {
    for (size_t i = 0; i < words.size(); i += 64) {
      const size_t n = std::min<size_t>(64, words.size() - i);
      lm.ScoreBatch(&contexts[i], &words[i], n, scores, outs.data());
      for (size_t j = 0; j < n; ++j) sum += scores[j];
    }
    benchmark::DoNotOptimize(sum);
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * words.size()));
}
BENCHMARK(BM_Unspin_StoredTrigram_WithState_Batch64)->Unit(benchmark::kMillisecond);

void BM_Baseline_Sphinx_StoredTrigram(benchmark::State& state) {
  ngram_model_t* m = Sphinx();
  std::vector<IdTrigram> q;
  for (const Trigram& t : StoredTrigrams()) {
    q.push_back({static_cast<uint32_t>(ngram_wid(m, t.w1.c_str())), static_cast<uint32_t>(ngram_wid(m, t.w2.c_str())),
                 static_cast<uint32_t>(ngram_wid(m, t.w3.c_str()))});
  }
  int64_t sum = 0;
  for (auto _ : state) {
    for (const IdTrigram& t : q) {
      int32_t n_used;
      sum += ngram_tg_score(m, static_cast<int32_t>(t.w3), static_cast<int32_t>(t.w2), static_cast<int32_t>(t.w1),
                            &n_used);
    }
    benchmark::DoNotOptimize(sum);
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * q.size()));
}
BENCHMARK(BM_Baseline_Sphinx_StoredTrigram)->Unit(benchmark::kMillisecond);

// The API the issue names: ngram_score, words as strings (sphinx looks each
// up in its vocabulary hash). The id-based baseline above is the stricter.
void BM_Baseline_Sphinx_StoredTrigram_NgramScore(benchmark::State& state) {
  ngram_model_t* m = Sphinx();
  const std::vector<Trigram>& q = StoredTrigrams();
  int64_t sum = 0;
  for (auto _ : state) {
    for (const Trigram& t : q) sum += ngram_score(m, t.w3.c_str(), t.w2.c_str(), t.w1.c_str(), nullptr);
    benchmark::DoNotOptimize(sum);
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * q.size()));
}
BENCHMARK(BM_Baseline_Sphinx_StoredTrigram_NgramScore)->Unit(benchmark::kMillisecond);

// Running text, state carried word to word as a decoder does; a word's
// trigram may be missing, and then the query backs off.
void BM_Unspin_RunningText_WithState(benchmark::State& state) {
  const LanguageModel& lm = Ours();
  std::vector<uint32_t> ids;
  for (const std::string& w : TextWords()) ids.push_back(lm.Vocab(w));
  double sum = 0;
  for (auto _ : state) {
    LmState s = lm.BeginSentence();
    for (uint32_t id : ids) sum += lm.Score(s, id, &s);
    benchmark::DoNotOptimize(sum);
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * ids.size()));
}
BENCHMARK(BM_Unspin_RunningText_WithState)->Unit(benchmark::kMillisecond);

void BM_Baseline_Sphinx_RunningText(benchmark::State& state) {
  ngram_model_t* m = Sphinx();
  std::vector<int32_t> ids;
  for (const std::string& w : TextWords()) ids.push_back(ngram_wid(m, w.c_str()));
  int64_t sum = 0;
  for (auto _ : state) {
    int32_t h1 = ngram_wid(m, "<s>"), h2 = -1;
    for (int32_t id : ids) {
      int32_t n_used;
      sum += h2 < 0 ? ngram_bg_score(m, id, h1, &n_used) : ngram_tg_score(m, id, h1, h2, &n_used);
      h2 = h1;
      h1 = id;
    }
    benchmark::DoNotOptimize(sum);
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * ids.size()));
}
BENCHMARK(BM_Baseline_Sphinx_RunningText)->Unit(benchmark::kMillisecond);

void BM_Baseline_Sphinx_RunningText_NgramScore(benchmark::State& state) {
  ngram_model_t* m = Sphinx();
  const std::vector<std::string>& words = TextWords();
  int64_t sum = 0;
  for (auto _ : state) {
    const char* h1 = "<s>";
    const char* h2 = nullptr;
    for (const std::string& w : words) {
      sum += h2 == nullptr ? ngram_score(m, w.c_str(), h1, nullptr) : ngram_score(m, w.c_str(), h1, h2, nullptr);
      h2 = h1;
      h1 = w.c_str();
    }
    benchmark::DoNotOptimize(sum);
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * words.size()));
}
BENCHMARK(BM_Baseline_Sphinx_RunningText_NgramScore)->Unit(benchmark::kMillisecond);

// Opening: mmap, checksum and structural validation of the whole file.
void BM_Unspin_OpenModel(benchmark::State& state) {
  for (auto _ : state) {
    auto lm = LanguageModel::Open(kOurModel);
    if (!lm.ok()) state.SkipWithError(lm.status().message().c_str());
    benchmark::DoNotOptimize(lm);
  }
}
BENCHMARK(BM_Unspin_OpenModel)->Unit(benchmark::kMillisecond)->Iterations(20);

void BM_Baseline_Sphinx_ReadModel(benchmark::State& state) {
  err_set_logfp(nullptr);
  for (auto _ : state) {
    ngram_model_t* m = ngram_model_read(nullptr, kDebianCmuModel, NGRAM_BIN, logmath_init(1.0001, 0, 0));
    benchmark::DoNotOptimize(m);
    ngram_model_free(m);
  }
}
BENCHMARK(BM_Baseline_Sphinx_ReadModel)->Unit(benchmark::kMillisecond)->Iterations(5);

}  // namespace
}  // namespace unspin

BENCHMARK_MAIN();
