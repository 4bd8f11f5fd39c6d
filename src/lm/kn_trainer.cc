#include "lm/kn_trainer.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <numeric>
#include <unordered_map>

#include "lm/ngram_counter.h"

namespace unspin {
namespace {

constexpr uint32_t kBos = 1, kEos = 2;  // ids of <s> and </s>; <unk> is 0 (Impl::words)
constexpr float kNeverLog10 = -99;  // ARPA's "impossible", for <s>

struct StringHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const { return std::hash<std::string_view>()(s); }
};

// The distinct n-grams of one order, ids newest word first, sorted
// lexicographically by those ids (so n-grams sharing their last k words are
// adjacent). `count` is the Kneser-Ney adjusted count.
struct Level {
  int n = 0;
  std::vector<uint32_t> ids;
  std::vector<uint64_t> count;
  std::vector<uint8_t> kept;
  // Stored as float, the precision of the model written; the arithmetic
  // that makes them is double.
  std::vector<float> prob;     // interpolated P(newest | older words), kept entries
  std::vector<float> backoff;  // gamma of this n-gram as a context; 1 when it is none

  size_t size() const { return count.size(); }
  const uint32_t* key(size_t i) const { return ids.data() + i * n; }
  // Padding: sentences are read as n-1 <s> then the words, so the n-grams
  // with two leading <s> exist only to carry counts down and are not model
  // entries. The oldest word is key[n-1].
  bool Padding(size_t i) const { return n >= 2 && key(i)[n - 1] == kBos && key(i)[n - 2] == kBos; }
  // The entry whose key is `k` (n ids, newest first), or size().
  size_t Find(const uint32_t* k) const {
    size_t lo = 0, hi = size();
    while (lo < hi) {
      const size_t mid = lo + (hi - lo) / 2;
      if (std::lexicographical_compare(key(mid), key(mid) + n, k, k + n)) lo = mid + 1;
      else hi = mid;
    }
    return lo < size() && std::equal(k, k + n, key(lo)) ? lo : size();
  }
};

struct Discounts {
  double d[4] = {0, 0.5, 1.0, 1.5};  // by min(count, 3)
  bool fallback = true;
  double For(uint64_t count) const { return d[std::min<uint64_t>(count, 3)]; }
};

// Chen and Goodman's estimates from the counts of adjusted counts 1..4.
Discounts EstimateDiscounts(const uint64_t t[5]) {
  Discounts out;
  if (t[1] == 0 || t[2] == 0 || t[3] == 0 || t[4] == 0) return out;
  const double y = static_cast<double>(t[1]) / (static_cast<double>(t[1]) + 2.0 * static_cast<double>(t[2]));
  double d[4] = {0, 0, 0, 0};
  for (int k = 1; k <= 3; ++k) {
    d[k] = k - (k + 1) * y * static_cast<double>(t[k + 1]) / static_cast<double>(t[k]);
    if (!(d[k] > 0 && d[k] < k)) return out;  // outside (0, k): the estimates do not hold
  }
  std::copy(d, d + 4, out.d);
  out.fallback = false;
  return out;
}

}  // namespace

struct KnTrainer::Impl {
  KnTrainOptions options;
  std::unordered_map<std::string, uint32_t, StringHash, std::equal_to<>> word_ids;
  std::vector<std::string> words{"<unk>", "<s>", "</s>"};
  NgramCounter counter;
  std::vector<uint32_t> sequence;
  uint64_t sentences = 0, tokens = 0;

  explicit Impl(const KnTrainOptions& o)
      : options(o), counter(o.order, o.memory_bytes, o.temp_dir) {
    for (uint32_t i = 0; i < words.size(); ++i) word_ids.emplace(words[i], i);
  }

  uint32_t Id(std::string_view word) {
    auto it = word_ids.find(word);
    if (it != word_ids.end()) return it->second;
    const uint32_t id = static_cast<uint32_t>(words.size());
    words.emplace_back(word);
    word_ids.emplace(words.back(), id);
    return id;
  }

  uint64_t PruneThreshold(int n) const {
    if (n < 2 || options.prune.empty()) return 0;
    return options.prune[std::min<size_t>(static_cast<size_t>(n - 1), options.prune.size() - 1)];
  }

