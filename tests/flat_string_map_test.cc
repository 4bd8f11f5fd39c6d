#include "util/flat_string_map.h"

#include <gtest/gtest.h>

#include <string>

namespace unspin {
namespace {

// The value under `key`, or -1 if there is none.
template <typename V>
long long ValueOf(const FlatStringMap<V>& map, const std::string& key) {
  const V* v = map.Find(key);
  return v == nullptr ? -1 : static_cast<long long>(*v);
}

TEST(FlatStringMap, FindsWhatWasInsertedAndNothingElse) {
  FlatStringMap<int> map;
  EXPECT_EQ(map.Find("the"), nullptr);
  map.Insert("the", 1);
  map.Insert("", 2);  // the empty string is a key like any other
  map.Insert("theory", 3);
  EXPECT_EQ(ValueOf(map, "the"), 1);
  EXPECT_EQ(ValueOf(map, ""), 2);
  EXPECT_EQ(ValueOf(map, "theory"), 3);
  EXPECT_EQ(ValueOf(map, "th"), -1);
  EXPECT_EQ(ValueOf(map, "them"), -1);
  EXPECT_EQ(map.size(), 3u);
  map.Insert("the", 4);  // replaces
  EXPECT_EQ(ValueOf(map, "the"), 4);
  EXPECT_EQ(map.size(), 3u);
}

TEST(FlatStringMap, KeepsEveryKeyThroughGrowthAndClears) {
  FlatStringMap<size_t> map;
  constexpr size_t kKeys = 5000;  // many doublings from the first 64 slots
  for (size_t i = 0; i < kKeys; ++i) map.Insert("word" + std::to_string(i), i);
  EXPECT_EQ(map.size(), kKeys);
  for (size_t i = 0; i < kKeys; ++i) EXPECT_EQ(ValueOf(map, "word" + std::to_string(i)), static_cast<long long>(i));
  EXPECT_EQ(ValueOf(map, "word" + std::to_string(kKeys)), -1);
  map.Clear();
  EXPECT_EQ(map.size(), 0u);
  EXPECT_EQ(ValueOf(map, "word1"), -1);
  map.Insert("word1", 7);
  EXPECT_EQ(ValueOf(map, "word1"), 7);
}

}  // namespace
}  // namespace unspin
