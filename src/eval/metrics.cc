#include "eval/metrics.h"

#include <algorithm>
#include <cmath>
#include <functional>

namespace unspin {

double Auroc(std::vector<double> negatives, std::vector<double> positives) {
  if (negatives.empty() || positives.empty()) return 0.5;
  std::sort(negatives.begin(), negatives.end());
  double wins = 0;
  for (double p : positives) {
    auto lower = std::lower_bound(negatives.begin(), negatives.end(), p);
    auto upper = std::upper_bound(lower, negatives.end(), p);
    wins += static_cast<double>(lower - negatives.begin()) + 0.5 * static_cast<double>(upper - lower);
  }
  return wins / (static_cast<double>(negatives.size()) * static_cast<double>(positives.size()));
}

double TprAtFpr(std::vector<double> negatives, const std::vector<double>& positives, double fpr) {
  if (negatives.empty() || positives.empty()) return 0;
  std::sort(negatives.begin(), negatives.end(), std::greater<double>());
  const size_t allowed = static_cast<size_t>(std::floor(fpr * static_cast<double>(negatives.size())));
  const double threshold = negatives[std::min(allowed, negatives.size() - 1)];
  size_t above = 0;
  for (double p : positives) above += p > threshold;
  return static_cast<double>(above) / static_cast<double>(positives.size());
}

std::array<double, 4> FitLogistic(const std::vector<std::array<double, 3>>& x, const std::vector<int>& y, double l2) {
  constexpr int kDim = 4;
  std::array<double, kDim> w{};
  for (int iteration = 0; iteration < 100; ++iteration) {
    double grad[kDim] = {}, hess[kDim][kDim] = {};
    for (size_t i = 0; i < x.size(); ++i) {
      const double xi[kDim] = {1, x[i][0], x[i][1], x[i][2]};
      double z = 0;
      for (int k = 0; k < kDim; ++k) z += w[k] * xi[k];
      const double p = 1 / (1 + std::exp(-z));
      for (int a = 0; a < kDim; ++a) {
        grad[a] += (p - y[i]) * xi[a];
        for (int b = 0; b < kDim; ++b) hess[a][b] += p * (1 - p) * xi[a] * xi[b];
      }
    }
    const double n = static_cast<double>(std::max<size_t>(x.size(), 1));
    for (int a = 0; a < kDim; ++a) {
      grad[a] /= n;
      for (int b = 0; b < kDim; ++b) hess[a][b] /= n;
      if (a > 0) {
        grad[a] += l2 * w[a];
        hess[a][a] += l2;
      }
      hess[a][a] += 1e-9;
    }
    // Solve hess * step = grad by Gaussian elimination with partial pivoting.
    double m[kDim][kDim + 1];
    for (int a = 0; a < kDim; ++a) {
      for (int b = 0; b < kDim; ++b) m[a][b] = hess[a][b];
      m[a][kDim] = grad[a];
    }
    for (int c = 0; c < kDim; ++c) {
      int pivot = c;
      for (int r = c + 1; r < kDim; ++r) {
        if (std::fabs(m[r][c]) > std::fabs(m[pivot][c])) pivot = r;
      }
      for (int k = 0; k <= kDim; ++k) std::swap(m[c][k], m[pivot][k]);
      for (int r = 0; r < kDim; ++r) {
        if (r == c) continue;
        const double f = m[r][c] / m[c][c];
        for (int k = c; k <= kDim; ++k) m[r][k] -= f * m[c][k];
      }
    }
    double change = 0;
    for (int a = 0; a < kDim; ++a) {
      const double step = m[a][kDim] / m[a][a];
      w[a] -= step;
      change = std::max(change, std::fabs(step));
    }
    if (change < 1e-9) break;
  }
  return w;
}

}  // namespace unspin
