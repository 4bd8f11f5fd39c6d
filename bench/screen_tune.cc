// The screen's dials against what they cost: for each static cut and
// number of candidates tested (ScreenOptions), the runs tested per word,
// the screen's time per word on clean documents (one core), the margin it
// needs to pass on a target share of the documents the decoder calls spun,
// and the share of clean documents it then clears. docs/DECISIONS.md,
// "Screening", was written from its output.
//
// Documents: the first --clean calibration documents as they are, and the
// next ones spun by every built-in profile at rates 0.1, 0.2 and 0.3,
// --spun of each (profile, rate); the calibration half, not the test half,
// so that eval's figures stay on documents the dials were not set on.
//
// --join W joins consecutive documents to about W words each first (long
// documents), and --sample-every N screens one sentence in N of every
// document (ScreenOptions::sample_every) to measure sampling. --cut T
// measures one static cut only (with the shipped 6 candidates); a cut of
// -1000 tests no run in context, which times the screen's reading alone.
//
//   build/bench/screen_tune [--clean 600] [--spun 40] [--recall 0.995]
//                           [--join 0] [--sample-every 1] [--defaults] [--cut T]
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "decoder/decoder.h"
#include "spin/profile.h"
#include "spin/spinner.h"
#include "util/parallel.h"
#include "util/random.h"

namespace unspin {
namespace {

struct Doc {
  std::string text;
  bool clean = false;
  bool decoder_spun = false;  // P(spun) >= the threshold, by the full decoder
};

int Run(size_t clean_count, size_t spun_per_cell, double recall, size_t join_words, int sample_every, bool grid,
        const double* only_cut) {
  auto model = Model::Open(UNSPIN_DEFAULT_MODEL);
  if (!model.ok()) {
    std::fprintf(stderr, "%s (run ./build.sh first)\n", model.status().message().c_str());
    return 1;
  }
  std::ifstream in(std::string(UNSPIN_EVAL_DIR) + "/brown-calibration.jsonl");
  if (!in) {
    std::fprintf(stderr, "no %s/brown-calibration.jsonl (run scripts/eval-data.sh)\n", UNSPIN_EVAL_DIR);
    return 1;
  }
  std::vector<std::string> pool;
  std::string joined;
  size_t joined_words = 0;
  for (std::string line; std::getline(in, line);) {
    const std::string text = nlohmann::json::parse(line)["text"];
    if (join_words == 0) {
      pool.push_back(text);
      continue;
    }
    joined += (joined.empty() ? "" : "\n\n") + text;
    joined_words += static_cast<size_t>(std::count(text.begin(), text.end(), ' ')) + 1;
    if (joined_words < join_words) continue;
    pool.push_back(std::move(joined));
    joined.clear();
    joined_words = 0;
  }
  if (pool.size() <= clean_count) {
    std::fprintf(stderr, "only %zu documents: fewer than --clean\n", pool.size());
    return 1;
  }
  std::vector<Doc> docs;
  size_t next = 0;
  for (; next < clean_count && next < pool.size(); ++next) docs.push_back({pool[next], true, false});
  uint64_t seed = 1;
  for (const SpinProfile& profile : BuiltinProfiles()) {
    for (double rate : {0.1, 0.2, 0.3}) {
      SpinOptions so;
      so.rate = rate;
      so.profile = profile;
      Spinner spinner((*model)->lexicon(), so);
      for (size_t k = 0; k < spun_per_cell; ++k) {
        Rng rng(seed++);
        SpinResult spun;
        spinner.Spin(pool[clean_count + (next++ % (pool.size() - clean_count))], &rng, &spun);
        docs.push_back({spun.text, false, false});
      }
    }
  }
  // The decoder's verdicts, once.
  const int threads = ThreadCount();
  std::vector<std::unique_ptr<Decoder>> decoders;
  for (int t = 0; t < threads; ++t) decoders.push_back(std::make_unique<Decoder>(**model));
  ParallelFor(docs.size(), threads, nullptr, [&](int t, size_t i) {
    DecodeResult r;
    decoders[static_cast<size_t>(t)]->DecodeDocument(docs[i].text, &r);
    docs[i].decoder_spun = r.spun;
  });
  size_t flagged = 0, clean_words = 0;
  for (const Doc& d : docs) flagged += d.decoder_spun;
  std::printf("%zu clean and %zu spun calibration documents; the decoder calls %zu spun\n", clean_count,
              docs.size() - clean_count, flagged);
  std::printf("recall target %.3f of those\n\n", recall);
  std::printf("| static cut | candidates | runs tested per word | us per clean word | margin | clean cleared |\n");
  std::printf("|---:|---:|---:|---:|---:|---:|\n");
  const double threshold = std::log((*model)->channel().spun_threshold / (1 - (*model)->channel().spun_threshold));
  if (only_cut != nullptr) grid = false;
  const std::vector<double> cuts = only_cut != nullptr ? std::vector<double>{*only_cut}
                                   : grid              ? std::vector<double>{2.0, 3.0, 4.0, 5.0, 6.0}
                                                       : std::vector<double>{ScreenOptions().static_cut};
  const std::vector<int> candidate_counts = grid ? std::vector<int>{2, 4, 6, 8}
                                                 : std::vector<int>{ScreenOptions().candidates};
  for (double cut : cuts) {
    for (int candidates : candidate_counts) {
      ScreenOptions options;
      options.static_cut = cut;
      options.candidates = candidates;
      options.sample_above_bytes = sample_every > 1 ? 1 : 0;
      options.sample_every = sample_every;
      Decoder decoder(**model);
      decoder.set_screen_options(options);
      std::vector<double> scores(docs.size());
      std::vector<uint8_t> routed(docs.size());
      uint64_t words = 0, tested = 0;
      double clean_seconds = 0;
      clean_words = 0;
      // Twice over the clean documents, timing the second (warm caches, as
      // in a long batch).
      for (int pass = 0; pass < 2; ++pass) {
        for (size_t i = 0; i < docs.size(); ++i) {
          if (pass == 0 && !docs[i].clean) continue;
          ScreenResult s;
          const auto start = std::chrono::steady_clock::now();
          decoder.ScreenDocument(docs[i].text, &s);
          if (pass == 1 && docs[i].clean) {
            clean_seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
            clean_words += s.words;
          }
          if (pass == 1) {
            scores[i] = s.score;
            routed[i] = s.routed;
            words += s.words;
            tested += s.runs_tested;
          }
        }
      }
      // The largest pass line (score >= threshold - margin) that keeps the
      // recall target: the smallest margin.
      std::vector<double> need;  // threshold - score of each flagged, unrouted document
      size_t routed_flagged = 0;
      for (size_t i = 0; i < docs.size(); ++i) {
        if (!docs[i].decoder_spun) continue;
        if (routed[i]) {
          ++routed_flagged;
        } else {
          need.push_back(threshold - scores[i]);
        }
      }
      std::sort(need.begin(), need.end());
      const size_t must_pass = static_cast<size_t>(std::ceil(recall * static_cast<double>(flagged)));
      const size_t from_need = must_pass > routed_flagged ? must_pass - routed_flagged : 0;
      const double margin = need.empty() || from_need == 0 ? 0 : need[std::min(need.size(), from_need) - 1];
      size_t cleared = 0;
      for (size_t i = 0; i < docs.size(); ++i) {
        if (docs[i].clean && !routed[i] && scores[i] < threshold - margin) ++cleared;
      }
      std::printf("| %.0f | %d | %.3f | %.3f | %.2f | %.1f %% |\n", cut, candidates,
                  static_cast<double>(tested) / static_cast<double>(std::max<uint64_t>(words, 1)),
                  1e6 * clean_seconds / static_cast<double>(std::max<size_t>(clean_words, 1)), margin,
                  100.0 * static_cast<double>(cleared) / static_cast<double>(clean_count));
      std::fflush(stdout);
    }
  }
  return 0;
}

}  // namespace
}  // namespace unspin

