#include "trace/align.h"

#include <algorithm>
#include <unordered_map>

namespace unspin {

namespace {

using Match = std::pair<uint32_t, uint32_t>;  // (query position, source position)

class Aligner {
 public:
  Aligner(const std::vector<uint64_t>& a, const std::vector<uint64_t>& b, uint32_t max_edits)
      : a_(a), b_(b), max_edits_(static_cast<int>(max_edits)) {}

  // Appends the matches of a[alo, ahi) with b[blo, bhi), in order.
  // Invariant: matches_ is sorted in both coordinates, and every call
  // covers ranges that lie after all matches already made.
  void Diff(uint32_t alo, uint32_t ahi, uint32_t blo, uint32_t bhi, int depth) {
    while (alo < ahi && blo < bhi && a_[alo] == b_[blo]) matches_.push_back({alo++, blo++});
    uint32_t aend = ahi, bend = bhi;
    while (aend > alo && bend > blo && a_[aend - 1] == b_[bend - 1]) --aend, --bend;
    if (alo < aend && blo < bend) {
      // Patience first: words that occur once on each side are reliable
      // anchors and cut the problem into small gaps; Myers for gaps
      // without any (or when recursion gets deep).
      if (depth >= kMaxDepth || !Patience(alo, aend, blo, bend, depth)) Myers(alo, aend, blo, bend);
    }
    for (uint32_t k = 0; k < ahi - aend; ++k) matches_.push_back({aend + k, bend + k});
  }

  std::vector<Match>& matches() { return matches_; }

 private:
  static constexpr int kMaxDepth = 48;

  bool Patience(uint32_t alo, uint32_t ahi, uint32_t blo, uint32_t bhi, int depth) {
    struct Seen {
      uint32_t count_a = 0, count_b = 0, pos_a = 0, pos_b = 0;
    };
    std::unordered_map<uint64_t, Seen> seen;
    seen.reserve((ahi - alo) + (bhi - blo));
    for (uint32_t i = alo; i < ahi; ++i) {
      Seen& s = seen[a_[i]];
      ++s.count_a;
      s.pos_a = i;
    }
    for (uint32_t j = blo; j < bhi; ++j) {
      auto it = seen.find(b_[j]);
      if (it == seen.end()) continue;
      ++it->second.count_b;
      it->second.pos_b = j;
    }
    std::vector<Match> unique;
    for (uint32_t i = alo; i < ahi; ++i) {
      const Seen& s = seen[a_[i]];
      if (s.count_a == 1 && s.count_b == 1) unique.push_back({i, s.pos_b});
    }
    if (unique.empty()) return false;
    // Longest increasing subsequence of source positions (patience sort).
    std::vector<uint32_t> tails;                     // index into `unique` of the smallest tail per length
    std::vector<int32_t> previous(unique.size(), -1);
    for (uint32_t u = 0; u < unique.size(); ++u) {
      auto pos = std::lower_bound(tails.begin(), tails.end(), unique[u].second,
                                  [&](uint32_t t, uint32_t value) { return unique[t].second < value; });
      if (pos != tails.begin()) previous[u] = static_cast<int32_t>(*(pos - 1));
      if (pos == tails.end()) {
        tails.push_back(u);
      } else {
        *pos = u;
      }
    }
    std::vector<Match> chain;
    for (int32_t u = static_cast<int32_t>(tails.back()); u >= 0; u = previous[static_cast<size_t>(u)]) {
      chain.push_back(unique[static_cast<size_t>(u)]);
    }
    std::reverse(chain.begin(), chain.end());
    uint32_t i = alo, j = blo;
    for (const auto& [ai, bj] : chain) {
      Diff(i, ai, j, bj, depth + 1);
      matches_.push_back({ai, bj});
      i = ai + 1;
      j = bj + 1;
    }
    Diff(i, ahi, j, bhi, depth + 1);
    return true;
  }

