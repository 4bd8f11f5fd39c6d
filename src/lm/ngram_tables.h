// The query core over the stored tables: a non-owning view that both the
// LanguageModel (over a mapped file) and the builder (over tables being
// made, to price blanks) use, so there is one scoring routine.
#ifndef UNSPIN_LM_NGRAM_TABLES_H_
#define UNSPIN_LM_NGRAM_TABLES_H_

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

  // The entry of the n-gram with chain key `key` in order n, or 0.
  uint64_t Lookup(int n, uint64_t key) const {
    const Order& o = orders[n];
    const lm_format::EntryLayout layout(n == top);
    const uint64_t k = ngram_hash::Mix(key ^ o.salt);
    const uint64_t fingerprint = layout.Fingerprint(k), mask = layout.FingerprintMask();
    const uint64_t slots = o.table.size();
    uint64_t slot = ngram_hash::Slot(k, slots);
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

  // log10 P(word | in), and the state after it; `ngram_length`, if given,
  // gets the length of the n-gram that priced the word (1 = unigram).
  float Score(const LmState& in, uint32_t word, LmState* out, int* ngram_length = nullptr) const {
    if (word >= vocab_size) word = unk;
    float prob = unigram_probs[word];
    LmState next;
    next.words[0] = word;
    next.backoffs[0] = unigram_backoffs[word];
    next.length = order > 1 ? 1 : 0;
    int context_used = 0;
    uint64_t key = ngram_hash::Start(word);
    for (int n = 2; n <= order && n - 1 <= in.length; ++n) {
      key = ngram_hash::Extend(key, in.words[n - 2]);
      const uint64_t e = Lookup(n, key);
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
};

}  // namespace unspin

#endif  // UNSPIN_LM_NGRAM_TABLES_H_
