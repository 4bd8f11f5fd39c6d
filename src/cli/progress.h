// Progress of a long run on standard error: one line, redrawn at most five
// times a second, with the rate and, when the total is known, the share
// done and the time left. Silent unless standard error is a terminal, so
// logs and pipes get nothing; UNSPIN_PROGRESS=1 forces it on, =0 off.
//
//   Progress progress("detect", FileBytes(fd), Progress::kBytes);
//   progress.Add(1, reader.bytes_consumed());   // per record
#ifndef UNSPIN_CLI_PROGRESS_H_
#define UNSPIN_CLI_PROGRESS_H_

#include <chrono>
#include <cstdint>
#include <string>

namespace unspin::cli {

class Progress {
 public:
  // What `total` counts: input bytes, or records. 0: unknown.
  enum TotalKind { kBytes, kRecords };
  Progress(std::string label, uint64_t total, TotalKind kind);
  ~Progress();
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;

  // `records` more done; `bytes` is the input position now (kBytes).
  void Add(uint64_t records, uint64_t bytes = 0);
  // For work that reports itself as (done, total) records.
  void Set(uint64_t done, uint64_t total);
  // Clears the line; called by the destructor too.
  void Finish();

 private:
  void Draw();

  const std::string label_;
  uint64_t total_;
  const TotalKind kind_;
  const bool enabled_;
  const std::chrono::steady_clock::time_point start_;
  std::chrono::steady_clock::time_point last_draw_;
  uint64_t records_ = 0, bytes_ = 0;
  bool drawn_ = false;
};

// The size of `fd` if it is a regular file, else 0 (unknown).
uint64_t FileBytes(int fd);

}  // namespace unspin::cli

#endif  // UNSPIN_CLI_PROGRESS_H_
