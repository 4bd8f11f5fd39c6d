// A read-only memory mapping of a whole file. Move-only; unmapped on
// destruction. Model and index files are used straight from the mapping, so
// loading costs page-table set-up, not parsing.
#ifndef UNSPIN_UTIL_MAPPED_FILE_H_
#define UNSPIN_UTIL_MAPPED_FILE_H_

#include <cstddef>
#include <string>
#include <string_view>

#include "util/status.h"

namespace unspin {

class MappedFile {
 public:
  MappedFile() = default;
  ~MappedFile();
  MappedFile(MappedFile&& other) noexcept;
  MappedFile& operator=(MappedFile&& other) noexcept;
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;

  // Maps `path`. An empty file maps to a valid object with size() == 0.
  static Result<MappedFile> Open(const std::string& path);

  const unsigned char* data() const { return data_; }
  // Drops this process's pages of the mapping (they stay in the page cache
  // and come back on the next read): after validation has read every byte,
  // resident memory is then what decoding touches, not the whole file.
  void ReleasePages() const;
  size_t size() const { return size_; }
  std::string_view view() const {
    return {reinterpret_cast<const char*>(data_), size_};
  }

 private:
  const unsigned char* data_ = nullptr;
  size_t size_ = 0;
  bool mapped_ = false;
};

}  // namespace unspin

#endif  // UNSPIN_UTIL_MAPPED_FILE_H_
