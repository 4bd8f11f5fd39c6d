// The container every unspin binary file (lexicon, language model, index)
// uses: a fixed header, a section table, and 16-byte-aligned sections.
//
//   offset  size  field
//   0       8     magic (identifies the kind of file)
//   8       4     format version of that kind
//   12      4     section count N
//   16      8     total file size in bytes
//   24      8     XXH3-64 of bytes [0, 24) and [32, file size)
//   32      24*N  section table: {u32 tag, u32 zero, u64 offset, u64 size}
//   ...           section payloads, each starting at a multiple of 16
//
// All integers are little-endian; unspin refuses to build on big-endian
// hosts rather than silently writing foreign files. A reader validates the
// whole file (magic, version, size, checksum, every section's bounds and
// alignment) before handing out any section, so code that uses sections may
// index them freely within their stated sizes.
#ifndef UNSPIN_UTIL_BINARY_FILE_H_
#define UNSPIN_UTIL_BINARY_FILE_H_

#include <bit>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "util/mapped_file.h"
#include "util/status.h"

static_assert(std::endian::native == std::endian::little,
              "unspin's binary formats are little-endian");

namespace unspin {

constexpr uint32_t SectionTag(const char (&s)[5]) {
  return static_cast<uint32_t>(static_cast<unsigned char>(s[0])) |
         static_cast<uint32_t>(static_cast<unsigned char>(s[1])) << 8 |
         static_cast<uint32_t>(static_cast<unsigned char>(s[2])) << 16 |
         static_cast<uint32_t>(static_cast<unsigned char>(s[3])) << 24;
}
std::string SectionTagName(uint32_t tag);

uint64_t Checksum64(const void* data, size_t size);

// Why an offset array that delimits records in a section of `target_size`
// units cannot be used (it must be non-empty, start at 0, never decrease
// and end at `target_size`), or nullptr if it can.
const char* OffsetsFault(std::span<const uint32_t> offsets, size_t target_size);

// Sets the size and checksum fields of the header at the start of `bytes`
// (at least 32 bytes) to match the bytes, as a writer does; lets tests and
// fuzzing reach the checks a reader makes past the checksum.
void SealBinaryFile(std::string* bytes);

class BinaryFileWriter {
 public:
  BinaryFileWriter(std::string_view magic, uint32_t version);

  void AddSection(uint32_t tag, std::string bytes);
  template <typename T>
  void AddArray(uint32_t tag, const std::vector<T>& values) {
    static_assert(std::is_trivially_copyable_v<T>);
    AddSection(tag, std::string(reinterpret_cast<const char*>(values.data()),
                                values.size() * sizeof(T)));
  }

  std::string Serialize() const;
  Status WriteAtomically(const std::string& path) const;

 private:
  std::string magic_;
  uint32_t version_;
  std::vector<std::pair<uint32_t, std::string>> sections_;
};

class BinaryFile {
 public:
  struct Info {
    uint32_t version = 0;
    uint64_t file_size = 0;
    uint64_t checksum = 0;
    std::vector<std::pair<uint32_t, uint64_t>> sections;  // tag, size
  };

  // Maps and validates `path`. `kind` names the file kind in messages
  // ("lexicon"). Errors: kNotFound, kDataLoss (not this kind of file,
  // truncated, checksum mismatch, bad section table), kVersionMismatch.
  static Result<BinaryFile> Open(const std::string& path, std::string_view magic,
                                 uint32_t version, std::string_view kind);
  // The same validation over bytes already in memory (for tests and fuzzing).
  static Status Validate(std::string_view bytes, std::string_view magic,
                         uint32_t version, std::string_view kind, Info* info);

  const Info& info() const { return info_; }
  // See MappedFile::ReleasePages: for readers, once validated.
  void ReleasePages() const { file_.ReleasePages(); }
  const std::string& path() const { return path_; }

  Result<std::string_view> Section(uint32_t tag) const;

  // A section viewed as an array of T; fails unless its size is a multiple
  // of sizeof(T). Alignment is guaranteed by the format (16 bytes).
  template <typename T>
  Result<std::span<const T>> Array(uint32_t tag) const {
    static_assert(alignof(T) <= 16);
    auto bytes = Section(tag);
    if (!bytes.ok()) return bytes.status();
    if (bytes->size() % sizeof(T) != 0) {
      return DataLossError(path_ + ": section " + SectionTagName(tag) +
                           " has a size that is not a multiple of " +
                           std::to_string(sizeof(T)));
    }
    return std::span<const T>(reinterpret_cast<const T*>(bytes->data()),
                              bytes->size() / sizeof(T));
  }

 private:
  MappedFile file_;
  std::string path_;
  Info info_;
  std::vector<std::pair<uint32_t, std::string_view>> sections_;
};

}  // namespace unspin

#endif  // UNSPIN_UTIL_BINARY_FILE_H_
