// Hashing of word-id sequences for the n-gram tables. An n-gram is keyed
// from its last word backwards ("a b c" hashes c, then b, then a), so a
// query extends one key order by order as it looks further back, and a
// decoder's state needs no stored hashes.
#ifndef UNSPIN_LM_NGRAM_HASH_H_
#define UNSPIN_LM_NGRAM_HASH_H_

#include <cstdint>

namespace unspin::ngram_hash {

// A strong 64-bit mixer (the splitmix64 finaliser): every input bit
// affects every output bit, so slot and fingerprint bits are independent.
inline uint64_t Mix(uint64_t x) {
  x ^= x >> 30;
  x *= 0xBF58476D1CE4E5B9ull;
  x ^= x >> 27;
  x *= 0x94D049BB133111EBull;
  x ^= x >> 31;
  return x;
}

inline uint64_t Start(uint32_t word) { return Mix(uint64_t{word} + 0x9E3779B97F4A7C15ull); }
inline uint64_t Extend(uint64_t key, uint32_t older_word) {
  return Mix(key ^ ((uint64_t{older_word} + 1) * 0xC2B2AE3D27D4EB4Full));
}

// Slot in a table of `slots` entries: the high half of key * slots, so
// any table size works (no power of two needed, which keeps files small).
__extension__ typedef unsigned __int128 Uint128;  // GCC and Clang; silences -Wpedantic
inline uint64_t Slot(uint64_t key, uint64_t slots) {
  return static_cast<uint64_t>((static_cast<Uint128>(key) * slots) >> 64);
}

}  // namespace unspin::ngram_hash

#endif  // UNSPIN_LM_NGRAM_HASH_H_
