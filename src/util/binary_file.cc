#include "util/binary_file.h"

#include <xxhash.h>

#include <cstring>

#include "util/file_io.h"

namespace unspin {

namespace {
constexpr size_t kHeaderSize = 32;
constexpr size_t kSectionEntrySize = 24;  // u32 tag, u32 zero, u64 offset, u64 size
constexpr size_t kAlignment = 16;

template <typename T>
T Load(const char* p) {
  T v;
  std::memcpy(&v, p, sizeof v);
  return v;
}
template <typename T>
void Store(std::string* out, size_t at, T v) {
  std::memcpy(out->data() + at, &v, sizeof v);
}

std::string Printable(std::string_view bytes) {
  std::string out;
  for (unsigned char c : bytes) {
    if (c >= 0x20 && c < 0x7f) {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('\\');
      out.push_back('x');
      out.push_back("0123456789abcdef"[c >> 4]);
      out.push_back("0123456789abcdef"[c & 15]);
    }
  }
  return out;
}
// The checksum covers every byte but its own field: the header's magic,
// version, count and size as well as everything after the header.
uint64_t FileChecksum(std::string_view bytes) {
  XXH3_state_t* state = XXH3_createState();
  XXH3_64bits_reset(state);
  XXH3_64bits_update(state, bytes.data(), 24);
  XXH3_64bits_update(state, bytes.data() + kHeaderSize, bytes.size() - kHeaderSize);
  uint64_t h = XXH3_64bits_digest(state);
  XXH3_freeState(state);
  return h;
}

}  // namespace

const char* OffsetsFault(std::span<const uint32_t> offsets, size_t target_size) {
  if (offsets.empty() || offsets.front() != 0 || offsets.back() != target_size) return "does not span its data";
  for (size_t i = 0; i + 1 < offsets.size(); ++i) {
    if (offsets[i] > offsets[i + 1]) return "is not sorted";
  }
  return nullptr;
}

std::string SectionTagName(uint32_t tag) {
  std::string s(4, ' ');
  for (int i = 0; i < 4; ++i) s[i] = static_cast<char>((tag >> (8 * i)) & 0xff);
  return "'" + Printable(s) + "'";
}

uint64_t Checksum64(const void* data, size_t size) { return XXH3_64bits(data, size); }

void SealBinaryFile(std::string* bytes) {
  Store<uint64_t>(bytes, 16, bytes->size());
  Store<uint64_t>(bytes, 24, FileChecksum(*bytes));
}

BinaryFileWriter::BinaryFileWriter(std::string_view magic, uint32_t version)
    : magic_(magic), version_(version) {
  magic_.resize(8, '\0');
}

void BinaryFileWriter::AddSection(uint32_t tag, std::string bytes) {
  sections_.emplace_back(tag, std::move(bytes));
}

std::string BinaryFileWriter::Serialize() const {
  size_t table_end = kHeaderSize + kSectionEntrySize * sections_.size();
  size_t offset = (table_end + kAlignment - 1) / kAlignment * kAlignment;
  std::vector<uint64_t> offsets;
  for (const auto& [tag, bytes] : sections_) {
    offsets.push_back(offset);
    offset += (bytes.size() + kAlignment - 1) / kAlignment * kAlignment;
  }
  std::string out(offset, '\0');
  std::memcpy(out.data(), magic_.data(), 8);
  Store<uint32_t>(&out, 8, version_);
  Store<uint32_t>(&out, 12, static_cast<uint32_t>(sections_.size()));
  for (size_t i = 0; i < sections_.size(); ++i) {
    size_t at = kHeaderSize + kSectionEntrySize * i;
    Store<uint32_t>(&out, at, sections_[i].first);
    Store<uint32_t>(&out, at + 4, 0);
    Store<uint64_t>(&out, at + 8, offsets[i]);
    Store<uint64_t>(&out, at + 16, static_cast<uint64_t>(sections_[i].second.size()));
    std::memcpy(out.data() + offsets[i], sections_[i].second.data(), sections_[i].second.size());
  }
  SealBinaryFile(&out);
  return out;
}

Status BinaryFileWriter::WriteAtomically(const std::string& path) const {
  return WriteFileAtomically(path, Serialize());
}

Status BinaryFile::Validate(std::string_view bytes, std::string_view magic,
                            uint32_t version, std::string_view kind, Info* info) {
  std::string k(kind);
  std::string want_magic(magic);
  want_magic.resize(8, '\0');
  if (bytes.size() < kHeaderSize) {
    return DataLossError("not an unspin " + k + " file: " + std::to_string(bytes.size()) +
                         " bytes is shorter than the 32-byte header (truncated or empty)");
  }
  if (std::memcmp(bytes.data(), want_magic.data(), 8) != 0) {
    return DataLossError("not an unspin " + k + " file: magic is \"" +
                         Printable(bytes.substr(0, 8)) + "\", expected \"" +
                         Printable(want_magic) + "\"");
  }
  uint32_t file_version = Load<uint32_t>(bytes.data() + 8);
  if (file_version != version) {
    return VersionMismatchError(k + " file has format version " + std::to_string(file_version) +
                                ", this build of unspin reads version " + std::to_string(version) +
                                "; rebuild it with this version (unspin model build)");
  }
  uint32_t count = Load<uint32_t>(bytes.data() + 12);
  uint64_t size = Load<uint64_t>(bytes.data() + 16);
  if (size != bytes.size()) {
    return DataLossError(k + " file is truncated or padded: header says " + std::to_string(size) +
                         " bytes, file has " + std::to_string(bytes.size()));
  }
  uint64_t stored = Load<uint64_t>(bytes.data() + 24);
  uint64_t actual = FileChecksum(bytes);
  if (stored != actual) {
    return DataLossError(k + " file is corrupt: checksum mismatch");
  }
  // Past the checksum the bytes are as written, but the table is still
  // checked so that a buggy writer cannot make a reader index out of bounds.
  if (count > (bytes.size() - kHeaderSize) / kSectionEntrySize) {
    return DataLossError(k + " file has an impossible section count " + std::to_string(count));
  }
  Info result;
  result.version = file_version;
  result.file_size = size;
  result.checksum = stored;
  uint64_t table_end = kHeaderSize + kSectionEntrySize * uint64_t{count};
  for (uint32_t i = 0; i < count; ++i) {
    const char* e = bytes.data() + kHeaderSize + kSectionEntrySize * i;
    uint32_t tag = Load<uint32_t>(e);
    uint64_t off = Load<uint64_t>(e + 8);
    uint64_t len = Load<uint64_t>(e + 16);
    if (off % kAlignment != 0 || off < table_end || off > bytes.size() ||
        len > bytes.size() - off) {
      return DataLossError(k + " file section " + SectionTagName(tag) + " lies outside the file");
    }
    result.sections.emplace_back(tag, len);
  }
  if (info) *info = std::move(result);
  return OkStatus();
}

Result<BinaryFile> BinaryFile::Open(const std::string& path, std::string_view magic,
                                    uint32_t version, std::string_view kind) {
  auto mapped = MappedFile::Open(path);
  if (!mapped.ok()) return mapped.status();
  BinaryFile file;
  file.path_ = path;
  file.file_ = std::move(mapped).value();
  Status s = Validate(file.file_.view(), magic, version, kind, &file.info_);
  if (!s.ok()) return s.WithContext(path);
  const char* base = reinterpret_cast<const char*>(file.file_.data());
  for (uint32_t i = 0; i < file.info_.sections.size(); ++i) {
    const char* e = base + kHeaderSize + kSectionEntrySize * i;
    uint64_t off = Load<uint64_t>(e + 8);
    uint64_t len = Load<uint64_t>(e + 16);
    file.sections_.emplace_back(Load<uint32_t>(e), std::string_view(base + off, len));
  }
  return file;
}

Result<std::string_view> BinaryFile::Section(uint32_t tag) const {
  for (const auto& [t, bytes] : sections_) {
    if (t == tag) return bytes;
  }
  return DataLossError(path_ + ": missing section " + SectionTagName(tag));
}

}  // namespace unspin
