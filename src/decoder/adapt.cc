#include "decoder/adapt.h"

#include <algorithm>
#include <cmath>
#include <memory>
#include <unordered_map>

#include "util/parallel.h"

namespace unspin {

namespace {
// Pairs with less expected evidence are not stored: their learnt q would be
// close to the smoothed default that "u\t*" gives them.
constexpr double kMinPairCount = 0.1;
}  // namespace

ChannelParams AdaptChannel(const Model& model, const std::vector<std::string>& docs, const AdaptOptions& options,
                           const std::string& description, AdaptReport* report) {
  const int threads = std::max(1, options.threads);
  ChannelParams channel = options.start ? *options.start : model.channel();
  *report = AdaptReport();
  for (int iteration = 0; iteration < options.iterations; ++iteration) {
    // E step, in parallel; each thread sums its own counts.
    struct PairCount {
      double count = 0, default_log_q = 0;
    };
    struct Counts {
      std::unordered_map<std::string, PairCount> pairs;  // "u\tv" -> c(u, v)
      double swaps = 0;
      uint64_t eligible = 0, words = 0;
    };
    std::vector<Counts> counts(static_cast<size_t>(threads));
    std::vector<std::unique_ptr<Decoder>> decoders(static_cast<size_t>(threads));
    ParallelFor(docs.size(), threads, nullptr, [&](int t, size_t i) {
      auto& decoder = decoders[static_cast<size_t>(t)];
      if (!decoder) {
        decoder = std::make_unique<Decoder>(model);
        decoder->set_channel(channel);
      }
      Counts& mine = counts[static_cast<size_t>(t)];
      std::vector<SwapEvidence> evidence;
      DecodeResult r;
      decoder->DecodeDocument(docs[i], &r, size_t{1} << 20, &evidence);
      mine.eligible += r.eligible_words;
      mine.words += r.words;
      for (const SwapEvidence& e : evidence) {
        PairCount& p = mine.pairs[e.original + '\t' + e.observed];
        p.count += e.posterior;
        p.default_log_q = e.default_log_q;
        mine.swaps += e.posterior;
      }
    });
    Counts total;
    for (Counts& c : counts) {
      total.swaps += c.swaps;
      total.eligible += c.eligible;
      total.words += c.words;
      for (auto& [k, v] : c.pairs) {
        PairCount& p = total.pairs[k];
        p.count += v.count;
        p.default_log_q = v.default_log_q;
      }
    }

    // M step.
    ChannelParams next_channel = channel;
    next_channel.swap_rate =
        std::clamp(total.eligible == 0 ? channel.swap_rate : total.swaps / static_cast<double>(total.eligible), 0.01, 0.6);
    std::unordered_map<std::string, double> per_original;
    for (const auto& [k, v] : total.pairs) per_original[k.substr(0, k.find('\t'))] += v.count;
    next_channel.pair_log_q.clear();
    for (const auto& [k, v] : total.pairs) {
      if (v.count < kMinPairCount) continue;  // learnt q would be the smoothed default anyway
      const double c_u = per_original[k.substr(0, k.find('\t'))];
      const double q0 = std::exp(v.default_log_q);
      next_channel.pair_log_q[k] =
          static_cast<float>(std::log((v.count + options.smoothing * q0) / (c_u + options.smoothing)));
    }
    for (const auto& [u, c_u] : per_original) {
      next_channel.pair_log_q[u + "\t*"] = static_cast<float>(std::log(options.smoothing / (c_u + options.smoothing)));
    }
    // Originals EM never saw swapped: the spinner swaps them at most rarely.
    next_channel.unseen_pair_log_q = 0;
    next_channel.adapted_on = description;
    channel = std::move(next_channel);
    report->rates.push_back(channel.swap_rate);
    report->pairs = channel.pair_log_q.size();
    report->words = total.words;
    if (options.progress) options.progress(iteration + 1, channel.swap_rate, report->pairs);
  }
  return channel;
}

}  // namespace unspin