  // Myers's greedy O(ND) shortest edit script; keeps each step's frontier
  // (O(D^2) ints) to read the matches back. A gap needing more than
  // max_edits_ edits gets no matches.
  void Myers(uint32_t alo, uint32_t ahi, uint32_t blo, uint32_t bhi) {
    const int n = static_cast<int>(ahi - alo), m = static_cast<int>(bhi - blo);
    const int max_d = std::min(n + m, max_edits_);
    std::vector<std::vector<int>> frontiers;  // frontiers[d][k + d] = furthest x on diagonal k after d edits
    std::vector<int> v(static_cast<size_t>(2 * max_d + 3), 0);
    const int offset = max_d + 1;
    int found = -1;
    for (int d = 0; d <= max_d && found < 0; ++d) {
      for (int k = -d; k <= d; k += 2) {
        int x = (k == -d || (k != d && v[offset + k - 1] < v[offset + k + 1])) ? v[offset + k + 1]
                                                                                : v[offset + k - 1] + 1;
        int y = x - k;
        while (x < n && y < m && a_[alo + x] == b_[blo + y]) ++x, ++y;
        v[offset + k] = x;
        if (x >= n && y >= m) found = d;
      }
      frontiers.emplace_back(v.begin() + offset - d, v.begin() + offset + d + 1);
    }
    if (found < 0) return;
    std::vector<Match> reversed;
    int x = n, y = m;
    for (int d = found; d > 0; --d) {
      const std::vector<int>& before = frontiers[static_cast<size_t>(d - 1)];  // diagonals -(d-1)..(d-1)
      const int k = x - y;
      auto at = [&](int diagonal) { return before[static_cast<size_t>(diagonal + d - 1)]; };
      const int prev_k = (k == -d || (k != d && at(k - 1) < at(k + 1))) ? k + 1 : k - 1;
      const int prev_x = at(prev_k), prev_y = prev_x - prev_k;
      const int snake_x = prev_k == k + 1 ? prev_x : prev_x + 1;  // where the edit left us
      while (x > snake_x && y > snake_x - k) {
        reversed.push_back({alo + static_cast<uint32_t>(x - 1), blo + static_cast<uint32_t>(y - 1)});
        --x, --y;
      }
      x = prev_x;
      y = prev_y;
    }
    while (x > 0 && y > 0) {
      reversed.push_back({alo + static_cast<uint32_t>(x - 1), blo + static_cast<uint32_t>(y - 1)});
      --x, --y;
    }
    matches_.insert(matches_.end(), reversed.rbegin(), reversed.rend());
  }

  const std::vector<uint64_t>& a_;
  const std::vector<uint64_t>& b_;
  int max_edits_;
  std::vector<Match> matches_;
};

}  // namespace

Alignment AlignWords(const std::vector<uint64_t>& query, const std::vector<uint64_t>& source, uint32_t min_run,
                     uint32_t max_gap_edits) {
  Aligner aligner(query, source, max_gap_edits);
  aligner.Diff(0, static_cast<uint32_t>(query.size()), 0, static_cast<uint32_t>(source.size()), 0);
  Alignment out;
  uint32_t i = 0, j = 0;
  const std::vector<Match>& matches = aligner.matches();
  for (size_t k = 0; k < matches.size();) {
    const auto [mi, mj] = matches[k];
    if (mi > i || mj > j) out.runs.push_back({{i, mi}, {j, mj}, false});
    size_t e = k + 1;
    while (e < matches.size() && matches[e].first == matches[e - 1].first + 1 &&
           matches[e].second == matches[e - 1].second + 1) {
      ++e;
    }
    const uint32_t len = static_cast<uint32_t>(e - k);
    out.runs.push_back({{mi, mi + len}, {mj, mj + len}, true});
    if (len >= min_run) out.shared_words += len;
    i = mi + len;
    j = mj + len;
    k = e;
  }
  if (i < query.size() || j < source.size()) {
    out.runs.push_back({{i, static_cast<uint32_t>(query.size())}, {j, static_cast<uint32_t>(source.size())}, false});
  }
  return out;
}

}  // namespace unspin
