#include "util/string_index.h"

#define XXH_INLINE_ALL
#include <xxhash.h>

namespace unspin {

uint64_t StringHash(std::string_view s) { return XXH3_64bits(s.data(), s.size()); }

Status WriteStringIndex(const std::vector<std::string>& strings, const StringIndexTags& tags,
                        BinaryFileWriter* writer) {
  const size_t n = strings.size();
  if (n >= 0xFFFFFFFFu) return ResourceExhaustedError("too many strings for an index");
  std::string blob;
  std::vector<uint32_t> offsets{0};
  offsets.reserve(n + 1);
  for (const std::string& s : strings) {
    blob += s;
    if (blob.size() > 0xFFFFFFFFu) return ResourceExhaustedError("strings exceed 4 GiB");
    offsets.push_back(static_cast<uint32_t>(blob.size()));
  }
  uint64_t slots = 16;
  while (slots < 2 * n) slots <<= 1;
  std::vector<uint64_t> table(slots, 0);
  for (uint32_t id = 0; id < n; ++id) {
    const uint64_t h = StringHash(strings[id]);
    uint64_t slot = h & (slots - 1);
    while (table[slot] != 0) slot = (slot + 1) & (slots - 1);
    table[slot] = (h >> 32) << 32 | (uint64_t{id} + 1);
  }
  writer->AddSection(tags.blob, std::move(blob));
  writer->AddArray(tags.offsets, offsets);
  writer->AddArray(tags.slots, table);
  return OkStatus();
}

Status StringIndex::Init(const BinaryFile& file, const StringIndexTags& tags, std::string_view what) {
  auto corrupt = [&](std::string_view why) {
    return DataLossError(file.path() + ": " + std::string(what) + " are inconsistent: " + std::string(why));
  };
  ASSIGN_OR_RETURN(blob_, file.Section(tags.blob));
  ASSIGN_OR_RETURN(offsets_, file.Array<uint32_t>(tags.offsets));
  ASSIGN_OR_RETURN(slots_, file.Array<uint64_t>(tags.slots));
  if (const char* fault = OffsetsFault(offsets_, blob_.size())) {
    return corrupt(std::string("the offset array ") + fault);
  }
  const uint64_t n = offsets_.size() - 1, slots = slots_.size();
  if (slots < 2 * n || slots == 0 || (slots & (slots - 1)) != 0) return corrupt("bad hash table size");
  for (uint64_t s : slots_) {
    const uint64_t id_plus_one = s & 0xFFFFFFFFu;
    if (id_plus_one > n || (id_plus_one == 0 && s != 0)) return corrupt("hash slot out of range");
  }
  return OkStatus();
}

uint32_t StringIndex::Find(std::string_view s) const {
  if (slots_.empty()) return kNone;
  const uint64_t mask = slots_.size() - 1;
  const uint64_t hash = StringHash(s);
  const uint32_t fingerprint = static_cast<uint32_t>(hash >> 32);
  uint64_t slot = hash & mask;
  // Invariant (writer): the table is at most half full, so probing ends.
  for (uint64_t probes = 0; probes <= mask; ++probes) {
    const uint64_t v = slots_[slot];
    if (v == 0) return kNone;
    const uint32_t id = static_cast<uint32_t>(v) - 1;
    if (static_cast<uint32_t>(v >> 32) == fingerprint && Get(id) == s) return id;
    slot = (slot + 1) & mask;
  }
  return kNone;
}

}  // namespace unspin