  Result<NgramModel> Finish(KnTrainReport* report);
};

KnTrainer::KnTrainer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
KnTrainer::~KnTrainer() = default;

Result<std::unique_ptr<KnTrainer>> KnTrainer::Create(const KnTrainOptions& options) {
  if (options.order < 2 || options.order > kMaxLmOrder) {
    return InvalidArgumentError("order " + std::to_string(options.order) + " is outside 2.." +
                                std::to_string(kMaxLmOrder));
  }
  if (options.prune.size() > static_cast<size_t>(options.order)) {
    return InvalidArgumentError("more pruning thresholds (" + std::to_string(options.prune.size()) +
                                ") than orders (" + std::to_string(options.order) + ")");
  }
  if (!options.prune.empty() && options.prune[0] != 0) {
    return InvalidArgumentError("unigrams cannot be pruned: the first pruning threshold must be 0");
  }
  if (!std::is_sorted(options.prune.begin(), options.prune.end())) {
    return InvalidArgumentError("pruning thresholds must not decrease with the order");
  }
  return std::unique_ptr<KnTrainer>(new KnTrainer(std::make_unique<Impl>(options)));
}

Status KnTrainer::AddSentence(std::span<const std::string_view> tokens) {
  if (tokens.empty()) return OkStatus();
  Impl& m = *impl_;
  const int n = m.options.order;
  std::vector<uint32_t>& seq = m.sequence;
  seq.assign(static_cast<size_t>(n - 1), kBos);
  for (std::string_view t : tokens) seq.push_back(m.Id(t));
  seq.push_back(kEos);
  ++m.sentences;
  m.tokens += tokens.size();
  uint32_t key[kMaxLmOrder];
  for (size_t end = static_cast<size_t>(n - 1); end < seq.size(); ++end) {
    for (int j = 0; j < n; ++j) key[j] = seq[end - static_cast<size_t>(j)];
    RETURN_IF_ERROR(m.counter.Add(key));
  }
  return OkStatus();
}

Result<NgramModel> KnTrainer::Finish(KnTrainReport* report) { return impl_->Finish(report); }

