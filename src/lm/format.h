// The language model file's layout (inside the BinaryFile container).
// Internal to the lm component: only lm_builder writes it, only
// LanguageModel reads it.
//
// Unigrams are float arrays indexed by word id. Each order n >= 2 is an
// open-addressing hash table (linear probing, load <= 0.75) of 64-bit
// entries keyed by ngram_hash of the n-gram read from its last word back:
//
//   middle orders: bits 0-15 prob code, 16-31 backoff code, 32 blank,
//                  33-63 fingerprint
//   top order:     bits 0-15 prob code, 16 blank, 17-63 fingerprint
//
// An entry of 0 is empty; the fingerprint's lowest bit is always 1. Codes
// index per-order tables of exactly 65,536 floats, so any code is in range.
// A "blank" is an n-gram the source lacked whose longer n-grams exist
// (ARPA does not require suffixes): it is stored with the probability the
// backoff rule gives it and backoff 0, so a query may stop at the first
// missing order, and it is never exported.
#ifndef UNSPIN_LM_FORMAT_H_
#define UNSPIN_LM_FORMAT_H_

#include <cstdint>

#include "lm/ngram_model.h"
#include "util/binary_file.h"
#include "util/string_index.h"

namespace unspin::lm_format {

inline constexpr char kMagic[] = "UNSPNLM";
inline constexpr uint32_t kVersion = 1;
inline constexpr uint32_t kCodes = 65536;
inline constexpr double kMaxLoad = 0.75;

struct OrderInfo {
  uint64_t ngrams = 0;  // as in the source
  uint64_t blanks = 0;  // added suffixes
  uint64_t slots = 0;   // table entries (orders >= 2)
  uint64_t salt = 0;    // mixed into keys (rebuilt with another on a fingerprint clash)
  uint32_t prob_values = 0;     // distinct probabilities before coding
  uint32_t backoff_values = 0;  // distinct backoffs before coding
  uint32_t quantized = 0;       // 1 if more than kCodes distinct values
  uint32_t reserved = 0;
};

struct Header {
  uint32_t order = 0;
  uint32_t vocab_size = 0;
  uint32_t bos = 0, eos = 0, unk = 0;
  uint32_t reserved = 0;
  OrderInfo orders[kMaxLmOrder];  // orders[n - 1]
};
static_assert(sizeof(Header) == 24 + 48 * kMaxLmOrder);

inline constexpr uint32_t kHeader = SectionTag("HEAD");
inline constexpr uint32_t kMeta = SectionTag("META");  // JSON build facts
inline constexpr StringIndexTags kVocab = {SectionTag("VBLB"), SectionTag("VOFF"), SectionTag("VHSH")};
inline constexpr uint32_t kUnigramProbs = SectionTag("UPRB");     // float[V]
inline constexpr uint32_t kUnigramBackoffs = SectionTag("UBOF");  // float[V]
// Per order n >= 2: the table and its value tables.
constexpr uint32_t TableTag(int n) { return SectionTag("TBL0") + (static_cast<uint32_t>(n) << 24); }
constexpr uint32_t ProbTag(int n) { return SectionTag("QPR0") + (static_cast<uint32_t>(n) << 24); }
constexpr uint32_t BackoffTag(int n) { return SectionTag("QBO0") + (static_cast<uint32_t>(n) << 24); }

// Entry bit layout of an order (`top` for the highest).
struct EntryLayout {
  int payload_bits;
  explicit EntryLayout(bool top) : payload_bits(top ? 16 : 32) {}
  uint64_t BlankBit() const { return uint64_t{1} << payload_bits; }
  uint64_t FingerprintMask() const { return ~((BlankBit() << 1) - 1); }
  uint64_t Fingerprint(uint64_t key) const { return (key << (payload_bits + 1)) | (BlankBit() << 1); }
  static uint32_t ProbCode(uint64_t e) { return static_cast<uint32_t>(e & 0xFFFF); }
  static uint32_t BackoffCode(uint64_t e) { return static_cast<uint32_t>((e >> 16) & 0xFFFF); }
};

}  // namespace unspin::lm_format

#endif  // UNSPIN_LM_FORMAT_H_
