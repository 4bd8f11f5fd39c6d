// Reads lines from a file descriptor in 64 KiB blocks. Lines longer than a
// limit are streamed past, never held whole, and reported as too long, so
// one huge line cannot exhaust memory and no line is silently dropped.
#ifndef UNSPIN_IO_LINE_READER_H_
#define UNSPIN_IO_LINE_READER_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "util/status.h"

namespace unspin {

struct Line {
  std::string_view text;  // without '\n' or a trailing '\r'; valid until the next Next()
  uint64_t number = 0;    // 1-based
  uint64_t length = 0;    // bytes in the input, even when too long
  bool too_long = false;  // text is empty then
};

class LineReader {
 public:
  // Reads from `fd` (not owned).
  LineReader(int fd, uint64_t max_line_bytes);

  // False at end of input. A failed read of the input is an IoError.
  Result<bool> Next(Line* line);
  // Bytes of the input read into lines so far (for progress reports).
  uint64_t bytes_consumed() const { return consumed_; }

 private:
  Status Fill();

  int fd_;
  uint64_t max_bytes_;
  std::string buffer_;
  size_t pos_ = 0;
  bool eof_ = false;
  uint64_t line_no_ = 0;
  uint64_t consumed_ = 0;
  std::string line_;
};

}  // namespace unspin

#endif  // UNSPIN_IO_LINE_READER_H_