Result<NgramModel> KnTrainer::Impl::Finish(KnTrainReport* report) {
  if (sentences == 0) return InvalidInputError("the corpus has no sentences (every line was empty)");
  const int top = options.order;
  std::vector<Level> levels(static_cast<size_t>(top + 1));  // levels[n], n = 1..top
  for (int n = 1; n <= top; ++n) levels[static_cast<size_t>(n)].n = n;

  // Top order: raw counts, straight from the counter in key order.
  {
    Level& level = levels[static_cast<size_t>(top)];
    RETURN_IF_ERROR(counter.Finish([&](const NgramCounter::Record& r) {
      level.ids.insert(level.ids.end(), r.ids, r.ids + top);
      level.count.push_back(r.count);
    }));
  }

  // Lower orders, top down. An n-gram's adjusted count is the number of
  // distinct words seen before it (its (n+1)-gram extensions), except that
  // one starting with <s> can only be extended by padding, and keeps its raw
  // count: the sum of its extensions'. Extensions are adjacent in key order.
  // Pruning marks go top down too: an n-gram is kept if its count passes
  // the threshold or a kept (n+1)-gram needs it as its suffix or prefix.
  {
    Level& level = levels[static_cast<size_t>(top)];
    level.kept.resize(level.size());
    for (size_t i = 0; i < level.size(); ++i) {
      level.kept[i] = !level.Padding(i) && level.count[i] > PruneThreshold(top);
    }
  }
  for (int n = top - 1; n >= 1; --n) {
    const Level& up = levels[static_cast<size_t>(n + 1)];
    Level& level = levels[static_cast<size_t>(n)];
    for (size_t i = 0; i < up.size();) {
      const uint32_t* k = up.key(i);
      uint64_t sum = 0, distinct = 0;
      bool needed = false;
      size_t j = i;
      for (; j < up.size() && std::equal(k, k + n, up.key(j)); ++j) {
        sum += up.count[j];
        ++distinct;
        needed = needed || up.kept[j];
      }
      level.ids.insert(level.ids.end(), k, k + n);
      level.count.push_back(k[n - 1] == kBos ? sum : distinct);
      level.kept.push_back(needed);
      i = j;
    }
    // With no threshold at this order every entry passes its count test,
    // so which ones are prefixes does not matter.
    if (PruneThreshold(n) == 0) {
      for (size_t i = 0; i < level.size(); ++i) level.kept[i] = !level.Padding(i);
      continue;
    }
    // Prefixes of kept (n+1)-grams: their keys without the newest word.
    std::vector<uint32_t> prefixes;
    for (size_t i = 0; i < up.size(); ++i) {
      if (up.kept[i]) prefixes.insert(prefixes.end(), up.key(i) + 1, up.key(i) + 1 + n);
    }
    std::vector<size_t> order(prefixes.size() / static_cast<size_t>(n));
    std::iota(order.begin(), order.end(), 0);
    auto prefix = [&](size_t p) { return prefixes.data() + p * static_cast<size_t>(n); };
    std::sort(order.begin(), order.end(), [&](size_t a, size_t b) {
      return std::lexicographical_compare(prefix(a), prefix(a) + n, prefix(b), prefix(b) + n);
    });
    size_t p = 0;
    for (size_t i = 0; i < level.size(); ++i) {
      const uint32_t* k = level.key(i);
      while (p < order.size() && std::lexicographical_compare(prefix(order[p]), prefix(order[p]) + n, k, k + n)) ++p;
      const bool is_prefix = p < order.size() && std::equal(k, k + n, prefix(order[p]));
      level.kept[i] = !level.Padding(i) &&
                      (n == 1 || level.kept[i] || is_prefix || level.count[i] > PruneThreshold(n));
    }
  }

  // Discounts from each order's counts of adjusted counts (real entries;
  // <s> is never predicted, so not among the unigrams).
  Discounts discounts[kMaxLmOrder + 1];
  for (int n = 1; n <= top; ++n) {
    const Level& level = levels[static_cast<size_t>(n)];
    uint64_t t[5] = {};
    for (size_t i = 0; i < level.size(); ++i) {
      if (level.Padding(i) || (n == 1 && level.key(i)[0] == kBos)) continue;
      if (level.count[i] <= 4) ++t[level.count[i]];
    }
    discounts[n] = EstimateDiscounts(t);
  }

  // Unigrams, interpolated with the uniform distribution over every word
  // that can be predicted (all but <s>).
  const size_t vocab = words.size();
  std::vector<double> unigram_prob(vocab, 0.0), unigram_backoff(vocab, 1.0);
  {
    const Level& level = levels[1];
    std::vector<uint64_t> count(vocab, 0);
    uint64_t total = 0;
    for (size_t i = 0; i < level.size(); ++i) {
      const uint32_t w = level.key(i)[0];
      if (w == kBos) continue;
      count[w] = level.count[i];
      total += level.count[i];
    }
    double kept_mass = 0;
    for (size_t w = 0; w < vocab; ++w) {
      if (w == kBos) continue;
      unigram_prob[w] = (static_cast<double>(count[w]) - discounts[1].For(count[w])) / static_cast<double>(total);
      kept_mass += unigram_prob[w];
    }
    const double uniform = (1.0 - kept_mass) / static_cast<double>(vocab - 1);
    for (size_t w = 0; w < vocab; ++w) {
      if (w != kBos) unigram_prob[w] += uniform;
    }
  }

  // Higher orders, bottom up: per context (the older n-1 words),
  //   P(w | h) = (a(hw) - D(a(hw))) / sum_x a(hx) + gamma(h) P(w | h')
  //   gamma(h) = 1 - sum over kept x of (a(hx) - D(a(hx))) / sum_x a(hx)
  // so pruned words' discounted mass moves to gamma and each context's
  // distribution still sums to one. gamma(h) is h's backoff.
  for (int n = 2; n <= top; ++n) {
    Level& level = levels[static_cast<size_t>(n)];
    Level& lower = levels[static_cast<size_t>(n - 1)];
    level.prob.assign(level.size(), 0.0f);
    lower.backoff.assign(lower.size(), 1.0f);
    std::vector<size_t> by_context;
    by_context.reserve(level.size());
    for (size_t i = 0; i < level.size(); ++i) {
      if (!level.Padding(i)) by_context.push_back(i);
    }
    std::sort(by_context.begin(), by_context.end(), [&](size_t a, size_t b) {
      const uint32_t *ka = level.key(a), *kb = level.key(b);
      if (!std::equal(ka + 1, ka + n, kb + 1)) return std::lexicographical_compare(ka + 1, ka + n, kb + 1, kb + n);
      return ka[0] < kb[0];
    });
    const Discounts& d = discounts[n];
    for (size_t g = 0; g < by_context.size();) {
      const uint32_t* context = level.key(by_context[g]) + 1;
      size_t end = g;
      double total = 0, kept_mass = 0;
      for (; end < by_context.size() && std::equal(context, context + n - 1, level.key(by_context[end]) + 1); ++end) {
        const size_t i = by_context[end];
        const double a = static_cast<double>(level.count[i]);
        total += a;
        if (level.kept[i]) kept_mass += a - d.For(level.count[i]);
      }
      const double gamma = 1.0 - kept_mass / total;
      for (size_t e = g; e < end; ++e) {
        const size_t i = by_context[e];
        if (!level.kept[i]) continue;
        const uint32_t* k = level.key(i);
        double lower_prob;
        if (n == 2) {
          lower_prob = unigram_prob[k[0]];
        } else {
          const size_t s = lower.Find(k);  // the suffix: the newest n-1 words
          if (s == lower.size()) return InternalError("trainer: the suffix of a kept n-gram is missing");
          lower_prob = lower.prob[s];
        }
        level.prob[i] = static_cast<float>((static_cast<double>(level.count[i]) - d.For(level.count[i])) / total +
                                           gamma * lower_prob);
      }
      if (n == 2) {
        unigram_backoff[context[0]] = gamma;
      } else {
        // Every context follows at least one <s> of padding, so it is the
        // suffix of some n-gram and has an entry one order down.
        const size_t c = lower.Find(context);
        if (c == lower.size()) return InternalError("trainer: a context has no entry of its own");
        lower.backoff[c] = static_cast<float>(gamma);
      }
      g = end;
    }
  }

  // Into the interchange form, words oldest first.
  NgramModel model;
  model.vocab = words;
  model.orders.resize(static_cast<size_t>(top));
  auto log10_prob = [](double p) { return static_cast<float>(std::min(0.0, std::log10(p))); };
  {
    NgramModel::Order& o = model.orders[0];
    for (uint32_t w = 0; w < vocab; ++w) {
      o.words.push_back(w);
      o.probs.push_back(w == kBos ? kNeverLog10 : log10_prob(unigram_prob[w]));
      o.backoffs.push_back(top > 1 ? static_cast<float>(std::log10(unigram_backoff[w])) : 0.0f);
    }
  }
  KnTrainReport r;
  r.order = top;
  r.sentences = sentences;
  r.tokens = tokens;
  r.vocab = vocab;
  r.ngrams[0] = vocab;
  for (int n = 1; n <= top; ++n) {
    std::copy(discounts[n].d + 1, discounts[n].d + 4, r.discounts[n - 1]);
    r.fallback_discounts[n - 1] = discounts[n].fallback;
  }
  for (int n = 2; n <= top; ++n) {
    Level& level = levels[static_cast<size_t>(n)];
    NgramModel::Order& o = model.orders[static_cast<size_t>(n - 1)];
    o.words.reserve(level.size() * static_cast<size_t>(n));
    o.probs.reserve(level.size());
    o.backoffs.reserve(level.size());
    for (size_t i = 0; i < level.size(); ++i) {
      if (level.Padding(i)) continue;
      if (!level.kept[i]) {
        ++r.pruned[n - 1];
        continue;
      }
      const uint32_t* k = level.key(i);
      for (int j = n - 1; j >= 0; --j) o.words.push_back(k[j]);
      o.probs.push_back(log10_prob(level.prob[i]));
      o.backoffs.push_back(n < top ? std::log10(level.backoff[i]) : 0.0f);
    }
    r.ngrams[n - 1] = o.size();
    level = Level();  // converted: its memory goes back before the next, larger order
  }
  r.spill_runs = counter.runs();
  r.spilled_bytes = counter.spilled_bytes();
  if (report != nullptr) *report = r;
  RETURN_IF_ERROR(model.Validate());
  return model;
}

}  // namespace unspin
