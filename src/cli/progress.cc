#include "cli/progress.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace unspin::cli {

namespace {

bool ProgressEnabled() {
  if (const char* env = std::getenv("UNSPIN_PROGRESS"); env != nullptr && *env != '\0') {
    return std::strcmp(env, "0") != 0;
  }
  return ::isatty(STDERR_FILENO) == 1;
}

std::string Duration(double seconds) {
  const long s = static_cast<long>(seconds + 0.5);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%ld:%02ld:%02ld", s / 3600, s / 60 % 60, s % 60);
  return buf;
}

}  // namespace

Progress::Progress(std::string label, uint64_t total, TotalKind kind)
    : label_(std::move(label)),
      total_(total),
      kind_(kind),
      enabled_(ProgressEnabled()),
      start_(std::chrono::steady_clock::now()),
      last_draw_(start_) {}

Progress::~Progress() { Finish(); }

void Progress::Set(uint64_t done, uint64_t total) {
  total_ = total;
  Add(done > records_ ? done - records_ : 0);
}

void Progress::Add(uint64_t records, uint64_t bytes) {
  records_ += records;
  if (bytes > bytes_) bytes_ = bytes;
  if (!enabled_) return;
  const auto now = std::chrono::steady_clock::now();
  if (now - last_draw_ < std::chrono::milliseconds(200)) return;
  last_draw_ = now;
  Draw();
}

void Progress::Draw() {
  const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  char line[256];
  int n = std::snprintf(line, sizeof line, "\r%s: %llu records", label_.c_str(),
                        static_cast<unsigned long long>(records_));
  const uint64_t done = kind_ == kBytes ? bytes_ : records_;
  if (elapsed > 0) {
    n += std::snprintf(line + n, sizeof line - n, ", %.0f records/s", records_ / elapsed);
    if (kind_ == kBytes) n += std::snprintf(line + n, sizeof line - n, ", %.2f MB/s", bytes_ / elapsed / 1e6);
  }
  if (total_ > 0) {
    const double share = std::min(1.0, static_cast<double>(done) / total_);
    n += std::snprintf(line + n, sizeof line - n, ", %.0f %%", 100 * share);
    if (share > 0) {
      n += std::snprintf(line + n, sizeof line - n, ", ETA %s", Duration(elapsed * (1 - share) / share).c_str());
    }
  }
  std::fprintf(stderr, "%s   ", line);
  std::fflush(stderr);
  drawn_ = true;
}

void Progress::Finish() {
  if (!drawn_) return;
  std::fprintf(stderr, "\r\x1b[K");
  std::fflush(stderr);
  drawn_ = false;
}

uint64_t FileBytes(int fd) {
  struct stat st;
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) return 0;
  return static_cast<uint64_t>(st.st_size);
}

}  // namespace unspin::cli
