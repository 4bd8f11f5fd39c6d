// A set of strings numbered 0..N-1 in a binary file: a blob, an offset
// array and an open-addressing hash table (XXH3, linear probing, at most
// half full). Each slot holds the id and the high 32 bits of its string's
// hash, so a look-up that misses reads no string bytes. Used for the
// lexicon's keys and the language model's vocabulary.
#ifndef UNSPIN_UTIL_STRING_INDEX_H_
#define UNSPIN_UTIL_STRING_INDEX_H_

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "util/binary_file.h"
#include "util/status.h"

namespace unspin {

struct StringIndexTags {
  uint32_t blob, offsets, slots;
};

uint64_t StringHash(std::string_view s);

// Writes strings (ids in the order given) as three sections.
Status WriteStringIndex(const std::vector<std::string>& strings, const StringIndexTags& tags,
                        BinaryFileWriter* writer);

class StringIndex {
 public:
  static constexpr uint32_t kNone = 0xFFFFFFFFu;

  // Reads and checks the sections (offsets span the blob, slots in range,
  // table size a power of two above the count). `what` names the index in
  // messages ("lexicon keys").
  Status Init(const BinaryFile& file, const StringIndexTags& tags, std::string_view what);

  uint32_t size() const { return static_cast<uint32_t>(offsets_.size() - 1); }
  uint32_t Find(std::string_view s) const;
  std::string_view Get(uint32_t id) const {
    return blob_.substr(offsets_[id], offsets_[id + 1] - offsets_[id]);
  }

 private:
  std::string_view blob_;
  std::span<const uint32_t> offsets_ = std::span<const uint32_t>(kEmptyOffsets, 1);
  std::span<const uint64_t> slots_;
  static constexpr uint32_t kEmptyOffsets[1] = {0};
};

}  // namespace unspin

#endif  // UNSPIN_UTIL_STRING_INDEX_H_
