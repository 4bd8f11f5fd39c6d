// Splits a stream of text of any size into windows that can be processed
// one at a time in bounded memory. Windows end just after a line break where
// one is near the target size, else after a space; never inside a UTF-8
// sequence. Concatenating the windows gives the stream back exactly.
#ifndef UNSPIN_TEXT_CHUNKER_H_
#define UNSPIN_TEXT_CHUNKER_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "util/status.h"

namespace unspin {

class TextChunker {
 public:
  // Reads from `fd` (not owned). `target` is the preferred window size; a
  // window is at most 2 * target bytes.
  explicit TextChunker(int fd, size_t target = size_t{1} << 20);

  // Sets `*window` to the next window and `*offset` to its byte offset in the
  // stream. Returns false at the end of the stream.
  Result<bool> Next(std::string* window, uint64_t* offset);

  uint64_t bytes_read() const { return consumed_ + buffer_.size(); }

 private:
  Status Fill(size_t want);

  int fd_;
  size_t target_;
  std::string buffer_;
  uint64_t consumed_ = 0;  // stream offset of buffer_[0]
  bool eof_ = false;
};

// Where to cut `text` so that the first part is at most `limit` bytes and
// ends after a line break or a space if one exists in its second half, and
// never inside a UTF-8 sequence. Returns text.size() if it fits.
size_t ChooseCut(std::string_view text, size_t limit);

}  // namespace unspin

#endif  // UNSPIN_TEXT_CHUNKER_H_
