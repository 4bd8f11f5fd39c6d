#include "io/line_reader.h"

#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace unspin {

LineReader::LineReader(int fd, uint64_t max_line_bytes) : fd_(fd), max_bytes_(max_line_bytes) {}

Status LineReader::Fill() {
  if (pos_ > 0) {
    buffer_.erase(0, pos_);
    pos_ = 0;
  }
  char buf[1 << 16];
  for (;;) {
    ssize_t n = ::read(fd_, buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR) continue;
      return IoError(std::string("reading input: ") + std::strerror(errno));
    }
    if (n == 0) eof_ = true;
    else buffer_.append(buf, static_cast<size_t>(n));
    return OkStatus();
  }
}

Result<bool> LineReader::Next(Line* line) {
  line_.clear();
  *line = Line();
  for (;;) {
    const size_t nl = buffer_.find('\n', pos_);
    const size_t end = nl == std::string::npos ? buffer_.size() : nl;
    const size_t chunk = end - pos_;
    line->length += chunk;
    if (line->length > max_bytes_) {
      line->too_long = true;
      line_.clear();  // keep streaming past it without holding it
    } else {
      line_.append(buffer_, pos_, chunk);
    }
    pos_ = end;
    consumed_ += chunk;
    bool done = false;
    if (nl != std::string::npos) {
      ++pos_;
      ++consumed_;
      done = true;
    } else if (!eof_) {
      RETURN_IF_ERROR(Fill());
    }
    if (!done && eof_ && pos_ >= buffer_.size()) {
      if (line->length == 0) return false;
      done = true;
    }
    if (done) {
      line->number = ++line_no_;
      if (!line_.empty() && line_.back() == '\r') line_.pop_back();
      line->text = line_;
      return true;
    }
  }
}

}  // namespace unspin
