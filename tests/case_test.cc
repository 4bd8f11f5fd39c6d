#include "text/case.h"

#include <gtest/gtest.h>

namespace unspin {
namespace {

TEST(Case, Detects) {
  EXPECT_EQ(DetectCasing("press"), Casing::kLower);
  EXPECT_EQ(DetectCasing("Press"), Casing::kTitle);
  EXPECT_EQ(DetectCasing("NASA"), Casing::kUpper);
  EXPECT_EQ(DetectCasing("A"), Casing::kTitle);
  EXPECT_EQ(DetectCasing("iPhone"), Casing::kMixed);
  EXPECT_EQ(DetectCasing("\xC3\x89t\xC3\xA9"), Casing::kTitle);  // Été
  EXPECT_EQ(DetectCasing("4x4"), Casing::kLower);
}

TEST(Case, LowersAndApplies) {
  EXPECT_EQ(ToLower("Related PRESS \xC3\x89t\xC3\xA9"), "related press \xC3\xA9t\xC3\xA9");
  EXPECT_EQ(ApplyCasing("in accordance with", Casing::kTitle), "In accordance with");
  EXPECT_EQ(ApplyCasing("ladies", Casing::kUpper), "LADIES");
  EXPECT_EQ(ApplyCasing("\xC3\xA9t\xC3\xA9", Casing::kTitle), "\xC3\x89t\xC3\xA9");
  EXPECT_EQ(ApplyCasing("x", Casing::kMixed), "x");
}

}  // namespace
}  // namespace unspin
