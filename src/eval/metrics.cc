#include "eval/metrics.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
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

std::vector<std::pair<double, double>> RocCurve(const std::vector<double>& negatives,
                                                const std::vector<double>& positives, size_t max_points) {
  std::vector<std::pair<double, int>> scored;  // (score, 1 for a positive)
  scored.reserve(negatives.size() + positives.size());
  for (double n : negatives) scored.emplace_back(n, 0);
  for (double p : positives) scored.emplace_back(p, 1);
  std::sort(scored.begin(), scored.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
  const double n_neg = static_cast<double>(std::max<size_t>(negatives.size(), 1));
  const double n_pos = static_cast<double>(std::max<size_t>(positives.size(), 1));
  std::vector<std::pair<double, double>> curve = {{0, 0}};
  size_t fp = 0, tp = 0;
  for (size_t i = 0; i < scored.size(); ++i) {
    (scored[i].second ? tp : fp) += 1;
    // Ties move together: a threshold cannot separate equal scores.
    if (i + 1 == scored.size() || scored[i + 1].first != scored[i].first) {
      curve.emplace_back(static_cast<double>(fp) / n_neg, static_cast<double>(tp) / n_pos);
    }
  }
  if (curve.back() != std::pair<double, double>{1, 1}) curve.emplace_back(1, 1);
  if (max_points < 2 || curve.size() <= max_points) return curve;
  std::vector<std::pair<double, double>> thin;
  for (size_t k = 0; k < max_points; ++k) thin.push_back(curve[k * (curve.size() - 1) / (max_points - 1)]);
  return thin;
}

std::vector<double> FitLogistic(const std::vector<std::vector<double>>& x, const std::vector<int>& y, double l2,
                                const std::vector<double>* weights) {
  const size_t dim = (x.empty() ? 0 : x[0].size()) + 1;
  std::vector<double> w(dim, 0.0), grad(dim), xi(dim);
  std::vector<std::vector<double>> m(dim, std::vector<double>(dim + 1));
  double n = 0;
  for (size_t i = 0; i < x.size(); ++i) n += weights != nullptr ? (*weights)[i] : 1.0;
  if (n <= 0) n = 1;
  for (int iteration = 0; iteration < 100; ++iteration) {
    std::fill(grad.begin(), grad.end(), 0.0);
    for (auto& row : m) std::fill(row.begin(), row.end(), 0.0);
    for (size_t i = 0; i < x.size(); ++i) {
      xi[0] = 1;
      for (size_t k = 1; k < dim; ++k) xi[k] = x[i][k - 1];
      double z = 0;
      for (size_t k = 0; k < dim; ++k) z += w[k] * xi[k];
      const double p = 1 / (1 + std::exp(-z));
      const double weight = weights != nullptr ? (*weights)[i] : 1.0;
      for (size_t a = 0; a < dim; ++a) {
        grad[a] += weight * (p - y[i]) * xi[a];
        for (size_t b = 0; b < dim; ++b) m[a][b] += weight * p * (1 - p) * xi[a] * xi[b];
      }
    }
    for (size_t a = 0; a < dim; ++a) {
      grad[a] /= n;
      for (size_t b = 0; b < dim; ++b) m[a][b] /= n;
      if (a > 0) {
        grad[a] += l2 * w[a];
        m[a][a] += l2;
      }
      m[a][a] += 1e-9;
      m[a][dim] = grad[a];
    }
    // Solve (Hessian) * step = gradient by Gauss-Jordan with partial pivoting.
    for (size_t c = 0; c < dim; ++c) {
      size_t pivot = c;
      for (size_t r = c + 1; r < dim; ++r) {
        if (std::fabs(m[r][c]) > std::fabs(m[pivot][c])) pivot = r;
      }
      std::swap(m[c], m[pivot]);
      for (size_t r = 0; r < dim; ++r) {
        if (r == c) continue;
        const double f = m[r][c] / m[c][c];
        for (size_t k = c; k <= dim; ++k) m[r][k] -= f * m[c][k];
      }
    }
    double change = 0;
    for (size_t a = 0; a < dim; ++a) {
      const double step = m[a][dim] / m[a][a];
      w[a] -= step;
      change = std::max(change, std::fabs(step));
    }
    if (change < 1e-9) break;
  }
  return w;
}

double Quantile(std::vector<double> values, double q) {
  if (values.empty()) return 0;
  const size_t k = std::min(values.size() - 1, static_cast<size_t>(q * static_cast<double>(values.size())));
  std::nth_element(values.begin(), values.begin() + static_cast<std::ptrdiff_t>(k), values.end());
  return values[k];
}

std::string Percent(double share) { return Fixed(100 * share, 1); }

std::string Fixed(double x, int digits) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", digits, x);
  return buf;
}

}  // namespace unspin
