#include "util/random.h"

#include <gtest/gtest.h>

#include <vector>

namespace unspin {
namespace {

TEST(RandomTest, SameSeedAndKeySameStream) {
  Rng a = Rng::ForRecord(7, "doc-1"), b = Rng::ForRecord(7, "doc-1"), c = Rng::ForRecord(7, "doc-2");
  bool differs = false;
  for (int i = 0; i < 100; ++i) {
    uint64_t x = a.Next();
    EXPECT_EQ(x, b.Next());
    differs |= x != c.Next();
  }
  EXPECT_TRUE(differs);
}

TEST(RandomTest, BelowStaysInRangeAndCoversIt) {
  Rng rng = Rng::ForRecord(1, "below");
  EXPECT_EQ(rng.Below(1), 0u);
  std::vector<int> counts(7, 0);
  const int draws = 70000;
  for (int i = 0; i < draws; ++i) {
    uint32_t v = rng.Below(7);
    ASSERT_LT(v, 7u);
    ++counts[v];
  }
  // Each bucket expects 10,000; 5 standard deviations is about 470.
  for (int c : counts) EXPECT_NEAR(c, draws / 7, 500);
}

TEST(RandomTest, UniformIsInUnitInterval) {
  Rng rng = Rng::ForRecord(3, "uniform");
  double sum = 0;
  for (int i = 0; i < 10000; ++i) {
    double u = rng.Uniform();
    ASSERT_GE(u, 0.0);
    ASSERT_LT(u, 1.0);
    sum += u;
  }
  EXPECT_NEAR(sum / 10000, 0.5, 0.02);
}

}  // namespace
}  // namespace unspin
