#include "eval/metrics.h"

#include <gtest/gtest.h>

#include <cmath>

namespace unspin {
namespace {

TEST(Metrics, AurocOrdersAndTies) {
  EXPECT_DOUBLE_EQ(Auroc({0.1, 0.2}, {0.3, 0.4}), 1.0);
  EXPECT_DOUBLE_EQ(Auroc({0.3, 0.4}, {0.1, 0.2}), 0.0);
  EXPECT_DOUBLE_EQ(Auroc({0.5}, {0.5}), 0.5);
  // Positive 0.3 beats negatives 0.1 and 0.2, ties 0.3 (half), loses to 0.4.
  EXPECT_DOUBLE_EQ(Auroc({0.1, 0.2, 0.3, 0.4}, {0.3}), 2.5 / 4);
  EXPECT_DOUBLE_EQ(Auroc({}, {1.0}), 0.5);
}

TEST(Metrics, TprAtFprUsesTheAllowedNegatives) {
  std::vector<double> negatives;
  for (int i = 0; i < 100; ++i) negatives.push_back(i);  // 0..99
  // At 1 % FPR one negative (99) may pass: the threshold is the next, 98.
  EXPECT_DOUBLE_EQ(TprAtFpr(negatives, {98.5, 97, 100, 200}, 0.01), 0.75);
  // At 0 %, nothing above the highest negative... and 99 itself does not pass.
  EXPECT_DOUBLE_EQ(TprAtFpr(negatives, {99, 99.5}, 0.0), 0.5);
  EXPECT_DOUBLE_EQ(TprAtFpr({}, {1.0}, 0.01), 0.0);
}

TEST(Metrics, LogisticFitSeparatesAndIsCalibrated) {
  // y = 1 with probability sigmoid(-2 + 4 x0), on a grid: the fit recovers
  // the weights roughly and ignores the noise feature.
  std::vector<std::vector<double>> x;
  std::vector<int> y;
  for (int i = 0; i <= 100; ++i) {
    const double x0 = i / 100.0;
    const double p = 1 / (1 + std::exp(-(-2 + 4 * x0)));
    for (int k = 0; k < 100; ++k) {
      x.push_back({x0, (k % 7) / 7.0});
      y.push_back(k < std::lround(100 * p) ? 1 : 0);
    }
  }
  auto w = FitLogistic(x, y, 1e-6);
  ASSERT_EQ(w.size(), 3u);
  EXPECT_NEAR(w[0], -2, 0.2);
  EXPECT_NEAR(w[1], 4, 0.3);
  EXPECT_NEAR(w[2], 0, 0.2);
}

}  // namespace
}  // namespace unspin
