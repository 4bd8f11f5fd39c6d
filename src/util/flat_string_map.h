// A hash map from strings to small values for the hot paths that look up
// every word of a text (the decoder's per-word facts, the profile router's
// evidence): one xxh3 hash and, nearly always, one probe of a flat array,
// where std::unordered_map<std::string, V> hashes, chases a node pointer
// and compares through it.
//
// Invariants: the slot count is a power of two and at most half full, so
// a probe always ends at an empty slot; a slot's key is arena_[offset,
// offset + length); keys are never removed one by one (Clear drops all).
#ifndef UNSPIN_UTIL_FLAT_STRING_MAP_H_
#define UNSPIN_UTIL_FLAT_STRING_MAP_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "util/string_index.h"  // StringHash

namespace unspin {

template <typename V>
class FlatStringMap {
 public:
  FlatStringMap() { slots_.resize(kMinSlots); }

  size_t size() const { return size_; }

  // The value stored under `key`, or null. `hash` is StringHash(key).
  const V* Find(std::string_view key, uint64_t hash) const { return FindSlot(key, hash); }
  V* Find(std::string_view key, uint64_t hash) { return const_cast<V*>(FindSlot(key, hash)); }
  const V* Find(std::string_view key) const { return Find(key, StringHash(key)); }

  // Stores `value` under `key` (replacing any value it had) and returns
  // where it is; the pointer holds until the next Insert or Clear.
  V* Insert(std::string_view key, uint64_t hash, V value) {
    if (V* found = Find(key, hash)) {
      *found = std::move(value);
      return found;
    }
    if (2 * (size_ + 1) > slots_.size()) Grow();
    Slot& s = slots_[EmptySlotFor(hash)];
    s.hash = hash;
    s.offset = static_cast<uint32_t>(arena_.size());
    s.length = static_cast<uint32_t>(key.size());
    s.value = std::move(value);
    arena_.append(key);
    ++size_;
    return &s.value;
  }
  V* Insert(std::string_view key, V value) { return Insert(key, StringHash(key), std::move(value)); }

  void Clear() {
    slots_.assign(kMinSlots, Slot());
    arena_.clear();
    size_ = 0;
  }

 private:
  static constexpr uint32_t kEmpty = 0xFFFFFFFFu;
  static constexpr size_t kMinSlots = 64;
  struct Slot {
    uint64_t hash = 0;
    uint32_t offset = 0;
    uint32_t length = kEmpty;  // kEmpty: no key
    V value{};
  };

  const V* FindSlot(std::string_view key, uint64_t hash) const {
    const size_t mask = slots_.size() - 1;
    for (size_t i = hash & mask;; i = (i + 1) & mask) {
      const Slot& s = slots_[i];
      if (s.length == kEmpty) return nullptr;
      if (s.hash == hash && s.length == key.size() && std::string_view(arena_).substr(s.offset, s.length) == key) {
        return &s.value;
      }
    }
  }

  size_t EmptySlotFor(uint64_t hash) const {
    const size_t mask = slots_.size() - 1;
    size_t i = hash & mask;
    while (slots_[i].length != kEmpty) i = (i + 1) & mask;
    return i;
  }

  void Grow() {
    std::vector<Slot> old(slots_.size() * 2);
    old.swap(slots_);
    for (Slot& s : old) {
      if (s.length != kEmpty) slots_[EmptySlotFor(s.hash)] = std::move(s);
    }
  }

  std::vector<Slot> slots_;
  std::string arena_;
  size_t size_ = 0;
};

}  // namespace unspin

#endif  // UNSPIN_UTIL_FLAT_STRING_MAP_H_
