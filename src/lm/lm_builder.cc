#include "lm/lm_builder.h"

#include <algorithm>
#include <cmath>
#include <unordered_map>
#include <unordered_set>

#include "lm/format.h"
#include "lm/ngram_tables.h"
#include "util/binary_file.h"
#include "util/string_index.h"

namespace unspin {

namespace fmt = lm_format;

namespace {

// The chain key of words[0..n) (oldest first): from the last word back.
uint64_t ChainKey(const uint32_t* words, int n) {
  uint64_t key = ngram_hash::Start(words[n - 1]);
  for (int j = n - 2; j >= 0; --j) key = ngram_hash::Extend(key, words[j]);
  return key;
}

std::string NgramText(const std::vector<std::string>& vocab, const uint32_t* words, int n) {
  std::string s;
  for (int j = 0; j < n; ++j) {
    if (j) s += ' ';
    s += vocab[words[j]];
  }
  return s;
}

// Covers sorted distinct `unique` with intervals no wider than 2 * eps,
// greedily from the left (the fewest such intervals), writing their
// midpoints to `centers` if given. Returns the number of intervals.
size_t CoverWithBins(const std::vector<float>& unique, double eps, std::vector<float>* centers) {
  size_t bins = 0;
  for (size_t i = 0; i < unique.size();) {
    const double start = unique[i];
    size_t j = i;
    while (j + 1 < unique.size() && unique[j + 1] <= start + 2 * eps) ++j;
    if (centers) centers->push_back(static_cast<float>((start + unique[j]) / 2));
    ++bins;
    i = j + 1;
  }
  return bins;
}

// Codes `values` through a kCodes-entry table: exact when there are no more
// distinct values than codes, else with the smallest worst-case error any
// kCodes bins allow (equal-count bins, the usual choice, leave the sparse
// tails, such as backed-off blanks, with errors above 1e-3 log10).
void Quantize(const std::vector<float>& values, std::vector<float>* table, std::vector<uint16_t>* codes,
              uint32_t* distinct, bool* quantized) {
  std::vector<float> unique = values;
  std::sort(unique.begin(), unique.end());
  unique.erase(std::unique(unique.begin(), unique.end()), unique.end());
  *distinct = static_cast<uint32_t>(std::min<size_t>(unique.size(), 0xFFFFFFFFu));
  table->clear();
  if (unique.size() <= fmt::kCodes) {
    *quantized = false;
    table->assign(unique.begin(), unique.end());
  } else {
    *quantized = true;
    double lo = 0, hi = static_cast<double>(unique.back()) - unique.front();
    for (int iteration = 0; iteration < 60; ++iteration) {
      const double mid = (lo + hi) / 2;
      (CoverWithBins(unique, mid, nullptr) <= fmt::kCodes ? hi : lo) = mid;
    }
    CoverWithBins(unique, hi, table);
  }
  size_t used = table->size();
  table->resize(fmt::kCodes, 0.0f);
  if (used == 0) used = 1;
  // Unused codes repeat the last value, so every code decodes to something.
  for (size_t i = used; i < fmt::kCodes; ++i) (*table)[i] = (*table)[used - 1];
  codes->resize(values.size());
  const auto begin = table->begin(), end = table->begin() + static_cast<std::ptrdiff_t>(used);
  for (size_t i = 0; i < values.size(); ++i) {
    auto it = std::lower_bound(begin, end, values[i]);
    if (it == end) {
      --it;
    } else if (it != begin && values[i] - *(it - 1) < *it - values[i]) {
      --it;
    }
    (*codes)[i] = static_cast<uint16_t>(it - begin);
  }
}

}  // namespace

Status BuildLanguageModel(const NgramModel& in, const std::string& meta_json, std::string* bytes,
                          LmBuildReport* report) {
  RETURN_IF_ERROR(in.Validate());
  const int order = in.order();
  LmBuildReport rep;
  rep.order = order;

  // Vocabulary and the special words.
  std::vector<std::string> vocab = in.vocab;
  std::vector<float> unigram_probs = in.orders[0].probs, unigram_backoffs = in.orders[0].backoffs;
  std::unordered_map<std::string, uint32_t> ids;
  for (uint32_t i = 0; i < vocab.size(); ++i) {
    if (!ids.emplace(vocab[i], i).second) {
      return InvalidInputError("the word '" + vocab[i] + "' appears twice among the unigrams");
    }
  }
  auto special = [&](const char* w) {
    auto it = ids.find(w);
    return it == ids.end() ? 0xFFFFFFFFu : it->second;
  };
  fmt::Header header;
  header.order = static_cast<uint32_t>(order);
  header.bos = special("<s>");
  header.eos = special("</s>");
  header.unk = special("<unk>");
  if (header.bos == 0xFFFFFFFFu || header.eos == 0xFFFFFFFFu) {
    return InvalidInputError("the model has no <s> or </s> unigram; sentence scoring needs both");
  }
  if (header.unk == 0xFFFFFFFFu) {
    header.unk = static_cast<uint32_t>(vocab.size());
    vocab.push_back("<unk>");
    unigram_probs.push_back(-100.0f);
    unigram_backoffs.push_back(0.0f);
    rep.added_unk = true;
  }
  header.vocab_size = static_cast<uint32_t>(vocab.size());
  header.orders[0].ngrams = in.orders[0].size();
  rep.ngrams[0] = in.orders[0].size();

  // Blanks: every suffix of a stored n-gram must be stored, top down so
  // that blanks get their own suffixes.
  std::vector<std::vector<uint32_t>> blank_words(static_cast<size_t>(order + 1));
  // Keys in entry order, and sorted (for the duplicate and suffix tests).
  std::vector<std::vector<uint64_t>> real_keys(static_cast<size_t>(order + 1)),
      sorted_keys(static_cast<size_t>(order + 1));
  for (int n = 2; n <= order; ++n) {
    const auto& o = in.orders[static_cast<size_t>(n - 1)];
    auto& keys = real_keys[static_cast<size_t>(n)];
    keys.reserve(o.size());
    for (size_t i = 0; i < o.size(); ++i) keys.push_back(ChainKey(&o.words[i * static_cast<size_t>(n)], n));
    std::vector<uint64_t>& sorted = sorted_keys[static_cast<size_t>(n)];
    sorted = keys;
    std::sort(sorted.begin(), sorted.end());
    auto dup = std::adjacent_find(sorted.begin(), sorted.end());
    if (dup != sorted.end()) {
      size_t i = static_cast<size_t>(std::find(keys.begin(), keys.end(), *dup) - keys.begin());
      return InvalidInputError("the " + std::to_string(n) + "-gram '" +
                               NgramText(vocab, &o.words[i * static_cast<size_t>(n)], n) + "' appears twice");
    }
  }
  for (int n = order; n >= 3; --n) {
    const std::vector<uint64_t>& lower = sorted_keys[static_cast<size_t>(n - 1)];
    std::unordered_set<uint64_t> added;
    auto visit = [&](const uint32_t* words) {
      const uint32_t* suffix = words + 1;
      const uint64_t key = ChainKey(suffix, n - 1);
      if (std::binary_search(lower.begin(), lower.end(), key) || !added.insert(key).second) return;
      auto& out = blank_words[static_cast<size_t>(n - 1)];
      out.insert(out.end(), suffix, suffix + (n - 1));
    };
    const auto& o = in.orders[static_cast<size_t>(n - 1)];
    for (size_t i = 0; i < o.size(); ++i) visit(&o.words[i * static_cast<size_t>(n)]);
    const auto& b = blank_words[static_cast<size_t>(n)];
    for (size_t i = 0; i < b.size(); i += static_cast<size_t>(n)) visit(&b[i]);
  }

  // Tables, bottom up: a blank is priced by the orders below it.
  NgramTables view;
  view.top = order;
  view.vocab_size = header.vocab_size;
  view.unk = header.unk;
  view.unigram_probs = unigram_probs;
  view.unigram_backoffs = unigram_backoffs;
  std::vector<std::vector<uint64_t>> tables(static_cast<size_t>(order + 1));
  std::vector<std::vector<float>> prob_tables(static_cast<size_t>(order + 1)),
      backoff_tables(static_cast<size_t>(order + 1));
  for (int n = 2; n <= order; ++n) {
    const size_t un = static_cast<size_t>(n);
    const auto& o = in.orders[un - 1];
    const std::vector<uint32_t>& blanks = blank_words[un];
    const size_t real = o.size(), blank = blanks.size() / un, total = real + blank;
    std::vector<uint64_t> keys = real_keys[un];
    std::vector<float> probs = o.probs, backoffs = o.backoffs;
    view.order = n - 1;
    for (size_t i = 0; i < blank; ++i) {
      const uint32_t* w = &blanks[i * un];
      LmState state;
      for (size_t j = 1; j + 1 < un; ++j) view.Score(state, w[j], &state);
      float p = view.Score(state, w[un - 1], &state);
      // Plus the backoff of the whole context w[0..n-1), if stored.
      if (n == 2) {
        p += unigram_backoffs[w[0]];
      } else if (uint64_t e = view.Lookup(n - 1, ChainKey(w, n - 1))) {
        p += view.orders[n - 1].backoffs[fmt::EntryLayout::BackoffCode(e)];
      }
      keys.push_back(ChainKey(w, n));
      probs.push_back(p);
      backoffs.push_back(0.0f);
    }
    fmt::OrderInfo& info = header.orders[un - 1];
    info.ngrams = real;
    info.blanks = blank;
    rep.ngrams[un - 1] = real;
    rep.blanks[un - 1] = blank;
    std::vector<uint16_t> prob_codes, backoff_codes;
    bool quantized = false, backoffs_quantized = false;
    Quantize(probs, &prob_tables[un], &prob_codes, &info.prob_values, &quantized);
    const bool top = n == order;
    if (!top) Quantize(backoffs, &backoff_tables[un], &backoff_codes, &info.backoff_values, &backoffs_quantized);
    info.quantized = (quantized || backoffs_quantized) ? 1 : 0;
    rep.quantized[un - 1] = info.quantized != 0;

    const fmt::EntryLayout layout(top);
    info.slots = static_cast<uint64_t>(std::ceil(static_cast<double>(total) / fmt::kMaxLoad)) + 1;
    std::vector<uint64_t>& table = tables[un];
    bool placed = false;
    for (uint64_t salt = 0; salt < 64 && !placed; ++salt) {
      table.assign(info.slots, 0);
      info.salt = salt;
      placed = true;
      for (size_t i = 0; i < total && placed; ++i) {
        const uint64_t k = ngram_hash::Mix(keys[i] ^ salt);
        const uint64_t fingerprint = layout.Fingerprint(k);
        uint64_t slot = ngram_hash::Slot(k, info.slots);
        while (table[slot] != 0) {
          // Two n-grams with one fingerprint on one probe path: one would
          // hide the other, so try another salt.
          if ((table[slot] & layout.FingerprintMask()) == fingerprint) placed = false;
          if (++slot == info.slots) slot = 0;
        }
        uint64_t entry = fingerprint | prob_codes[i];
        if (!top) entry |= uint64_t{backoff_codes[i]} << 16;
        if (i >= real) entry |= layout.BlankBit();
        table[slot] = entry;
      }
    }
    if (!placed) return InternalError("could not place the " + std::to_string(n) + "-grams without a fingerprint clash");
    view.orders[n].table = table;
    view.orders[n].probs = prob_tables[un];
    view.orders[n].backoffs = backoff_tables[un];
    view.orders[n].salt = info.salt;
  }

  BinaryFileWriter writer(fmt::kMagic, fmt::kVersion);
  writer.AddSection(fmt::kHeader, std::string(reinterpret_cast<const char*>(&header), sizeof header));
  writer.AddSection(fmt::kMeta, meta_json);
  RETURN_IF_ERROR(WriteStringIndex(vocab, fmt::kVocab, &writer));
  writer.AddArray(fmt::kUnigramProbs, unigram_probs);
  writer.AddArray(fmt::kUnigramBackoffs, unigram_backoffs);
  for (int n = 2; n <= order; ++n) {
    writer.AddArray(fmt::TableTag(n), tables[static_cast<size_t>(n)]);
    writer.AddArray(fmt::ProbTag(n), prob_tables[static_cast<size_t>(n)]);
    if (n < order) writer.AddArray(fmt::BackoffTag(n), backoff_tables[static_cast<size_t>(n)]);
  }
  *bytes = writer.Serialize();
  if (report) *report = rep;
  return OkStatus();
}

}  // namespace unspin
