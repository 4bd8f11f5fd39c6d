#include "eval/score_fit.h"

#include <algorithm>
#include <cmath>
#include <memory>

#include "decoder/learn.h"
#include "eval/metrics.h"
#include "spin/profile.h"
#include "spin/spinner.h"
#include "util/parallel.h"
#include "util/random.h"

namespace unspin {

namespace {

void TakeFeatures(const DecodeResult& r, ScoreExample* e) {
  e->gain = r.GainPerWord();
  e->ratio = r.RatioPerWord();
  e->words = r.words;
}

// Weights that give each kind's examples (or spans) equal weight within
// the kind, and real ones `real_share` of the total when both are present.
std::pair<double, double> KindWeights(double synthetic_count, double real_count, double real_share) {
  if (synthetic_count == 0 || real_count == 0) return {1.0, 1.0};
  const double total = synthetic_count + real_count;
  return {total * (1 - real_share) / synthetic_count, total * real_share / real_count};
}

}  // namespace

std::vector<ScoreExample> SyntheticScoreExamples(const Model& model, const ChannelParams& channel,
                                                 const std::vector<EvalDoc>& docs,
                                                 const std::vector<std::string>& profiles,
                                                 const std::vector<double>& rates, uint64_t seed, int threads) {
  threads = std::max(1, threads);
  std::vector<std::unique_ptr<Decoder>> decoders;
  for (int t = 0; t < threads; ++t) {
    decoders.push_back(std::make_unique<Decoder>(model));
    decoders.back()->set_routing(false);
    decoders.back()->set_channel(channel);
    decoders.back()->set_keep_candidates(true);
  }
  std::vector<std::unique_ptr<Spinner>> spinners;
  for (const std::string& name : profiles) {
    auto profile = FindProfile(name);
    if (!profile.ok()) continue;
    for (double rate : rates) {
      SpinOptions so;
      so.rate = rate;
      so.profile = *profile;
      spinners.push_back(std::make_unique<Spinner>(model.lexicon(), so));
    }
  }
  std::vector<ScoreExample> examples(docs.size() * 2);
  ParallelFor(docs.size() * 2, threads, nullptr, [&](int t, size_t k) {
    const EvalDoc& doc = docs[k / 2];
    ScoreExample& e = examples[k];
    DecodeResult r;
    SpinResult spun;
    if (k % 2 == 0 || spinners.empty()) {
      decoders[static_cast<size_t>(t)]->DecodeDocument(doc.text, &r);
    } else {
      Rng rng = Rng::ForRecord(seed, doc.id);
      spinners[(k / 2) % spinners.size()]->Spin(doc.text, &rng, &spun);
      decoders[static_cast<size_t>(t)]->DecodeDocument(spun.text, &r);
      e.label = 1;
    }
    TakeFeatures(r, &e);
    for (const RestoredSpan& c : r.candidate_spans) {
      bool swapped = false;
      for (const SpinSwap& swap : spun.swaps) swapped |= SpansOverlap(c.begin, c.end, swap.spun_begin, swap.spun_end);
      e.spans.push_back(c.features);
      e.span_labels.push_back(swapped);
    }
  });
  return examples;
}

std::vector<ScoreExample> RealScoreExamples(const Model& model, const ChannelParams& channel,
                                            const std::vector<DocumentPair>& docs, int threads) {
  threads = std::max(1, threads);
  std::vector<ScoreExample> examples(docs.size() * 2);
  std::vector<std::unique_ptr<Decoder>> decoders(static_cast<size_t>(threads));
  ParallelFor(examples.size(), threads, nullptr, [&](int t, size_t k) {
    auto& decoder = decoders[static_cast<size_t>(t)];
    if (!decoder) {
      decoder = std::make_unique<Decoder>(model);
      decoder->set_routing(false);
      decoder->set_channel(channel);
      decoder->set_keep_candidates(true);
    }
    const DocumentPair& d = docs[k / 2];
    const bool spun = k % 2 == 0;
    DecodeResult r;
    decoder->DecodeDocument(spun ? d.spun : d.original, &r);
    ScoreExample& e = examples[k];
    e.label = spun;
    TakeFeatures(r, &e);
    const std::vector<DocumentSwap> swaps = spun ? AlignedSwaps(d.original, d.spun) : std::vector<DocumentSwap>{};
    for (const RestoredSpan& c : r.candidate_spans) {
      bool swapped = false;
      for (const DocumentSwap& swap : swaps) {
        swapped |= swap.kind != DocumentSwap::kDeletion && SpansOverlap(c.begin, c.end, swap.spun_begin, swap.spun_end);
      }
      e.spans.push_back(c.features);
      e.span_labels.push_back(swapped);
    }
  });
  return examples;
}

ChannelParams FitScores(const ChannelParams& channel, const std::vector<ScoreExample>& synthetic,
                        const std::vector<ScoreExample>& real, const ScoreFitOptions& options,
                        const std::string& description) {
  ChannelParams fitted = channel;
  if (synthetic.empty() && real.empty()) return fitted;
  // The span model.
  std::vector<std::vector<double>> x;
  std::vector<int> y;
  std::vector<double> weights;
  double synthetic_spans = 0, real_spans = 0;
  for (const ScoreExample& e : synthetic) synthetic_spans += static_cast<double>(e.spans.size());
  for (const ScoreExample& e : real) real_spans += static_cast<double>(e.spans.size());
  const auto [synthetic_span_weight, real_span_weight] = KindWeights(synthetic_spans, real_spans, options.real_share);
  for (const auto* kind : {&synthetic, &real}) {
    const double weight = kind == &real ? real_span_weight : synthetic_span_weight;
    for (const ScoreExample& e : *kind) {
      for (size_t i = 0; i < e.spans.size(); ++i) {
        x.emplace_back(e.spans[i].begin(), e.spans[i].end());
        y.push_back(e.span_labels[i]);
        weights.push_back(weight);
      }
    }
  }
  if (!x.empty()) {
    const std::vector<double> w = FitLogistic(x, y, 1e-3, &weights);
    for (size_t i = 0; i < fitted.span_model.weights.size() && i < w.size(); ++i) fitted.span_model.weights[i] = w[i];
    fitted.span_model.fitted_on = description + "; " + std::to_string(x.size()) + " candidate spans";
  }
  // The document score, with the fitted span model's expected swaps.
  x.clear();
  y.clear();
  weights.clear();
  const auto [synthetic_weight, real_weight] = KindWeights(static_cast<double>(synthetic.size()),
                                                           static_cast<double>(real.size()), options.real_share);
  for (const auto* kind : {&synthetic, &real}) {
    for (const ScoreExample& e : *kind) {
      double mass = 0;
      for (const SpanFeatures& f : e.spans) mass += fitted.span_model.Probability(f);
      const double words = static_cast<double>(std::max<uint64_t>(e.words, 1));
      x.push_back({e.gain, mass / words, std::log(words)});
      if (options.use_ratio) x.back().push_back(e.ratio);
      y.push_back(e.label);
      weights.push_back(kind == &real ? real_weight : synthetic_weight);
    }
  }
  const std::vector<double> w = FitLogistic(x, y, options.calibration_l2, &weights);
  Calibration& c = fitted.calibration;
  c.bias = w[0];
  c.gain = w[1];
  c.density = w[2];
  c.length = w[3];
  c.ratio = options.use_ratio ? w[4] : 0;
  c.fitted_on = description;
  return fitted;
}

}  // namespace unspin
