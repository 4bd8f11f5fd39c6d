#include "util/strings.h"

#include <gtest/gtest.h>

namespace unspin {
namespace {

using V = std::vector<std::string>;

TEST(Strings, SplitKeepsEmptyParts) {
  EXPECT_EQ(Split("in accordance with", ' '), (V{"in", "accordance", "with"}));
  EXPECT_EQ(Split("a||b|", '|'), (V{"a", "", "b", ""}));
  EXPECT_EQ(Split("", '|'), (V{""}));
}

TEST(Strings, JoinInvertsSplit) {
  for (const char* s : {"a b c", "", " lead", "trail ", "a  b"}) {
    EXPECT_EQ(Join(Split(s, ' '), ' '), s);
  }
}

}  // namespace
}  // namespace unspin
