#include "lm/sphinx_trie.h"

#include <cmath>
#include <cstring>

#include "util/mapped_file.h"

namespace unspin {

namespace {

constexpr std::string_view kTrieHeader = "Trie Language Model";
constexpr size_t kQuantCodes = 65536;
constexpr int kMiddleQuantBits = 32, kLongestQuantBits = 16;

// Bits needed to store values up to `max_value` (0 needs none).
int RequiredBits(uint64_t max_value) {
  int bits = 0;
  while (max_value) {
    ++bits;
    max_value >>= 1;
  }
  return bits;
}

// A bit-packed level: entries of `total_bits`, the word in the low bits.
struct Level {
  const unsigned char* base = nullptr;
  size_t bytes = 0;
  int word_bits = 0, total_bits = 0, next_bits = 0;  // next_bits 0 at the top
  uint64_t entries = 0;

  // Reads `length` (<= 32) bits at bit `offset`. The format pads each level
  // with 8 bytes so an 8-byte read never leaves it; checked by the caller.
  uint32_t Read(uint64_t offset, int length) const {
    uint64_t v;
    std::memcpy(&v, base + (offset >> 3), sizeof v);
    return static_cast<uint32_t>((v >> (offset & 7)) & ((uint64_t{1} << length) - 1));
  }
  uint64_t EntryBit(uint64_t i) const { return i * static_cast<uint64_t>(total_bits); }
  uint32_t Word(uint64_t i) const { return Read(EntryBit(i), word_bits); }
  uint32_t BackoffCode(uint64_t i) const { return Read(EntryBit(i) + static_cast<uint64_t>(word_bits), 16); }
  uint32_t ProbCode(uint64_t i, bool top) const {
    return Read(EntryBit(i) + static_cast<uint64_t>(word_bits) + (top ? 0 : 16), 16);
  }
  // For middle levels: the first child index; entry `entries` holds the end.
  uint32_t Next(uint64_t i) const {
    return Read(EntryBit(i) + static_cast<uint64_t>(word_bits) + kMiddleQuantBits, next_bits);
  }
};

uint64_t LevelBytes(uint64_t entries, int total_bits) { return ((1 + entries) * static_cast<uint64_t>(total_bits) + 7) / 8 + 8; }

}  // namespace

Result<NgramModel> ParseSphinxTrie(std::string_view bytes, const std::string& name) {
  auto bad = [&](const std::string& why) { return InvalidInputError(name + ": " + why); };
  const auto* data = reinterpret_cast<const unsigned char*>(bytes.data());
  size_t pos = 0;
  auto take = [&](void* out, size_t n) {
    if (bytes.size() - pos < n) return false;
    std::memcpy(out, data + pos, n);
    pos += n;
    return true;
  };
  if (!bytes.starts_with(kTrieHeader)) return bad("not a sphinx trie language model (no 'Trie Language Model' header)");
  pos = kTrieHeader.size();
  uint8_t order = 0;
  if (!take(&order, 1)) return bad("truncated header");
  if (order < 1 || order > kMaxLmOrder) return bad("order " + std::to_string(order) + " is outside 1.." + std::to_string(kMaxLmOrder));
  uint32_t counts[kMaxLmOrder] = {};
  for (int i = 0; i < order; ++i) {
    if (!take(&counts[i], 4)) return bad("truncated counts");
  }
  if (counts[0] == 0) return bad("no unigrams");
  if (counts[0] >= (1u << 25)) return bad("too many unigrams for the format");

  // Quantiser tables.
  std::vector<std::vector<float>> probs_table(static_cast<size_t>(order + 1)), backoff_table(static_cast<size_t>(order + 1));
  if (order > 1) {
    int32_t unused;
    if (!take(&unused, 4)) return bad("truncated quantiser");
    for (int n = 2; n <= order; ++n) {
      probs_table[static_cast<size_t>(n)].resize(kQuantCodes);
      if (!take(probs_table[static_cast<size_t>(n)].data(), kQuantCodes * 4)) return bad("truncated quantiser tables");
      if (n < order) {
        backoff_table[static_cast<size_t>(n)].resize(kQuantCodes);
        if (!take(backoff_table[static_cast<size_t>(n)].data(), kQuantCodes * 4)) return bad("truncated quantiser tables");
      }
    }
  }
  // Unigrams.
  struct Unigram {
    float prob, backoff;
    uint32_t next;
  };
  std::vector<Unigram> unigrams(size_t{counts[0]} + 1);
  if (!take(unigrams.data(), unigrams.size() * sizeof(Unigram))) return bad("truncated unigrams");
  // Levels.
  std::vector<Level> levels(static_cast<size_t>(order + 1));
  for (int n = 2; n <= order; ++n) {
    Level& l = levels[static_cast<size_t>(n)];
    l.entries = counts[n - 1];
    l.word_bits = RequiredBits(counts[0]);
    const bool top = n == order;
    l.next_bits = top ? 0 : RequiredBits(counts[n]);
    l.total_bits = l.word_bits + (top ? kLongestQuantBits : kMiddleQuantBits) + l.next_bits;
    l.bytes = LevelBytes(l.entries, l.total_bits);
    if (bytes.size() - pos < l.bytes) return bad("truncated " + std::to_string(n) + "-gram level");
    l.base = data + pos;
    pos += l.bytes;
  }
  // Words.
  int32_t word_bytes = 0;
  if (!take(&word_bytes, 4) || word_bytes < 0 || bytes.size() - pos != static_cast<size_t>(word_bytes)) {
    return bad("the word list's size does not match the rest of the file");
  }
  NgramModel model;
  model.orders.resize(order);
  {
    std::string_view words = bytes.substr(pos);
    size_t start = 0;
    for (uint32_t i = 0; i < counts[0]; ++i) {
      size_t end = words.find('\0', start);
      if (end == std::string_view::npos) return bad("the word list has fewer than " + std::to_string(counts[0]) + " words");
      model.vocab.emplace_back(words.substr(start, end - start));
      start = end + 1;
    }
    if (start != words.size()) return bad("the word list has bytes after its last word");
  }

  // Walk the reversed trie depth first; `path` holds word ids newest first.
  const double to_log10 = std::log10(1.0001);
  auto convert = [&](float v) {
    // sphinx keeps "impossible" (<s>) as a huge negative value; ARPA's
    // stand-in is -99.
    double x = static_cast<double>(v) * to_log10;
    return static_cast<float>(x < -99 ? -99.0 : x);
  };
  NgramModel::Order& uni = model.orders[0];
  for (uint32_t w = 0; w < counts[0]; ++w) {
    uni.words.push_back(w);
    uni.probs.push_back(convert(unigrams[w].prob));
    uni.backoffs.push_back(order > 1 ? convert(unigrams[w].backoff) : 0.0f);
    if (unigrams[w].next > unigrams[w + 1].next) return bad("unigram child pointers are not sorted");
  }
  // A level is allocated for the count in the header, which sphinx may
  // overestimate; the entries in use end where the level above points.
  if (order > 1) {
    levels[2].entries = unigrams[counts[0]].next;
    for (int n = 2; n <= order; ++n) {
      Level& l = levels[static_cast<size_t>(n)];
      if (l.entries > counts[n - 1]) return bad(std::to_string(n) + "-gram pointers run past the level");
      if (n < order) levels[static_cast<size_t>(n + 1)].entries = l.Next(l.entries);
    }
  }
  uint32_t path[kMaxLmOrder];
  // Recursion over levels with explicit ranges.
  struct Frame {
    uint64_t index, end;
  };
  for (uint32_t w = 0; w < counts[0] && order > 1; ++w) {
    path[0] = w;
    Frame stack[kMaxLmOrder + 1];
    int depth = 2;  // the order of the level being walked
    stack[2] = {unigrams[w].next, unigrams[w + 1].next};
    while (depth >= 2) {
      Frame& f = stack[depth];
      if (f.index >= f.end) {
        --depth;
        continue;
      }
      const Level& l = levels[static_cast<size_t>(depth)];
      const uint64_t i = f.index++;
      if (i >= l.entries) return bad(std::to_string(depth) + "-gram pointer out of range");
      const uint32_t word = l.Word(i);
      if (word >= counts[0]) return bad(std::to_string(depth) + "-gram word id out of range");
      path[depth - 1] = word;
      const bool top = depth == order;
      NgramModel::Order& o = model.orders[static_cast<size_t>(depth - 1)];
      for (int j = depth - 1; j >= 0; --j) o.words.push_back(path[j]);  // oldest first
      o.probs.push_back(convert(probs_table[static_cast<size_t>(depth)][l.ProbCode(i, top)]));
      o.backoffs.push_back(top ? 0.0f : convert(backoff_table[static_cast<size_t>(depth)][l.BackoffCode(i)]));
      if (!top) {
        const uint64_t begin = l.Next(i), end = l.Next(i + 1);
        if (begin > end || end > levels[static_cast<size_t>(depth + 1)].entries) {
          return bad(std::to_string(depth) + "-gram child pointers are inconsistent");
        }
        ++depth;
        stack[depth] = {begin, end};
      }
    }
  }
  for (int n = 2; n <= order; ++n) {
    if (model.orders[static_cast<size_t>(n - 1)].size() != levels[static_cast<size_t>(n)].entries) {
      return bad(std::to_string(n) + "-grams reachable from the unigrams differ from the level's use");
    }
  }
  RETURN_IF_ERROR(model.Validate());
  return model;
}

Result<NgramModel> ReadSphinxTrieFile(const std::string& path) {
  auto file = MappedFile::Open(path);
  if (!file.ok()) return file.status();
  return ParseSphinxTrie(file->view(), path);
}

}  // namespace unspin
