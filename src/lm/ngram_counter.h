// Counts n-grams of one fixed order in bounded memory. N-grams collect in a
// buffer of `memory_bytes`; a full buffer is sorted and its duplicates
// merged, and if that frees less than half of it the buffer is written to
// an unlinked temporary file as a sorted run. Finish merges the runs.
//
// Keys are n word ids, newest word first, so the sort order groups every
// n-gram sharing its last k words: the order the Kneser-Ney adjusted counts
// are computed in (lm/kn_trainer.cc).
#ifndef UNSPIN_LM_NGRAM_COUNTER_H_
#define UNSPIN_LM_NGRAM_COUNTER_H_

#include <cstdint>
#include <cstdio>
#include <functional>
#include <string>
#include <vector>

#include "lm/ngram_model.h"
#include "util/status.h"

namespace unspin {

class NgramCounter {
 public:
  // One counted n-gram; ids past the order are 0. 32 bytes, so a run file
  // is an array of these.
  struct Record {
    uint32_t ids[kMaxLmOrder] = {};
    uint64_t count = 0;
  };

  // `order` in 1..kMaxLmOrder; `memory_bytes` at least 64 KiB. Runs go to
  // `temp_dir`.
  NgramCounter(int order, uint64_t memory_bytes, std::string temp_dir);
  ~NgramCounter();
  NgramCounter(const NgramCounter&) = delete;
  NgramCounter& operator=(const NgramCounter&) = delete;

  // Counts the n-gram ids[0..order) (newest first). Errors: kIo when a run
  // cannot be written (a full disk says so).
  Status Add(const uint32_t* ids);

  // Calls `emit` once per distinct n-gram with its total count, in
  // ascending lexicographic order of the ids. The counter is spent after.
  Status Finish(const std::function<void(const Record&)>& emit);

  int runs() const { return static_cast<int>(runs_.size()); }
  uint64_t spilled_bytes() const { return spilled_bytes_; }

 private:
  // Sorts buffer_ and merges equal keys in place.
  void Compact();
  Status Spill();

  int order_;
  size_t capacity_;
  std::string temp_dir_;
  std::vector<Record> buffer_;
  std::vector<std::FILE*> runs_;
  uint64_t spilled_bytes_ = 0;
};

}  // namespace unspin

#endif  // UNSPIN_LM_NGRAM_COUNTER_H_
