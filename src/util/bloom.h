// A blocked Bloom filter over 64-bit hashes: each hash sets four bits in one
// 64-bit word, so a query touches one word. At 12 bits per element about 2 %
// of absent hashes pass; present ones always do. The words live wherever the
// owner keeps them (a vector while building, a mapped file section after).
#ifndef UNSPIN_UTIL_BLOOM_H_
#define UNSPIN_UTIL_BLOOM_H_

#include <cstdint>
#include <span>
#include <vector>

namespace unspin::bloom {

// Words for `elements` hashes: a power of two, at least one.
inline size_t WordsFor(size_t elements) {
  size_t words = 1;
  while (words * 64 < elements * 12) words <<= 1;
  return words;
}

// Invariant for both: words.size() is a power of two.
inline uint64_t Mask(uint64_t hash) {
  // Four 6-bit positions from the high bits; the low bits choose the word.
  return (uint64_t{1} << (hash >> 58)) | (uint64_t{1} << ((hash >> 52) & 63)) |
         (uint64_t{1} << ((hash >> 46) & 63)) | (uint64_t{1} << ((hash >> 40) & 63));
}

inline void Add(std::vector<uint64_t>* words, uint64_t hash) {
  (*words)[hash & (words->size() - 1)] |= Mask(hash);
}

inline bool MayContain(std::span<const uint64_t> words, uint64_t hash) {
  const uint64_t mask = Mask(hash);
  return (words[hash & (words.size() - 1)] & mask) == mask;
}

}  // namespace unspin::bloom

#endif  // UNSPIN_UTIL_BLOOM_H_
