#include "text/chunker.h"

#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace unspin {

size_t ChooseCut(std::string_view text, size_t limit) {
  if (text.size() <= limit) return text.size();
  size_t floor = limit / 2;
  for (size_t i = limit; i > floor; --i) {
    if (text[i - 1] == '\n') return i;
  }
  for (size_t i = limit; i > floor; --i) {
    if (text[i - 1] == ' ' || text[i - 1] == '\t') return i;
  }
  // No white space: cut before a UTF-8 lead byte.
  size_t i = limit;
  while (i > 1 && (static_cast<unsigned char>(text[i]) & 0xC0) == 0x80) --i;
  return i;
}

TextChunker::TextChunker(int fd, size_t target) : fd_(fd), target_(target < 16 ? 16 : target) {}

Status TextChunker::Fill(size_t want) {
  char buf[1 << 16];
  while (!eof_ && buffer_.size() < want) {
    ssize_t n = ::read(fd_, buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR) continue;
      return IoError(std::string("reading input: ") + std::strerror(errno));
    }
    if (n == 0) {
      eof_ = true;
      break;
    }
    buffer_.append(buf, static_cast<size_t>(n));
  }
  return OkStatus();
}

Result<bool> TextChunker::Next(std::string* window, uint64_t* offset) {
  RETURN_IF_ERROR(Fill(2 * target_));
  if (buffer_.empty()) return false;
  size_t cut = eof_ && buffer_.size() <= 2 * target_ ? buffer_.size()
                                                      : ChooseCut(buffer_, target_);
  *offset = consumed_;
  window->assign(buffer_, 0, cut);
  buffer_.erase(0, cut);
  consumed_ += cut;
  return true;
}

}  // namespace unspin
