// The query core over the stored tables: a non-owning view that both the
// LanguageModel (over a mapped file) and the builder (over tables being
// made, to price blanks) use, so there is one scoring routine.
#ifndef UNSPIN_LM_NGRAM_TABLES_H_
#define UNSPIN_LM_NGRAM_TABLES_H_

#include <algorithm>
#include <cstdint>
#include <span>

#include "lm/format.h"
#include "lm/ngram_hash.h"
#include "lm/ngram_model.h"

namespace unspin {

// What a query carries from word to word: the most recent words (newest
// first) that still begin a stored n-gram, and those n-grams' backoffs.
// A plain value: copy it freely, compare it to merge decoder paths.
struct LmState {
  uint32_t words[kMaxLmOrder - 1] = {};
  float backoffs[kMaxLmOrder - 1] = {};
  uint8_t length = 0;

  friend bool operator==(const LmState& a, const LmState& b) {
    if (a.length != b.length) return false;
    for (int i = 0; i < a.length; ++i) {
      if (a.words[i] != b.words[i]) return false;
    }
    return true;
  }
};

struct NgramTables {
  struct Order {
    std::span<const uint64_t> table;
    std::span<const float> probs, backoffs;  // kCodes each (backoffs empty at the top)
    uint64_t salt = 0;
  };
  int order = 0;  // the highest order queried
  int top = 0;    // the order whose entries have the top layout (the file's order)
  uint32_t vocab_size = 0;
  uint32_t unk = 0;
  std::span<const float> unigram_probs, unigram_backoffs;
  Order orders[kMaxLmOrder + 1];  // orders[n] for n in 2..order

  // Where the n-gram with chain key `key` starts its probe in order n:
  // the salted, mixed key and its home slot.
  struct Probe {
    uint64_t mixed = 0;
    uint64_t slot = 0;
  };
  Probe Home(int n, uint64_t key) const {
    const Order& o = orders[n];
    const uint64_t k = ngram_hash::Mix(key ^ o.salt);
    return {k, ngram_hash::Slot(k, o.table.size())};
  }

  // The entry of the n-gram at `probe` in order n, or 0.
  uint64_t Lookup(int n, Probe probe) const {
    const Order& o = orders[n];
    const lm_format::EntryLayout layout(n == top);
    const uint64_t fingerprint = layout.Fingerprint(probe.mixed), mask = layout.FingerprintMask();
    const uint64_t slots = o.table.size();
    uint64_t slot = probe.slot;
    // Invariant (builder): the table has empty slots, so probing ends; the
    // bound guards a crafted file.
    for (uint64_t probes = 0; probes < slots; ++probes) {
      const uint64_t e = o.table[slot];
      if (e == 0) return 0;
      if ((e & mask) == fingerprint) return e;
      if (++slot == slots) slot = 0;
    }
    return 0;
  }
  uint64_t Lookup(int n, uint64_t key) const { return Lookup(n, Home(n, key)); }

  // A query's home slots for every order it may read: each order's key
  // follows from the words alone, so computing them up front and
  // prefetching lets the cache misses of all orders overlap.
  struct Query {
    uint32_t word;
    int longest;  // the longest order the context allows
    Probe probes[kMaxLmOrder + 1];
  };
  void Prepare(const LmState& in, uint32_t word, Query* q) const {
    if (word >= vocab_size) word = unk;
    q->word = word;
    q->longest = std::min<int>(order, in.length + 1);
    __builtin_prefetch(&unigram_probs[word]);
    __builtin_prefetch(&unigram_backoffs[word]);
    uint64_t key = ngram_hash::Start(word);
    for (int n = 2; n <= q->longest; ++n) {
      key = ngram_hash::Extend(key, in.words[n - 2]);
      q->probes[n] = Home(n, key);
      __builtin_prefetch(&orders[n].table[q->probes[n].slot]);
    }
  }

  // Scores a prepared query; see Score.
  float Finish(const LmState& in, const Query& q, LmState* out, int* ngram_length) const {
    float prob = unigram_probs[q.word];
    LmState next;
    next.words[0] = q.word;
    next.backoffs[0] = unigram_backoffs[q.word];
    next.length = order > 1 ? 1 : 0;
    int context_used = 0;
    for (int n = 2; n <= q.longest; ++n) {
      const uint64_t e = Lookup(n, q.probes[n]);
      if (e == 0) break;  // no longer n-gram can exist: suffixes are stored
      context_used = n - 1;
      prob = orders[n].probs[lm_format::EntryLayout::ProbCode(e)];
      if (n < order) {  // n < top too: this order has backoffs
        next.words[n - 1] = in.words[n - 2];
        next.backoffs[n - 1] = orders[n].backoffs[lm_format::EntryLayout::BackoffCode(e)];
        next.length = static_cast<uint8_t>(n);
      }
    }
    for (int i = context_used; i < in.length; ++i) prob += in.backoffs[i];
    *out = next;
    if (ngram_length != nullptr) *ngram_length = context_used + 1;
    return prob;
  }

  // log10 P(word | in), and the state after it; `ngram_length`, if given,
  // gets the length of the n-gram that priced the word (1 = unigram).
  float Score(const LmState& in, uint32_t word, LmState* out, int* ngram_length = nullptr) const {
    Query q;
    Prepare(in, word, &q);
    return Finish(in, q, out, ngram_length);
  }

  // Score for many independent queries: queries i + kAhead are prepared
  // while query i finishes, so their memory fetches overlap. `out` may not
  // alias `in`.
  void ScoreBatch(const LmState* in, const uint32_t* words, size_t count, float* scores, LmState* out) const {
    constexpr size_t kAhead = 8;
    Query ring[kAhead];
    for (size_t i = 0; i < count && i < kAhead; ++i) Prepare(in[i], words[i], &ring[i]);
    for (size_t i = 0; i < count; ++i) {
      Query& q = ring[i % kAhead];
      scores[i] = Finish(in[i], q, &out[i], nullptr);
      if (i + kAhead < count) Prepare(in[i + kAhead], words[i + kAhead], &q);
    }
  }
};

}  // namespace unspin

#endif  // UNSPIN_LM_NGRAM_TABLES_H_
