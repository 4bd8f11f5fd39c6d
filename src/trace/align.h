// Word alignment of a suspected copy with a source document: which runs of
// words the two share in order, and which runs differ (a spinner's swaps,
// or text one side lacks). The evidence `trace` shows for a match.
#ifndef UNSPIN_TRACE_ALIGN_H_
#define UNSPIN_TRACE_ALIGN_H_

#include <cstdint>
#include <vector>

namespace unspin {

// A run of word positions, [begin, end).
struct WordRun {
  uint32_t begin = 0, end = 0;
  uint32_t size() const { return end - begin; }
};

// Two runs in correspondence: equal words (`same`), or the words between
// two equal runs, either side possibly empty.
struct AlignedRun {
  WordRun query, source;
  bool same = false;
};

struct Alignment {
  std::vector<AlignedRun> runs;  // in order, covering both sequences
  // Words in equal runs of at least `min_run` words (shorter runs of common
  // words such as "of the" appear between any two texts).
  uint32_t shared_words = 0;
};

// Aligns two sequences of word hashes (diff: longest common subsequence,
// by patience diff on words unique to both sides, then Myers's O(ND)
// algorithm on the gaps). Deterministic; time about O((n + m) log(n + m))
// plus O(n * d) within gaps, where a gap whose edit distance would exceed
// `max_gap_edits` is left as one differing run rather than aligned.
Alignment AlignWords(const std::vector<uint64_t>& query, const std::vector<uint64_t>& source, uint32_t min_run = 2,
                     uint32_t max_gap_edits = 2000);

}  // namespace unspin

#endif  // UNSPIN_TRACE_ALIGN_H_
