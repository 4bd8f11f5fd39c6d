// What the fuzz targets share: a check that stops the run with a message
// (libFuzzer then saves the input) whatever the build type, input bytes as
// a file, and the default model.
#ifndef UNSPIN_FUZZ_FUZZ_UTIL_H_
#define UNSPIN_FUZZ_FUZZ_UTIL_H_

#include <sys/mman.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>

#include "decoder/decoder.h"

#define FUZZ_CHECK(condition)                                                           \
  do {                                                                                  \
    if (!(condition)) {                                                                 \
      std::fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #condition); \
      std::abort();                                                                     \
    }                                                                                   \
  } while (0)

namespace unspin::fuzz {

// Bytes as a file in memory (memfd), named by path() for loaders that
// take one; removed on destruction.
class MemoryFile {
 public:
  explicit MemoryFile(std::string_view bytes) : fd_(memfd_create("unspin_fuzz", 0)) {
    FUZZ_CHECK(fd_ >= 0);
    FUZZ_CHECK(write(fd_, bytes.data(), bytes.size()) == static_cast<ssize_t>(bytes.size()));
    FUZZ_CHECK(lseek(fd_, 0, SEEK_SET) == 0);
  }
  ~MemoryFile() { close(fd_); }
  MemoryFile(const MemoryFile&) = delete;
  MemoryFile& operator=(const MemoryFile&) = delete;

  int fd() const { return fd_; }
  std::string path() const { return "/proc/self/fd/" + std::to_string(fd_); }

 private:
  int fd_;
};

// The model in $UNSPIN_MODEL, else the one the build made; opened once.
inline const Model& DefaultModel() {
  static std::unique_ptr<Model> model = [] {
    const char* dir = std::getenv("UNSPIN_MODEL");
    auto m = Model::Open(dir != nullptr && *dir != '\0' ? dir : UNSPIN_DEFAULT_MODEL);
    if (!m.ok()) {
      std::fprintf(stderr, "fuzz: %s\n", m.status().message().c_str());
      std::abort();
    }
    return std::move(*m);
  }();
  return *model;
}

}  // namespace unspin::fuzz

#endif  // UNSPIN_FUZZ_FUZZ_UTIL_H_
