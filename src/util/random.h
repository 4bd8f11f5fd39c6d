// A small, fast, seedable PRNG (xoshiro256**, seeded through splitmix64).
// unspin needs the same output for the same seed on every platform and
// standard library, which std::mt19937 plus std::uniform_*_distribution
// does not promise; so the distributions here are written out too.
#ifndef UNSPIN_UTIL_RANDOM_H_
#define UNSPIN_UTIL_RANDOM_H_

#include <cstdint>
#include <string_view>

namespace unspin {

inline uint64_t SplitMix64(uint64_t* state) {
  uint64_t z = (*state += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

class Rng {
 public:
  explicit Rng(uint64_t seed) {
    for (auto& w : s_) w = SplitMix64(&seed);
  }
  // A stream for one record, so a record's output depends on the seed and
  // its key only, not on which records came before it.
  static Rng ForRecord(uint64_t seed, std::string_view record_key) {
    uint64_t h = 0xCBF29CE484222325ull;  // FNV-1a
    for (unsigned char c : record_key) h = (h ^ c) * 0x100000001B3ull;
    uint64_t mix = seed ^ (h * 0x9E3779B97F4A7C15ull);
    return Rng(SplitMix64(&mix));
  }

  uint64_t Next() {
    uint64_t result = Rotl(s_[1] * 5, 7) * 9;
    uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = Rotl(s_[3], 45);
    return result;
  }
  // Uniform in [0, 1).
  double Uniform() { return static_cast<double>(Next() >> 11) * 0x1.0p-53; }
  // Uniform in [0, n); n > 0. Multiply-shift on the top 32 bits (bias below
  // n / 2^32, negligible for the list sizes drawn from here).
  uint32_t Below(uint32_t n) { return static_cast<uint32_t>(((Next() >> 32) * uint64_t{n}) >> 32); }

 private:
  static uint64_t Rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  uint64_t s_[4];
};

}  // namespace unspin

#endif  // UNSPIN_UTIL_RANDOM_H_