int main(int argc, char** argv) {
  size_t clean = 600, spun = 40, join = 0;
  int sample_every = 1;
  bool grid = true;
  double recall = 0.995;
  double cut = 0;
  bool has_cut = false;
  for (int i = 1; i < argc; i += 2) {
    if (std::strcmp(argv[i], "--defaults") == 0) {  // only the shipped dials
      grid = false;
      --i;
      continue;
    }
    if (i + 1 >= argc) {
      std::fprintf(stderr, "%s needs a value\n", argv[i]);
      return 2;
    }
    if (std::strcmp(argv[i], "--clean") == 0) {
      clean = std::strtoul(argv[i + 1], nullptr, 10);
    } else if (std::strcmp(argv[i], "--spun") == 0) {
      spun = std::strtoul(argv[i + 1], nullptr, 10);
    } else if (std::strcmp(argv[i], "--recall") == 0) {
      recall = std::strtod(argv[i + 1], nullptr);
    } else if (std::strcmp(argv[i], "--join") == 0) {
      join = std::strtoul(argv[i + 1], nullptr, 10);
    } else if (std::strcmp(argv[i], "--sample-every") == 0) {
      sample_every = std::atoi(argv[i + 1]);
    } else if (std::strcmp(argv[i], "--cut") == 0) {
      cut = std::strtod(argv[i + 1], nullptr);
      has_cut = true;
    } else {
      std::fprintf(stderr,
                   "usage: screen_tune [--clean N] [--spun N] [--recall R] [--join W] [--sample-every N] "
                   "[--defaults] [--cut T]\n");
      return 2;
    }
  }
  return unspin::Run(clean, spun, recall, join, sample_every, grid, has_cut ? &cut : nullptr);
}
