// Detection metrics over scored documents, and the logistic fit that
// calibrates the document score. Higher scores mean "more likely spun".
#ifndef UNSPIN_EVAL_METRICS_H_
#define UNSPIN_EVAL_METRICS_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace unspin {

// Area under the ROC curve: the probability that a random positive scores
// above a random negative, ties counting one half. 0.5 if either is empty.
double Auroc(std::vector<double> negatives, std::vector<double> positives);

// True-positive rate at a false-positive rate of at most `fpr`: the share
// of positives scoring strictly above the threshold that lets through
// floor(fpr * negatives) negatives (fewer if scores tie).
double TprAtFpr(std::vector<double> negatives, const std::vector<double>& positives, double fpr);

// The ROC curve as (false-positive rate, true-positive rate) points from
// (0, 0) to (1, 1), one per distinct score (a document is called positive
// when its score is at least the threshold), thinned to at most
// `max_points` by keeping evenly spaced ones and both ends.
std::vector<std::pair<double, double>> RocCurve(const std::vector<double>& negatives,
                                                const std::vector<double>& positives, size_t max_points = 101);

// Logistic regression by Newton's method with a small L2 penalty (not on
// the bias): weights w with P(y = 1 | x) = 1 / (1 + exp(-(w0 + w1 x1 + ...))).
// Every row of `x` has the same length d; returns d + 1 weights. With
// `weights` (one per row, positive), row i counts weights[i] times; the
// penalty is relative to the total weight, as it is to the row count
// without them.
std::vector<double> FitLogistic(const std::vector<std::vector<double>>& x, const std::vector<int>& y,
                                double l2 = 1e-3, const std::vector<double>* weights = nullptr);

// Whether the byte ranges [a0, a1) and [b0, b1) share a byte.
inline bool SpansOverlap(uint64_t a0, uint64_t a1, uint64_t b0, uint64_t b1) { return a0 < b1 && b0 < a1; }

// The q-quantile (0..1) of `values` by the nearest-rank rule; 0 if empty.
double Quantile(std::vector<double> values, double q);

// Table cells: a share as a percentage with one decimal ("12.3"), and a
// number with `digits` decimals.
std::string Percent(double share);
std::string Fixed(double x, int digits);

}  // namespace unspin

#endif  // UNSPIN_EVAL_METRICS_H_
